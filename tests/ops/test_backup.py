"""``manage.py backup`` / ``manage.py restore``: one archive reproduces the instance.

Backup, flush the database and empty the storage, restore, and compare every row (all
fields, natural foreign keys) and every stored file with what was there before. A damaged,
tampered or unsafe archive is refused with nothing restored; so is a non-empty database.
Runs on SQLite and, with scripts/with-postgres.sh, on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from xinban.applications.models import Application
from xinban.campaigns.models import TaxonomyTerm
from xinban.core.models import AuditEntry
from xinban.ops.backup import dump_models, through_models, verify_archive

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parents[2]


def reseed_taxonomies() -> None:
    """What a fresh `migrate` leaves in the database: the taxonomy lists."""
    migration = importlib.import_module("xinban.campaigns.migrations.0003_seed_taxonomies")
    migration.seed(apps, None)


@pytest.fixture(autouse=True)
def taxonomies(transactional_db: Any) -> None:
    # A transactional test may start from a database flushed by the previous one.
    reseed_taxonomies()


@pytest.fixture(scope="module", autouse=True)
def leave_taxonomies_behind(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """After the module's last flush, leave the database as `migrate` does, for the
    transactional tests of other modules that expect the seeded lists."""
    yield
    with django_db_blocker.unblock():
        reseed_taxonomies()


@pytest.fixture
def instance(submitted_a: Any, staff: Any) -> Any:
    """An application with a stamped PDF and audit rows, plus a group with permissions
    (natural keys) and a staff TOTP device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    group = Group.objects.create(name="评审组")
    group.permissions.set(Permission.objects.filter(codename__startswith="view_")[:3])
    staff.groups.add(group)
    staff.user_permissions.add(Permission.objects.get(codename="change_application"))
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    assert submitted_a.stamped_form
    assert AuditEntry.objects.filter(object_id=str(submitted_a.pk)).exists()
    return submitted_a


def all_rows() -> dict[str, list[dict[str, Any]]]:
    """Every restorable row, all fields, foreign keys to content types/permissions as
    natural keys (their ids may differ after a flush)."""
    return {
        model._meta.label_lower: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in dump_models()
    }


def row_counts() -> dict[str, int]:
    dumped = dump_models()
    return {
        m._meta.label_lower: m._base_manager.count() for m in [*dumped, *through_models(dumped)]
    }


def media_files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def wipe_instance() -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def backup(tmp_path: Path, name: str = "backup.tar.gz") -> Path:
    archive = tmp_path / name
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "backup written" in out.getvalue()
    return archive


def rewrite_archive(source: Path, target: Path, change: Any) -> None:
    """Copy the archive member by member; `change(info, data)` returns (info, data) or
    None to drop the member."""
    with tarfile.open(source, "r:gz") as tar_in, tarfile.open(target, "w:gz") as tar_out:
        for member in tar_in:
            stream = tar_in.extractfile(member)
            data = stream.read() if stream else b""
            changed = change(member, data)
            if changed is None:
                continue
            info, data = changed
            info.size = len(data)
            tar_out.addfile(info, io.BytesIO(data))


def assert_nothing_restored() -> None:
    # The taxonomy lists are what a fresh migrate seeds (reseed_taxonomies).
    seeded = {m._meta.label_lower for m in dump_models() if issubclass(m, TaxonomyTerm)}
    assert {k: v for k, v in row_counts().items() if v and k not in seeded} == {}
    assert media_files() == {}


