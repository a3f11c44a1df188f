"""A real server (manage.py runserver in a subprocess, on its own fresh database) and a real
headless Chromium driven by Playwright. Under `make test-postgres` the server gets its own
PostgreSQL database in the throwaway cluster."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("GBVMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp: Path) -> tuple[str, object]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{tmp / 'e2e.sqlite3'}", None
    import psycopg

    name = f"gbvms_e2e_{uuid.uuid4().hex[:8]}"
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    import dj_database_url

    cfg = dj_database_url.parse(admin_url)
    conninfo = {"host": cfg["HOST"], "port": cfg["PORT"], "user": cfg["USER"], "dbname": "postgres"}
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return base.rsplit("/", 1)[0] + "/" + name, drop


SERVER_ENV: dict[str, str] = {}  # the environment of the running server's manage.py


@pytest.fixture(scope="session")
def manage(server):
    """Run a manage.py command against the browser tests' server database."""

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=SERVER_ENV, check=True, capture_output=True, text=True,
        )  # fmt: skip
        return done.stdout

    return run


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    url, drop = _database_url(tmp)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GBVMS_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "GBVMS_DEBUG": "1",
            "DATABASE_URL": url,
            "GBVMS_DEV_KEYS_FILE": str(tmp / "keys.json"),
            "GBVMS_DEMO_PASSWORD": "e2e-demo-password",
            "GBVMS_QUICK_EXIT_URL": "about:blank",  # no network in the test sandbox
        }
    )
    SERVER_ENV.update(env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["load_units"], ["load_demo", "--cases", "40"]):
        subprocess.run([*manage, *command], env=env, check=True, capture_output=True)
    port = _free_port()
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        raise RuntimeError((tmp / "server.log").read_text())
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    if drop:
        drop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert errors == [], f"browser console errors: {errors}"
