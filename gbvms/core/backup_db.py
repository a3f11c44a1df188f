"""The database half of a backup: a consistent snapshot and its restore, per vendor.

PostgreSQL: ``pg_dump --format=custom`` (one transaction, so one consistent snapshot; the
access log's triggers and functions come with it) and ``pg_restore --single-transaction``
(all or nothing). The binaries are the newest of ``/usr/lib/postgresql/*/bin`` (Debian's
layout, as ``scripts/with-postgres.sh``), else ``GBVMS_PG_BIN``, else ``PATH``. The connection
settings go to them through the environment (``PGPASSWORD``), never the command line.

SQLite: the online backup API (``sqlite3.Connection.backup``): a consistent copy of the live
database while the app runs, and the same API copies it back over the target in one step.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

VENDORS = ("postgresql", "sqlite")


class DatabaseBackupError(Exception):
    """The dump or the restore tool failed; the message says how."""


def pg_binary(name: str) -> str:
    configured = os.environ.get("GBVMS_PG_BIN", "")
    candidates = [Path(configured) / name] if configured else []
    debian = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.parent.name.split(".")],
    )
    candidates += list(reversed(debian))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise DatabaseBackupError(
        f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client) "
        "or set GBVMS_PG_BIN to the folder that holds it"
    )


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for key, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if options.get(key):
            env[variable] = str(options[key])
    return env


def vendor(using: str = "default") -> str:
    name = connections[using].vendor
    if name not in VENDORS:
        raise DatabaseBackupError(f"backups of a {name} database are not supported")
    return name


def migration_state(using: str = "default") -> list[str]:
    """The migrations applied to the database, as ``app.name``, sorted."""
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def known_migrations() -> set[str]:
    """Every migration this version of the code has."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.graph.nodes}


def is_empty(using: str = "default") -> bool:
    """No table at all (a database just created)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


@contextmanager
def snapshot(using: str, workdir: Path) -> Iterator[IO[bytes]]:
    """A readable stream of a consistent snapshot of the database."""
    if vendor(using) == "postgresql":
        with _pg_dump(using) as stream:
            yield stream
        return
    target = workdir / "database.sqlite3"
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
    try:
        with target.open("rb") as stream:
            yield stream
    finally:
        target.unlink(missing_ok=True)


@contextmanager
def _pg_dump(using: str) -> Iterator[IO[bytes]]:
    settings_dict = connections[using].settings_dict
    command = [pg_binary("pg_dump"), "--format=custom", "--compress=6", "--no-password"]
    # stderr to a file: a pipe nobody reads while the dump streams could fill and stall it
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            command, stdout=subprocess.PIPE, stderr=errors, env=pg_environment(settings_dict)
        )
        assert process.stdout is not None  # noqa: S101
        try:
            yield process.stdout
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace").strip()[:2000]
            raise DatabaseBackupError(f"pg_dump failed ({code}): {detail}")


def restore(using: str, dump: Path, *, replace: bool) -> None:
    """Load ``dump`` (written by :func:`snapshot`) into the database, all or nothing."""
    connection = connections[using]
    if vendor(using) == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    connection.close()  # pg_restore --clean drops tables this connection may have open
    command = [
        pg_binary("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    if replace:
        command += ["--clean", "--if-exists"]
    result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [*command, str(dump)],
        capture_output=True,
        env=pg_environment(connection.settings_dict),
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[:2000]
        raise DatabaseBackupError(
            f"pg_restore failed ({result.returncode}); nothing was restored: {detail}"
        )
