"""/metrics: restricted, Prometheus text, latencies by route name, backlogs, replica lag."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from gbvms.core import metrics
from gbvms.indicators.models import DirtyCase, DirtyKey

TOKEN = "metrics-test-token-0123456789"


def families(body: bytes) -> dict:
    return {family.name: family for family in text_string_to_metric_families(body.decode())}


def sample_value(family, **labels) -> float:
    for sample in family.samples:
        if all(sample.labels.get(k) == v for k, v in labels.items()):
            return sample.value
    raise AssertionError(f"no sample {labels} in {family.name}")


def scrape(client, **extra):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)


@pytest.mark.django_db
class TestAccess:
    @override_settings(METRICS_TOKEN="", METRICS_ALLOWED_IPS=[])
    def test_not_configured_is_not_found(self, client):
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404

    @override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_IPS=[])
    @pytest.mark.parametrize(
        "header", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "]
    )
    def test_without_the_token_is_forbidden(self, client, header):
        extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
        response = client.get("/metrics", **extra)
        assert response.status_code == 403
        assert b"gbvms_" not in response.content

    @override_settings(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_IPS=[])
    def test_the_token_opens_it(self, client):
        response = scrape(client)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=0.0.4")

    @override_settings(METRICS_TOKEN="", METRICS_ALLOWED_IPS=["10.1.2.0/24"], TRUSTED_PROXIES=[])
    def test_allowed_address(self, client):
        assert client.get("/metrics", REMOTE_ADDR="10.1.2.7").status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="10.1.3.7").status_code == 403
        # a forged header from an untrusted peer does not make it an allowed address
        forged = client.get("/metrics", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.1.2.7")
        assert forged.status_code == 403

    @override_settings(METRICS_TOKEN=TOKEN)
    def test_post_is_refused(self, client):
        assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


@pytest.mark.django_db
class TestContent:
    @pytest.fixture(autouse=True)
    def _token(self, settings):
        settings.METRICS_TOKEN = TOKEN
        settings.METRICS_ALLOWED_IPS = []

    def test_latency_is_by_route_name_never_by_path(self, client):
        client.get("/healthz")
        client.get("/cases/C-SECRET-CODE-123/")  # a case address: its code must not be a label
        client.get("/no/such/page/here")
        body = scrape(client).content
        found = families(body)["gbvms_http_request_duration_seconds"]
        routes = {s.labels["route"] for s in found.samples if "route" in s.labels}
        assert "core:healthz" in routes
        assert metrics.UNMATCHED in routes
        assert b"C-SECRET-CODE-123" not in body
        assert b"/no/such" not in body
        count = sample_value(
            families(body)["gbvms_http_request_duration_seconds"],
            route="core:healthz",
            method="GET",
            status="2xx",
        )
        assert count >= 1

    def test_the_healthz_count_grows_by_one_per_request(self, client):
        def count() -> float:
            family = families(scrape(client).content)["gbvms_http_request_duration_seconds"]
            for sample in family.samples:
                if sample.name.endswith("_count") and sample.labels.get("route") == "core:healthz":
                    return sample.value
            return 0.0

        before = count()
        client.get("/healthz")
        client.get("/healthz")
        assert count() == before + 2

    def test_task_backlog(self, client):
        from django_tasks_db.models import DBTaskResult

        before = sample_value(families(scrape(client).content)["gbvms_tasks"], status="ready")
        from gbvms.indicators.tasks import recompute_pending

        recompute_pending.enqueue()
        after = families(scrape(client).content)
        assert sample_value(after["gbvms_tasks"], status="ready") == before + 1
        assert DBTaskResult.objects.filter(status="READY").count() == before + 1
        assert sample_value(after["gbvms_tasks_oldest_ready_age_seconds"]) >= 0

    def test_indicator_outbox_and_freshness(self, client):
        empty = families(scrape(client).content)
        assert sample_value(empty["gbvms_indicator_outbox"], kind="case") == 0
        assert sample_value(empty["gbvms_indicator_behind_seconds"]) == 0
        old = timezone.now() - datetime.timedelta(minutes=10)
        DirtyCase.objects.create(case_id=424242, enqueued_at=old)
        DirtyKey.objects.create(source="response", unit_path="x", year=2026, enqueued_at=old)
        DirtyKey.objects.create(source="response", unit_path="y", year=2026)
        found = families(scrape(client).content)
        assert sample_value(found["gbvms_indicator_outbox"], kind="case") == 1
        assert sample_value(found["gbvms_indicator_outbox"], kind="cell") == 2
        assert 590 <= sample_value(found["gbvms_indicator_behind_seconds"]) <= 700
        assert sample_value(found["gbvms_indicator_stale"]) == 1
        as_of = sample_value(found["gbvms_indicator_as_of_timestamp_seconds"])
        assert abs(as_of - old.timestamp()) < 1

    def test_no_replica_no_lag(self, client):
        body = scrape(client).content
        assert b"gbvms_replica_lag_seconds" not in body
        assert b"gbvms_replica_up" not in body

    def test_replica_lag_when_one_is_configured(self, client, monkeypatch):
        monkeypatch.setattr(metrics, "REPLICA_ALIAS", "default")  # an alias that is configured
        monkeypatch.setattr(metrics, "replica_lag_seconds", lambda: 3.5)
        found = families(scrape(client).content)
        assert sample_value(found["gbvms_replica_up"]) == 1
        assert sample_value(found["gbvms_replica_lag_seconds"]) == 3.5
        monkeypatch.setattr(metrics, "replica_lag_seconds", lambda: None)
        down = families(scrape(client).content)
        assert sample_value(down["gbvms_replica_up"]) == 0
        assert "gbvms_replica_lag_seconds" not in down

    def test_replica_lag_query_runs(self, client, monkeypatch):
        # the real query against a server that is not in recovery: caught up, lag 0
        monkeypatch.setattr(metrics, "REPLICA_ALIAS", "default")
        assert metrics.replica_lag_seconds() == 0.0
        assert sample_value(families(scrape(client).content)["gbvms_replica_lag_seconds"]) == 0
