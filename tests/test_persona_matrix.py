"""Persona × action: every privileged route (pages and API), for every demo-like persona, answers
the expected status — and a denied request changes no table and writes no access-log row.

Table-driven: adding a route is one line in ROUTES. Each route runs once per persona, each in a
savepoint rolled back afterwards, so every persona meets the same world (an allowed close does
not change what the next persona sees). A route lists who may use it and what they get; every
other signed-in persona gets ``no`` (404 where even existence is hidden, 403 where the page is
known to exist); the anonymous visitor is sent to sign in (pages) or gets 401 (API).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from gbvms.cases import services as case_services
from gbvms.cases import services_care, services_measures, services_transfer
from gbvms.cases.models import MeasureType
from gbvms.core.models import AccessLog
from gbvms.orgs.models import AgencyKind, Membership
from gbvms.plans import services as plan_services
from gbvms.plans.models import Activity, Assignment, Plan, Target
from gbvms.referrals import services as referral_services
from gbvms.referrals import services_public
from gbvms.referrals.models import ProviderType, ServiceProvider
from tests.conftest import make_agency, make_user, verified_client

PERSONAS = [
    "worker_a",  # case worker of the case's commune (assigned to the case)
    "worker_b",  # case worker of another commune
    "supervisor",  # case supervisor of the province
    "statistician",
    "hotline",  # hotline operator
    "provider",  # staff of the provider the case was referred to
    "officer",  # programme officer
    "admin",  # administrator of the province
    "anonymous",
]
CASE_TEAM = frozenset({"worker_a", "supervisor"})
CASE_WORKERS = frozenset({"worker_a", "worker_b", "supervisor"})
PLAN_READERS = frozenset({"officer", "statistician"})
INTAKE = frozenset({"worker_a", "worker_b", "supervisor", "hotline"})
SIGNED_IN = frozenset(PERSONAS) - {"anonymous"}
LOGIN = "login"  # a redirect to the sign-in page
DASHBOARD_READERS = frozenset({"officer", "statistician", "supervisor"})
ORGS_NO = {"officer": 403}  # sees agencies and users (orgs.view) but may not change them


@dataclass(frozen=True)
class Route:
    method: str
    url: str  # formatted with the world's ids: {case} {referral} {consent} {follow_up} …
    allow: frozenset[str]
    ok: int | dict[str, int] = 302  # status for the allowed personas (or per persona)
    no: int | dict[str, int] = 404  # status for every other signed-in persona (or per persona)
    data: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] = field(default_factory=dict)
    json: bool = False
    anon: int | str | None = None  # None: the sign-in page (pages) or 401 (API)

    @property
    def api(self) -> bool:
        return self.url.startswith("/api/")

    def expected(self, persona: str) -> int | str:
        if persona == "anonymous":
            return self.anon or (401 if self.api else LOGIN)
        if persona in self.allow:
            return self.ok[persona] if isinstance(self.ok, dict) else self.ok
        return self.no.get(persona, 404) if isinstance(self.no, dict) else self.no


def R(method: str, url: str, allow: frozenset[str] | set[str], **kw: Any) -> Route:  # noqa: N802
    return Route(method, url, frozenset(allow), **kw)


def _service(world: dict[str, Any]) -> dict[str, Any]:
    at = timezone.localtime(timezone.now() - datetime.timedelta(hours=1))
    return {
        "kind": "health",
        "delivered_at": at.strftime("%Y-%m-%dT%H:%M"),
        "provider": world["agency_a"],
    }


def _close(world: dict[str, Any]) -> dict[str, Any]:
    return {
        "reason": "survivor_request",
        "version": world["version"],
        "case_version": world["version"],
    }


PAGE = "/cases/{case}/"
PROGRAMME = frozenset({"officer"})
PROGRAMME_RECORDS = [
    ("campaigns", "campaign"),
    ("events", "event"),
    ("trainings", "training"),
    ("models", "pmodel"),
    ("inspections", "inspection"),
    ("budget", "budget"),
]
PROGRAMME_API = [("campaigns", "campaign"), ("events", "event"), ("trainings", "training"),
                 ("models", "pmodel"), ("inspections", "inspection"),
                 ("budget-lines", "budget")]  # fmt: skip
ROUTES: list[Route] = [
    # ---- the case page and its actions (need-to-know: assigned worker, supervisor)
    R("get", PAGE, CASE_TEAM, ok=200),
    R("get", PAGE + "print/", CASE_TEAM, ok=200),
    R("get", PAGE + "export/", CASE_TEAM, ok=200),
    R("get", PAGE + "classify/", CASE_TEAM, ok=200),
    R("get", PAGE + "form/need/", CASE_TEAM, ok=200),
    R("post", PAGE + "risk/", CASE_TEAM, data={}, ok=400),  # an empty checklist is refused
    R("post", PAGE + "safety-plan/", CASE_TEAM, data={"concern": "Lo ngại"}),
    R("post", PAGE + "needs/", CASE_TEAM, data={"kind": "health", "status": "planned"}),
    R("post", PAGE + "services/", CASE_TEAM, data=_service),
    R("post", PAGE + "follow-ups/", CASE_TEAM, data={"due_on": "2099-01-01"}),
    R("post", PAGE + "follow-ups/{follow_up}/done/", CASE_TEAM),
    R("post", PAGE + "close/", CASE_TEAM, data=_close, ok=400),  # checklist not met
    R("post", PAGE + "reopen/", CASE_TEAM, data={"reason": "Mở lại vì lý do"}, ok=400),
    R("post", PAGE + "transfer/", CASE_TEAM, data={}, ok=400),
    R("post", PAGE + "measures/", CASE_TEAM, data={}, ok=400),
    R("post", PAGE + "measures/{measure}/decide/", CASE_TEAM, data={}, ok=400),
    R("post", PAGE + "interventions/", CASE_TEAM, data={}, ok=400),
    R("post", PAGE + "child-timeline/", CASE_TEAM, data={}, ok=400),
    R("post", PAGE + "consents/", CASE_TEAM, data={}, ok=400),
    R("post", PAGE + "consents/{consent}/withdraw/", CASE_TEAM),
    R("post", PAGE + "perpetrators/", CASE_TEAM, data={"relationship": "partner"}, ok=400),
    R("post", PAGE + "legal/", CASE_TEAM, data={}, ok=400),
    R("post", PAGE + "report/", CASE_TEAM, data={}, ok=400),
    # ---- case lists, intake, break-glass, transfers
    R("get", "/cases/", CASE_WORKERS, ok=200, no=403),
    R("get", "/cases/new/", INTAKE, ok=200, no=403),
    R("post", "/cases/new/", INTAKE, data={}, ok=200, no=403),  # the form again, with errors
    R("get", "/cases/follow-ups/overdue/", CASE_WORKERS, ok=200, no=403),
    R("get", "/cases/break-glass/", {"supervisor"}, ok=200, no=403),
    R(
        "post",
        "/cases/break-glass/",
        {"supervisor"},
        data={"code": "{case}", "reason": "x"},
        ok=200,
        no=403,
    ),
    R("get", "/cases/transfers/", SIGNED_IN, ok=200),  # each sees their agency's inbox
    R("post", "/cases/transfers/{transfer}/decide/", {"worker_b"}, data={"decision": "decline"}),
    # ---- case API writes and reads
    R("get", "/api/v1/cases/{case}", CASE_TEAM, ok=200),
    R(
        "post",
        "/api/v1/cases",
        INTAKE - {"worker_b"},
        json=True,
        ok=201,
        no=422,
        data={
            "survivor": {},
            "channel": "hotline",
            "commune_code": "23293",
            "detected_at": "2026-01-01T00:00:00Z",
        },
    ),  # outside one's scope: 422
    R(
        "post",
        "/api/v1/cases/{case}/consents",
        CASE_TEAM,
        json=True,
        ok=201,
        data=lambda w: {
            "kind": "sharing",
            "service_types": ["shelter"],
            "provider_ids": [w["shelter"]],
            "given_by": "survivor",
        },
    ),
    R("post", "/api/v1/cases/{case}/consents/{consent}/withdraw", CASE_TEAM, ok=200),
    R(
        "post",
        "/api/v1/cases/{case}/services",
        CASE_TEAM,
        json=True,
        ok=201,
        data=lambda w: {
            "kind": "health",
            "provider_id": w["agency_a"],
            "delivered_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        },
    ),
    R(
        "post",
        "/api/v1/cases/{case}/follow-ups",
        CASE_TEAM,
        json=True,
        ok=201,
        data={"due_on": "2099-01-01"},
    ),
    R("post", "/api/v1/cases/{case}/follow-ups/{follow_up}/done", CASE_TEAM, ok=200),
    R("post", "/api/v1/cases/{case}/risk", CASE_TEAM, json=True, ok=422, data={"answers": {}}),
    R("post", "/api/v1/cases/{case}/incident", CASE_TEAM, json=True, ok=200, data={}),
    # ---- referrals: the sender's side, the receiver's side
    R("get", "/referrals/new/{case}/", CASE_TEAM, ok=200),
    R("post", "/referrals/new/{case}/", CASE_TEAM, data={}, ok=400),
    R(
        "post",
        "/api/v1/cases/{case}/referrals",
        CASE_TEAM,
        json=True,
        ok=201,
        data=lambda w: {
            "provider_id": w["shelter"],
            "services": ["shelter"],
            "urgency": "urgent",
            "visible_sections": ["summary"],
        },
    ),
    R("get", "/referrals/inbox/", {"provider"}, ok=200, no=403),
    R("get", "/api/v1/referrals/inbox", SIGNED_IN, ok=200),  # an empty list for non-receivers
    R("get", "/referrals/{referral}/", CASE_TEAM | {"provider"}, ok=200),
    R("get", "/api/v1/referrals/{referral}", CASE_TEAM | {"provider"}, ok=200),
    R("post", "/referrals/{referral}/accept/", {"provider"}),
    R("post", "/referrals/{referral}/decline/", {"provider"}, data={"reason": "Hết giường"}),
    R("post", "/referrals/{referral}/complete/", {"provider"}, data={"outcome": "Xong"}),
    R("post", "/referrals/{referral}/revoke/", CASE_TEAM),
    R("post", "/api/v1/referrals/{referral}/accept", {"provider"}, ok=200),
    R(
        "post",
        "/api/v1/referrals/{referral}/decline",
        {"provider"},
        ok=200,
        json=True,
        data={"reason": "Hết giường tối nay"},
    ),
    R(
        "post",
        "/api/v1/referrals/{referral}/complete",
        {"provider"},
        ok=409,
        json=True,
        data={"outcome": "Xong"},
    ),  # not accepted yet
    R("get", "/referrals/stats/", {"supervisor", "provider"}, ok=200, no=403),
    # ---- the directory: import/export for administrators
    R("get", "/referrals/directory/new/", {"admin"}, ok=200, no=403),
    R("post", "/referrals/directory/new/", {"admin"}, data={}, ok=200, no=403),
    R("get", "/referrals/directory/export.csv", {"admin"}, ok=200, no=403),
    R("get", "/referrals/directory/export.xlsx", {"admin"}, ok=200, no=403),
    R("post", "/referrals/directory/import/", {"admin"}, data={}, ok=400, no=403),
    # ---- public help requests: the commune's inbox
    R("get", "/referrals/help-requests/", INTAKE, ok=200, no=403),
    R("get", "/referrals/help-requests/{help}/", {"worker_a"}, ok=200),
    R(
        "post",
        "/referrals/help-requests/{help}/",
        {"worker_a"},
        ok=302,
        data={"action": "reply", "text": "Chúng tôi sẽ gọi lại"},
    ),
    # ---- audit: page and API
    R("get", "/access-log/", {"admin"}, ok=200, no=403),
    R(
        "get",
        "/api/v1/audit/access-log?object_code={case}",
        {"admin", "supervisor", "worker_a"},
        ok=200,
        no=403,
    ),  # the assigned worker: as on the case page's timeline
    # ---- plans: programme officers manage, statisticians read
    R("get", "/plans/", {"officer", "statistician"}, ok=200, no=403),
    R("get", "/plans/{plan}/", {"officer", "statistician"}, ok=200),
    R("get", "/plans/{plan}/edit/", {"officer"}, ok=200, no=403),
    R("post", "/plans/{plan}/edit/", {"officer"}, data={}, ok=200, no=403),
    R("post", "/plans/new/", {"officer"}, data={}, ok=200, no=403),
    R("post", "/plans/import/", {"officer"}, data={}, ok=200, no=403),
    R("post", "/plans/{plan}/activity/new/", {"officer"}, data={}, ok=200),
    R("get", "/plans/{plan}/source/", {"officer", "statistician"}, ok=200),
    R("get", "/plans/import/{import}/", {"officer"}, ok=200),
    R("post", "/plans/{plan}/activity/{activity}/edit/", {"officer"}, data={}, ok=200),
    R("post", "/plans/{plan}/activity/{activity}/delete/", {"officer"}),
    R("get", "/plans/tasks/", SIGNED_IN),  # to one's own agency's tasks
    R("post", "/plans/tasks/{task}/update/", {"worker_b", "officer"}, data={}),
    R("get", "/plans/agencies/{agency_b}/tasks/", PLAN_READERS | {"worker_b"}, ok=200, no=403),
    R(
        "get",
        "/plans/agencies/{agency_b}/calendar.ics",
        PLAN_READERS | {"worker_b"},
        ok=200,
        no=403,
    ),
    # ---- administration of agencies, users and memberships
    R("get", "/manage/agencies/", {"admin", "officer"}, ok=200, no=403),
    R("post", "/manage/agencies/new/", {"admin"}, data={}, ok=200, no=403),
    R("get", "/manage/users/", {"admin", "officer"}, ok=200, no=403),
    R("post", "/manage/users/new/", {"admin"}, data={}, ok=200, no=403),
    R("post", "/manage/memberships/{membership}/toggle/", {"admin"}),
    R("get", "/manage/agencies/{agency_b}/", {"admin", "officer"}, ok=200),
    R("post", "/manage/agencies/{agency_b}/edit/", {"admin"}, data={}, ok=200, no=ORGS_NO),
    R("get", "/manage/users/{user_b}/", {"admin", "officer"}, ok=200),
    R("post", "/manage/users/{user_b}/edit/", {"admin"}, data={}, no=ORGS_NO),
    R("post", "/manage/users/{user_b}/password/", {"admin"}, data={}, ok=400, no=ORGS_NO),
    R("post", "/manage/users/{user_b}/memberships/", {"admin"}, data={}, ok=400, no=ORGS_NO),
    R("post", "/referrals/directory/{shelter}/edit/", {"admin"}, data={}, ok=200, no=403),
    R("get", "/cases/new/done/", INTAKE, no=403),  # nothing opened yet: back to the intake
    R("get", "/django-admin/", set(), no=302, anon=302),  # to the admin's own sign-in
    # ---- indicators: targets (read with indicators.view or plans.manage; set with plans.manage)
    R("get", "/indicators/targets/", {"officer", "statistician"}, ok=200, no=403),
    R("get", "/indicators/targets/R02/edit/?unit=51", {"officer"}, ok=200, no=403),
    R("post", "/indicators/targets/R02/edit/?unit=51", {"officer"}, data={}, ok=200, no=403),
    R("post", "/indicators/targets/plan-targets/{plan_target}/link/", {"officer"}),
    # ---- indicators: the XLSX export (indicators.export over the unit)
    R("get", "/indicators/export.xlsx?unit=51&period=2026S1", {"statistician"}, ok=200, no=403),
    # ---- indicators: the DHIS2 exchange API (indicators.export over the unit)
    R(
        "get",
        "/api/v1/indicators/dhis2/data-value-sets?unit=51&period=2026S1",
        {"statistician"},
        ok=200,
        no=403,
    ),
    R(
        "get",
        "/api/v1/indicators/dhis2/adx?unit=51&period=2026S1",
        {"statistician"},
        ok=200,
        no=403,
    ),
    R("get", "/api/v1/indicators/dhis2/metadata", {"statistician"}, ok=200, no=403),
    # ---- indicators: dashboards (indicators.view, or cases.supervise for the caseload)
    R("get", "/indicators/", DASHBOARD_READERS, ok=200, no=403),
    R("get", "/indicators/R02/?unit=51&period=2026", DASHBOARD_READERS, ok=200, no=403),
    R("get", "/indicators/R02/chart/trend.svg?unit=51", DASHBOARD_READERS, ok=200, no=403),
    # ---- indicators: the JSON API (indicators.view, or cases.supervise for the caseload)
    R("get", "/api/v1/indicators", DASHBOARD_READERS, ok=200, no=403),
    R(
        "get",
        "/api/v1/indicators/R02/values?unit=51&period=2026",
        DASHBOARD_READERS,
        ok=200,
        no=403,
    ),
    # ---- indicators: external values (read with indicators.view; entered by officers and
    # statisticians)
    R("get", "/indicators/external/", {"officer", "statistician"}, ok=200, no=403),
    R("post", "/indicators/external/", {"officer", "statistician"}, data={}, ok=200, no=403),
    # ---- programme delivery records (programme.view / record / manage: the officer here;
    # everyone else has none of them)
    *[R("get", f"/programme/{kind}/", PROGRAMME, ok=200, no=403)
      for kind in ("campaigns", "events", "trainings", "models", "inspections", "budget")],
    R("get", "/programme/", PROGRAMME, ok=200, no=403),
    *[R("get", f"/programme/{kind}/new", PROGRAMME, ok=200, no=403)
      for kind in ("campaigns", "events", "trainings", "models", "inspections", "budget")],
    *[R("post", f"/programme/{kind}/new", PROGRAMME, data={}, ok=200, no=403)
      for kind in ("campaigns", "events", "trainings", "models", "inspections", "budget")],
    *[R("get", f"/programme/{kind}/{{{key}}}/", PROGRAMME, ok=200)
      for kind, key in PROGRAMME_RECORDS],
    *[R("get", f"/programme/{kind}/{{{key}}}/edit", PROGRAMME, ok=200, no=403)
      for kind, key in PROGRAMME_RECORDS],
    R("post", "/programme/training/{training}/cancel", PROGRAMME),
    R("post", "/programme/models/{pmodel}/evaluate", PROGRAMME, data={}, ok=200),
    R("get", "/programme/models/{pmodel}/status", PROGRAMME, ok=200),
    R("post", "/programme/models/{pmodel}/status", PROGRAMME, data={}, ok=200),
    R("post", "/programme/inspections/{inspection}/findings", PROGRAMME, data={}, ok=200),
    R("post", "/programme/inspections/{inspection}/recommendations", PROGRAMME, data={}, ok=200),
    R("get", "/programme/recommendations/{recommendation}/", PROGRAMME, ok=200),
    R("post", "/programme/budget/{budget}/expenditures", PROGRAMME, data={}, ok=200),
    # no file: the form again with its error
    R("post", "/programme/evidence/training/{training}/upload", PROGRAMME, data={}, ok=400),
    R("get", "/programme/evidence/999999/", set()),  # no such file: 404 for everyone
    R("post", "/programme/evidence/999999/delete", set()),
    R("get", "/programme/xlsx/training/template", PROGRAMME, ok=200, no=403),
    R("get", "/programme/xlsx/training/import", PROGRAMME, ok=200, no=403),
    R("get", "/programme/xlsx/training/export?year=2026", PROGRAMME, ok=200, no=403),
    R("get", "/indicators/programme/", {"officer", "statistician"}, ok=200, no=403),
    R("get", "/plans/{plan}/training-requirements/new/", {"officer"}, ok=200),
    R("get", "/plans/{plan}/training-requirements/{requirement}/edit/", {"officer"}, ok=200),
    R("post", "/plans/{plan}/training-requirements/{requirement}/delete/", {"officer"}),
    # ---- programme API (an empty create body is a 422 for everyone: the schema is checked first)
    R("get", "/api/v1/programme/vocabularies", SIGNED_IN, ok=200),
    *[R("get", f"/api/v1/programme/{kind}", PROGRAMME, ok=200, no=403)
      for kind in ("campaigns", "events", "trainings", "models", "inspections", "budget-lines")],
    *[R("post", f"/api/v1/programme/{kind}", SIGNED_IN, json=True, ok=422)
      for kind in ("campaigns", "events", "trainings", "models", "inspections", "budget-lines")],
    *[R("get", f"/api/v1/programme/{kind}/{{{key}}}", PROGRAMME, ok=200, no=403)
      for kind, key in PROGRAMME_API],
    *[R("patch", f"/api/v1/programme/{kind}/{{{key}}}", PROGRAMME, json=True, ok=200, no=403)
      for kind, key in PROGRAMME_API],
    *[R("post", f"/api/v1/programme/{kind}/{{{key}}}/cancel", PROGRAMME, json=True, ok=200,
        no=403)
      for kind, key in PROGRAMME_API],
    R("post", "/api/v1/programme/models/{pmodel}/evaluations", SIGNED_IN, json=True, ok=422),
    R("post", "/api/v1/programme/inspections/{inspection}/findings", SIGNED_IN, json=True,
      ok=422),
    R("post", "/api/v1/programme/inspections/{inspection}/recommendations", SIGNED_IN,
      json=True, ok=422),
    R("patch", "/api/v1/programme/recommendations/{recommendation}", SIGNED_IN, json=True,
      ok=422),
    R("post", "/api/v1/programme/budget-lines/{budget}/expenditures", SIGNED_IN, json=True,
      ok=422),
    # ---- report pages: no persona here reports (reports.submit/approve); the programme
    # officer manages obligations and sees completeness; no report 999999 exists (404)
    R("get", "/reports/", PROGRAMME, ok=200, no=403),
    R("get", "/reports/completeness/", PROGRAMME, ok=200, no=403),
    R("get", "/reports/obligations/", PROGRAMME, ok=200, no=403),
    R("post", "/reports/obligations/{plan}/generate", PROGRAMME, no={"statistician": 403}),
    R("post", "/reports/obligations/{plan}/open", PROGRAMME, data={"year": 2027},
      no={"statistician": 403}),
    *[R("get", f"/reports/999999/{tail}", set()) for tail in ("", "compare?a=1&b=2")],
    *[R("post", f"/reports/999999/{verb}", set(), data={"reason": "x"})
      for verb in ("save", "submit", "prefill", "return", "accept", "approve", "reopen",
                   "missing")],
    R("post", "/reports/999999/attachments", set()),
    R("post", "/reports/obligations/{plan}/add", PROGRAMME, no={"statistician": 403}),
    R("post", "/reports/obligations/item/999999/switch", set()),
    R("get", "/reports/attachments/999999", set()),
    R("post", "/reports/attachments/999999/delete", set()),
    # ---- reports API: no persona here submits or receives reports (an empty list; report
    # 999999 does not exist: 404); completeness answers the plan readers (here: no such
    # reporting requirement, 404) and refuses everyone else (403)
    R("get", "/api/v1/reports", SIGNED_IN, ok=200),
    R("get", "/api/v1/reports/completeness?requirement=999999&period=2026&unit=51",
      PLAN_READERS, ok=404, no=403),
    R("get", "/api/v1/reports/999999", set()),
    R("patch", "/api/v1/reports/999999", set(), json=True,
      data={"sections": [{"key": "data", "text": "x"}], "version": 1}),
    *[R("post", f"/api/v1/reports/999999/{verb}", set(), data={"reason": "x"})
      for verb in ("submit", "return", "accept", "approve", "reopen", "prefill", "missing")],
    *[R("get", f"/api/v1/reports/999999/{kind}", set()) for kind in ("docx", "xlsx")],
    # issue 13: the case file (notes, narrative, survivor details)
    R("get", PAGE + "notes/", CASE_TEAM, ok=200),
    R("post", PAGE + "notes/add/", CASE_TEAM, data={"text": "Ghi chú"}),
    R("post", PAGE + "notes/add/", CASE_TEAM, data={"text": ""}, ok=400),
    *[R(m, PAGE + "notes/999999/edit/", set(), data={"text": "x"}) for m in ("get", "post")],
    R("get", PAGE + "narrative/", CASE_TEAM, ok=200),
    R("post", PAGE + "narrative/", CASE_TEAM,
      data=lambda w: {"narrative": "Lời kể", "case_version": w["version"]}),
    R("get", PAGE + "survivor/", CASE_TEAM, ok=200),
    R("post", PAGE + "survivor/", CASE_TEAM,
      data=lambda w: {"sex": "female", "case_version": w["version"]}),
    R("post", PAGE + "survivor/", CASE_TEAM, data={"birth_year": "abc"}, ok=400),
    R("get", "/api/v1/cases/{case}/notes", CASE_TEAM, ok=200),
    R("post", "/api/v1/cases/{case}/notes", CASE_TEAM, json=True, ok=201, data={"text": "Ghi chú"}),
    R("patch", "/api/v1/cases/{case}/notes/999999", set(), json=True, data={"text": "x"}),
    R("patch", "/api/v1/cases/{case}/survivor", CASE_TEAM, json=True, ok=200,
      data={"address": "Tổ 1"}),
    R("put", "/api/v1/cases/{case}/narrative", CASE_TEAM, json=True, ok=200,
      data={"narrative": "Lời kể"}),
    # issue 13: notifications, assignment, closure requests, pickers
    R("get", "/cases/notifications/preferences/", SIGNED_IN, ok=200),
    R("post", "/cases/notifications/preferences/", SIGNED_IN),
    R("get", "/api/v1/notifications?unread=1", SIGNED_IN, ok=200),
    R("get", "/cases/caseload/", {"supervisor"}, ok=200, no=403),
    R("get", PAGE + "assign/", {"supervisor"}, ok=200, no={"worker_a": 403}),
    R("post", PAGE + "assign/", {"supervisor"}, ok=400, no={"worker_a": 403},
      data={"username": "nobody"}),
    R("post", "/api/v1/cases/{case}/assign", {"supervisor"}, json=True, ok=400,
      no={"worker_a": 403}, data={"username": "nobody"}),
    *[R("post", f"/cases/closures/999999/{verb}/", set(), data={"note": "x"})
      for verb in ("approve", "return")],
    *[R("post", f"/api/v1/closure-requests/999999/{verb}", set(), json=True, data={"note": "x"})
      for verb in ("approve", "return")],
    R("post", PAGE + "pick-up/", {"worker_a"}),
    R("post", "/api/v1/cases/{case}/pick-up", {"worker_a"}, json=True, ok=200),
    # the world's case is not classified: the request is refused (400) by the closure checks
    R("post", "/api/v1/cases/{case}/closure-request", CASE_TEAM, json=True, ok=400,
      data={"reason": "survivor_request"}),
    R("get", "/units/search/?scope=cases.intake&q=a", SIGNED_IN, ok=200, anon=401),
    R("get", "/manage/agencies/search/?q=a", {"admin", "officer"}, ok=200, no=403),
]  # fmt: skip


# ------------------------------------------------------------------------------------ world


def _delivery(officer: Any, agency: Any, province: Any, plan: Any) -> dict[str, int]:
    """One record of each programme kind, recorded by the province programme officer."""
    from gbvms.programme import services as programme
    from gbvms.programme import services_budget, services_inspections, services_models
    from gbvms.programme.models import TrainingRequirement

    day = datetime.date(2026, 5, 4)
    common = {"actor": officer, "unit": province, "lead_agency": agency}
    campaign = programme.campaign_save(
        **common,
        kind="gbv_month",
        year=2026,
        title="Tháng",
        start=day,
        end=day + datetime.timedelta(days=30),
    )
    event = programme.event_save(**common, kind="talk", title="Tọa đàm", start=day)
    training = programme.training_save(
        **common, title="Tập huấn", topic="tot", start=day, target_groups=["providers"],
        participants=[{"group": "providers", "sex": "female", "count": 3}])  # fmt: skip
    pmodel = services_models.model_save(**common, kind="male_pioneers", title="CLB",
                                        established_on=day)  # fmt: skip
    inspection = services_inspections.inspection_save(**common, kind="periodic", title="Kiểm tra",
                                                      start=day, end=day)  # fmt: skip
    recommendation = services_inspections.recommendation_add(
        actor=officer, inspection=inspection, text="Khắc phục", responsible_agency=agency,
        due_date=day + datetime.timedelta(days=20))  # fmt: skip
    budget = services_budget.budget_line_save(
        **common, title="Kinh phí", fiscal_year=2026, funding_source="province", amount_allocated=10
    )
    requirement = TrainingRequirement.objects.create(plan=plan, target_group="providers")
    return {"campaign": campaign.pk, "event": event.pk, "training": training.pk,
            "pmodel": pmodel.pk, "inspection": inspection.pk,
            "recommendation": recommendation.pk, "budget": budget.pk,
            "requirement": requirement.pk}  # fmt: skip


@pytest.fixture
def world(personas, agencies, province, commune_a, commune_b):
    centre = make_agency("Trung tâm CTXH tỉnh", province, AgencyKind.SERVICE_PROVIDER)
    shelter = ServiceProvider.objects.create(
        agency=centre,
        name="Nhà tạm lánh",
        type=ProviderType.SHELTER,
        services=["shelter", "psychosocial"],
        open_24_7=True,
    )
    shelter.coverage.set([commune_a])
    users = dict(personas)
    users["provider"] = make_user("provider", (centre, "provider_staff", province))
    worker = users["worker_a"]
    case = case_services.case_open(
        actor=worker,
        survivor=case_services.SurvivorData(full_name="Đinh Thị Hoa", birth_year=1990),
        channel="hotline",
        commune=commune_a,
        detected_at=timezone.now() - datetime.timedelta(hours=5),
    ).case
    consent = case_services.consent_give(
        actor=worker,
        case=case,
        kind="sharing",
        given_by="survivor",
        service_types=["shelter"],
        provider_ids=[shelter.pk],
    )
    referral = referral_services.referral_send(
        actor=worker,
        case=case,
        provider=shelter,
        services=["shelter"],
        urgency="urgent",
        visible_sections=["summary"],
    )
    follow_up = services_care.follow_up_add(
        actor=worker, case=case, due_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    measure = services_measures.measure_request(
        actor=worker, case=case, type=MeasureType.objects.first(), danger_to_life=True
    )
    transfer = services_transfer.transfer_request(
        actor=worker, case=case, to_agency=agencies["b"], reason="Người bị hại chuyển đến xã khác"
    )
    item, _pin = services_public.help_request_create(kind="need_help", commune=commune_a)
    plan = Plan.objects.create(title="Kế hoạch 2027", unit=province, created_by=users["officer"])
    activity = Activity.objects.create(plan=plan, code="1", title="Tập huấn cán bộ")
    plan_target = Target.objects.create(
        plan=plan, text="trên 90% được hỗ trợ kịp thời", comparator=">", value=90, unit="%"
    )
    task = Assignment.objects.create(
        plan=plan, agency=agencies["b"], role="lead", activity=activity
    )
    started = plan_services.import_start(
        actor=users["officer"], name="kh.txt", text="KẾ HOẠCH\nTập huấn", unit=province
    )
    delivery = _delivery(users["officer"], agencies["province"], province, plan)
    case.refresh_from_db()
    ids = {
        **delivery,
        "case": case.code,
        "version": case.version,
        "consent": consent.pk,
        "referral": referral.pk,
        "follow_up": follow_up.pk,
        "measure": measure.pk,
        "transfer": transfer.pk,
        "help": item.pk,
        "plan": plan.pk,
        "shelter": shelter.pk,
        "agency_a": agencies["a"].pk,
        "membership": Membership.objects.get(user=personas["worker_b"]).pk,
        "activity": activity.pk,
        "plan_target": plan_target.pk,
        "task": task.pk,
        "import": started.pk,
        "agency_b": agencies["b"].pk,
        "user_b": personas["worker_b"].pk,
    }
    clients = {name: verified_client(users[name]) for name in PERSONAS if name != "anonymous"}
    clients["anonymous"] = Client()
    for client in clients.values():
        client.raise_request_exception = False  # a 500 is a status to report, not a crash
    return ids, clients


def row_counts() -> dict[str, int]:
    """Rows of every table of every installed model (many-to-many tables included), in one
    query (no manager: nothing can refuse or narrow it)."""
    tables = sorted(
        {
            table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
            for table in [model._meta.db_table]
        }
    )
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*) FROM {connection.ops.quote_name(t)}"  # noqa: S608 (model tables)
        for i, t in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {tables[i]: n for i, n in cursor.fetchall()}


def _call(client: Client, route: Route, ids: dict[str, Any]) -> Any:
    url = route.url.format(**ids)
    data = route.data(ids) if callable(route.data) else dict(route.data)
    data = {k: (v.format(**ids) if isinstance(v, str) else v) for k, v in data.items()}
    if route.method == "get":
        return client.get(url)
    if route.method in ("patch", "put"):
        send = client.patch if route.method == "patch" else client.put
        return send(url, data, content_type="application/json")
    # an edit carries the case version it was read at (the page's hidden field, or If-Match)
    if route.json or route.api:
        return client.post(
            url, data, content_type="application/json", HTTP_IF_MATCH=f'"{ids["version"]}"'
        )
    return client.post(url, {"case_version": ids["version"], **data})


def _status(response: Any) -> int | str:
    if response.status_code == 302 and "/account/login/" in response.get("Location", ""):
        return LOGIN
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method.upper()} {r.url}")
def test_persona_matrix(world, route):
    ids, clients = world
    mismatches, writes = [], []
    for persona in PERSONAS:
        expected = route.expected(persona)
        with transaction.atomic():
            before, last_log = row_counts(), AccessLog._base_manager.order_by("-id").first()
            status = _status(_call(clients[persona], route, ids))
            denied = persona not in route.allow
            if denied:
                after = row_counts()
                changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
                logged = list(
                    AccessLog._base_manager.filter(
                        id__gt=last_log.id if last_log else 0
                    ).values_list("action", flat=True)
                )
                if changed or logged:
                    writes.append((persona, status, changed, logged))
            transaction.set_rollback(True)
        if status != expected:
            mismatches.append((persona, expected, status))
    where = f"{route.method.upper()} {route.url}"
    assert not mismatches, f"{where}: (persona, expected, got) {mismatches}"
    assert not writes, f"{where}: a denied request wrote (persona, status, tables, log) {writes}"


# Routes that are not privileged actions on someone else's data: public pages, one's own account
# and notifications, reference data. Anything else needs a line in ROUTES.
NOT_PRIVILEGED = {
    "": "home page (what my roles allow)",
    "healthz": "health check",
    "roles/": "the roles' documentation",
    "account/login/": "sign in",
    "account/logout/": "sign out",
    "account/verify/": "one's own second factor",
    "account/two-factor/": "one's own second factor (see the test below)",
    "units/": "administrative units (reference data)",
    "units/<int:pk>/": "administrative units (reference data)",
    "cases/notifications/": "one's own notifications",
    "cases/notifications/read/": "one's own notifications",
    "cases/notifications/<int:pk>/open/": "one's own notifications",
    "referrals/directory/": "who can help here (public fields)",
    "i18n/setlang/": "language switch",
    "api/v1/me": "one's own memberships",
    "api/v1/geo/units": "reference data",
    "api/v1/directory/providers": "public",
    "api/v1/incidents/classify": "a pure function of its input, stores nothing",
    "api/v1/public/help-requests": "public (tests/referrals/test_public.py)",
    "api/v1/public/help-requests/status": "public (tests/cases/test_both_doors.py)",
    "api/v1/openapi.json": "the API's description",
    "api/v1/docs": "the API's description",
    "api/v1/": "the API's index",
    "metrics": "Prometheus scrape, opened by GBVMS_METRICS_TOKEN or GBVMS_METRICS_ALLOWED_IPS, "
    "never by a session (tests/core/test_metrics.py)",
    "units/names/": "the names of the current units (public reference data)",
}
SAMPLE_IDS = {
    "case": "51-2026-000001",
    "version": 1,
    **dict.fromkeys(
        [
            "consent",
            "referral",
            "follow_up",
            "measure",
            "transfer",
            "help",
            "plan",
            "shelter",
            "campaign",
            "event",
            "training",
            "pmodel",
            "inspection",
            "recommendation",
            "budget",
            "requirement",
            "agency_a",
            "agency_b",
            "user_b",
            "membership",
            "activity",
            "plan_target",
            "task",
            "import",
        ],
        1,
    ),
}


def _all_routes(patterns: list[Any], prefix: str = "") -> list[str]:
    from django.urls import URLResolver

    found = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += _all_routes(pattern.url_patterns, route)
        else:
            found.append(route)
    return found


def test_every_route_is_in_the_matrix_or_not_privileged():
    """A new page or API route without a line in ROUTES (or a reason above) fails here."""
    from django.urls import get_resolver, resolve

    covered = {resolve(r.url.split("?")[0].format(**SAMPLE_IDS)).route for r in ROUTES}
    routes = {
        r
        for r in _all_routes(get_resolver().url_patterns)
        if not r.startswith(("django-admin/", "help/", "static/"))
    }
    missing = sorted(routes - covered - NOT_PRIVILEGED.keys())
    assert missing == [], f"add to ROUTES (or to NOT_PRIVILEGED with a reason): {missing}"


@pytest.mark.django_db
def test_the_second_factor_set_up_page_writes_nothing_on_get(world):
    _ids, clients = world
    for persona in ["worker_a", "admin"]:
        before = row_counts()
        clients[persona].get("/account/two-factor/")
        assert row_counts() == before, persona


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    ["follow-ups/999999/done/", "consents/999999/withdraw/", "measures/999999/decide/"],
)
def test_a_404_on_a_case_action_target_writes_nothing(world, route):
    """The case was fetched (and its read logged) before the follow-up, consent or measure was
    looked up: the 404 left a 'case opened' row behind."""
    ids, clients = world
    before, last = row_counts(), AccessLog._base_manager.order_by("-id").first().id
    response = clients["worker_a"].post(
        f"/cases/{ids['case']}/{route}", {"case_version": ids["version"]}
    )
    assert response.status_code == 404
    assert row_counts() == before
    assert not AccessLog._base_manager.filter(id__gt=last).exists()
