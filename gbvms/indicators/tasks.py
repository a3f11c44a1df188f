"""Background tasks (django-tasks; run by ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def recompute_pending() -> dict[str, int]:
    """Rebuild the facts of changed cases and recompute the cells they touch, until the outbox
    is empty."""
    from gbvms.indicators.worker import process_pending

    return process_pending()
