"""Optimistic locking and the closed-case guard, for every case-page action (the registry in
actions.py) and every case write of the API: a concurrent change between reading and saving
is refused with the list of changes and writes nothing; an edit without the version it was
read at is refused; every service that changes a case bumps its version; a closed case
refuses every change except reopening."""

from __future__ import annotations

import datetime
import inspect
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from gbvms.cases import (
    actions,
    changes,
    services,
    services_care,
    services_measures,
    services_transfer,
    views_care,
)
from gbvms.cases.audit import log_case
from gbvms.cases.models import Case, DvAct, MeasureType, Status
from gbvms.core.models import AccessLog
from gbvms.referrals import services as referral_services

FORMAT = "%Y-%m-%dT%H:%M"


def local(when: datetime.datetime) -> str:
    return timezone.localtime(when).strftime(FORMAT)


@pytest.fixture(autouse=True)
def _no_checklist(settings):
    settings.CASE_CLOSURE_NEEDS_SUPERVISOR = False
    settings.CASE_CLOSURE_CHECKLIST = []


@pytest.fixture
def case(personas, commune_a):
    now = timezone.now()
    return services.case_open(
        actor=personas["worker_a"],
        survivor=services.SurvivorData(full_name="Lò Thị Mai", birth_year=now.year - 10),
        channel="police",
        commune=commune_a,
        detected_at=now - datetime.timedelta(days=2),
    ).case


def fresh(case: Case) -> Case:
    return Case.objects.unscoped().get(pk=case.pk)


def _first_dv_act() -> str:
    return DvAct.objects.order_by("code").values_list("code", flat=True)[0]


