"""The outbox of indicator inputs: services call these INSIDE their transaction (explicit calls,
no signals). Repeated marks coalesce (unique rows); on commit one recomputation task is queued
for the worker unless one is already waiting."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from gbvms.indicators.models import DirtyCase, DirtyKey

TASK_PATH = "gbvms.indicators.tasks.recompute_pending"


def mark_case(*case_ids: int) -> None:
    """The facts of these cases must be rebuilt (and every cell they touch, old and new)."""
    now = timezone.now()
    ids = sorted({int(i) for i in case_ids if i})
    if not ids:
        return
    # a newer mark of a row the worker is processing must survive it: move enqueued_at forward
    DirtyCase.objects.filter(case_id__in=ids).update(enqueued_at=now)
    DirtyCase.objects.bulk_create(
        [DirtyCase(case_id=i, enqueued_at=now) for i in ids], ignore_conflicts=True
    )
    transaction.on_commit(enqueue)


def mark_keys(keys: Iterable[tuple[str, str, int]]) -> None:
    """Cells of (source, leaf unit path, year) must be recomputed (programme records)."""
    now = timezone.now()
    rows = [DirtyKey(source=s, unit_path=p, year=y, enqueued_at=now) for s, p, y in set(keys)]
    for row in rows:
        DirtyKey.objects.filter(source=row.source, unit_path=row.unit_path, year=row.year).update(
            enqueued_at=now
        )
    DirtyKey.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(enqueue)


def mark_programme_agencies(*agency_ids: int, years: Iterable[int] | None = None) -> None:
    """The programme cells (P08) of these agencies' units: a change to the service directory or
    a service an agency delivered. The directory keeps no history, so by default this year and
    the last (whose annual report is still being written) are recomputed; earlier years keep
    the directory as it was when they were computed (``rebuild_indicators`` redoes them)."""
    from gbvms.orgs.models import Agency

    ids = {int(i) for i in agency_ids if i}
    if not ids:
        return
    today = timezone.localdate()
    wanted = sorted(set(years)) if years is not None else [today.year - 1, today.year]
    paths = set(Agency.objects.filter(pk__in=ids).values_list("unit__path", flat=True))
    mark_keys({("programme", path, year) for path in paths if path for year in wanted})


def enqueue() -> None:
    """Queue the recomputation task unless one is already waiting to run."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").exists()
    if not waiting:
        from gbvms.indicators.tasks import recompute_pending

        recompute_pending.enqueue()
