"""The home page's work queues, per role, their scope and their query counts."""

import datetime

import pytest
from django.utils import timezone

from gbvms.cases import queues, services
from gbvms.cases.models import CaseAssignment, FollowUp, RiskAssessment
from gbvms.cases.services_assign import case_pick_up
from tests.conftest import make_user

DETECTED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def intake(actor, commune, name="Hà Thị Thu", danger=False):
    return services.case_open(
        actor=actor,
        survivor=services.SurvivorData(full_name=name),
        channel="hotline",
        commune=commune,
        detected_at=DETECTED,
        immediate_danger=danger,
    ).case


def codes(queue):
    return [row.code for row in queue.rows]


@pytest.mark.django_db
class TestWorkerQueues:
    def test_new_hotline_case_waits_for_the_communes_worker(self, personas, commune_a, commune_b):
        case = intake(personas["hotline"], commune_a)
        other = intake(personas["hotline"], commune_b)
        assert codes(queues.worker_new(personas["worker_a"])) == [case.code]
        assert codes(queues.worker_new(personas["worker_b"])) == [other.code]
        case_pick_up(actor=personas["worker_a"], case=case)
        assert codes(queues.worker_new(personas["worker_a"])) == []
        action = queues.worker_needing_action(personas["worker_a"])
        assert codes(action) == [case.code]
        assert [str(r) for r in action.rows[0].reasons] == [
            "Chưa phân loại",
            "Chưa đánh giá rủi ro",
        ]

    def test_unassigned_case_of_the_commune_is_listed(self, personas, commune_a):
        case = intake(personas["hotline"], commune_a)
        CaseAssignment.objects.unscoped().filter(case=case).update(is_active=False)
        assert codes(queues.worker_new(personas["worker_a"])) == [case.code]
        assert codes(queues.worker_new(personas["worker_b"])) == []

    def test_follow_up_overdue_is_a_reason(self, personas, commune_a):
        case = intake(personas["worker_a"], commune_a)
        RiskAssessment.objects.create(
            case=case, answers={}, score=0, level="low", assessed_by=personas["worker_a"]
        )
        from gbvms.cases.models import Incident

        Incident.objects.create(case=case, unit=commune_a, gbv_type="rape")
        assert codes(queues.worker_needing_action(personas["worker_a"])) == []
        FollowUp.objects.create(
            case=case,
            due_on=timezone.localdate() - datetime.timedelta(days=3),
            created_by=personas["worker_a"],
        )
        row = queues.worker_needing_action(personas["worker_a"]).rows[0]
        assert row.follow_up_overdue
        assert not row.follow_up_due
        assert [str(r) for r in row.reasons] == ["Theo dõi quá hạn"]

    def test_home_shows_codes_never_names(self, personas, as_user, commune_a):
        case = intake(personas["hotline"], commune_a, name="Lường Thị Bích")
        page = as_user(personas["worker_a"]).get("/").content.decode()
        assert case.code in page
        assert "Lường Thị Bích" not in page
        assert 'data-testid="permissions"' not in page  # moved to the roles page
        roles = as_user(personas["worker_a"]).get("/roles/").content.decode()
        assert 'data-testid="permissions"' in roles
        assert "cases.edit" in roles


