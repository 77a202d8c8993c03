"""The demo's pair: two applications awaiting formal review, the second copying from
the first, found by the check with the copied passage; staff see it on the review page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xinban.accounts.models import User
from xinban.applications.models import ApplicationState
from xinban.integrity.demo import COPIED_FROM, _edited
from xinban.integrity.models import CheckStatus, SimilarityCheck


@pytest.mark.django_db
def test_demo_pair_is_found_and_shown_on_the_formal_review() -> None:
    call_command("seed_demo", organisations=40, stdout=io.StringIO())
    checks = SimilarityCheck.objects.filter(
        application__state=ApplicationState.RECOMMENDED
    ).select_related("application")
    assert checks and all(c.status == CheckStatus.DONE for c in checks)
    copying = [c for c in checks if _edited(COPIED_FROM) in c.application.material_improvement]
    assert len(copying) == 1
    found = copying[0].matches
    [match] = [
        m for m in found if any(COPIED_FROM[40:60] in p["source_text"] for p in m["passages"])
    ]
    assert match["share"] > 0
    client = Client()
    client.force_login(User.objects.get(email="staff@demo.saq"))
    staff_check = copying[0]
    html = client.get(
        reverse("evaluation:formal_review", args=[staff_check.application_id])
    ).content.decode()
    assert "data-similarity" in html and "data-overall" in html


@pytest.mark.django_db
def test_demo_stamped_scans_are_real_and_verify() -> None:
    """A few demo applications carry a real scan of their 申报表 (read back: 已核验); the
    other demo scans, samples without a code, are 未能核验 as reading them gives."""
    from xinban.applications.models import Application
    from xinban.core.stamp import ScanCheck, matches, read_stamps
    from xinban.integrity.demo import REAL_SCANS

    call_command("seed_demo", organisations=40, stdout=io.StringIO())
    stamped = Application.objects.exclude(stamped_form="")
    verified = list(stamped.filter(stamped_check=ScanCheck.VERIFIED))
    assert len(verified) == REAL_SCANS
    app = verified[0]
    with app.stamped_form.open("rb") as handle:
        [stamp] = read_stamps(handle.read())
    assert stamp.number == app.number and stamp.version == app.stamped_version
    assert matches(stamp, app.stamped_content)
    assert not stamped.filter(stamped_check="").exists()
    client = Client()
    client.force_login(User.objects.get(email="staff@demo.saq"))
    html = client.get(reverse("evaluation:formal_review", args=[app.pk])).content.decode()
    assert 'data-stamped-check="verified"' in html
