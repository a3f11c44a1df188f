import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gbvms.cases.models import Case
from gbvms.orgs.models import Agency, Membership, User


@pytest.mark.django_db
def test_demo_is_refused_unless_allowed(settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="demo data is refused"):
        call_command("load_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_loads_idempotently_with_every_role(settings, capsys):
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("load_demo", cases=20)
    out = capsys.readouterr().out
    call_command("load_demo", cases=20)
    assert Case.objects.unscoped().count() == 20
    assert "20 synthetic cases added" in out
    assert "demo-password-for-tests" in out
    assert Agency.objects.count() == 11
    assert Agency.objects.filter(unit__code="51").count() == 9
    expected = {
        "admin": ("administrator", "51"),
        "officer": ("programme_officer", "51"),
        "worker1": ("case_worker", "23293"),
        "worker2": ("case_worker", "23401"),
        "supervisor": ("case_supervisor", "51"),
        "statistician": ("statistician", "51"),
        "hotline": ("hotline_operator", "51"),
        "provider": ("provider_staff", "51"),
        "recorder": ("reporting_officer", "23293"),
        "reporter1": ("reporting_officer", "23293"),
        "reporter2": ("reporting_officer", "23401"),
        "province_reporter": ("reporting_officer", "51"),
    }
    got = {
        m.user.username: (m.role, m.scope_unit.code)
        for m in Membership.objects.select_related("user", "scope_unit")
    }
    assert got == expected
    assert User.objects.get(username="worker1").check_password("demo-password-for-tests")
    # the demo plan, read by the importer, with its agencies linked (no agency created)
    from gbvms.plans.models import Plan

    plan = Plan.objects.get(document_number="01/KH-DEMO")
    assert plan.activities.count() == 4
    assert "plan 01/KH-DEMO already loaded" in capsys.readouterr().out
    tasked = set(plan.assignments.values_list("agency__short_name", flat=True))
    assert {"Sở NV", "Sở GD&ĐT", "Hội LHPN tỉnh", "TT CTXH", "Sở YT", "CA tỉnh"} <= tasked
    assert plan.calendar.filter(due_on__year=2027).count() == 4  # 20/06, 15/06, 30/11, 15/11
    # the directory: the demo `provider` works for a provider offering shelter and
    # psychosocial support to worker1's commune
    from gbvms.referrals.models import ServiceProvider

    staff_agency = Membership.objects.get(user__username="provider").agency
    offers = ServiceProvider.objects.filter(agency=staff_agency, coverage__code="23293")
    assert any({"shelter", "psychosocial"} <= set(p.services) for p in offers)
    kinds = set(Agency.objects.values_list("kind", flat=True))
    assert {"home_affairs", "health", "police", "justice", "education", "culture"} <= kinds
    assert {"womens_union", "service_provider", "peoples_committee"} <= kinds
