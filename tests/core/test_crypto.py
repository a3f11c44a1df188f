import pytest
from django.db import connection
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from gbvms.core import crypto
from gbvms.core.rotation import rotate_all
from gbvms.core.text import fold, normalise_phone
from tests.testapp.models import Secret

KEY_1 = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDE="
KEY_2 = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDI="
KEY_3 = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDM="


@given(st.text())
def test_round_trip_any_text(text):
    assert crypto.decrypt(crypto.encrypt(text)) == text


def test_ciphertext_does_not_contain_the_plaintext():
    token = crypto.encrypt("Nguyễn Thị Hồng Nhung 0912345678")
    assert "Nguy" not in token
    assert "0912345678" not in token


def test_same_plaintext_gives_different_ciphertexts():
    assert crypto.encrypt("Nguyễn Thị A") != crypto.encrypt("Nguyễn Thị A")


def test_tampered_ciphertext_is_refused():
    token = crypto.encrypt("Nguyễn Thị A")
    head, body = token.rsplit("$", 1)
    middle = len(body) // 2
    flipped = body[:middle] + ("A" if body[middle] != "A" else "B") + body[middle + 1 :]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{head}${flipped}")


def test_unknown_key_is_refused():
    token = crypto.encrypt("x")
    with override_settings(FIELD_KEYS=[KEY_3]), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_bad_key_configuration_fails_loudly():
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(FIELD_KEYS=["not-a-key"]), pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


@pytest.mark.django_db
def test_field_is_ciphertext_in_the_database():
    secret = Secret.objects.create(name="Trần Văn B")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM testapp_secret WHERE id = %s", [secret.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1$")
    assert "Trần" not in stored
    assert Secret.objects.get(pk=secret.pk).name == "Trần Văn B"


@pytest.mark.django_db
def test_encrypted_field_cannot_be_searched_by_value():
    Secret.objects.create(name="Lê C")
    with pytest.raises(Exception, match=r"Unsupported lookup"):
        list(Secret.objects.filter(name="Lê C"))


@pytest.mark.django_db
def test_rotation_reencrypts_old_values_with_the_new_primary_key():
    with override_settings(FIELD_KEYS=[KEY_2]):
        old = Secret.objects.create(name="Phạm Thị D")
        old_kid = crypto.primary_key_id()
    with override_settings(FIELD_KEYS=[KEY_3, KEY_2]):
        new_kid = crypto.primary_key_id()
        rotated = {label: n for label, _, n in rotate_all()}
        assert rotated["testapp.Secret"] == 1
        assert set(rotated.values()) == {0, 1}
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM testapp_secret WHERE id = %s", [old.pk])
            stored = cursor.fetchone()[0]
        assert crypto.token_key_id(stored) == new_kid != old_kid
        assert {n for _, _, n in rotate_all()} == {0}
    with override_settings(FIELD_KEYS=[KEY_3]):  # old key dropped: still readable
        assert Secret.objects.get(pk=old.pk).name == "Phạm Thị D"


def test_rotation_command_exists_and_runs(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "done" in out.getvalue()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Thị Hồng", "nguyen thi hong"),
        ("ĐẶNG  VĂN  Đức", "dang van duc"),
        ("Hà Nội", "Ha Noi"),
    ],
)
def test_blind_index_folds_diacritics_case_and_spaces(a, b):
    assert crypto.blind_index(a, kind="name") == crypto.blind_index(b, kind="name")
    assert len(crypto.blind_index(a, kind="name")) == 64


def test_blind_index_separates_kinds_and_values():
    assert crypto.blind_index("0912345678", kind="phone") != crypto.blind_index(
        "0912345678", kind="name"
    )
    assert crypto.blind_index("Nguyễn A", kind="name") != crypto.blind_index(
        "Nguyễn B", kind="name"
    )
    assert crypto.blind_index("", kind="name") == ""


def test_blind_index_depends_on_the_key():
    value = crypto.blind_index("Nguyễn A", kind="name")
    with override_settings(BLIND_INDEX_KEY="another-key"):
        assert crypto.blind_index("Nguyễn A", kind="name") != value


def test_phone_normalisation():
    assert normalise_phone("+84 912 345 678") == "0912345678"
    assert normalise_phone("0912.345.678") == "0912345678"
    assert crypto.blind_index("+84912345678", kind="phone") == crypto.blind_index(
        "091 234 5678", kind="phone"
    )


def test_fold():
    assert fold("  Thành phố Hà Nội ") == "thanh pho ha noi"
    assert fold("Đăk Tô") == "dak to"
