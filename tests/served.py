"""A real served app for concurrency tests: its own fresh database (a SQLite file, or a new
database in the throwaway PostgreSQL cluster under ``make test-postgres``), migrated, with the
administrative units, and gunicorn (the documented server: several worker processes, each
with its own database connections) in front of it.

The in-memory SQLite database of the other tests cannot show a race: the live server shares
one connection with the test, and nothing is committed. Here every request commits for real.

``Served.run(module, function)`` runs ``function()`` of a module of ``tests`` inside the
served database (``manage.py shell``) and returns what it printed last, read as JSON.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _database(tmp: Path) -> Iterator[str]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        yield f"sqlite:///{tmp / 'served.sqlite3'}"
        return
    import dj_database_url
    import psycopg

    name = f"gbvms_served_{uuid.uuid4().hex[:8]}"
    cfg = dj_database_url.parse(base.rsplit("/", 1)[0] + "/postgres")
    conninfo = {"host": cfg["HOST"], "port": cfg["PORT"], "user": cfg["USER"], "dbname": "postgres"}
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Served:
    base: str
    env: dict[str, str]
    database_url: str

    @property
    def vendor(self) -> str:
        return "postgresql" if self.database_url.startswith("postgres") else "sqlite"

    def run(self, module: str, function: str, *args: Any) -> Any:
        """``tests.<module>.<function>(*args)`` in the served database; its last printed line."""
        code = f"import json, tests.{module} as m; print(json.dumps(m.{function}(*{args!r})))"
        done = subprocess.run(
            [*MANAGE, "shell", "-c", code], env=self.env, cwd=ROOT, capture_output=True,
            text=True, check=False, timeout=300,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(done.stderr[-4000:])
        return json.loads(done.stdout.strip().splitlines()[-1])

    def post(self, path: str, token: str, body: dict[str, Any] | None = None) -> int:
        """POST JSON with a bearer token; the status code (a 5xx too, never raised)."""
        request = urllib.request.Request(  # noqa: S310 (a local test server)
            self.base + path,
            data=json.dumps(body or {}).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


def _env(database_url: str, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GBVMS_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "GBVMS_DEBUG": "1",
            "DATABASE_URL": database_url,
            "GBVMS_DEV_KEYS_FILE": str(tmp / "keys.json"),
            "GBVMS_SMS_BACKEND": "gbvms.referrals.notify.ConsoleSMSBackend",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


@contextmanager
def served_app(tmp: Path, workers: int = 2, threads: int = 4) -> Iterator[Served]:
    with _database(tmp) as url:
        env = _env(url, tmp)
        for command in (["migrate", "--noinput"], ["load_units"]):
            subprocess.run([*MANAGE, *command], env=env, cwd=ROOT, check=True,
                           capture_output=True)  # fmt: skip
        port = _free_port()
        log = (tmp / "gunicorn.log").open("w")
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        proc = subprocess.Popen(
            [gunicorn, "gbvms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--threads", str(threads), "--timeout", "120"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, proc, tmp)
            yield Served(base=base, env=env, database_url=url)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            log.close()


def _wait_ready(base: str, proc: subprocess.Popen[bytes], tmp: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError((tmp / "gunicorn.log").read_text())
