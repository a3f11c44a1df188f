"""push_dhis2 against a local DHIS2 stand-in (http.server on 127.0.0.1) that records and checks
what it receives and answers DHIS2-like import summaries."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from gbvms.core.models import AccessLog
from gbvms.indicators import dhis2
from tests.indicators.dhis2_data import fill

pytestmark = pytest.mark.django_db
PASSWORD = "s3cret-pa55"


def summary(imported=0, updated=0, ignored=0, conflicts=(), status="SUCCESS"):
    return {
        "httpStatus": "OK",
        "httpStatusCode": 200,
        "status": "OK",
        "response": {
            "responseType": "ImportSummary",
            "status": status,
            "importCount": {"imported": imported, "updated": updated, "ignored": ignored,
                            "deleted": 0},
            "conflicts": list(conflicts),
        },
    }  # fmt: skip


class Dhis2:
    """Records every request; ``answer(request)`` gives (status, body, headers)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answer = self.default
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                parts = urllib.parse.urlsplit(self.path)
                request = {
                    "path": parts.path,
                    "query": dict(urllib.parse.parse_qsl(parts.query)),
                    "headers": dict(self.headers),
                    "body": self.rfile.read(length),
                }
                server.requests.append(request)
                status, body, headers = server.answer(request)
                raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def default(self, request):
        if request["headers"]["Content-Type"] == "application/adx+xml":
            values = request["body"].count(b"<dataValue ")
        else:
            values = len(json.loads(request["body"])["dataValues"])
        if request["query"]["dryRun"] == "true":
            return 200, summary(imported=values), {}
        return 200, summary(imported=values - 1, ignored=1), {}

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(settings):
    fake = Dhis2()
    settings.DHIS2_URL = fake.url + "/"
    settings.DHIS2_USERNAME = "gbvms"
    settings.DHIS2_PASSWORD = PASSWORD
    settings.DHIS2_TOKEN = ""
    settings.DHIS2_TIMEOUT = 5
    yield fake
    fake.stop()


@pytest.fixture
def world(province, commune_a, commune_b):
    fill(province.path)
    fill(commune_a.path)
    fill(commune_b.path)


