"""The reports API (issue 12): the same selectors and services as the pages, exact statuses and
codes, and the same 404 for a report that is not visible as for one that does not exist."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gbvms.core.models import AccessLog
from gbvms.reports.models import Status, Submission, SubmissionVersion, Transition
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import (
    submission_accept,
    submission_approve,
    submission_submit,
)
from tests.conftest import make_user, verified_client
from tests.reports.conftest import YEAR, world  # noqa: F401 - the reporting world fixture

pytestmark = pytest.mark.django_db

BASE = "/api/v1/reports"
NOT_FOUND = {"code": "not_found", "detail": "Not found"}
ITEM_KEYS = {
    "id",
    "requirement",
    "period",
    "unit_code",
    "agency_id",
    "recipient_agency_id",
    "due_at",
    "status",
    "version",
}
VALUE_KEYS = {"indicator", "name", "numerator", "denominator", "value", "target", "status",
              "suppressed"}  # fmt: skip
STORED = [
    {
        "indicator": "R01",
        "name": "Số vụ việc",
        "kind": "count",
        "period": "2026C",
        "numerator": 12,
        "denominator": None,
        "value": 12.0,
        "target": None,
        "comparator": None,
        "status": None,
        "suppressed": False,
        "source": "response",
    },
    {
        "indicator": "R02",
        "name": "Tỷ lệ được hỗ trợ",
        "numerator": None,
        "denominator": None,
        "value": None,
        "target": 90.0,
        "comparator": ">",
        "status": "insufficient_data",
        "suppressed": True,
    },
]


@pytest.fixture
def cycle(world, as_user):  # noqa: F811 - the fixture imported above
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)

    def get(agency, period="2026C"):
        return Submission.objects.get(obligation__submitter_agency=agency, period=period)

    world.get = get
    world.client = {
        name: as_user(getattr(world, name))
        for name in ("reporter_a", "reporter_b", "province_reporter", "ministry_reporter",
                     "officer", "health_reporter")
    }  # fmt: skip
    world.client["worker_a"] = as_user(world.personas["worker_a"])
    return world


def _post(client: Client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def _patch(client: Client, pk: int, body: dict):
    return client.patch(f"{BASE}/{pk}", body, content_type="application/json")


def _submit(cycle, agency, reporter) -> Submission:
    submission_submit(actor=reporter, submission=cycle.get(agency))
    return cycle.get(agency)


# ------------------------------------------------------------------------------------ list


def test_the_list_by_role(cycle, commune_a):
    mine = cycle.client["reporter_a"].get(BASE, {"period": "2026C", "role": "submitter"})
    assert mine.status_code == 200, mine.content
    draft = cycle.get(cycle.a)
    [item] = mine.json()["items"]
    assert set(item) == ITEM_KEYS
    assert item["id"] == draft.pk
    assert item["requirement"] == cycle.annual.pk
    assert item["period"] == "2026C"
    assert item["unit_code"] == commune_a.code
    assert item["agency_id"] == cycle.a.pk
    assert item["recipient_agency_id"] == cycle.lead.pk
    assert (item["status"], item["version"]) == ("draft", 1)
    assert mine.json()["count"] == 1
    # the recipient sees no draft of its children; once sent, it does
    lead = cycle.client["province_reporter"]
    assert lead.get(BASE, {"period": "2026C", "role": "recipient"}).json()["items"] == []
    _submit(cycle, cycle.a, cycle.reporter_a)
    received = lead.get(BASE, {"period": "2026C", "role": "recipient"}).json()["items"]
    assert [(i["id"], i["status"]) for i in received] == [(draft.pk, "submitted")]
    # as submitter the lead has its own report to the ministry; both roles: both
    own = lead.get(BASE, {"period": "2026C", "role": "submitter"}).json()["items"]
    assert [(i["agency_id"], i["recipient_agency_id"]) for i in own] == [
        (cycle.lead.pk, cycle.ministry.pk)
    ]
    both = lead.get(BASE, {"period": "2026C"}).json()["items"]
    assert {i["agency_id"] for i in both} == {cycle.a.pk, cycle.lead.pk}


def test_the_list_without_period_pages_all_periods(cycle):
    client = cycle.client["reporter_a"]
    every = client.get(BASE).json()
    periods = sorted(i["period"] for i in every["items"])
    assert (
        every["count"]
        == len(periods)
        == Submission.objects.filter(obligation__submitter_agency=cycle.a).count()
    )
    assert "2026C" in periods
    assert len(periods) > 1
    page = client.get(BASE, {"limit": 1, "offset": 1}).json()
    assert page["count"] == every["count"]
    assert [i["id"] for i in page["items"]] == [every["items"][1]["id"]]


def test_the_list_costs_the_same_queries_whatever_its_length(cycle):
    client = cycle.client["reporter_a"]
    client.get(BASE)  # the session's first request loads what every later one reuses
    with CaptureQueriesContext(connection) as one:
        short = client.get(BASE, {"period": "2026C"}).json()
    with CaptureQueriesContext(connection) as every:
        long = client.get(BASE).json()
    assert len(short["items"]) == 1
    assert len(long["items"]) > 1
    assert len(every) == len(one)


@pytest.mark.parametrize("period", ["2026X", "1800", "2026S3", "abc"])
def test_an_invalid_period_is_a_422_with_a_code(cycle, period):
    response = cycle.client["reporter_a"].get(BASE, {"period": period})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_period"


def test_a_bad_role_is_a_validation_error(cycle):
    response = cycle.client["reporter_a"].get(BASE, {"role": "boss"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_case_worker_lists_nothing(cycle):
    assert cycle.client["worker_a"].get(BASE).json() == {"count": 0, "items": []}


def test_a_bearer_token_reads_the_list(cycle, capsys):
    call_command("create_token", "reporter_a")
    token = capsys.readouterr().out.strip()
    response = Client().get(BASE, {"period": "2026C"}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert [i["agency_id"] for i in response.json()["items"]] == [cycle.a.pk]
    assert Client().get(BASE).status_code == 401


# ------------------------------------------------------------------------------------ read


def test_a_draft_shows_its_live_values_and_titled_sections(cycle):
    draft = cycle.get(cycle.a)
    Submission.objects.filter(pk=draft.pk).update(values=STORED)
    body = cycle.client["reporter_a"].get(f"{BASE}/{draft.pk}").json()
    assert set(body) >= ITEM_KEYS
    assert (body["status"], body["version"], body["may_edit"]) == ("draft", 1, True)
    assert [set(v) for v in body["values"]] == [VALUE_KEYS, VALUE_KEYS]
    assert body["values"][0] == {
        "indicator": "R01", "name": "Số vụ việc", "numerator": 12, "denominator": None,
        "value": 12.0, "target": None, "status": None, "suppressed": False,
    }  # fmt: skip
    hidden = body["values"][1]
    assert (hidden["suppressed"], hidden["numerator"], hidden["value"]) == (True, None, None)
    data = next(s for s in body["sections"] if s["key"] == "data")
    assert data == {"key": "data", "title": "III.6. Dữ liệu, thống kê", "text": ""}
    assert body["last_return"] is None
    assert body["live_changes"] == []


def test_a_sent_report_shows_its_snapshot_not_the_live_values(cycle):
    draft = cycle.get(cycle.a)
    Submission.objects.filter(pk=draft.pk).update(values=STORED)
    sent = _submit(cycle, cycle.a, cycle.reporter_a)
    snapshot = SubmissionVersion.objects.get(submission=sent)
    # the live values move on after sending; the report shows what was sent
    Submission.objects.filter(pk=sent.pk).update(values=STORED)
    expected = [(v["indicator"], v["numerator"]) for v in snapshot.values]
    assert expected
    assert ("R01", 12) not in expected  # the engine has no case here
    for name in ("reporter_a", "province_reporter"):
        body = cycle.client[name].get(f"{BASE}/{sent.pk}").json()
        assert body["status"] == "submitted"
        assert body["may_edit"] is False
        assert [(v["indicator"], v["numerator"]) for v in body["values"]] == expected
        assert body["sections"] == snapshot.sections
        assert isinstance(body["live_changes"], list)


def test_a_returned_report_the_submitter_edits_live_the_recipient_reads_what_was_sent(cycle):
    sent = _submit(cycle, cycle.a, cycle.reporter_a)
    response = _post(
        cycle.client["province_reporter"],
        f"{BASE}/{sent.pk}/return",
        {"reason": "Thiếu số liệu", "notes": {"data": "Bổ sung số vụ việc"}},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returned"
    returned = cycle.get(cycle.a)
    saved = _patch(
        cycle.client["reporter_a"],
        returned.pk,
        {"sections": [{"key": "data", "text": "Số liệu mới"}], "version": returned.version},
    )
    assert saved.status_code == 200, saved.content
    mine = cycle.client["reporter_a"].get(f"{BASE}/{returned.pk}").json()
    theirs = cycle.client["province_reporter"].get(f"{BASE}/{returned.pk}").json()
    assert next(s["text"] for s in mine["sections"] if s["key"] == "data") == "Số liệu mới"
    assert next(s["text"] for s in theirs["sections"] if s["key"] == "data") == ""
    assert (mine["may_edit"], theirs["may_edit"]) == (True, False)
    for body in (mine, theirs):
        assert body["last_return"]["reason"] == "Thiếu số liệu"
        assert body["last_return"]["notes"] == {"data": "Bổ sung số vụ việc"}


def test_not_visible_and_nonexistent_are_the_same_404(cycle):
    draft_a = cycle.get(cycle.a)
    missing = Submission.objects.order_by("-pk").first().pk + 1000
    expected = cycle.client["reporter_a"].get(f"{BASE}/{missing}")
    assert (expected.status_code, expected.json()) == (404, NOT_FOUND)
    # the recipient never reads a child's draft; another commune never reads it at all
    for name in ("province_reporter", "reporter_b", "worker_a", "ministry_reporter"):
        response = cycle.client[name].get(f"{BASE}/{draft_a.pk}")
        assert (response.status_code, response.content) == (404, expected.content), name
    for pk in (0, 2**31, 10**30):
        assert cycle.client["reporter_a"].get(f"{BASE}/{pk}").status_code in {404, 422}
    assert cycle.client["reporter_a"].get(f"{BASE}/{2**31}").json() == NOT_FOUND


# ------------------------------------------------------------------------------------ patch


def test_patch_saves_sections_and_refuses_a_stale_version(cycle):
    draft = cycle.get(cycle.a)
    client = cycle.client["reporter_a"]
    ok = _patch(client, draft.pk, {"sections": [{"key": "direction", "text": "Ban hành 3 KH."}],
                                   "version": 1})  # fmt: skip
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["version"] == 2
    assert next(s["text"] for s in body["sections"] if s["key"] == "direction") == "Ban hành 3 KH."
    stale = _patch(client, draft.pk, {"sections": [{"key": "direction", "text": "khác"}],
                                      "version": 1})  # fmt: skip
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    assert cycle.get(cycle.a).version == 2


def test_patch_an_unknown_section_is_a_422(cycle):
    draft = cycle.get(cycle.a)
    response = _patch(cycle.client["reporter_a"], draft.pk,
                      {"sections": [{"key": "nope", "text": "x"}], "version": 1})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_section"
    assert cycle.get(cycle.a).version == 1


def test_patch_a_sent_report_is_a_409_not_editable(cycle):
    sent = _submit(cycle, cycle.a, cycle.reporter_a)
    response = _patch(
        cycle.client["reporter_a"],
        sent.pk,
        {"sections": [{"key": "data", "text": "x"}], "version": sent.version},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_editable"


def test_patch_by_the_recipient_is_a_403_and_by_another_commune_a_404(cycle):
    sent = _submit(cycle, cycle.a, cycle.reporter_a)
    _post(cycle.client["province_reporter"], f"{BASE}/{sent.pk}/return", {"reason": "x"})
    returned = cycle.get(cycle.a)
    body = {"sections": [{"key": "data", "text": "x"}], "version": returned.version}
    forbidden = _patch(cycle.client["province_reporter"], returned.pk, body)
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "forbidden")
    hidden = _patch(cycle.client["reporter_b"], returned.pk, body)
    assert (hidden.status_code, hidden.json()) == (404, NOT_FOUND)
    assert cycle.get(cycle.a).version == returned.version


@pytest.mark.parametrize(
    "body",
    [
        {"sections": [], "version": 1},
        {"sections": [{"key": "data", "text": "x"}]},
        {"sections": [{"key": "data", "text": "x", "extra": 1}], "version": 1},
        {"sections": [{"key": "data", "text": "x" * 20001}], "version": 1},
        {"sections": [{"key": "data", "text": "a\x00b"}], "version": 1},
        {"sections": [{"key": "data", "text": "x"}], "version": 10**20},
    ],
)
def test_patch_bad_bodies_are_validation_errors(cycle, body):
    draft = cycle.get(cycle.a)
    response = _patch(cycle.client["reporter_a"], draft.pk, body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert cycle.get(cycle.a).version == 1


# ------------------------------------------------------------------------------ transitions


def test_submit_accept_approve_reopen_through_the_api(cycle):
    a = cycle.get(cycle.a).pk
    reporter, lead = cycle.client["reporter_a"], cycle.client["province_reporter"]
    submitted = _post(reporter, f"{BASE}/{a}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    assert SubmissionVersion.objects.filter(submission_id=a).count() == 1
    again = _post(reporter, f"{BASE}/{a}/submit")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    # the submitter does not accept its own report
    own = _post(reporter, f"{BASE}/{a}/accept")
    assert (own.status_code, own.json()["code"]) == (403, "forbidden")
    early = _post(lead, f"{BASE}/{a}/approve")
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    accepted = _post(lead, f"{BASE}/{a}/accept")
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    approved = _post(lead, f"{BASE}/{a}/approve")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    no_reason = _post(lead, f"{BASE}/{a}/reopen", {})
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "reason_required")
    blank = _post(lead, f"{BASE}/{a}/reopen", {"reason": "   "})
    assert (blank.status_code, blank.json()["code"]) == (422, "reason_required")
    by_submitter = _post(reporter, f"{BASE}/{a}/reopen", {"reason": "x"})
    assert (by_submitter.status_code, by_submitter.json()["code"]) == (403, "forbidden")
    reopened = _post(lead, f"{BASE}/{a}/reopen", {"reason": "Số liệu cần rà soát"})
    assert (reopened.status_code, reopened.json()["status"]) == (200, "reopened")
    steps = list(
        Transition.objects.filter(submission_id=a).order_by("pk").values_list("to_status", "actor")
    )
    assert steps == [
        ("submitted", cycle.reporter_a.pk),
        ("accepted", cycle.province_reporter.pk),
        ("approved", cycle.province_reporter.pk),
        ("reopened", cycle.province_reporter.pk),
    ]
    assert Transition.objects.get(submission_id=a, to_status="reopened").reason == (
        "Số liệu cần rà soát"
    )


def test_return_needs_a_reason_and_known_sections(cycle):
    sent = _submit(cycle, cycle.a, cycle.reporter_a)
    lead = cycle.client["province_reporter"]
    url = f"{BASE}/{sent.pk}/return"
    missing = _post(lead, url, {})
    assert (missing.status_code, missing.json()["code"]) == (422, "reason_required")
    unknown = _post(lead, url, {"reason": "x", "notes": {"nope": "y"}})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_section")
    by_submitter = _post(cycle.client["reporter_a"], url, {"reason": "x"})
    assert (by_submitter.status_code, by_submitter.json()["code"]) == (403, "forbidden")
    extra = _post(lead, url, {"reason": "x", "other": 1})
    assert (extra.status_code, extra.json()["code"]) == (422, "validation_error")
    assert cycle.get(cycle.a).status == Status.SUBMITTED
    ok = _post(lead, url, {"reason": "Thiếu số liệu", "notes": {"data": "Bổ sung"}})
    assert ok.status_code == 200
    assert ok.json()["last_return"]["notes"] == {"data": "Bổ sung"}
    twice = _post(lead, url, {"reason": "x"})
    assert (twice.status_code, twice.json()["code"]) == (409, "invalid_transition")


def test_approve_waits_for_the_children(cycle):
    for agency, reporter in ((cycle.a, cycle.reporter_a), (cycle.b, cycle.reporter_b)):
        _submit(cycle, agency, reporter)
    _submit(cycle, cycle.health, cycle.health_reporter)
    lead_report = _submit(cycle, cycle.lead, cycle.province_reporter)
    ministry = cycle.client["ministry_reporter"]
    assert _post(ministry, f"{BASE}/{lead_report.pk}/accept").status_code == 200
    pending = _post(ministry, f"{BASE}/{lead_report.pk}/approve")
    assert (pending.status_code, pending.json()["code"]) == (409, "children_pending")
    for agency in (cycle.a, cycle.b, cycle.health):
        submission_accept(actor=cycle.province_reporter, submission=cycle.get(agency))
        submission_approve(actor=cycle.province_reporter, submission=cycle.get(agency))
    approved = _post(ministry, f"{BASE}/{lead_report.pk}/approve")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert cycle.get(cycle.a).status == Status.LOCKED


def test_a_transition_on_a_hidden_report_is_a_404_and_writes_nothing(cycle):
    draft = cycle.get(cycle.a)
    before = (Transition.objects.count(), AccessLog._base_manager.count())
    for verb, body in (("submit", None), ("accept", None), ("approve", None),
                       ("return", {"reason": "x"}), ("reopen", {"reason": "x"}),
                       ("prefill", None)):  # fmt: skip
        for name in ("reporter_b", "province_reporter"):
            response = _post(cycle.client[name], f"{BASE}/{draft.pk}/{verb}", body)
            assert (response.status_code, response.json()) == (404, NOT_FOUND), (verb, name)
    assert (Transition.objects.count(), AccessLog._base_manager.count()) == before
    assert cycle.get(cycle.a).status == Status.DRAFT


def test_prefill_refreshes_an_editable_report_and_refuses_a_sent_one(cycle):
    draft = cycle.get(cycle.a)
    Submission.objects.filter(pk=draft.pk).update(values=[])
    response = _post(cycle.client["reporter_a"], f"{BASE}/{draft.pk}/prefill")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == 2
    assert {"R01", "R02", "R03", "R04"} <= {v["indicator"] for v in body["values"]}
    sent = _submit(cycle, cycle.a, cycle.reporter_a)
    refused = _post(cycle.client["reporter_a"], f"{BASE}/{sent.pk}/prefill")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_editable")


def test_the_recipient_marks_a_childs_draft_missing_without_reading_it(cycle):
    draft = cycle.get(cycle.b)
    lead = cycle.client["province_reporter"]
    url = f"{BASE}/{draft.pk}/missing"
    no_reason = _post(lead, url, {})
    assert (no_reason.status_code, no_reason.json()["code"]) == (422, "reason_required")
    for name in ("reporter_a", "ministry_reporter", "worker_a"):
        response = _post(cycle.client[name], url, {"reason": "x"})
        assert (response.status_code, response.json()) == (404, NOT_FOUND), name
    # its own submitter sees it but does not receive it
    own = _post(cycle.client["reporter_b"], url, {"reason": "x"})
    assert (own.status_code, own.json()["code"]) == (403, "forbidden")
    ok = _post(lead, url, {"reason": "Xã chưa có cán bộ báo cáo"})
    assert ok.status_code == 200, ok.content
    assert set(ok.json()) == {"id", "missing_reason", "missing_marked_at"}
    assert ok.json()["missing_reason"] == "Xã chưa có cán bộ báo cáo"
    assert cycle.get(cycle.b).missing_reason == "Xã chưa có cán bộ báo cáo"
    assert lead.get(f"{BASE}/{draft.pk}").status_code == 404


# ------------------------------------------------------------------------------ completeness


def _completeness(client, **params):
    return client.get(f"{BASE}/completeness", params)


def test_completeness_numbers(cycle, province):
    params = {"requirement": cycle.annual.pk, "period": "2026C", "unit": province.code}
    lead = cycle.client["province_reporter"]
    before = _completeness(lead, **params)
    assert before.status_code == 200, before.content
    assert before.json() == {
        "expected": 3, "submitted": 0, "on_time": 0, "reporting_rate": 0.0,
        "on_time_rate": 0.0, "in_draft": 3, "returns_per_report": None,
        "median_days_late": None,
    }  # fmt: skip
    a = _submit(cycle, cycle.a, cycle.reporter_a)
    b = _submit(cycle, cycle.b, cycle.reporter_b)
    # a was sent one hour before its due time, b two days after it
    early, late = a.due_at - datetime.timedelta(hours=1), b.due_at + datetime.timedelta(days=2)
    Submission.objects.filter(pk=a.pk).update(first_submitted_at=early)
    Submission.objects.filter(pk=b.pk).update(first_submitted_at=late)
    body = _completeness(cycle.client["officer"], **params).json()
    assert body == {
        "expected": 3, "submitted": 2, "on_time": 1, "reporting_rate": 66.7,
        "on_time_rate": 33.3, "in_draft": 1, "returns_per_report": 0.0,
        "median_days_late": 2.0,
    }  # fmt: skip


def test_completeness_unknowns_bad_period_and_outsiders(cycle, province, other_province, agencies):
    lead = cycle.client["province_reporter"]
    params = {"requirement": cycle.annual.pk, "period": "2026C", "unit": province.code}
    unknown = _completeness(lead, **{**params, "requirement": 999999})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "requirement_not_found")
    # who may read no completeness at all learns nothing of what exists
    blind = _completeness(cycle.client["worker_a"], **{**params, "requirement": 999999})
    assert (blind.status_code, blind.json()["code"]) == (403, "forbidden")
    nowhere = _completeness(lead, **{**params, "unit": "00000"})
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "unit_not_found")
    bad = _completeness(lead, **{**params, "period": "2026Q5"})
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_period")
    absent = lead.get(f"{BASE}/completeness", {"requirement": cycle.annual.pk})
    assert (absent.status_code, absent.json()["code"]) == (422, "validation_error")
    outsider = make_user("other_statistician", (agencies["other"], "statistician", other_province))
    for client in (cycle.client["worker_a"], cycle.client["reporter_a"],
                   verified_client(outsider)):  # fmt: skip
        refused = _completeness(client, **params)
        assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    # the commune's own reporter sees its own unit
    mine = _completeness(cycle.client["reporter_a"], **{**params, "unit": cycle.a.unit.code})
    assert mine.status_code == 200
    assert mine.json()["expected"] == 0


def test_every_reports_route_is_documented_with_schemas():
    from gbvms.api.api import api

    doc = api.get_openapi_schema(path_prefix="/api/v1")
    paths = {p: ops for p, ops in doc["paths"].items() if p.startswith("/api/v1/reports")}
    wanted = {
        ("/api/v1/reports", "get"),
        ("/api/v1/reports/completeness", "get"),
        ("/api/v1/reports/{report_id}", "get"),
        ("/api/v1/reports/{report_id}", "patch"),
        *[(f"/api/v1/reports/{{report_id}}/{verb}", "post")
          for verb in ("submit", "return", "accept", "approve", "reopen", "missing", "prefill")],
    }  # fmt: skip
    found = {(p, m) for p, ops in paths.items() for m in ops}
    assert wanted <= found
    for path, method in wanted:
        op = paths[path][method]
        assert op["tags"] == ["reports"]
        assert op["summary"].isascii()
        assert len(op["summary"]) > 20
        responses = op["responses"]
        ok = (responses.get(200) or responses["200"])["content"]["application/json"]["schema"]
        assert "$ref" in ok, (path, method)
