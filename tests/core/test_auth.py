import base64
import datetime
import re

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gbvms.core.models import AccessLog
from tests.conftest import PASSWORD

LOGIN = "/account/login/"


def login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def code_from_page(page):
    """The current code for the secret shown on the set-up page (as the user's app computes)."""
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page.content.decode())[1]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


@pytest.mark.django_db
class TestPasswordLogin:
    def test_login_page_is_vietnamese_by_default(self, client):
        response = client.get(LOGIN)
        assert response.status_code == 200
        assert "Đăng nhập" in response.content.decode()
        assert '<html lang="vi">' in response.content.decode()

    def test_successful_login_is_logged_and_reaches_home(self, client, personas):
        response = login(client, "officer")
        assert response.status_code == 302
        assert response["Location"] == "/indicators/"  # the programme officer's landing page
        entry = AccessLog.objects.unscoped().get(action="core.login")
        assert (entry.actor_username, entry.ip) == ("officer", "10.0.0.1")
        home = client.get("/")
        assert "Cán bộ chương trình" in home.content.decode()

    def test_failed_login_shows_error_and_is_logged(self, client, personas):
        response = login(client, "officer", "wrong-password")
        assert response.status_code == 200
        assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
        entry = AccessLog.objects.unscoped().get(action="core.login_failed")
        assert entry.actor is None
        assert entry.actor_username == "officer"

    def test_next_url_is_followed_only_when_local(self, client, personas):
        r = client.post(LOGIN + "?next=/units/", {"username": "officer", "password": PASSWORD})
        assert r["Location"] == "/units/"
        client.logout()
        r = client.post(
            LOGIN + "?next=https://evil.example/", {"username": "officer", "password": PASSWORD}
        )
        assert r["Location"] == "/indicators/"

    def test_logout_is_post_only_and_logged(self, client, personas):
        login(client, "officer")
        assert client.get("/account/logout/").status_code == 405
        assert client.post("/account/logout/").status_code == 302
        assert (
            AccessLog.objects.unscoped()
            .filter(action="core.logout", actor_username="officer")
            .exists()
        )
        assert client.get("/").status_code == 302

    @override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.Argon2PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
    )
    def test_passwords_are_hashed_with_argon2(self, personas):
        user = personas["officer"]
        user.set_password("another-long-password")
        user.save()
        assert identify_hasher(user.password).algorithm == "argon2"

    def test_production_hasher_setting_is_argon2(self):
        from gbvms import settings as production

        assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.django_db
class TestLockout:
    def test_account_locks_after_five_failures_from_any_ip(self, client, personas):
        for i in range(5):
            login(client, "officer", "wrong", ip=f"10.0.1.{i}")
        response = login(client, "officer", PASSWORD, ip="10.0.2.1")
        assert response.status_code == 429
        assert "Tạm khóa đăng nhập" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert AccessLog.objects.unscoped().filter(action="core.login_locked").exists()

    def test_ip_locks_after_five_failures_across_accounts(self, client, personas):
        for name in ["a1", "a2", "a3", "a4", "a5"]:
            login(client, name, "wrong", ip="10.9.9.9")
        assert login(client, "officer", PASSWORD, ip="10.9.9.9").status_code == 429
        assert login(Client(), "officer", PASSWORD, ip="10.9.9.8").status_code == 302

    def test_lock_expires_after_cooloff(self, client, personas):
        start = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
        with time_machine.travel(start, tick=False):
            for _ in range(5):
                login(client, "officer", "wrong")
            assert login(client, "officer").status_code == 429
        with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
            assert login(Client(), "officer").status_code == 302

    def test_fewer_failures_do_not_lock(self, client, personas):
        for _ in range(4):
            login(client, "officer", "wrong")
        assert login(client, "officer").status_code == 302


