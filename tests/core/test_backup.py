"""manage.py backup / restore: a round trip on the suite's database vendor (SQLite or PostgreSQL).

The backup tools read committed data from outside the test's transaction (pg_dump is another
session), and a transactional test could not flush the append-only access log at teardown. So
these tests run on scratch databases of their own: the source is a copy of the test database
(migrated, units loaded), made with the vendor's own means, the target a new empty database;
``django.db.connection`` is pointed at each in turn and both are dropped at the end.
"""

from __future__ import annotations

import base64
import datetime
import io
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from gbvms.core import backup, backup_db, files

KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
OTHER_KEY = base64.urlsafe_b64encode(b"o" * 32).decode()
NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


def _maintenance():
    import psycopg

    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


@contextmanager
def pointed_at(name: str) -> Iterator[None]:
    """``django.db.connection`` (and so every service) goes to database ``name`` (an SQLite
    file or a PostgreSQL database) through a wrapper of its own; the test's own connection and
    its transaction are set aside untouched and put back after."""
    original = connections["default"]
    wrapper = original.__class__({**original.settings_dict, "NAME": name}, alias="default")
    connections["default"] = wrapper
    try:
        yield
    finally:
        wrapper.close()
        connections["default"] = original


def _new_name() -> str:
    return f"gbvms_bk_{uuid.uuid4().hex[:10]}"


def _create_empty(name: str) -> None:
    with _maintenance() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')


