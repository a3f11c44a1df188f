"""What the worker does with the outbox (REPORTING §G.3): claim dirty cases, rebuild their facts
(marking the (commune, year) keys touched before and after), recompute those keys and their
ancestors, then drop the rows it handled — unless they were marked again meanwhile.

Keys of source "programme" (written by the programme services and the plans' training
requirements: the record's unit, a commune or a province, and a year) are recomputed from the
delivery records by ``gbvms.indicators.programme``: the key's province (its communes and
itself) and the nation, for the year and its half-years. Those cells are stored shown
(``hidden=False``): they count activities, models, budget and facilities, not persons, so the
small-cell suppression of the response indicators does not apply to them."""

from __future__ import annotations

import datetime
import os
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from gbvms.indicators import compute, programme
from gbvms.indicators.facts import facts_refresh
from gbvms.indicators.models import DirtyCase, DirtyKey, EngineState, IndicatorVersion


def current_versions(source: str = "response") -> list[IndicatorVersion]:
    return list(
        IndicatorVersion.objects.filter(status="current", indicator__source=source)
        .select_related("indicator")
        .order_by("indicator__order")
    )


WORKER_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
STALE_CLAIM = datetime.timedelta(minutes=10)  # a claim older than this was a crashed worker's


def _claim(model: type[Any], limit: int, **where: Any) -> list[Any]:
    """Claim up to ``limit`` rows in a short transaction (SKIP LOCKED on PostgreSQL, so several
    workers share the outbox); the work itself runs in transactions of its own, so no long
    write lock blocks the web requests (SQLite has one writer at a time)."""
    now = timezone.now()
    with transaction.atomic():
        qs = model.objects.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM), **where
        ).order_by("enqueued_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs[:limit])
        model.objects.filter(pk__in=[r.pk for r in rows]).update(
            claimed_by=WORKER_ID, claimed_at=now
        )
    return rows


def _drop(model: type[Any], rows: list[Any]) -> None:
    """Delete the handled rows, except those marked again after they were claimed (released
    for the next run)."""
    for row in rows:
        model.objects.filter(pk=row.pk, enqueued_at=row.enqueued_at).delete()
    model.objects.filter(pk__in=[r.pk for r in rows], claimed_by=WORKER_ID).update(
        claimed_by="", claimed_at=None
    )


def process_cases(limit: int) -> int:
    rows = _claim(DirtyCase, limit)
    if not rows:
        return 0
    with transaction.atomic():  # facts and the keys they touch, together
        keys = facts_refresh([r.case_id for r in rows])
        now = timezone.now()
        for path, year in keys:
            DirtyKey.objects.update_or_create(
                source="response", unit_path=path, year=year, defaults={"enqueued_at": now}
            )
        _drop(DirtyCase, rows)
    return len(rows)


def process_keys(limit: int) -> int:
    rows = _claim(DirtyKey, limit, source="response")
    if not rows:
        return 0
    compute.recompute({(r.unit_path, r.year) for r in rows}, current_versions())
    with transaction.atomic():
        _drop(DirtyKey, rows)
    return len(rows)


def process_programme_keys(limit: int) -> int:
    rows = _claim(DirtyKey, limit, source="programme")
    if not rows:
        return 0
    programme.recompute({(r.unit_path, r.year) for r in rows})
    with transaction.atomic():
        _drop(DirtyKey, rows)
    return len(rows)


def process_pending(max_seconds: float = 300) -> dict[str, int]:
    """Work the outbox down (bounded in time; the next task run goes on)."""
    started = time.monotonic()
    done = {"cases": 0, "keys": 0}
    batch = settings.INDICATOR_BATCH
    error = ""
    try:
        while time.monotonic() - started < max_seconds:
            cases = process_cases(batch)
            keys = process_keys(batch) + process_programme_keys(batch)
            done["cases"] += cases
            done["keys"] += keys
            if not cases and not keys:
                break
    except Exception as exc:  # recorded for the status page, then re-raised for the task log
        error = type(exc).__name__
        raise
    finally:
        if not error and (DirtyCase.objects.exists() or DirtyKey.objects.exists()):
            from gbvms.indicators.outbox import enqueue

            enqueue()  # stopped by the time bound with work left: the next run goes on
        EngineState.objects.update_or_create(
            name="main",
            defaults={"cycle_at": timezone.now(),
                      "cycle_seconds": round(time.monotonic() - started, 3),
                      "last_error": error},
        )  # fmt: skip
    return done
