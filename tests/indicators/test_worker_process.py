"""Freshness through the REAL worker: `manage.py db_worker` beside a served database."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

from tests.served import MANAGE, ROOT, served_app


def _get(served, path, token):
    request = urllib.request.Request(  # noqa: S310 (a local test server)
        served.base + path, headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def _until(served, world, wanted, timeout=60.0):
    """Poll the API as a client would, until it serves ``wanted`` (numerator, denominator)."""
    url = f"/api/v1/indicators/R02/values?unit=23293&period={world['year']}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = _get(served, url, world["token"])
        if (body["numerator"], body["denominator"]) == wanted:
            return body, time.monotonic()
        time.sleep(0.2)
    raise AssertionError(f"not fresh within {timeout} s: {body}")


def test_a_change_is_served_within_a_minute_by_the_worker(tmp_path):
    with served_app(tmp_path, workers=1, threads=2) as served:
        world = served.run("indicators.worker_data", "world")
        args = (world["path"], world["year"])
        before = served.run("indicators.worker_data", "figure", *args)
        assert before["r02"] is None
        assert before["pending"] == 1
        log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(
            [*MANAGE, "db_worker", "--interval", "0.5", "--no-startup-delay", "--no-reload"],
            env=served.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            body, _ = _until(served, world, (0, 1))
            assert body["stale"] is False
            served.run("indicators.worker_data", "serve_case", world["case"])
            start = time.monotonic()
            body, end = _until(served, world, (1, 1))
            assert end - start < 60
            assert served.run("indicators.worker_data", "figure", *args)["pending"] == 0
        finally:
            worker.terminate()
            worker.wait(timeout=20)
            log.close()