@pytest.mark.parametrize("fresh_migrate", [True, False], ids=["seeded", "flushed"])
def test_backup_then_restore_reproduces_everything(
    instance: Any, tmp_path: Path, fresh_migrate: bool
) -> None:
    rows_before = all_rows()
    counts_before = row_counts()
    files_before = media_files()
    audit_before = list(
        AuditEntry.objects.filter(object_id=str(instance.pk)).order_by("pk").values()
    )
    application_before = Application.objects.filter(pk=instance.pk).values().get()
    stamped_name = instance.stamped_form.name
    assert stamped_name in files_before

    archive = backup(tmp_path)

    # The manifest: counts per model, migration state, and checksums that verify.
    manifest = verify_archive(archive)
    assert manifest["counts"] == counts_before
    assert manifest["migrations"]["applications"] and manifest["migrations"]["core"]
    assert manifest["missing_files"] == []
    assert {e["name"]: e["sha256"] for e in manifest["media"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in files_before.items()
    }
    assert oct(archive.stat().st_mode & 0o777) == oct(0o600)

    wipe_instance()
    assert media_files() == {}
    assert not Application.objects.exists()
    if fresh_migrate:
        reseed_taxonomies()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "counts and checksums verified" in out.getvalue()

    assert row_counts() == counts_before
    assert all_rows() == rows_before
    assert Application.objects.filter(pk=instance.pk).values().get() == application_before
    assert (
        list(AuditEntry.objects.filter(object_id=str(instance.pk)).order_by("pk").values())
        == audit_before
    )
    files_after = media_files()
    assert files_after == files_before
    restored = Application.objects.get(pk=instance.pk)
    with restored.stamped_form.open("rb") as stream:
        assert (
            hashlib.sha256(stream.read()).hexdigest()
            == hashlib.sha256(files_before[stamped_name]).hexdigest()
        )

    # The restored instance keeps working: new rows get fresh ids (sequences reset on
    # PostgreSQL) and the audit log is still append-only.
    group = Group.objects.create(name="新组")
    assert group.pk > max(row["pk"] for row in rows_before["auth.group"])
    entry = AuditEntry.objects.order_by("pk").first()
    assert entry is not None
    with pytest.raises(PermissionError):
        entry.save()


@pytest.mark.parametrize("member", ["media", "database.jsonl"])
def test_tampered_archive_is_refused_and_nothing_is_restored(
    instance: Any, tmp_path: Path, member: str
) -> None:
    archive = backup(tmp_path)
    tampered = tmp_path / "tampered.tar.gz"

    def flip_one_byte(info: tarfile.TarInfo, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
        if info.name.startswith(member) and data:
            middle = len(data) // 2
            data = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
        return info, data

    rewrite_archive(archive, tampered, flip_one_byte)
    wipe_instance()
    with pytest.raises(CommandError, match="checksum mismatch"):
        call_command("restore", str(tampered))
    assert_nothing_restored()


def test_damaged_gzip_is_refused(instance: Any, tmp_path: Path) -> None:
    archive = backup(tmp_path)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    wipe_instance()
    with pytest.raises(CommandError, match="archive refused|not a readable"):
        call_command("restore", str(damaged))
    assert_nothing_restored()


@pytest.mark.parametrize(
    "kind", ["dotdot", "absolute", "symlink", "hardlink", "device", "unlisted", "missing"]
)
def test_unsafe_or_incomplete_archive_is_refused(instance: Any, tmp_path: Path, kind: str) -> None:
    archive = backup(tmp_path)
    bad = tmp_path / f"{kind}.tar.gz"
    done: list[str] = []

    def change(info: tarfile.TarInfo, data: bytes) -> Any:
        if not info.name.startswith("media/") or done:
            return info, data
        done.append(info.name)
        if kind == "dotdot":
            info.name = "media/../../evil.pdf"
        elif kind == "absolute":
            info.name = "/tmp/evil.pdf"  # noqa: S108
        elif kind == "symlink":
            info.type, info.linkname, data = tarfile.SYMTYPE, "/etc/passwd", b""
        elif kind == "hardlink":
            info.type, info.linkname, data = tarfile.LNKTYPE, "database.jsonl", b""
        elif kind == "device":
            info.type, data = tarfile.CHRTYPE, b""
        elif kind == "missing":
            return None
        elif kind == "unlisted":
            info.name = info.name + ".copy"  # same bytes, a name the manifest does not list
        return info, data

    rewrite_archive(archive, bad, change)
    assert done
    wipe_instance()
    with pytest.raises(CommandError, match="archive refused"):
        call_command("restore", str(bad))
    assert_nothing_restored()
    assert not (tmp_path / "evil.pdf").exists()


def test_restore_into_a_non_empty_database_is_refused(instance: Any, tmp_path: Path) -> None:
    archive = backup(tmp_path)
    rows_before = all_rows()
    files_before = media_files()
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(archive))
    assert all_rows() == rows_before
    assert media_files() == files_before


def test_restore_refuses_to_overwrite_stored_files(instance: Any, tmp_path: Path) -> None:
    archive = backup(tmp_path)
    files_before = media_files()
    call_command("flush", interactive=False, verbosity=0)  # files stay
    with pytest.raises(CommandError, match="already exist in the storage"):
        call_command("restore", str(archive))
    assert media_files() == files_before
    assert not Application.objects.exists()


def test_backup_refuses_to_overwrite_an_archive(instance: Any, tmp_path: Path) -> None:
    archive = backup(tmp_path)
    before = archive.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=str(archive))
    assert archive.read_bytes() == before


def test_archive_layout_and_portable_dump(instance: Any, tmp_path: Path) -> None:
    archive = backup(tmp_path)
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        dump = tar.extractfile("database.jsonl").read().decode()  # type: ignore[union-attr]
    assert names[0] == "database.jsonl" and names[-1] == "manifest.json"
    assert all(n.startswith("media/") for n in names[1:-1])
    models_in_dump = {json.loads(line)["model"] for line in dump.splitlines()}
    assert not models_in_dump & {"contenttypes.contenttype", "auth.permission", "sessions.session"}
    group = next(json.loads(x) for x in dump.splitlines() if '"auth.group"' in x)
    assert all(isinstance(p, list) for p in group["fields"]["permissions"])  # natural keys


