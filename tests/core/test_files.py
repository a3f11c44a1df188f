"""Encrypted file storage: round trip, nothing in clear on disk, tampering refused, atomic
0600 writes, blob names checked, key rotation."""

from __future__ import annotations

import stat

import pytest

from gbvms.core import crypto, files

KEY_1 = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDE="
KEY_3 = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDM="
SECRET = "Danh sách điểm danh: Nguyễn Thị Hồng Nhung 0912345678".encode()


@pytest.fixture
def store_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


def test_round_trip(store_dir):
    blob = files.store(SECRET)
    assert files.load(blob) == SECRET
    assert (store_dir / blob).exists()


def test_empty_and_binary_round_trip(store_dir):
    data = bytes(range(256)) * 100
    assert files.load(files.store(data)) == data
    assert files.load(files.store(b"")) == b""


def test_stored_file_does_not_contain_the_plaintext(store_dir):
    blob = files.store(SECRET)
    raw = (store_dir / blob).read_bytes()
    assert SECRET not in raw
    assert "Nguyễn".encode() not in raw
    assert b"0912345678" not in raw
    assert raw.startswith(files.MAGIC + crypto.primary_key_id().encode())


def test_same_data_gives_different_blobs_and_ciphertexts(store_dir):
    a, b = files.store(SECRET), files.store(SECRET)
    assert a != b
    assert (store_dir / a).read_bytes()[files.HEADER_BYTES :] != (store_dir / b).read_bytes()[
        files.HEADER_BYTES :
    ]


def test_file_mode_is_0600_and_no_temporary_file_is_left(store_dir):
    blob = files.store(SECRET)
    assert stat.S_IMODE((store_dir / blob).stat().st_mode) == 0o600
    assert stat.S_IMODE(store_dir.stat().st_mode) == 0o700
    assert [p.name for p in store_dir.iterdir()] == [blob]


@pytest.mark.parametrize("where", ["body", "tag", "nonce", "key_id"])
def test_tampered_file_is_refused(store_dir, where):
    blob = files.store(SECRET)
    path = store_dir / blob
    raw = bytearray(path.read_bytes())
    index = {"body": files.HEADER_BYTES + files.NONCE_BYTES + 3, "tag": len(raw) - 1,
             "nonce": files.HEADER_BYTES + 1, "key_id": len(files.MAGIC)}[where]  # fmt: skip
    raw[index] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(files.StoredFileError):
        files.load(blob)


def test_truncated_file_is_refused(store_dir):
    blob = files.store(SECRET)
    path = store_dir / blob
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(files.TamperedFileError):
        files.load(blob)
    path.write_bytes(b"%PDF-1.4 not encrypted")
    with pytest.raises(files.TamperedFileError):
        files.load(blob)


def test_a_file_copied_under_another_name_is_refused(store_dir):
    first, second = files.store(SECRET), files.store(b"other")
    (store_dir / second).write_bytes((store_dir / first).read_bytes())
    with pytest.raises(files.TamperedFileError):
        files.load(second)


@pytest.mark.parametrize(
    "name", ["../settings.py", "/etc/passwd", "", "ABC", "A" * 32, "g" * 32, "0" * 31]
)
def test_blob_names_other_than_random_hex_are_refused(store_dir, name):
    with pytest.raises(files.StoredFileError):
        files.load(name)
    with pytest.raises(files.StoredFileError):
        files.delete(name)


def test_missing_file_is_a_stored_file_error(store_dir):
    with pytest.raises(files.StoredFileError):
        files.load("0" * 32)


def test_delete(store_dir):
    blob = files.store(SECRET)
    files.delete(blob)
    assert not (store_dir / blob).exists()
    files.delete(blob)  # already gone: no error


def test_default_directory_is_var_files_under_base_dir(settings, tmp_path):
    del settings.FILES_DIR
    settings.BASE_DIR = tmp_path
    assert files.files_dir() == tmp_path / "var" / "files"


def test_rotation_old_key_still_decrypts_and_rekey_moves_to_the_primary(settings, store_dir):
    blob = files.store(SECRET)
    old = files.key_id_of(blob)
    settings.FIELD_KEYS = [KEY_3, *settings.FIELD_KEYS]
    assert files.load(blob) == SECRET
    assert files.rekey(blob) is True
    assert files.key_id_of(blob) == crypto.primary_key_id() != old
    assert files.rekey(blob) is False
    assert files.load(blob) == SECRET
    settings.FIELD_KEYS = [KEY_1]  # the new key removed: the file cannot be read any more
    with pytest.raises(files.StoredFileError):
        files.load(blob)
