"""``/metrics``: Prometheus text format, for the monitoring server only (docs/operations.md).

Request latencies are a histogram labelled by the *route name* (``cases:detail``), the method and
the status class, never by the raw URL: a case code, a tracking code or a query string never
becomes a label. The backlog figures are read from the database at each scrape: the background
tasks waiting (django-tasks-db), the indicator outbox (cases and cells waiting for the worker)
with the "figures as of" age, and the lag of the read replica when one is configured.

Access: a bearer token (``GBVMS_METRICS_TOKEN``) or a client address in
``GBVMS_METRICS_ALLOWED_IPS`` (the address of ``core.clientip``, so a forged X-Forwarded-For does
not help). With neither configured the endpoint does not exist (404); otherwise a request with
neither is refused (403). With several gunicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` so the
histogram adds up the workers' figures (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from gbvms.core import clientip

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "<unmatched>"
REPLICA_ALIAS = "replica"

REQUESTS = CollectorRegistry(auto_describe=True)
REQUEST_SECONDS = Histogram(
    "gbvms_http_request_duration_seconds",
    "Time to answer a request, by route name (never the URL), method and status class.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REQUESTS,
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def route_of(request: HttpRequest) -> str:
    """The route's name (``namespace:name``), or its pattern when it has none; never the path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return match.view_name or match.route or UNMATCHED


class RequestLatencyMiddleware:
    """Times every request and records it under its route name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(
            route=route_of(request), method=method, status=f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - start)
        return response


def _age(oldest: Any, now: Any) -> float:
    return max((now - oldest).total_seconds(), 0.0) if oldest is not None else 0.0


class BacklogCollector(Collector):
    """Figures read from the database at each scrape (a few indexed aggregates)."""

    def collect(self) -> Iterator[Metric]:
        yield from self._tasks()
        yield from self._indicators()
        yield from self._replica()

    @staticmethod
    def _tasks() -> Iterator[Metric]:
        from django_tasks_db.models import DBTaskResult

        rows = DBTaskResult.objects.values("status").annotate(n=Count("id"))
        counts = {row["status"]: row["n"] for row in rows}
        tasks = GaugeMetricFamily(
            "gbvms_tasks", "Background tasks (django-tasks-db) by status.", labels=["status"]
        )
        for status in ("READY", "RUNNING", "FAILED"):
            tasks.add_metric([status.lower()], counts.get(status, 0))
        yield tasks
        oldest = DBTaskResult.objects.filter(status="READY").aggregate(t=Min("enqueued_at"))["t"]
        yield GaugeMetricFamily(
            "gbvms_tasks_oldest_ready_age_seconds",
            "Age of the oldest task waiting for a worker (0 when none waits).",
            value=_age(oldest, timezone.now()),
        )

    @staticmethod
    def _indicators() -> Iterator[Metric]:
        from gbvms.indicators.models import DirtyCase, DirtyKey
        from gbvms.indicators.selectors import freshness

        outbox = GaugeMetricFamily(
            "gbvms_indicator_outbox",
            "Indicator inputs waiting for the worker: cases to re-read, cells to recompute.",
            labels=["kind"],
        )
        outbox.add_metric(["case"], DirtyCase.objects.count())
        outbox.add_metric(["cell"], DirtyKey.objects.count())
        yield outbox
        fresh = freshness()
        yield GaugeMetricFamily(
            "gbvms_indicator_behind_seconds",
            "How far the figures are behind: age of the oldest change not yet counted.",
            value=fresh.behind_seconds,
        )
        yield GaugeMetricFamily(
            "gbvms_indicator_as_of_timestamp_seconds",
            "The figures include every change made before this time (Unix time).",
            value=fresh.as_of.timestamp(),
        )
        yield GaugeMetricFamily(
            "gbvms_indicator_stale",
            "1 when the figures are older than GBVMS_INDICATOR_STALE_SECONDS.",
            value=int(fresh.stale),
        )

    @staticmethod
    def _replica() -> Iterator[Metric]:
        if REPLICA_ALIAS not in settings.DATABASES:
            return  # no replica configured: the lag is absent, not zero
        lag = replica_lag_seconds()
        yield GaugeMetricFamily(
            "gbvms_replica_up", "1 when the read replica answers.", value=int(lag is not None)
        )
        if lag is not None:
            yield GaugeMetricFamily(
                "gbvms_replica_lag_seconds",
                "Time since the last transaction the replica replayed (0 when caught up).",
                value=lag,
            )


REPLICA_LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


def replica_lag_seconds() -> float | None:
    """Seconds the replica is behind (0 when caught up); None when it does not answer."""
    connection = connections[REPLICA_ALIAS]
    if connection.vendor != "postgresql":
        return 0.0
    try:
        with connection.cursor() as cursor:
            cursor.execute(REPLICA_LAG_SQL)
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return max(float(row[0] or 0), 0.0)


def _token_ok(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())


def _address_ok(request: HttpRequest) -> bool:
    if not settings.METRICS_ALLOWED_IPS:
        return False
    address = clientip.parse_address(clientip.client_ip(request) or "")
    if address is None:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_IPS)


def exposition() -> bytes:
    """The whole text: the request histogram (all workers' in multiprocess mode), then backlogs."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        MultiProcessCollector(requests)
    else:
        requests = REQUESTS
    backlog = CollectorRegistry(auto_describe=False)
    backlog.register(BacklogCollector())
    return generate_latest(requests) + generate_latest(backlog)


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN and not settings.METRICS_ALLOWED_IPS:
        raise Http404
    if not (_token_ok(request) or _address_ok(request)):
        return HttpResponseForbidden("forbidden", content_type="text/plain; charset=utf-8")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE)