def test_restore_into_a_new_sqlite_instance_migrates_first(instance: Any, tmp_path: Path) -> None:
    """The command as an operator runs it: a new, unmigrated SQLite database and an empty
    media directory (the archive may come from PostgreSQL: the dump is portable)."""
    archive = backup(tmp_path)
    files_before = media_files()
    target = tmp_path / "new"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{target / 'db.sqlite3'}",
        "MEDIA_ROOT": str(target / "media"),
        "XINBAN_VAR_DIR": str(target / "var"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "migrating the database" in result.stdout
    assert "counts and checksums verified" in result.stdout
    restored = {
        p.relative_to(target / "media").as_posix(): p.read_bytes()
        for p in (target / "media").rglob("*")
        if p.is_file()
    }
    assert restored == files_before


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second PostgreSQL session")
def test_backup_reads_one_snapshot_while_the_site_writes(
    instance: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row committed by another session while the backup runs is in neither the dump
    nor the counts: rows and counts come from one REPEATABLE READ READ ONLY snapshot."""
    # The backup's own module, where create_backup looks the state up.
    from xinban.ops.backup import create as backup_module

    before = AuditEntry.objects.count()
    seen: dict[str, str] = {}
    real_state = backup_module.applied_migration_state

    def state_then_concurrent_write(conn: Any) -> dict[str, str]:
        with conn.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen["isolation"] = cursor.fetchone()[0]
            cursor.execute("SHOW transaction_read_only")
            seen["read_only"] = cursor.fetchone()[0]

        def write() -> None:
            try:
                AuditEntry.objects.create(
                    action="during.backup", object_type="x", object_id="1", object_repr="x"
                )
            finally:
                connections.close_all()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        return real_state(conn)

    monkeypatch.setattr(backup_module, "applied_migration_state", state_then_concurrent_write)
    archive = backup(tmp_path)

    assert seen == {"isolation": "repeatable read", "read_only": "on"}
    assert AuditEntry.objects.count() == before + 1  # committed meanwhile
    manifest = verify_archive(archive)
    assert manifest["counts"]["core.auditentry"] == before
    with tarfile.open(archive, "r:gz") as tar:
        dump = tar.extractfile("database.jsonl").read().decode()  # type: ignore[union-attr]
    assert "during.backup" not in dump


def test_backup_snapshot_on_sqlite_leaves_the_connection_as_it_was(instance: Any) -> None:
    from xinban.ops.backup import _read_snapshot

    mode = getattr(connection, "transaction_mode", None)
    with _read_snapshot(connection):
        assert connection.in_atomic_block
        assert AuditEntry.objects.exists()
    assert not connection.in_atomic_block
    assert getattr(connection, "transaction_mode", None) == mode


def test_a_restored_demo_year_serves_search_events_learning_and_logins(tmp_path: Path) -> None:
    """The whole demo (three campaign years, judges, reports, published results with
    certificates, events, courses with files): after backup, wipe and restore, the case
    library's search index answers as before (it is rebuilt by the rows' triggers), the
    events and courses are there, a lesson's file downloads, a certificate verifies and
    the demo logins work."""
    from django.test import Client
    from django.urls import reverse

    from xinban.events.models import Event
    from xinban.learning.models import Lesson
    from xinban.ops.demo_data import DEMO_PASSWORD
    from xinban.publication import selectors as publication
    from xinban.publication.models import CaseEntry, Certificate

    call_command("seed_demo", organisations=12, stdout=io.StringIO())
    entries = CaseEntry.objects.order_by("pk")
    assert entries.exists() and Event.objects.exists()
    lesson = Lesson.objects.exclude(file="").order_by("pk").first()
    certificate = Certificate.objects.order_by("pk").first()
    assert lesson is not None and certificate is not None
    term = entries.first().team_name[:2]  # type: ignore[union-attr]

    def found() -> list[int]:
        return [
            e["id"] for e in publication.case_search(publication.CaseFilters(q=term)).order_by("id")
        ]

    hits, counts = found(), row_counts()
    assert hits
    with lesson.file.open("rb") as stream:
        lesson_bytes = stream.read()

    archive = backup(tmp_path)
    wipe_instance()
    assert found() == [] and not Event.objects.exists()
    call_command("restore", str(archive), stdout=io.StringIO())

    assert row_counts() == counts
    assert found() == hits
    anonymous = Client()
    page = anonymous.get(reverse("publication:cases"), {"q": term})
    assert page.status_code == 200 and term in page.content.decode()
    verified = anonymous.get(reverse("publication:verify"), {"code": certificate.code}, follow=True)
    assert verified.status_code == 200 and verified.redirect_chain
    assert 'data-verified="yes"' in verified.content.decode()
    assert certificate.team_name in verified.content.decode()
    applicant = Client()
    assert applicant.login(username="applicant-a@demo.saq", password=DEMO_PASSWORD)
    assert applicant.get(reverse("events:list")).status_code == 200
    course = applicant.get(reverse("learning:course", args=[lesson.course_id]))
    assert course.status_code == 200
    applicant.post(reverse("learning:enrol", args=[lesson.course_id]))
    download = applicant.get(reverse("learning:lesson_file", args=[lesson.course_id, lesson.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == lesson_bytes