def push(*args):
    out = StringIO()
    call_command("push_dhis2", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_dry_run_first_then_for_real(server, world):
    output = push("--unit", "51", "--period", "2026S1")
    assert [r["query"]["dryRun"] for r in server.requests] == ["true", "false"]
    for request in server.requests:
        assert request["path"] == "/api/dataValueSets"
        assert request["query"]["idScheme"] == "code"
        assert request["query"]["async"] == "false"
        expected = "Basic " + base64.b64encode(f"gbvms:{PASSWORD}".encode()).decode()
        assert request["headers"]["Authorization"] == expected
        assert request["headers"]["Content-Type"] == "application/json"
    first, second = (json.loads(r["body"]) for r in server.requests)
    assert first == second
    values = first["dataValues"]
    units = {v["orgUnit"] for v in values}
    assert units == {"VN_51", "VN_23293", "VN_23401"}  # the province and its communes
    assert {v["period"] for v in values} == {"2026S1"}
    assert all(isinstance(v["value"], str) for v in values)
    assert {"dataElement": "GBV_R02_N_SEX_AGEVN", "categoryOptionCombo": "F_Y16_59",
            "value": "18", "orgUnit": "VN_23293"}.items() <= next(
        v for v in values if v["orgUnit"] == "VN_23293"
        and v["dataElement"] == "GBV_R02_N_SEX_AGEVN").items()  # fmt: skip
    sent = {(v["orgUnit"], v["dataElement"], v["categoryOptionCombo"]) for v in values}
    assert ("VN_23293", "GBV_R02_N_SEX", "M") not in sent  # hidden: omitted
    assert f"imported {len(values)}, updated 0, ignored 0, conflicts 0" in output
    assert f"imported {len(values) - 1}, updated 0, ignored 1" in output
    assert PASSWORD not in output
    log = AccessLog.objects.unscoped().get(action="indicators.pushed")
    assert (log.object_id, log.reason) == ("VN_51", "dhis2_json")


def test_dry_run_only(server, world):
    output = push("--unit", "23293", "--period", "2026S1", "--dry-run")
    assert [r["query"]["dryRun"] for r in server.requests] == ["true"]
    assert {v["orgUnit"] for v in json.loads(server.requests[0]["body"])["dataValues"]} == {
        "VN_23293"
    }
    assert "dry run VN_23293: SUCCESS" in output
    assert not AccessLog.objects.unscoped().filter(action="indicators.pushed").exists()


def test_a_personal_access_token(server, world, settings):
    settings.DHIS2_TOKEN = "d2pat_abc123"
    push("--unit", "23293", "--period", "2026S1", "--dry-run")
    assert server.requests[0]["headers"]["Authorization"] == "ApiToken d2pat_abc123"


def test_adx(server, world):
    push("--unit", "51", "--period", "2026", "--format", "adx")
    assert len(server.requests) == 2
    request = server.requests[0]
    assert request["headers"]["Content-Type"] == "application/adx+xml"
    root = etree.fromstring(request["body"])
    groups = root.findall(f"{{{dhis2.ADX_NS}}}group")
    assert [g.get("orgUnit") for g in groups][:1] == ["VN_51"]
    assert {g.get("period") for g in groups} == {"2026-01-01/P1Y"}
    assert len(groups) == 1 + 96  # the province and each of its communes


def test_conflicts_in_the_dry_run_stop_the_real_import(server, world):
    conflict = {"object": "GBV_R02_N_SEX", "value": "Data element not found or not accessible"}
    server.answer = lambda r: (409, summary(ignored=3, conflicts=[conflict], status="WARNING"), {})
    out = StringIO()
    with pytest.raises(CommandError, match="conflicts: nothing was sent"):
        call_command("push_dhis2", "--unit", "23293", "--period", "2026S1", stdout=out)
    assert [r["query"]["dryRun"] for r in server.requests] == ["true"]
    assert "conflict GBV_R02_N_SEX: Data element not found" in out.getvalue()


@pytest.mark.parametrize("status", [401, 500])
def test_a_server_error_is_a_command_error_with_its_message(server, world, status):
    server.answer = lambda r: (status, {"httpStatusCode": status, "message": "Nope from DHIS2"}, {})
    with pytest.raises(CommandError) as caught:
        push("--unit", "23293", "--period", "2026S1")
    assert f"DHIS2 answered {status}: Nope from DHIS2" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert len(server.requests) == 1


def test_a_redirect_is_not_followed(server, world):
    server.answer = lambda r: (302, b"", {"Location": "http://elsewhere.invalid/api"})
    with pytest.raises(CommandError, match=re.escape("redirect to http://elsewhere.invalid/api")):
        push("--unit", "23293", "--period", "2026S1")
    assert len(server.requests) == 1


def test_a_slow_server_times_out(server, world, settings):
    settings.DHIS2_TIMEOUT = 1

    def slow(request):
        time.sleep(2)
        return 200, summary(), {}

    server.answer = slow
    with pytest.raises(CommandError, match="could not reach DHIS2"):
        push("--unit", "23293", "--period", "2026S1")


def test_the_nation_is_chunked_by_province(server, world, settings):
    push("--unit", "VN", "--period", "2026S1", "--dry-run")
    assert len(server.requests) == 1 + 34
    first = json.loads(server.requests[0]["body"])["dataValues"]
    assert {v["orgUnit"] for v in first} <= {"VN"}
    chunk_51 = [json.loads(r["body"])["dataValues"] for r in server.requests[1:]]
    units = [{v["orgUnit"] for v in values} for values in chunk_51]
    assert {"VN_51", "VN_23293", "VN_23401"} in units


@pytest.mark.parametrize(
    ("env", "message"),
    [({"DHIS2_URL": ""}, "DHIS2 is not configured"),
     ({"DHIS2_PASSWORD": ""}, "credentials are not configured"),
     ({"DHIS2_URL": "ftp://x"}, "must start with https://")],
)  # fmt: skip
def test_refuses_without_configuration(server, world, settings, env, message):
    for key, value in env.items():
        setattr(settings, key, value)
    with pytest.raises(CommandError, match=message):
        push("--unit", "51", "--period", "2026S1")
    assert server.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--unit", "51", "--period", "2026S1C"], "cutoff_period"),
     (["--unit", "51", "--period", "202601"], "period_not_available"),
     (["--unit", "77777", "--period", "2026S1"], "no current province or commune")],
)  # fmt: skip
def test_refuses_bad_input_before_sending(server, world, args, message):
    with pytest.raises(CommandError, match=message):
        push(*args)
    assert server.requests == []
