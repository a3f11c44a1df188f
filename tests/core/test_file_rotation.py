"""Key rotation of the encrypted files (``core.files``): ``rotate_field_keys`` re-encrypts every
stored blob with the primary key, atomically per file, resumably, beside the field rotation."""

from __future__ import annotations

import base64
import os
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gbvms.core import crypto, files
from gbvms.core.rotation import FileRotation, rotate_files
from tests.testapp.models import Secret

KEY_A = base64.urlsafe_b64encode(b"test-only-file-rotation-key-000A").decode()
KEY_B = base64.urlsafe_b64encode(b"test-only-file-rotation-key-000B").decode()
KEY_C = base64.urlsafe_b64encode(b"test-only-file-rotation-key-000C").decode()
ATTENDANCE = (
    "Danh sách điểm danh buổi truyền thông\n1. Nguyễn Thị Hồng Nhung 0912345678\n"
    "2. Trần Văn Bình\n3. Hồ Thị Ánh\n"
).encode()
CONTENTS = [
    ATTENDANCE,
    b"",
    bytes(range(256)) * 2000,
    b"%PDF-1.7 " + os.urandom(5000),
    ATTENDANCE * 40,
    b"x",
    os.urandom(70_000),
]


def kid(raw: str) -> str:
    return crypto.key_id(base64.urlsafe_b64decode(raw))


@pytest.fixture
def store_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


@pytest.fixture
def blobs_under_a(settings, store_dir):
    """The test contents stored under key A alone; then the new key B is put first."""
    settings.FIELD_KEYS = [KEY_A]
    stored = {files.store(data): data for data in CONTENTS}
    assert {files.key_id_of(blob) for blob in stored} == {kid(KEY_A)}
    settings.FIELD_KEYS = [KEY_B, KEY_A]
    return stored


def raw_files(store_dir) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in store_dir.iterdir()}


def assert_all_readable(stored: dict[str, bytes]) -> None:
    for blob, data in stored.items():
        assert files.load(blob) == data


def test_rotation_then_dropping_the_old_key_leaves_every_file_byte_identical(
    settings, store_dir, blobs_under_a
):
    before = raw_files(store_dir)
    final = list(rotate_files())[-1]
    assert (final.total, final.seen, final.rotated, final.current) == (7, 7, 7, 0)
    assert final.done
    assert (final.failed, final.missing) == ((), 0)
    after = raw_files(store_dir)
    assert set(after) == set(blobs_under_a)  # same names, no temporary file left behind
    for blob in blobs_under_a:
        assert files.key_id_of(blob) == kid(KEY_B)
        assert after[blob] != before[blob]  # really re-encrypted (new header and nonce)
        assert b"Nguy" not in after[blob]
        assert os.stat(store_dir / blob).st_mode & 0o777 == 0o600
    settings.FIELD_KEYS = [KEY_B]  # the old key dropped
    assert_all_readable(blobs_under_a)


def test_without_rotation_dropping_the_old_key_makes_the_files_unreadable(settings, blobs_under_a):
    settings.FIELD_KEYS = [KEY_B]
    for blob in blobs_under_a:
        with pytest.raises(files.StoredFileError):
            files.load(blob)


def test_a_second_run_rotates_nothing_and_new_files_use_the_new_key(settings, blobs_under_a):
    list(rotate_files())
    fresh = files.store(b"new upload")
    assert files.key_id_of(fresh) == kid(KEY_B)
    final = list(rotate_files())[-1]
    assert (final.total, final.rotated, final.current) == (8, 0, 8)


def test_mixed_store_only_old_files_are_rewritten(settings, store_dir, blobs_under_a):
    current = files.store(b"already under B")
    untouched = (store_dir / current).read_bytes()
    final = list(rotate_files())[-1]
    assert (final.rotated, final.current) == (7, 1)
    assert (store_dir / current).read_bytes() == untouched


def test_an_older_key_further_down_the_list_is_rotated_too(settings, store_dir):
    settings.FIELD_KEYS = [KEY_C]
    under_c = files.store(ATTENDANCE)
    settings.FIELD_KEYS = [KEY_A, KEY_C]
    under_a = files.store(b"under A")
    settings.FIELD_KEYS = [KEY_B, KEY_A, KEY_C]
    assert list(rotate_files())[-1].rotated == 2
    settings.FIELD_KEYS = [KEY_B]
    assert files.load(under_c) == ATTENDANCE
    assert files.load(under_a) == b"under A"


class CrashError(Exception):
    pass


@pytest.mark.parametrize("k", [0, 3, 6])
def test_a_crash_inside_the_kth_write_is_resumable_and_every_file_stays_readable(
    settings, store_dir, blobs_under_a, monkeypatch, k
):
    """The (k+1)-th file is written to its temporary file, then the process 'dies' before the
    rename: that file is still the old one, nothing half-written is left, a re-run finishes."""
    real_replace = os.replace
    calls = []

    def replace_then_crash(src, dst):
        calls.append(dst)
        if len(calls) > k:
            raise CrashError
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", replace_then_crash)
    with pytest.raises(CrashError):
        list(rotate_files())
    monkeypatch.setattr(files.os, "replace", real_replace)

    names = sorted(blobs_under_a)
    assert set(raw_files(store_dir)) == set(names)  # no temporary file, no extra file
    assert [files.key_id_of(b) for b in names] == [kid(KEY_B)] * k + [kid(KEY_A)] * (7 - k)
    assert_all_readable(blobs_under_a)  # mid-rotation, with both keys listed

    final = list(rotate_files())[-1]
    assert (final.rotated, final.current, final.failed) == (7 - k, k, ())
    settings.FIELD_KEYS = [KEY_B]
    assert_all_readable(blobs_under_a)