def page_data(name: str, agencies: dict[str, Any]) -> dict[str, Any]:
    """Valid data of each case-page action's form."""
    now = timezone.now()
    hour_ago = local(now - datetime.timedelta(hours=1))
    return {
        "risk": {"f_weapon": "yes"},
        "plan": {"concern": "Sợ người đó quay lại", "strategies": ""},
        "need": {"kind": "safety", "status": "planned", "note": ""},
        "service": {"kind": "health", "delivered_at": hour_ago, "provider": agencies["a"].pk},
        "follow_up": {"due_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
        "follow_up_done": {},
        "close": {"reason": "survivor_request"},
        "reopen": {"reason": "Có tin báo mới"},
        "transfer": {"to_agency": agencies["b"].pk, "reason": "Gia đình chuyển về xã khác"},
        "measure": {"type": MeasureType.objects.get(code="no_contact_commune").pk,
                    "requester": "survivor", "survivor_consent": "on"},
        "measure_decide": {"grant": "no", "refusal_reason": "Chưa đủ căn cứ"},
        "intervention": {"kind": "counselling", "done_on": timezone.localdate().isoformat()},
        "child": {"step": "emergency", "at": hour_ago},
        "consent": {"kind": "services", "given_by": "guardian", "service_types": ["health"]},
        "consent_withdraw": {},
        "perpetrator": {"relationship": "intimate_partner", "sex": "male", "age_group": "26-40",
                        "occupation": ""},
        "legal": {"relationship": "family", "dv_acts": [_first_dv_act()]},
        "report": {"received_by": "cong_an", "channel": "in_person", "received_at": hour_ago,
                   "content": "Hàng xóm báo tin"},
    }[name]  # fmt: skip


def prepare(name: str, case: Case, actor: Any) -> int | None:
    """The record an action works on (a follow-up, a measure, a consent; a closed case to
    reopen), made through the services."""
    if name == "follow_up_done":
        due = timezone.localdate() + datetime.timedelta(days=1)
        return services_care.follow_up_add(actor=actor, case=case, due_on=due).pk
    if name == "measure_decide":
        kind = MeasureType.objects.get(code="no_contact_commune")
        return services_measures.measure_request(actor=actor, case=case, type=kind).pk
    if name == "consent_withdraw":
        return services.consent_give(
            actor=actor, case=case, kind="services", given_by="guardian", service_types=["health"]
        ).pk
    if name == "reopen":
        services_care.case_close(
            actor=actor, case=case, reason="survivor_request", version=fresh(case).version
        )
    return None


def url_of(name: str, case: Case, pk: int | None) -> str:
    return reverse(f"cases:{name}", args=[case.code, pk] if pk else [case.code])


def snapshot() -> dict[str, Any]:
    """Every row of every case-bearing table (and referrals), and the access log's changes."""
    models = [*apps.get_app_config("cases").get_models(), *apps.get_app_config("referrals")
              .get_models()]  # fmt: skip
    rows = {m.__name__: list(m._base_manager.order_by("pk").values()) for m in models}
    rows["log"] = list(
        AccessLog._base_manager.exclude(action__in=changes.READS)
        .order_by("id")
        .values_list("id", flat=True)
    )
    return rows


def someone_else_changes(case: Case, who: Any) -> None:
    """A concurrent save by another user: the version moves on and the log says what."""
    Case.objects.unscoped().filter(pk=case.pk).update(version=F("version") + 1)
    log_case("cases.need.set", actor=who, case=case)


ALL_ACTIONS = sorted(actions.ACTIONS)


def at(version: int, name: str) -> dict[str, Any]:
    """The version a page form carries (the close form carries it twice: its own field)."""
    return {"case_version": version} | ({"version": version} if name == "close" else {})


@pytest.mark.django_db
def test_every_action_is_in_this_test():
    some = Case(pk=1)
    names = [n for n in ALL_ACTIONS if page_data(n, {"a": some, "b": some}) is not None]
    assert names == ALL_ACTIONS


@pytest.mark.django_db
class TestPageActions:
    @pytest.mark.parametrize("name", ALL_ACTIONS)
    def test_a_change_between_reading_and_saving_is_refused(
        self, name, personas, agencies, as_user, case, monkeypatch
    ):
        worker = personas["worker_a"]
        pk = prepare(name, case, worker)
        client = as_user(worker)
        read_at = fresh(case).version
        data = page_data(name, agencies) | at(read_at, name) | {"loaded_at": "0"}
        original = views_care.selectors.case_get_for_user

        def read_then_someone_saves(**kwargs):
            read = original(**kwargs)
            someone_else_changes(read, personas["supervisor"])
            return read

        monkeypatch.setattr(views_care.selectors, "case_get_for_user", read_then_someone_saves)
        before = snapshot()
        response = client.post(url_of(name, case, pk), data)
        assert response.status_code == 409
        body = response.content.decode()
        assert 'data-testid="stale"' in body
        assert "Cập nhật nhu cầu" in body  # the change made meanwhile, in words, and who made it
        assert "cases.need.set" not in body
        assert "supervisor" in body
        after = snapshot()
        after["Case"] = before["Case"]  # only the concurrent version bump differs
        meanwhile = AccessLog._base_manager.filter(
            id__in=set(after.pop("log")) - set(before.pop("log"))
        )
        assert [e.action for e in meanwhile] == ["cases.need.set"]  # the concurrent one only
        assert after == before
        assert fresh(case).version == read_at + 1
        # the same data at the version now is saved: the refusal was the version, nothing else
        monkeypatch.setattr(views_care.selectors, "case_get_for_user", original)
        retry = client.post(url_of(name, case, pk), data | at(read_at + 1, name))
        assert retry.status_code == 302, retry.content.decode()[-3000:]
        assert fresh(case).version == read_at + 2

    @pytest.mark.parametrize("name", [n for n in ALL_ACTIONS if actions.ACTIONS[n].edit])
    def test_an_edit_without_its_version_is_refused(self, name, personas, agencies, as_user, case):
        worker = personas["worker_a"]
        pk = prepare(name, case, worker)
        data = page_data(name, agencies)
        before = snapshot()
        response = as_user(worker).post(url_of(name, case, pk), data)
        assert response.status_code in (400, 302)
        page = as_user(worker).get(reverse("cases:detail", args=[case.code]))
        shown = response.content.decode() + page.content.decode()
        assert "Biểu mẫu thiếu phiên bản của vụ việc" in shown
        assert snapshot() == before

    @pytest.mark.parametrize("name", [n for n in ALL_ACTIONS if n != "reopen"])
    def test_a_closed_case_refuses_every_change(self, name, personas, agencies, as_user, case):
        worker = personas["worker_a"]
        pk = prepare(name, case, worker)
        services_care.case_close(
            actor=worker, case=case, reason="survivor_request", version=fresh(case).version
        )
        client = as_user(worker)
        data = page_data(name, agencies) | at(fresh(case).version, name)
        before = snapshot()
        response = client.post(url_of(name, case, pk), data)
        assert response.status_code in (400, 302)
        page = client.get(reverse("cases:detail", args=[case.code])).content.decode()
        shown = response.content.decode() + page
        assert "Vụ việc đã đóng" in shown
        assert snapshot() == before
        assert fresh(case).status == Status.CLOSED

    def test_reopen_then_changes_are_accepted(self, personas, agencies, as_user, case):
        worker = personas["worker_a"]
        prepare("reopen", case, worker)
        client = as_user(worker)
        reopened = client.post(
            url_of("reopen", case, None),
            page_data("reopen", agencies) | {"case_version": fresh(case).version},
        )
        assert reopened.status_code == 302
        assert fresh(case).status == Status.REOPENED
        saved = client.post(
            url_of("need", case, None),
            page_data("need", agencies) | {"case_version": fresh(case).version},
        )
        assert saved.status_code == 302
        assert fresh(case).needs.count() == 1

    def test_the_page_of_a_closed_case_shows_why_and_when_and_no_edit_form(
        self, personas, as_user, case
    ):
        worker = personas["worker_a"]
        prepare("reopen", case, worker)  # closes it
        page = as_user(worker).get(reverse("cases:detail", args=[case.code])).content.decode()
        assert 'data-testid="closure"' in page
        assert "Theo yêu cầu của người bị hại" in page
        assert timezone.localtime().strftime("%d/%m/%Y") in page
        lazy = [n for n in actions.SLOTS if f"/cases/{case.code}/form/{n}/" in page]
        assert lazy == ["reopen"]
        assert 'data-testid="refer"' not in page
        # every form but reopening's (and closing's, which is not offered) says why it is not there
        assert page.count('data-testid="closed-form"') == len(actions.SLOTS) - 2


# ------------------------------------------------------------------------------------- the API


def api_calls(case: Case, agencies: dict[str, Any], pk: int | None) -> dict[str, Any]:
    code = case.code
    hour_ago = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    return {
        "consent_create": (f"/api/v1/cases/{code}/consents",
                           {"kind": "services", "given_by": "guardian",
                            "service_types": ["health"]}),
        "consent_withdraw": (f"/api/v1/cases/{code}/consents/{pk}/withdraw", None),
        "service_create": (f"/api/v1/cases/{code}/services",
                           {"kind": "health", "delivered_at": hour_ago,
                            "provider_id": agencies["a"].pk}),
        "follow_up_create": (f"/api/v1/cases/{code}/follow-ups",
                             {"due_on": (timezone.localdate()
                                         + datetime.timedelta(days=3)).isoformat()}),
        "follow_up_complete": (f"/api/v1/cases/{code}/follow-ups/{pk}/done", None),
        "risk_create": (f"/api/v1/cases/{code}/risk", {"answers": {"weapon": True}}),
        "incident_update": (f"/api/v1/cases/{code}/incident",
                            {"answers": {"physical_assault": True}}),
    }  # fmt: skip


API_WRITES = sorted(api_calls(Case(code="x"), {"a": Case(pk=1)}, 1))
API_EDITS = ["consent_withdraw", "follow_up_complete", "incident_update", "risk_create"]
API_PREPARE = {"consent_withdraw": "consent_withdraw", "follow_up_complete": "follow_up_done"}


def test_every_case_write_of_the_api_is_in_this_test():
    from gbvms.api import care as care_api
    from gbvms.api import cases as cases_api

    writes = set()
    for module in (care_api, cases_api):
        for path_view in module.router.path_operations.values():
            for operation in path_view.operations:
                if "POST" in operation.methods and operation.view_func.__name__ != "classify":
                    writes.add(operation.view_func.__name__)
    assert writes - {"case_create"} == set(API_WRITES)


def _api(client, path, body, **headers):
    if body is None:
        return client.post(path, **headers)
    return client.post(path, body, content_type="application/json", **headers)


@pytest.mark.django_db
class TestApiWrites:
    @pytest.mark.parametrize("name", API_WRITES)
    def test_a_stale_version_gets_409_with_the_changes(
        self, name, personas, agencies, as_user, case
    ):
        worker = personas["worker_a"]
        pk = prepare(API_PREPARE.get(name, name), case, worker)
        client = as_user(worker)
        read = client.get(f"/api/v1/cases/{case.code}")
        etag = read["ETag"]
        assert read.json()["version"] == fresh(case).version
        assert etag == f'"{fresh(case).version}"'
        someone_else_changes(case, personas["supervisor"])
        before = snapshot()
        path, body = api_calls(case, agencies, pk)[name]
        response = _api(client, path, body, HTTP_IF_MATCH=etag)
        assert response.status_code == 409
        answer = response.json()
        assert answer["code"] == "stale"
        assert answer["version"] == fresh(case).version
        assert [c["action"] for c in answer["changes"]] == ["cases.need.set"]
        assert answer["changes"][0]["actor"] == "supervisor"
        assert snapshot() == before
        # the version in the body works the same way
        if body is not None:
            stale_body = _api(client, path, body | {"version": int(etag.strip('"'))})
            assert stale_body.status_code == 409
        retry = _api(client, path, body, HTTP_IF_MATCH=f'"{fresh(case).version}"')
        assert retry.status_code in (200, 201), retry.content
        assert retry["ETag"] == f'"{fresh(case).version}"'

    @pytest.mark.parametrize("name", API_EDITS)
    def test_an_edit_without_a_version_gets_428(self, name, personas, agencies, as_user, case):
        worker = personas["worker_a"]
        pk = prepare(API_PREPARE.get(name, name), case, worker)
        path, body = api_calls(case, agencies, pk)[name]
        before = snapshot()
        response = _api(as_user(worker), path, body)
        assert response.status_code == 428
        assert response.json()["code"] == "version_required"
        assert snapshot() == before

    @pytest.mark.parametrize("name", sorted(set(API_WRITES) - set(API_EDITS)))
    def test_an_addition_without_a_version_is_accepted(
        self, name, personas, agencies, as_user, case
    ):
        path, body = api_calls(case, agencies, None)[name]
        version = fresh(case).version
        response = _api(as_user(personas["worker_a"]), path, body)
        assert response.status_code == 201, response.content
        assert fresh(case).version == version + 1

    @pytest.mark.parametrize("name", API_WRITES)
    def test_a_closed_case_refuses_every_write(self, name, personas, agencies, as_user, case):
        worker = personas["worker_a"]
        pk = prepare(API_PREPARE.get(name, name), case, worker)
        services_care.case_close(
            actor=worker, case=case, reason="survivor_request", version=fresh(case).version
        )
        path, body = api_calls(case, agencies, pk)[name]
        before = snapshot()
        response = _api(as_user(worker), path, body, HTTP_IF_MATCH=f'"{fresh(case).version}"')
        assert response.status_code == 409
        assert response.json()["code"] == "case_closed"
        assert snapshot() == before


# -------------------------------------------------------------------------------- the services


def _service_calls(case: Case, personas: dict[str, Any], agencies: dict[str, Any]) -> dict:
    """Each service that changes a case, called with valid arguments (what it needs first is
    made beforehand)."""
    actor = personas["worker_a"]
    now = timezone.now()
    kind = MeasureType.objects.get(code="no_contact_commune")
    return {
        "risk_assess": lambda: services_care.risk_assess(
            actor=actor, case=case, answers={"weapon": True}),
        "safety_plan_save": lambda: services_care.safety_plan_save(
            actor=actor, case=case, concern="Sợ"),
        "need_set": lambda: services_care.need_set(
            actor=actor, case=case, kind="safety", status="planned"),
        "service_record": lambda: services_care.service_record(
            actor=actor, case=case, kind="health", delivered_at=now - datetime.timedelta(hours=1),
            provider=agencies["a"]),
        "follow_up_add": lambda: services_care.follow_up_add(
            actor=actor, case=case, due_on=timezone.localdate() + datetime.timedelta(days=1)),
        "follow_up_done": lambda: services_care.follow_up_done(
            actor=actor, follow_up=services_care.follow_up_add(
                actor=actor, case=case, due_on=timezone.localdate())),
        "case_close": lambda: services_care.case_close(
            actor=actor, case=case, reason="survivor_request", version=fresh(case).version),
        "case_reopen": lambda: services_care.case_reopen(
            actor=actor, case=case, reason="Có tin báo mới"),
        "measure_request": lambda: services_measures.measure_request(
            actor=actor, case=case, type=kind),
        "measure_decide": lambda: services_measures.measure_decide(
            actor=actor, measure=services_measures.measure_request(
                actor=actor, case=case, type=kind), grant=False, refusal_reason="Chưa đủ"),
        "intervention_record": lambda: services_measures.intervention_record(
            actor=actor, case=case, kind="counselling", done_on=timezone.localdate()),
        "child_step_record": lambda: services_measures.child_step_record(
            actor=actor, case=case, step="emergency", at=now - datetime.timedelta(hours=1)),
        "incident_classify": lambda: services.incident_classify(
            actor=actor, case=case, data=services.IncidentData(answers={"rape": True})),
        "consent_give": lambda: services.consent_give(
            actor=actor, case=case, kind="services", given_by="guardian",
            service_types=["health"]),
        "consent_withdraw": lambda: services.consent_withdraw(
            actor=actor, consent=services.consent_give(
                actor=actor, case=case, kind="services", given_by="guardian",
                service_types=["health"])),
        "incident_legal_set": lambda: services.incident_legal_set(
            actor=actor, case=case, relationship="family", dv_acts=[_first_dv_act()],
            context_flags=[]),
        "report_record": lambda: services.report_record(
            actor=actor, case=case, received_by="cong_an", channel="in_person",
            received_at=now - datetime.timedelta(hours=1)),
        "perpetrator_add": lambda: services.perpetrator_add(
            actor=actor, case=case, relationship="intimate_partner", sex="male"),
        "transfer_request": lambda: services_transfer.transfer_request(
            actor=actor, case=case, to_agency=agencies["b"], reason="Chuyển về xã khác"),
        "transfer_decide": lambda: services_transfer.transfer_decide(
            actor=personas["worker_b"], accept=True, transfer=services_transfer.transfer_request(
                actor=actor, case=case, to_agency=agencies["b"], reason="Chuyển về xã khác")),
    }  # fmt: skip


CASE_CHANGES = [
    "risk_assess", "safety_plan_save", "need_set", "service_record", "follow_up_add",
    "follow_up_done", "case_close", "case_reopen", "measure_request", "measure_decide",
    "intervention_record", "child_step_record", "incident_classify", "consent_give",
    "consent_withdraw", "incident_legal_set", "report_record", "perpetrator_add",
    "transfer_request", "transfer_decide",
]  # fmt: skip
# services that write but do not change a case (or open a new one)
NOT_A_CASE_CHANGE = {
    "case_open",  # a new case, at version 1
    "referral_accept",  # the referral's state only
    "referral_revoke",
    "score_risk",
    "notify",
    "intake_channel_default",  # reads the user's roles
}
# the referral services that change the case (tested in tests/referrals)
REFERRAL_CHANGES = {"referral_send", "referral_decline", "referral_complete"}
MODULES = [services, services_care, services_measures, services_transfer, referral_services]


def test_every_service_that_writes_is_listed():
    writers = {
        name
        for module in MODULES
        for name, fn in vars(module).items()
        if inspect.isfunction(fn)
        and fn.__module__ == module.__name__
        and not name.startswith("_")
        and "actor" in inspect.signature(fn).parameters
    }
    listed = set(CASE_CHANGES) | NOT_A_CASE_CHANGE | REFERRAL_CHANGES
    assert writers - listed == set()


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASE_CHANGES)
def test_every_service_that_changes_a_case_bumps_its_version(name, personas, agencies, case):
    calls = _service_calls(case, personas, agencies)
    assert sorted(calls) == sorted(CASE_CHANGES)
    if name == "case_reopen":
        calls["case_close"]()
    version = fresh(case).version
    calls[name]()
    assert fresh(case).version > version