@pytest.mark.django_db
class TestSecondFactor:
    def test_user_with_device_must_enter_a_code(self, client, personas):
        device = TOTPDevice.objects.create(user=personas["officer"], name="t", confirmed=True)
        response = login(client, "officer")
        assert response["Location"] == "/account/verify/"
        assert "_auth_user_id" not in client.session  # not signed in yet
        good = client.post("/account/verify/", {"token": current_code(device)})
        assert good.status_code == 302
        assert client.session["_auth_user_id"] == str(personas["officer"].pk)
        assert client.get("/").status_code == 200

    def test_wrong_code_is_refused(self, client, personas):
        device = TOTPDevice.objects.create(user=personas["officer"], name="t", confirmed=True)
        login(client, "officer")
        wrong = "000000" if current_code(device) != "000000" else "999999"
        response = client.post("/account/verify/", {"token": wrong})
        assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert AccessLog.objects.unscoped().filter(action="core.login_failed").count() == 1

    def test_code_must_have_six_digits(self, client, personas):
        TOTPDevice.objects.create(user=personas["officer"], name="t", confirmed=True)
        login(client, "officer")
        response = client.post("/account/verify/", {"token": "12ab"})
        assert "Mã gồm đúng 6 chữ số." in response.content.decode()

    def test_too_many_wrong_codes_restart_the_login(self, client, personas):
        device = TOTPDevice.objects.create(user=personas["officer"], name="t", confirmed=True)
        login(client, "officer")
        wrong = "111111" if current_code(device) != "111111" else "222222"
        for _ in range(5):
            client.post("/account/verify/", {"token": wrong})
        assert client.get("/account/verify/")["Location"] == "/account/login/"

    def test_administrators_are_forced_to_enrol(self, client, personas):
        login(client, "admin")
        response = client.get("/manage/agencies/")
        assert response.status_code == 302
        assert response["Location"] == reverse("core:twofactor_setup")
        page = client.get(reverse("core:twofactor_setup"))
        assert "bắt buộc" in page.content.decode()
        client.post(reverse("core:twofactor_setup"), {"token": code_from_page(page)})
        device = TOTPDevice.objects.get(user=personas["admin"])
        assert device.confirmed
        assert client.get("/manage/agencies/").status_code == 200
        assert AccessLog.objects.unscoped().filter(action="core.twofactor.enrolled").count() == 1

    def test_non_admin_roles_are_not_forced(self, client, personas):
        login(client, "officer")
        assert client.get("/manage/agencies/").status_code == 200

    @override_settings(SECOND_FACTOR_REQUIRED_ROLES=["administrator", "programme_officer"])
    def test_enforcement_is_configurable_per_role(self, client, personas):
        login(client, "officer")
        assert client.get("/manage/agencies/")["Location"] == reverse("core:twofactor_setup")

    def test_any_user_can_enrol(self, client, personas):
        login(client, "worker_a")
        assert client.get(reverse("core:twofactor_setup")).status_code == 200

    def test_showing_the_set_up_page_creates_no_device(self, client, personas):
        login(client, "admin")
        first = client.get(reverse("core:twofactor_setup"))
        again = client.get(reverse("core:twofactor_setup"))
        assert first.status_code == again.status_code == 200
        assert TOTPDevice.objects.count() == 0
        assert code_from_page(first) == code_from_page(again)  # the same secret on a reload

    def test_a_wrong_code_creates_no_device(self, client, personas):
        login(client, "admin")
        page = client.get(reverse("core:twofactor_setup"))
        wrong = "000000" if code_from_page(page) != "000000" else "111111"
        response = client.post(reverse("core:twofactor_setup"), {"token": wrong})
        assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()
        assert TOTPDevice.objects.count() == 0
        assert (
            AccessLog.objects.unscoped().filter(action="core.twofactor.enrol_failed").count() == 1
        )

    def test_enrolment_replaces_the_old_device_and_the_code_cannot_be_replayed(self, personas):
        old = TOTPDevice.objects.create(user=personas["officer"], name="old", confirmed=True)
        client = Client()
        client.force_login(personas["officer"], backend="django.contrib.auth.backends.ModelBackend")
        page = client.get(reverse("core:twofactor_setup"))
        code = code_from_page(page)
        assert client.post(reverse("core:twofactor_setup"), {"token": code}).status_code == 302
        device = TOTPDevice.objects.get(user=personas["officer"])
        assert device.pk != old.pk
        assert device.confirmed
        assert "gbvms_totp_pending" not in client.session
        assert client.session["otp_device_id"] == device.persistent_id
        assert not device.verify_token(code)  # the enrolment code was used up


@pytest.mark.django_db
class TestSessionExpiry:
    def test_idle_session_expires_after_30_minutes(self, personas):
        start = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
        client = Client()
        with time_machine.travel(start, tick=False):
            login(client, "officer")
            assert client.get("/").status_code == 200
        with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
            assert client.get("/").status_code == 200  # activity renews the session
        with time_machine.travel(start + datetime.timedelta(minutes=58), tick=False):
            assert client.get("/").status_code == 200
        with time_machine.travel(start + datetime.timedelta(minutes=89), tick=False):
            response = client.get("/")
            assert response.status_code == 302
            assert response["Location"].startswith("/account/login/")

    def test_idle_timeout_comes_from_settings(self):
        from django.conf import settings

        assert settings.SESSION_COOKIE_AGE == 30 * 60
        assert settings.SESSION_SAVE_EVERY_REQUEST is True