def test_an_exception_between_files_is_resumable(settings, blobs_under_a, monkeypatch):
    real_rekey = files.rekey
    done = []

    def rekey_then_crash(blob):
        if len(done) == 4:
            raise KeyboardInterrupt
        done.append(blob)
        return real_rekey(blob)

    monkeypatch.setattr(files, "rekey", rekey_then_crash)
    with pytest.raises(KeyboardInterrupt):
        list(rotate_files())
    monkeypatch.setattr(files, "rekey", real_rekey)
    assert_all_readable(blobs_under_a)
    assert list(rotate_files())[-1].rotated == 3
    settings.FIELD_KEYS = [KEY_B]
    assert_all_readable(blobs_under_a)


def test_temporary_files_of_a_killed_writer_are_not_blobs_and_stale_ones_are_removed(
    settings, store_dir, blobs_under_a
):
    stale, fresh = store_dir / ".tmp-killed", store_dir / ".tmp-inprogress"
    stale.write_bytes(b"GBVF1 half")
    fresh.write_bytes(b"GBVF1 half")
    an_hour_ago = time.time() - 7200
    os.utime(stale, (an_hour_ago, an_hour_ago))
    final = list(rotate_files())[-1]
    assert (final.total, final.failed) == (7, ())
    assert not stale.exists()
    assert fresh.exists()  # may belong to an upload being written right now


def test_tampered_and_unknown_key_files_are_reported_left_alone_and_the_rest_rotated(
    settings, store_dir, blobs_under_a
):
    settings.FIELD_KEYS = [KEY_C]
    lost = files.store(b"under a key that is no longer listed")
    settings.FIELD_KEYS = [KEY_B, KEY_A]
    tampered = sorted(blobs_under_a)[2]
    raw = bytearray((store_dir / tampered).read_bytes())
    raw[-1] ^= 0x01
    (store_dir / tampered).write_bytes(bytes(raw))
    lost_raw = (store_dir / lost).read_bytes()

    final = list(rotate_files())[-1]
    assert sorted(final.failed) == sorted([tampered, lost])
    assert final.rotated == 6
    assert (store_dir / tampered).read_bytes() == bytes(raw)
    assert (store_dir / lost).read_bytes() == lost_raw


def test_a_file_deleted_during_its_rotation_stays_deleted(settings, store_dir, monkeypatch):
    settings.FIELD_KEYS = [KEY_A]
    files.store(ATTENDANCE)
    settings.FIELD_KEYS = [KEY_B, KEY_A]
    real_load = files.load

    def load_then_delete(name):
        data = real_load(name)
        files.delete(name)  # the evidence is deleted by a user while it is re-encrypted
        return data

    monkeypatch.setattr(files, "load", load_then_delete)
    final = list(rotate_files())[-1]
    assert (final.missing, final.rotated, final.failed) == (1, 0, ())
    assert list(store_dir.iterdir()) == []


def test_no_store_directory_yet(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "never-created"
    assert list(rotate_files()) == [FileRotation(total=0)]


def test_progress_is_yielded_every_n_files_and_at_the_end(blobs_under_a):
    states = list(rotate_files(progress_every=3))
    assert [s.seen for s in states] == [3, 6, 7]
    assert [s.done for s in states] == [False, False, True]


@pytest.mark.django_db
def test_command_rotates_fields_and_files_with_progress_and_old_key_can_go(
    settings, store_dir, blobs_under_a
):
    settings.FIELD_KEYS = [KEY_A]
    secret = Secret.objects.create(name="Phạm Thị D")
    settings.FIELD_KEYS = [KEY_B, KEY_A]

    out = StringIO()
    call_command("rotate_field_keys", "--progress-every", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert "testapp.Secret.name: 1 value(s) re-encrypted" in lines
    assert "files (in progress): 2/7 checked, 2 re-encrypted, 0 already current" in lines
    assert "files (in progress): 6/7 checked, 6 re-encrypted, 0 already current" in lines
    assert "files: 7/7 checked, 7 re-encrypted, 0 already current" in lines
    assert lines[-1] == f"done: everything is under key {kid(KEY_B)}"
    assert "Nguy" not in out.getvalue()

    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "files: 7/7 checked, 0 re-encrypted, 7 already current" in out.getvalue()
    assert "testapp.Secret.name: 0 value(s) re-encrypted" in out.getvalue()

    settings.FIELD_KEYS = [KEY_B]
    assert_all_readable(blobs_under_a)
    assert Secret.objects.get(pk=secret.pk).name == "Phạm Thị D"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM testapp_secret WHERE id = %s", [secret.pk])
        assert crypto.token_key_id(cursor.fetchone()[0]) == kid(KEY_B)


@pytest.mark.django_db
def test_command_fails_loudly_when_a_file_cannot_be_rotated(settings, store_dir, blobs_under_a):
    settings.FIELD_KEYS = [KEY_C]
    lost = files.store(b"under a key that is no longer listed")
    settings.FIELD_KEYS = [KEY_B, KEY_A]
    err = StringIO()
    with pytest.raises(CommandError, match="keep the old keys"):
        call_command("rotate_field_keys", stdout=StringIO(), stderr=err)
    assert lost in err.getvalue()
    assert all(files.key_id_of(blob) == kid(KEY_B) for blob in blobs_under_a)


@pytest.mark.django_db
def test_command_refuses_a_zero_progress_interval(store_dir):
    with pytest.raises(CommandError):
        call_command("rotate_field_keys", "--progress-every", "0", stdout=StringIO())
