import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/account/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Permissions-Policy" in response


def test_templates_have_no_inline_script_or_style():
    offenders = []
    for path in (ROOT / "gbvms").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b", text):
            offenders.append(str(path))
        if re.search(r"\sstyle=|\son[a-z]+=|hx-on", text):
            offenders.append(str(path))
    assert offenders == []


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GBVMS_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "GBVMS_SECRET_KEY": "x" * 20 + "production-like-secret-key-for-the-check-0123456789",
            "GBVMS_FIELD_KEYS": "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDE=",
            "GBVMS_ALLOWED_HOSTS": "gbvms.example.org",
            "DATABASE_URL": "sqlite:///:memory:",
            # the console backend is refused in production (gbvms.E001)
            "GBVMS_SMS_BACKEND": "gbvms.referrals.notify.NoSMSBackend",
        }
    )
    env.update(extra)
    return env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_in_production_settings():
    result = _manage(_production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secrets():
    env = _production_env()
    del env["GBVMS_SECRET_KEY"]
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "GBVMS_SECRET_KEY is required" in result.stderr


def test_production_refuses_to_start_without_field_keys():
    env = _production_env()
    del env["GBVMS_FIELD_KEYS"]
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "GBVMS_FIELD_KEYS is required" in result.stderr


def test_production_has_debug_off():
    result = subprocess.run(
        [sys.executable, "-c", "import gbvms.settings as s; print(s.DEBUG, s.DEMO_ALLOWED)"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "False False"


@pytest.mark.django_db
def test_own_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db
def test_own_500_page(client, settings):
    from django.urls import path

    from gbvms import urls

    def boom(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = type(
        "U", (), {"urlpatterns": [path("boom/", boom)], "handler500": urls.handler500}
    )
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Lỗi hệ thống" in response.content.decode()


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_database(client, monkeypatch):
    from django.db import OperationalError

    from gbvms.core import views

    class Broken:
        def cursor(self):
            raise OperationalError("down")

    monkeypatch.setattr(views, "connection", Broken())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_vietnamese_by_default_whatever_the_browser_says(client):
    body = client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in body
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get("/account/login/").content.decode()
