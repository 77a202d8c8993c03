"""Uploads in S3-compatible object storage (docs/deploy.md §7, deploy/settings_s3.py).

The default storage is django-storages' S3 backend talking real HTTP to an S3 server
on loopback (moto's, the only S3 implementation installable here; production uses MinIO,
OSS, COS or AWS). What the guide promises is checked end to end: an applicant's upload
lands in the bucket and nowhere on disk, the permission-checked view streams it back (an
outsider gets 404), a 2 GB-capable resumable upload finishes into the bucket, backup
reads the bucket and restore writes it back with the same bytes, the orphan sweep lists
and deletes objects, and the shipped settings module configures the backend from the
environment."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from tests.ops.test_backup import (  # noqa: F401  (fixtures: a flush-safe database)
    leave_taxonomies_behind,
    reseed_taxonomies,
    taxonomies,
)
from tests.uploads_resumable.conftest import any_target_may_upload_videos, chunks, mp4_bytes

BASE_DIR = Path(__file__).resolve().parents[2]
BUCKET = "xinban-files"
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing-secret"}
REGION = "cn-north-1"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    s3_client(url).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    try:
        yield url
    finally:
        server.stop()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
    )


def bucket_objects(endpoint: str) -> dict[str, bytes]:
    client = s3_client(endpoint)
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def empty_bucket(endpoint: str) -> None:
    client = s3_client(endpoint)
    for key in bucket_objects(endpoint):
        client.delete_object(Bucket=BUCKET, Key=key)


@pytest.fixture
def on_s3(endpoint: str, settings: Any) -> Iterator[str]:
    """The default storage is the S3 backend, configured as deploy/settings_s3.py does,
    against an empty private bucket."""
    empty_bucket(endpoint)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = endpoint
    settings.AWS_S3_REGION_NAME = REGION
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_ACCESS_KEY_ID = KEYS["AWS_ACCESS_KEY_ID"]
    settings.AWS_SECRET_ACCESS_KEY = KEYS["AWS_SECRET_ACCESS_KEY"]
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_S3_FILE_OVERWRITE = False
    yield endpoint
    empty_bucket(endpoint)


def media_on_disk(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted_on_s3(on_s3: str, request: pytest.FixtureRequest) -> Any:
    # Created only once the default storage is S3, so its stamped form goes to the bucket.
    return request.getfixturevalue("submitted_a")


def test_the_storage_in_use_is_the_s3_backend(on_s3: str) -> None:
    from storages.backends.s3 import S3Storage

    assert isinstance(default_storage, S3Storage)
    name = default_storage.save("probe/hello.txt", ContentFile(b"hello"))
    assert bucket_objects(on_s3) == {name: b"hello"}


def test_an_upload_goes_to_the_bucket_and_comes_back_through_the_permission_check(
    submitted_on_s3: Any, applicant_a: Any, applicant_b: Any, settings: Any
) -> None:
    application = submitted_on_s3
    stored = bucket_objects(settings.AWS_S3_ENDPOINT_URL)
    name = application.stamped_form.name
    assert name in stored
    assert stored[name].startswith(b"%PDF")
    assert media_on_disk(settings) == []  # nothing of the applicant's on the server's disk

    url = reverse("applications:stamped_download", args=[application.pk])
    response = client_for(applicant_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored[name]
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "amazonaws" not in response.get("Location", "")  # streamed, never redirected
    assert client_for(applicant_b).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_a_resumable_video_upload_finishes_into_the_bucket(on_s3: str, settings: Any) -> None:
    from tests.conftest import make_user
    from xinban.uploads_resumable.models import UploadStatus
    from xinban.uploads_resumable.services import (
        part_path,
        upload_session_append,
        upload_session_start,
    )

    settings.XINBAN_UPLOAD_CHUNK_BYTES = 64 * 1024
    user = make_user("uploader@example.com", "典型经验候选人")
    data = mp4_bytes(300 * 1024)
    with any_target_may_upload_videos():
        session = upload_session_start(
            actor=user,
            purpose="presentation_video",
            target="application:1",
            filename="汇报视频.mp4",
            size=len(data),
        )
        for offset, chunk in chunks(data, size=64 * 1024):
            session = upload_session_append(
                actor=user,
                session_id=session.pk,
                offset=offset,
                stream=io.BytesIO(chunk),
                length=len(chunk),
            )
    assert session.status == UploadStatus.COMPLETE
    assert session.sha256 == hashlib.sha256(data).hexdigest()
    assert bucket_objects(on_s3)[session.file.name] == data
    assert not part_path(session).exists()  # the local part file is gone


def test_backup_reads_the_bucket_and_restore_writes_it_back(
    submitted_on_s3: Any, tmp_path: Path, settings: Any
) -> None:
    endpoint = settings.AWS_S3_ENDPOINT_URL
    extra = default_storage.save("lessons/课件.pdf", ContentFile(b"%PDF-1.4 lesson"))
    before = bucket_objects(endpoint)
    assert extra in before and submitted_on_s3.stamped_form.name in before
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())

    call_command("flush", interactive=False, verbosity=0)
    empty_bucket(endpoint)
    assert bucket_objects(endpoint) == {}
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    reseed_taxonomies()

    assert bucket_objects(endpoint) == before  # every object, byte for byte
    from xinban.applications.models import Application

    restored = Application.objects.get(pk=submitted_on_s3.pk)
    with restored.stamped_form.open("rb") as handle:
        assert handle.read() == before[restored.stamped_form.name]


def test_the_orphan_sweep_lists_and_deletes_objects(submitted_on_s3: Any, settings: Any) -> None:
    from datetime import timedelta

    from xinban.core.storage_sweep import purge_unreferenced_files

    endpoint = settings.AWS_S3_ENDPOINT_URL
    orphan = default_storage.save("applications/orphan.pdf", ContentFile(b"left by a kill"))
    # Everything is newer than an hour: a zero grace period makes the orphan due.
    assert purge_unreferenced_files(older_than=timedelta(0), dry_run=True) == [orphan]
    assert orphan in bucket_objects(endpoint)
    assert purge_unreferenced_files(older_than=timedelta(0)) == [orphan]
    remaining = bucket_objects(endpoint)
    assert orphan not in remaining
    assert submitted_on_s3.stamped_form.name in remaining  # referenced: kept


def test_the_shipped_settings_module_configures_the_backend_from_the_environment(
    on_s3: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        **KEYS,
        "DJANGO_SETTINGS_MODULE": "deploy.settings_s3",
        "FILE_STORAGE": "storages.backends.s3.S3Storage",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": on_s3,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_LOCATION": "site-a",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    script = (
        "import django; django.setup()\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage as s\n"
        "name = s.save('probe/x.txt', ContentFile(b'from the settings module'))\n"
        "print(type(s._wrapped).__name__, s.default_acl, s.file_overwrite, name)\n"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    backend, acl, overwrite, name = result.stdout.split()
    assert (backend, acl, overwrite) == ("S3Storage", "None", "False")
    assert bucket_objects(on_s3) == {f"site-a/{name}": b"from the settings module"}
