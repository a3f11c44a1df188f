import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from gbvms.cases import services, services_care
from gbvms.cases.models import Need, Notification, RiskFactor, SafetyPlan, Status
from gbvms.core.models import AccessLog

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def case(personas, commune_a):
    with time_machine.travel(NOW, tick=False):
        opened = services.case_open(
            actor=personas["worker_a"],
            survivor=services.SurvivorData(full_name="Đỗ Thị Lụa", phone="0911111111"),
            channel="hotline",
            commune=commune_a,
            detected_at=NOW,
        )
    return opened.case


@pytest.mark.django_db
class TestRisk:
    def test_checklist_is_data(self):
        assert RiskFactor.objects.filter(is_active=True).count() == 11
        assert set(RiskFactor.objects.filter(critical=True).values_list("code", flat=True)) == {
            "threats_to_kill",
            "weapon",
            "strangulation",
            "fears_for_life",
        }

    @pytest.mark.parametrize(
        ("yes", "score", "level"),
        [
            ([], 0, "low"),
            (["pregnant", "substance"], 2, "low"),
            (["escalation", "pregnant"], 3, "medium"),
            (["weapon"], 3, "high"),  # one critical factor: at least high
            (["escalation", "separation", "children_at_risk"], 6, "high"),
            (["weapon", "strangulation"], 6, "extreme"),  # two critical factors
            (["escalation", "separation", "children_at_risk", "pregnant", "substance",
              "controlling", "no_safe_place", "controlling"], 10, "extreme"),
        ],
    )  # fmt: skip
    def test_scoring(self, yes, score, level):
        # every factor answered: yes for those listed, no for the others
        codes = RiskFactor.objects.filter(is_active=True).values_list("code", flat=True)
        answers = {code: code in yes for code in codes}
        assert services_care.score_risk(answers) == (score, level)

    def test_thresholds_are_data_too(self):
        from gbvms.cases.models import RiskThreshold

        RiskThreshold.objects.filter(level="medium").update(min_score=2)
        assert services_care.score_risk({"pregnant": True, "substance": True}) == (2, "medium")

    def test_unknown_factor_is_refused(self):
        with pytest.raises(ValidationError):
            services_care.score_risk({"astrology": True})

    def test_high_risk_requires_a_safety_plan_and_notifies_the_supervisor(self, personas, case):
        services_care.risk_assess(actor=personas["worker_a"], case=case, answers={"weapon": True})
        case.refresh_from_db()
        assert case.risk_level == "high"
        assert services_care.safety_plan_required(case)
        notices = Notification.objects.filter(user=personas["supervisor"]).exclude(kind="case_new")
        assert [(n.kind, n.case_code) for n in notices] == [("risk_high", case.code)]
        assert not Notification.objects.filter(user=personas["worker_b"]).exists()
        services_care.safety_plan_save(
            actor=personas["worker_a"], case=case, concern="Anh ấy nói sẽ quay lại tối nay"
        )
        assert not services_care.safety_plan_required(case)

    def test_safety_plan_is_encrypted_and_never_logged(self, personas, case):
        services_care.safety_plan_save(
            actor=personas["worker_a"], case=case, concern="Sợ bị đánh khi về nhà",
            emergency_contacts="Chị gái 0988888888",
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("SELECT concern, emergency_contacts FROM cases_safetyplan")
            raw = repr(cursor.fetchall())
        assert "Sợ" not in raw
        assert "0988" not in raw
        assert SafetyPlan.objects.unscoped().get().concern == "Sợ bị đánh khi về nhà"
        assert "0988" not in repr(
            list(AccessLog.objects.unscoped().values_list("changes", flat=True))
        )


@pytest.mark.django_db
class TestServices:
    def test_first_service_sets_timeliness_and_activates(self, personas, agencies, case):
        services_care.need_set(
            actor=personas["worker_a"], case=case, kind="health", status="planned"
        )
        with time_machine.travel(NOW + datetime.timedelta(hours=5), tick=False):
            services_care.service_record(
                actor=personas["worker_a"],
                case=case,
                kind="health",
                delivered_at=timezone.now(),
                provider=agencies["a"],
            )
        case.refresh_from_db()
        assert case.status == Status.ACTIVE
        assert case.first_support_at == NOW + datetime.timedelta(hours=5)
        assert services_care.supported_in_time(case) is True
        assert Need.objects.unscoped().get(case=case, kind="health").status == "provided"

    def test_late_support_is_not_in_time(self, personas, agencies, case, settings):
        settings.SUPPORT_IN_TIME_HOURS = 24
        with time_machine.travel(NOW + datetime.timedelta(hours=30), tick=False):
            services_care.service_record(
                actor=personas["worker_a"], case=case, kind="legal",
                delivered_at=timezone.now(), provider=agencies["a"],
            )  # fmt: skip
        case.refresh_from_db()
        assert services_care.supported_in_time(case) is False

    def test_not_yet_supported(self, case):
        assert services_care.supported_in_time(case) is None

    def test_future_service_is_refused(self, personas, agencies, case):
        with pytest.raises(ValidationError):
            services_care.service_record(
                actor=personas["worker_a"], case=case, kind="legal",
                delivered_at=timezone.now() + datetime.timedelta(days=2), provider=agencies["a"],
            )  # fmt: skip


@pytest.mark.django_db
class TestFollowUpsAndClosure:
    def test_follow_up_lifecycle(self, personas, case):
        follow_up = services_care.follow_up_add(
            actor=personas["worker_a"], case=case, due_on=datetime.date(2026, 3, 9)
        )
        services_care.follow_up_done(actor=personas["worker_a"], follow_up=follow_up)
        with pytest.raises(ValidationError):
            services_care.follow_up_done(actor=personas["worker_a"], follow_up=follow_up)

    def test_worker_cannot_close_when_supervisor_approval_is_required(self, personas, case):
        with pytest.raises(ValidationError) as err:
            services_care.case_close(
                actor=personas["worker_a"], case=case, reason="needs_met", version=case.version
            )
        assert err.value.code == "needs_supervisor"

    def test_supervisor_closes_and_worker_reopens(self, personas, case, settings):
        settings.CASE_CLOSURE_CHECKLIST = []  # the checklist: tests/cases/test_data_rules.py
        services_care.case_close(
            actor=personas["supervisor"], case=case, reason="survivor_request",
            version=case.version,
        )  # fmt: skip
        case.refresh_from_db()
        assert case.status == Status.CLOSED
        services_care.case_reopen(actor=personas["worker_a"], case=case, reason="Bị đánh lại")
        case.refresh_from_db()
        assert case.status == Status.REOPENED
        entry = AccessLog.objects.unscoped().get(action="cases.case.reopened")
        assert (entry.reason, entry.reason_detail) == ("", "Bị đánh lại")  # encrypted

    def test_open_follow_ups_block_closing_as_needs_met(self, personas, case):
        services_care.follow_up_add(
            actor=personas["worker_a"], case=case, due_on=datetime.date(2026, 3, 9)
        )
        case.refresh_from_db()
        with pytest.raises(ValidationError) as err:
            services_care.case_close(
                actor=personas["supervisor"], case=case, reason="needs_met", version=case.version
            )
        assert err.value.code == "open_follow_ups"

    def test_stale_version_is_refused(self, personas, case, settings):
        settings.CASE_CLOSURE_CHECKLIST = []
        stale = case.version
        services_care.need_set(actor=personas["worker_a"], case=case, kind="safety",
                               status="planned")  # fmt: skip
        with pytest.raises(ValidationError) as err:
            services_care.case_close(
                actor=personas["supervisor"], case=case, reason="survivor_request", version=stale
            )
        assert err.value.code == "stale"
        case.refresh_from_db()
        assert case.status == Status.OPEN

    def test_closing_needs_a_known_reason(self, personas, case):
        with pytest.raises(ValidationError):
            services_care.case_close(
                actor=personas["supervisor"], case=case, reason="bored", version=case.version
            )
