"""The scoping kernel covers every record that holds or reveals survivor data, and the managers
of those records refuse unscoped reads while Django's own machinery keeps working."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.forms import modelform_factory

from gbvms.cases import services as case_services
from gbvms.cases.models import (
    Case,
    CaseAssignment,
    CaseTransfer,
    Consent,
    FollowUp,
    Incident,
    Intervention,
    Need,
    Perpetrator,
    ProtectiveMeasure,
    Report,
    RiskAssessment,
    SafetyPlan,
    ServiceRecord,
    Survivor,
)
from gbvms.core import scoping
from gbvms.core.models import AccessLog
from gbvms.referrals.models import HelpReply, HelpRequest, Referral
from tests.conftest import make_user

# records that carry a case (or a survivor, or what was said about them)
CASE_BEARING = {Case, Survivor, Incident, Referral, HelpRequest, CaseTransfer}

# models with a key to a case-bearing model that need no rule of their own, and why; keep it
# short — prefer registering (``scoping.register(Model, via="case")``)
NO_RULE_NEEDED: dict[type[models.Model], str] = {}

# every model that holds or reveals survivor data: registered, and its objects refuses
SURVIVOR_DATA = [
    Case,
    Survivor,
    CaseAssignment,
    Incident,
    Perpetrator,
    Consent,
    RiskAssessment,
    SafetyPlan,
    Need,
    ServiceRecord,
    FollowUp,
    ProtectiveMeasure,
    Intervention,
    Report,
    CaseTransfer,
    Referral,
    HelpRequest,
    HelpReply,
    AccessLog,
]


def _keys_to_case_bearing(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if f.concrete and f.is_relation and f.many_to_one | f.one_to_one
        if f.related_model in CASE_BEARING
    ]


def test_every_model_with_a_key_to_a_case_bearing_model_has_a_scoping_rule():
    rules = scoping.registered()
    missing = [
        f"{model._meta.label} ({', '.join(keys)})"
        for model in apps.get_models()
        if (keys := _keys_to_case_bearing(model))
        and model not in rules
        and model not in NO_RULE_NEEDED
    ]
    assert missing == []
    assert not [m for m in CASE_BEARING if m not in rules]
    # the walk really sees the children (a guard against a walk that finds nothing)
    assert {Need, FollowUp, Referral, HelpReply, Perpetrator} <= {
        m for m in apps.get_models() if _keys_to_case_bearing(m)
    }


def test_the_allow_list_only_names_models_that_exist_and_still_need_it():
    for model, reason in NO_RULE_NEEDED.items():
        assert reason.strip()
        assert _keys_to_case_bearing(model), model
        assert model not in scoping.registered(), model


@pytest.mark.parametrize("model", SURVIVOR_DATA, ids=lambda m: m.__name__)
def test_survivor_data_is_registered_and_refuses_unscoped_reads(db, model):
    assert model in scoping.registered()
    assert isinstance(model.objects, scoping.ScopedManager)
    for read in (
        lambda: model.objects.all(),
        lambda: model.objects.filter(pk=1),
        lambda: model.objects.get(pk=1),
        lambda: model.objects.count(),
        lambda: model.objects.exists(),
        lambda: model.objects.values("pk"),
    ):
        with pytest.raises(scoping.UnscopedQueryError, match="unscoped"):
            read()
    assert list(model.objects.unscoped().filter(pk=-1)) == []
    assert model.objects.for_user(None, "cases.view").count() == 0
    # Django's machinery uses plain managers: the default (related managers, forms, admin,
    # unique checks) and the base one (foreign keys, saves, cascades)
    assert not isinstance(model._default_manager, scoping.ScopedManager)
    assert not isinstance(model._base_manager, scoping.ScopedManager)


def test_the_refusing_manager_is_not_used_in_migrations():
    assert scoping.ScopedManager.use_in_migrations is False


@pytest.fixture
def case(personas, commune_a):
    return case_services.case_open(
        actor=personas["worker_a"],
        survivor=case_services.SurvivorData(full_name="Lò Thị Mai", birth_year=1995),
        channel="hotline",
        commune=commune_a,
        detected_at=datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC),
    ).case


@pytest.mark.django_db
class TestDjangoStillWorks:
    def test_related_managers_foreign_keys_and_refresh(self, case, personas):
        assignment = case.assignments.get()
        assert assignment.case == case  # forward key through the base manager
        assert assignment.user == personas["worker_a"]
        assert list(case.assignments.values_list("user__username", flat=True)) == ["worker_a"]
        assert case.survivor.cases.get() == case
        case.refresh_from_db()
        assert Case.objects.for_user(personas["worker_a"], "cases.view").get() == case

    def test_model_forms_and_unique_checks(self, case):
        form_class = modelform_factory(Need, fields=["case", "kind", "status"])
        assert list(form_class().fields["case"].queryset) == [case]
        Need.objects.create(case=case, kind="safety")
        duplicate = form_class({"case": case.pk, "kind": "safety", "status": "planned"})
        assert not duplicate.is_valid()  # the unique check ran (through the default manager)
        assert Need.objects.unscoped().count() == 1

    def test_cascades(self, case):
        Need.objects.create(case=case, kind="safety")
        survivor = case.survivor
        case.delete()
        assert Need.objects.unscoped().count() == 0
        assert CaseAssignment.objects.unscoped().count() == 0
        assert Survivor.objects.unscoped().filter(pk=survivor.pk).exists()


@pytest.mark.django_db
class TestRulesThroughTheCase:
    def test_children_and_survivor_follow_their_case(self, case, personas):
        Need.objects.create(case=case, kind="safety")
        for model, expected in ((Need, 1), (Survivor, 1), (CaseAssignment, 1)):
            assert model.objects.for_user(personas["worker_a"], "cases.view").count() == expected
            assert model.objects.for_user(personas["supervisor"], "cases.view").count() == expected
            assert model.objects.for_user(personas["worker_b"], "cases.view").count() == 0
            assert model.objects.for_user(personas["officer"], "cases.view").count() == 0

    @pytest.mark.parametrize("permission", ["geo.view", "cases.intake"])
    def test_a_permission_the_rule_does_not_answer_sees_nothing(
        self, case, personas, agencies, permission
    ):
        # a second worker of the case's commune, not assigned, holds geo.view and cases.intake
        # over the commune: through them they used to see every case of the commune
        colleague = make_user("colleague", (agencies["a"], "case_worker", case.unit))
        assert scoping.has_permission(colleague, permission, case.unit.path)
        assert not Case.objects.for_user(colleague, permission).exists()
        assert not Case.objects.for_user(colleague, "cases.view").exists()
        assert Case.objects.for_user(personas["worker_a"], "cases.view").exists()