@pytest.mark.django_db
def test_the_case_change_door_refuses_a_closed_case_but_reopening(personas, case):
    services_care.case_close(
        actor=personas["worker_a"], case=case, reason="survivor_request", version=case.version
    )
    with pytest.raises(ValidationError) as refused:
        changes.case_touch(fresh(case))
    assert refused.value.code == "case_closed"
    changes.case_touch(fresh(case), reopening=True)  # reopening passes


@pytest.mark.django_db
class TestClassificationWizard:
    SAVE = {"a_rape": "yes", "save": "1", "occurred_on": "", "relationships": ["intimate_partner"]}

    def test_the_wizard_carries_the_version_it_began_at(self, personas, as_user, case):
        client = as_user(personas["worker_a"])
        url = reverse("cases:classify", args=[case.code])
        began = fresh(case).version
        assert f'name="case_version" value="{began}"' in client.get(url).content.decode()
        step = client.post(url, {"answer": "yes", "case_version": began}).content.decode()
        someone_else_changes(case, personas["supervisor"])
        assert f'name="case_version" value="{began}"' in step  # not the version now
        before = snapshot()
        stale = client.post(url, self.SAVE | {"case_version": began})
        assert stale.status_code == 200
        assert "vừa được người khác cập nhật" in stale.content.decode()
        assert not fresh(case).incidents.exclude(gbv_type="").exists()
        missing = client.post(url, self.SAVE)
        assert "Biểu mẫu thiếu phiên bản của vụ việc" in missing.content.decode()
        after = snapshot()
        assert (after["Case"], after["Incident"]) == (before["Case"], before["Incident"])
        saved = client.post(url, self.SAVE | {"case_version": fresh(case).version})
        assert saved.status_code == 302
        assert fresh(case).incidents.get().gbv_type == "rape"
