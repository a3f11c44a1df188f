"""What the worker does with the outbox (REPORTING §G.3): claim dirty cases, rebuild their facts
(marking the (commune, year) keys touched before and after), recompute those keys and their
ancestors, then drop the rows it handled — unless they were marked again meanwhile."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gbvms.indicators import compute
from gbvms.indicators.facts import facts_refresh
from gbvms.indicators.models import DirtyCase, DirtyKey, EngineState, IndicatorVersion


def current_versions(source: str = "response") -> list[IndicatorVersion]:
    return list(
        IndicatorVersion.objects.filter(status="current", indicator__source=source)
        .select_related("indicator")
        .order_by("indicator__order")
    )


def _claim(model: type[Any], limit: int) -> list[Any]:
    qs = model.objects.order_by("enqueued_at", "pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)  # several workers share the outbox
    return list(qs[:limit])


def _drop(model: type[Any], rows: list[Any]) -> None:
    """Delete the handled rows, except those marked again after they were claimed."""
    for row in rows:
        model.objects.filter(pk=row.pk, enqueued_at=row.enqueued_at).delete()


def process_cases(limit: int) -> int:
    with transaction.atomic():
        rows = _claim(DirtyCase, limit)
        if not rows:
            return 0
        keys = facts_refresh([r.case_id for r in rows])
        now = timezone.now()
        for path, year in keys:
            DirtyKey.objects.update_or_create(
                source="response", unit_path=path, year=year, defaults={"enqueued_at": now}
            )
        _drop(DirtyCase, rows)
    return len(rows)


def process_keys(limit: int) -> int:
    versions = current_versions()
    with transaction.atomic():
        rows = [r for r in _claim(DirtyKey, limit) if r.source == "response"]
        if not rows:
            return 0
        compute.recompute({(r.unit_path, r.year) for r in rows}, versions)
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
            keys = process_keys(batch)
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