def _drop(names: list[str]) -> None:
    with _maintenance() as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def committed_copy(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database as committed (migrated, units loaded), copied once, before any test
    transaction is open, by the vendor's own means: SQLite's backup API, or pg_dump piped into
    pg_restore. Each test copies this copy again (a file copy, or CREATE DATABASE … TEMPLATE)."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            path = tmp_path_factory.mktemp("backup-template") / "template.sqlite3"
            source = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
            target = sqlite3.connect(path)
            source.backup(target)
            source.close()
            target.close()
            yield str(path)
            return
        name = _new_name()
        _create_empty(name)
        env = backup_db.pg_environment(connection.settings_dict)
        dump = subprocess.Popen(
            [backup_db.pg_binary("pg_dump"), "--format=custom"], stdout=subprocess.PIPE, env=env
        )
        subprocess.run(
            [backup_db.pg_binary("pg_restore"), "--no-owner", "--exit-on-error", "-d", name],
            stdin=dump.stdout,
            env=env,
            check=True,
        )
        assert dump.wait() == 0
        try:
            yield name
        finally:
            _drop([name])


class Scratch:
    """Scratch databases for one test: copies of the test database, or empty ones."""

    def __init__(self, tmp_path: Path, template: str) -> None:
        self.tmp_path = tmp_path
        self.template = template
        self.created: list[str] = []

    def copy_of_test_db(self) -> str:
        name = _new_name()
        if connection.vendor == "sqlite":
            path = self.tmp_path / f"{name}.sqlite3"
            shutil.copyfile(self.template, path)
            return str(path)
        with _maintenance() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return name

    def empty(self) -> str:
        name = _new_name()
        if connection.vendor == "sqlite":
            return str(self.tmp_path / f"{name}.sqlite3")
        _create_empty(name)
        self.created.append(name)
        return name

    def drop(self) -> None:
        if connection.vendor != "sqlite" and self.created:
            _drop(self.created)


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def the_case_story():
    """Personas, a case opened through the service, an evidence-like stored file."""
    import time_machine

    from gbvms.cases import services
    from gbvms.core.audit import log_action
    from tests.conftest import make_agency, make_user, unit

    commune = unit("commune", "23293")
    agency = make_agency(f"UBND phường Kon Tum {uuid.uuid4().hex[:6]}", commune)
    worker = make_user(f"worker_{uuid.uuid4().hex[:6]}", (agency, "case_worker", commune))
    with time_machine.travel(NOW, tick=False):
        opened = services.case_open(
            actor=worker,
            survivor=services.SurvivorData(full_name="Đỗ Thị Lụa", phone="0911111111"),
            channel="hotline",
            commune=commune,
            detected_at=NOW,
        )
    log_action(action="test.backup", username="system")
    blob = files.store(b"bien ban xac minh " * 1000)
    return opened.case.code, blob


@pytest.fixture
def scratch(committed_copy, django_db_blocker, tmp_path, settings):
    settings.BACKUP_KEY = KEY
    settings.FILES_DIR = tmp_path / "files-source"
    with django_db_blocker.unblock():
        made = Scratch(tmp_path, committed_copy)
        try:
            yield made
        finally:
            made.drop()


@pytest.fixture
def made(scratch, tmp_path):
    """A backup of a source database with a case in it; the source's counts."""
    source = scratch.copy_of_test_db()
    archive = tmp_path / "backup.gbvms"
    with pointed_at(source):
        code, blob = the_case_story()
        counts = table_counts()
        call_command("backup", str(archive))
    return {"archive": archive, "counts": counts, "code": code, "blob": blob}


def restore_into_new(scratch, settings, tmp_path, archive):
    target = scratch.empty()
    settings.FILES_DIR = tmp_path / "files-target"
    return target


def assert_untouched(target: str, files_dir: Path) -> None:
    with pointed_at(target):
        assert table_counts() == {}
    assert not files_dir.exists() or list(files.blobs()) == []


pytestmark = pytest.mark.django_db  # the test database exists; the tests use scratch copies


class TestRoundTrip:
    def test_restore_gives_back_everything(self, scratch, made, settings, tmp_path):
        from gbvms.cases.models import Case

        target = restore_into_new(scratch, settings, tmp_path, made["archive"])
        with pointed_at(target):
            call_command("restore", str(made["archive"]))
            assert table_counts() == made["counts"]
            case = Case.objects.unscoped().select_related("survivor").get(code=made["code"])
            assert case.survivor.full_name == "Đỗ Thị Lụa"  # the identity decrypts
            assert files.load(made["blob"]) == b"bien ban xac minh " * 1000
            # the access log is still append-only, down to the database
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute("DELETE FROM core_accesslog")
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute("UPDATE core_accesslog SET action = 'forged'")
            assert table_counts()["core_accesslog"] == made["counts"]["core_accesslog"]

    def test_manifest_and_check(self, scratch, made, settings, tmp_path):
        target = restore_into_new(scratch, settings, tmp_path, made["archive"])
        with pointed_at(target):
            checked = backup.backup_check(made["archive"])
            assert table_counts() == {}  # a check changes nothing
        manifest = checked.manifest
        assert manifest["format_version"] == backup.FORMAT_VERSION
        assert manifest["database_vendor"] == connection.vendor
        assert manifest["installation_id"] == backup.installation_id()
        assert "core.0001_initial" in manifest["migrations"]
        names = [e["name"] for e in manifest["entries"]]
        assert names == ["database", f"files/{made['blob']}"]
        assert all(len(e["sha256"]) == 64 and e["size"] > 0 for e in manifest["entries"])
        assert checked.pending_migrations == []

    def test_the_archive_is_encrypted(self, made):
        data = made["archive"].read_bytes()
        assert data.startswith(b"GBVMSBAK")
        for plain in (b"SQLite format", b"PGDMP", b"core_accesslog", b"gbvms-backup"):
            assert plain not in data

    def test_a_backup_is_never_overwritten(self, made):
        before = made["archive"].read_bytes()
        with pytest.raises(CommandError, match="already exists"):
            call_command("backup", str(made["archive"]))
        assert made["archive"].read_bytes() == before


class TestRefusals:
    def refused(self, scratch, settings, tmp_path, archive, match):
        target = restore_into_new(scratch, settings, tmp_path, archive)
        with pointed_at(target), pytest.raises(CommandError, match=match):
            call_command("restore", str(archive))
        assert_untouched(target, tmp_path / "files-target")

    @pytest.mark.parametrize("where", [50, 0.5, -1])
    def test_a_changed_byte(self, scratch, made, settings, tmp_path, where):
        data = bytearray(made["archive"].read_bytes())
        at = int(len(data) * where) if isinstance(where, float) else where
        data[at] ^= 0x01
        made["archive"].write_bytes(bytes(data))
        self.refused(scratch, settings, tmp_path, made["archive"], "Nothing was changed")

    def test_cut_short(self, scratch, made, settings, tmp_path):
        data = made["archive"].read_bytes()
        made["archive"].write_bytes(data[: len(data) - 100])
        self.refused(scratch, settings, tmp_path, made["archive"], "cut short|fails its check")

    def test_wrong_key(self, scratch, made, settings, tmp_path):
        settings.BACKUP_KEY = OTHER_KEY
        self.refused(scratch, settings, tmp_path, made["archive"], "backup key")

    def test_another_installation(self, scratch, made, settings, tmp_path):
        settings.BLIND_INDEX_KEY = "another-installation-blind-index-key"
        self.refused(scratch, settings, tmp_path, made["archive"], "another installation")

    def test_a_field_key_dropped_since(self, scratch, made, settings, tmp_path):
        settings.FIELD_KEYS = settings.FIELD_KEYS[:1]
        self.refused(scratch, settings, tmp_path, made["archive"], "not configured now")

    def test_not_a_backup(self, scratch, settings, tmp_path):
        junk = tmp_path / "junk.gbvms"
        junk.write_bytes(b"PK\x03\x04 not a backup at all" * 10)
        self.refused(scratch, settings, tmp_path, junk, "not a GBVMS backup")

    def test_without_a_backup_key(self, scratch, made, settings, tmp_path):
        settings.BACKUP_KEY = ""
        self.refused(scratch, settings, tmp_path, made["archive"], "GBVMS_BACKUP_KEY is not set")

    def test_a_database_that_is_not_empty(self, scratch, made, settings, tmp_path):
        target = scratch.copy_of_test_db()
        settings.FILES_DIR = tmp_path / "files-target"
        with pointed_at(target):
            before = table_counts()
            with pytest.raises(CommandError, match="not empty"):
                call_command("restore", str(made["archive"]))
            assert table_counts() == before
            call_command("restore", str(made["archive"]), "--force")
            assert table_counts() == made["counts"]

    def test_a_backup_from_a_newer_version(self, scratch, made, settings, tmp_path, monkeypatch):
        known = backup_db.known_migrations()
        monkeypatch.setattr(backup_db, "known_migrations", lambda: known - {"core.0001_initial"})
        self.refused(scratch, settings, tmp_path, made["archive"], "newer version")


class TestMigrationsAndKeys:
    def test_pending_migrations_are_named_after_a_restore(
        self, scratch, made, settings, tmp_path, monkeypatch
    ):
        known = backup_db.known_migrations()
        monkeypatch.setattr(backup_db, "known_migrations", lambda: known | {"core.9999_future"})
        target = restore_into_new(scratch, settings, tmp_path, made["archive"])
        out = io.StringIO()
        with pointed_at(target):
            call_command("restore", str(made["archive"]), stdout=out)
            assert table_counts() == made["counts"]
        assert "run `python manage.py migrate` next" in out.getvalue()

    def test_backup_refused_without_a_key(self, scratch, settings, tmp_path):
        settings.BACKUP_KEY = ""
        with pytest.raises(CommandError, match="GBVMS_BACKUP_KEY is not set"):
            call_command("backup", str(tmp_path / "never.gbvms"))
        assert not (tmp_path / "never.gbvms").exists()
        assert not (tmp_path / "never.gbvms.partial").exists()

    def test_a_short_backup_key_is_refused(self, scratch, settings, tmp_path):
        settings.BACKUP_KEY = base64.urlsafe_b64encode(b"short").decode()
        with pytest.raises(CommandError, match="32 bytes"):
            call_command("backup", str(tmp_path / "never.gbvms"))