@pytest.mark.django_db
class TestSupervisorQueues:
    def test_danger_first_then_unassigned_with_worker_names(self, personas, commune_a, agencies):
        calm = intake(personas["worker_a"], commune_a)
        danger = intake(personas["hotline"], commune_a, danger=True)
        other_province_supervisor = make_user(
            "sup_hn", (agencies["other"], "case_supervisor", agencies["other"].unit)
        )
        sup = personas["supervisor"]
        assert codes(queues.supervisor_danger(sup)) == [danger.code]
        assert codes(queues.supervisor_unassigned(sup)) == [danger.code]  # only offered
        assert codes(queues.supervisor_danger(other_province_supervisor)) == []
        assert codes(queues.supervisor_unassigned(other_province_supervisor)) == []
        FollowUp.objects.create(
            case=calm,
            due_on=timezone.localdate() - datetime.timedelta(days=2),
            created_by=personas["worker_a"],
        )
        overdue = queues.supervisor_overdue(sup)
        assert [(f.case.code, f.worker, f.days_overdue) for f in overdue.rows] == [
            (calm.code, personas["worker_a"].full_name, 2)
        ]

    def test_extreme_before_high(self, personas, commune_a):
        high = intake(personas["worker_a"], commune_a, name="A")
        extreme = intake(personas["worker_a"], commune_a, name="B")
        type(high).objects.unscoped().filter(pk=high.pk).update(risk_level="high")
        type(high).objects.unscoped().filter(pk=extreme.pk).update(risk_level="extreme")
        assert codes(queues.supervisor_danger(personas["supervisor"])) == [
            extreme.code,
            high.code,
        ]

    def test_home_query_count_does_not_grow_with_the_cases(
        self, personas, as_user, commune_a, django_assert_max_num_queries
    ):
        client = as_user(personas["supervisor"])
        for i in range(3):
            case = intake(personas["hotline"], commune_a, name=f"N{i}", danger=True)
            FollowUp.objects.create(
                case=case,
                due_on=timezone.localdate() - datetime.timedelta(days=1),
                created_by=personas["worker_a"],
            )
        client.get("/")  # warm the session
        with django_assert_max_num_queries(16) as few:
            client.get("/")
        for i in range(6):
            case = intake(personas["hotline"], commune_a, name=f"M{i}", danger=True)
            FollowUp.objects.create(
                case=case,
                due_on=timezone.localdate() - datetime.timedelta(days=1),
                created_by=personas["worker_a"],
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get("/")
        assert response.context["supervisor"]["danger"].total == 9

    def test_worker_home_query_count_is_fixed(
        self, personas, as_user, commune_a, django_assert_max_num_queries
    ):
        client = as_user(personas["worker_a"])
        for _i in range(4):
            case_pick_up(actor=personas["worker_a"], case=intake(personas["hotline"], commune_a))
        client.get("/")
        with django_assert_max_num_queries(14) as few:
            client.get("/")
        for _i in range(4):
            case_pick_up(actor=personas["worker_a"], case=intake(personas["hotline"], commune_a))
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get("/")
        assert response.context["worker"]["action"].total == 8


@pytest.mark.django_db
class TestHotlineQueue:
    def test_todays_intakes_with_pick_up_state_and_no_identity(self, personas, as_user, commune_a):
        case = intake(personas["hotline"], commune_a, name="Quàng Thị Mây")
        client = as_user(personas["hotline"])
        page = client.get("/").content.decode()
        assert case.code in page
        assert "Quàng Thị Mây" not in page
        assert 'data-testid="not-picked-up"' in page
        case_pick_up(actor=personas["worker_a"], case=case)
        page = client.get("/").content.decode()
        assert 'data-testid="picked-up"' in page
        assert [r["code"] for r in queues.hotline_today(personas["worker_b"])] == []

    def test_statistician_gets_the_dashboard_link(self, personas, as_user):
        page = as_user(personas["statistician"]).get("/").content.decode()
        assert 'data-testid="queue-dashboard"' in page
        assert 'href="/indicators/"' in page


@pytest.mark.django_db
def test_danger_now_help_requests_come_first_for_the_communes_worker(
    personas, as_user, agencies, commune_a
):
    from gbvms.referrals.models import HelpRequest

    def ask(code, answers):
        return HelpRequest.objects.create(
            tracking_code=code, pin_hash="x", kind="need_help", commune=commune_a,
            answers=answers, agency=agencies["a"], description="Anh ấy đang ở ngoài cửa",
        )  # fmt: skip

    ask("CALM0001", ["the_chat"])
    ask("DANGER01", ["danger_now", "the_chat"])
    waiting = queues.help_waiting(personas["worker_a"])
    assert waiting.new == 2
    assert [r.tracking_code for r in waiting.danger] == ["DANGER01"]
    assert queues.help_waiting(personas["worker_b"]).new == 0
    page = as_user(personas["worker_a"]).get("/").content.decode()
    assert page.index('data-testid="queue-help-danger"') < page.index("queue-worker-new")
    assert "Anh ấy đang ở ngoài cửa" not in page


@pytest.mark.django_db
def test_break_glass_reads_are_counted_for_the_supervisor(personas, agencies, commune_a):
    from gbvms.cases.selectors import case_break_glass

    case = intake(personas["worker_a"], commune_a)
    other = make_user("sup_hn", (agencies["other"], "case_supervisor", agencies["other"].unit))
    assert queues.supervisor_break_glass(personas["supervisor"]) == 0
    case_break_glass(
        user=personas["supervisor"], code=case.code, reason="Khẩn cấp, gọi không được",
        request=None,
    )  # fmt: skip
    assert queues.supervisor_break_glass(personas["supervisor"]) == 1
    assert queues.supervisor_break_glass(other) == 0
