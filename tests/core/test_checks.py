"""The console SMS backend is refused in production by a system check."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from gbvms.core.checks import sms_backend_check
from gbvms.referrals.notify import ConsoleSMSBackend
from tests.core.test_security import _manage, _production_env

CONSOLE = "gbvms.referrals.notify.ConsoleSMSBackend"


class LoudConsole(ConsoleSMSBackend):
    """Still only the console."""


class Gateway:
    def send(self, phone, message):
        return None


def ids(**overrides):
    with override_settings(**overrides):
        return [e.id for e in sms_backend_check()]


class TestSmsBackendCheck:
    def test_console_backend_is_an_error_without_debug(self):
        assert ids(DEBUG=False, SMS_BACKEND=CONSOLE) == ["gbvms.E001"]
        assert ids(DEBUG=False, SMS_BACKEND="tests.core.test_checks.LoudConsole") == ["gbvms.E001"]

    def test_console_backend_is_fine_in_development(self):
        assert ids(DEBUG=True, SMS_BACKEND=CONSOLE) == []

    def test_a_real_or_no_sms_backend_passes(self):
        assert ids(DEBUG=False, SMS_BACKEND="tests.core.test_checks.Gateway") == []
        assert ids(DEBUG=False, SMS_BACKEND="gbvms.referrals.notify.NoSMSBackend") == []

    def test_a_backend_that_cannot_be_imported_is_an_error(self):
        assert ids(DEBUG=False, SMS_BACKEND="gbvms.referrals.notify.Missing") == ["gbvms.E002"]
        assert ids(DEBUG=False, SMS_BACKEND="nowhere.Backend") == ["gbvms.E002"]

    def test_registered_so_check_refuses(self):
        with (
            override_settings(DEBUG=False, SMS_BACKEND=CONSOLE),
            pytest.raises(SystemCheckError, match=r"gbvms\.E001"),
        ):
            call_command("check")


def test_production_check_fails_with_the_console_backend():
    env = _production_env(GBVMS_SMS_BACKEND=CONSOLE)
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "gbvms.E001" in result.stderr


def test_production_check_fails_with_the_default_backend():
    env = _production_env()
    del env["GBVMS_SMS_BACKEND"]
    result = _manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "gbvms.E001" in result.stderr


def test_development_check_passes_with_the_console_backend(tmp_path):
    env = _production_env(GBVMS_DEBUG="1", GBVMS_DEV_KEYS_FILE=str(tmp_path / "keys.json"))
    del env["GBVMS_SMS_BACKEND"]
    result = _manage(env, "check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
