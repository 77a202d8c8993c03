"""A database that goes away for a moment gives a clean error page; the next request works."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DataError, OperationalError, connection
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_database_error_gives_a_clean_503_then_recovers(applicant_a: Any, monkeypatch: Any) -> None:
    from xinban.applications import views

    client = Client()
    client.force_login(applicant_a)
    original = views.organisation_of_user
    calls = {"n": 0}

    def flaky(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return original(**kwargs)

    monkeypatch.setattr(views, "organisation_of_user", flaky)
    response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 503
    body = response.content.decode()
    assert "系统暂时不可用" in body and "Traceback" not in body and "OperationalError" not in body
    assert client.get(reverse("applications:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_value_the_database_refuses_gives_a_clean_400(applicant_a: Any, monkeypatch: Any) -> None:
    from xinban.applications import views

    def refused(**kwargs: Any) -> Any:
        raise DataError("time zone displacement out of range")

    client = Client()
    client.force_login(applicant_a)
    monkeypatch.setattr(views, "organisation_of_user", refused)
    response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "没有保存任何内容" in body and "DataError" not in body and "Traceback" not in body


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgres_connection_killed_between_requests(applicant_a: Any) -> None:
    """A real outage: the server terminates our backend. The request that meets the dead
    connection gets the 503 page; the next one reconnects."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    import psycopg

    client = Client()
    client.force_login(applicant_a)
    assert client.get(reverse("applications:dashboard")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])
    response = client.get(reverse("applications:dashboard"))
    assert response.status_code == 503
    assert "Traceback" not in response.content.decode()
    assert client.get(reverse("applications:dashboard")).status_code == 200


@pytest.mark.django_db
def test_x_real_ip_is_believed_only_from_a_trusted_proxy(settings: Any) -> None:
    from django.test import RequestFactory

    from xinban.core.middleware import client_ip_of

    settings.XINBAN_TRUSTED_PROXIES = ["127.0.0.1"]
    via_proxy = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip_of(via_proxy) == "203.0.113.9"
    forged = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip_of(forged) == "198.51.100.7"
