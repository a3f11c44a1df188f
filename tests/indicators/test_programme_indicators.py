"""The programme indicators P01–P09: a small world of delivery records built with the programme
services, the worker, the values API and the rebuild. Every expected figure is computed by hand
in the comments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from gbvms.geo.models import AdminUnit
from gbvms.indicators.models import (
    DirtyKey,
    ExternalValue,
    Indicator,
    IndicatorValue,
    UnitTarget,
)
from gbvms.indicators.worker import process_pending
from gbvms.orgs.models import AgencyKind
from gbvms.plans.models import Plan
from gbvms.programme import services, services_budget, services_inspections, services_models
from gbvms.programme.models import Expenditure, TrainingRequirement
from gbvms.referrals.models import ServiceProvider
from tests.conftest import make_agency, make_user
from tests.indicators.engine_data import open_case, serve

D = datetime.date
Y = 2026


def cell(code, path, period, disagg=""):
    row = IndicatorValue.objects.filter(
        version__indicator__code=code, version__status="current", unit_path=path,
        period=period, disagg=disagg,
    ).first()  # fmt: skip
    return None if row is None else (row.n, row.d)


def training(actor, unit, agency, start, groups, status="done", level="commune"):
    return services.training_save(
        actor=actor, title="Tập huấn", topic="provider_skills", unit=unit, lead_agency=agency,
        start=start, end=start, target_groups=sorted({g for g, _s, _n in groups}),
        participants=[{"group": g, "sex": s, "count": n} for g, s, n in groups],
        status=status, level=level,
    )  # fmt: skip


def requirement(plan, group, scope=None, level="commune"):
    return TrainingRequirement.objects.create(
        plan=plan, target_group=group, unit_scope=scope, level=level
    )


@pytest.fixture
def world(personas, agencies, province, commune_a, commune_b):
    """Province 51 with two communes: a (Phường Kon Tum) and b (Xã Đăk Tô)."""
    officer = personas["officer"]
    a, b, prov = agencies["a"], agencies["b"], agencies["province"]
    plan = Plan.objects.create(title="Kế hoạch 2026", unit=province, start_year=Y, end_year=Y,
                               status="in_force", created_by=officer)  # fmt: skip
    requirement(plan, "collaborators", commune_a)
    requirement(plan, "trusted_address", commune_a)
    requirement(plan, "collaborators", commune_b)
    requirement(plan, "ge_staff", level="province")  # the plan's unit: the province
    draft = Plan.objects.create(title="Dự thảo", unit=province, start_year=Y, end_year=Y,
                                status="draft", created_by=officer)  # fmt: skip
    requirement(draft, "social_staff", commune_b)  # a draft binds nobody
    old = Plan.objects.create(title="Kế hoạch 2025", unit=province, start_year=2025,
                              end_year=2025, status="closed", created_by=officer)  # fmt: skip
    requirement(old, "providers", commune_a)  # binds 2025 only
    t1 = training(officer, commune_a, a, D(Y, 5, 10), [
        ("collaborators", "female", 12), ("collaborators", "male", 3),
        ("trusted_address", "female", 5)])  # fmt: skip
    training(officer, commune_b, b, D(Y, 9, 15),
             [("social_staff", "female", 4), ("social_staff", "male", 2)])  # fmt: skip
    training(officer, province, prov, D(Y, 10, 1), [
        ("ge_staff", "female", 6), ("ge_staff", "male", 4), ("ge_staff", "other", 1)],
        level="province")  # fmt: skip
    training(officer, commune_b, b, D(Y, 6, 1), [("collaborators", "female", 10)],
             status="planned")  # planned: not delivery  # fmt: skip
    # models: m1 (a) active from 1/3; m2 (b) active from 10/1, suspended 1/8; m3 (a) pilot 1/9
    model = services_models.model_save
    model(actor=officer, kind="safe_school", title="Trường học an toàn", unit=commune_a,
          lead_agency=a, established_on=D(Y, 3, 1))  # fmt: skip
    m2 = model(actor=officer, kind="male_pioneers", title="Nam giới tiên phong", unit=commune_b,
               lead_agency=b, established_on=D(Y, 1, 10))  # fmt: skip
    services_models.model_status_set(actor=officer, model=m2, model_status="suspended",
                                     on=D(Y, 8, 1))  # fmt: skip
    model(actor=officer, kind="safe_city", title="Xã an toàn", unit=commune_a, lead_agency=a,
          established_on=D(Y, 9, 1), model_status="pilot")  # fmt: skip
    # communication events: two done in a (S1, S2), one planned in b
    services.event_save(actor=officer, kind="talk", title="Tọa đàm", unit=commune_a,
                        lead_agency=a, start=D(Y, 4, 1), participants_female=30)  # fmt: skip
    services.event_save(actor=officer, kind="launch", title="Lễ phát động", unit=commune_a,
                        lead_agency=a, start=D(Y, 11, 20), participants_male=10)  # fmt: skip
    services.event_save(actor=officer, kind="workshop", title="Hội thảo", unit=commune_b,
                        lead_agency=b, start=D(Y, 4, 1), status="planned")  # fmt: skip
    # an inspection of the province with three recommendations
    insp = services_inspections.inspection_save(
        actor=officer,
        kind="periodic",
        title="Kiểm tra liên ngành",
        unit=province,
        lead_agency=prov,
        start=D(Y, 3, 1),
        end=D(Y, 3, 5),
    )
    recs = [services_inspections.recommendation_add(
        actor=officer, inspection=insp, text=f"Kiến nghị {i}", responsible_agency=a,
        due_date=due) for i, due in enumerate([D(Y, 5, 1), D(Y, 6, 15), D(Y, 10, 1)])]  # fmt: skip
    for rec, closed in ((recs[0], D(Y, 4, 20)), (recs[2], D(Y, 11, 1))):  # the third, late
        services_inspections.recommendation_update(
            actor=officer, recommendation=rec, status="done", closed_on=closed
        )
    # budget: 100M allocated, 30M spent in S1, 20M in S2; a planned line does not count
    line = services_budget.budget_line_save(
        actor=officer,
        title="Kinh phí 2026",
        fiscal_year=Y,
        unit=province,
        lead_agency=prov,
        funding_source="province",
        amount_allocated=100_000_000,
    )
    services_budget.expenditure_add(actor=officer, line=line, date=D(Y, 3, 10),
                                    amount=30_000_000)  # fmt: skip
    services_budget.expenditure_add(actor=officer, line=line, date=D(Y, 9, 10),
                                    amount=20_000_000)  # fmt: skip
    planned = services_budget.budget_line_save(
        actor=officer,
        title="Dự kiến",
        fiscal_year=Y,
        unit=province,
        lead_agency=prov,
        funding_source="oda",
        amount_allocated=50_000_000,
        status="planned",
    )
    Expenditure.objects.create(budget_line=planned, date=D(Y, 4, 1), amount=10_000_000)
    # providers: the province's centre lists a service; commune a's delivers one in S1 (T0)
    centre = make_agency("Trung tâm CTXH tỉnh", province, AgencyKind.SERVICE_PROVIDER)
    ngo = make_agency("Tổ chức phi chính phủ", province, AgencyKind.NGO)
    for agency, kind, listed, active in [
        (centre, "social_work_centre", ["psychosocial"], True),
        (a, "social_work_centre", [], True),
        (centre, "hospital", ["health"], True),  # not a social-assistance facility
        (ngo, "social_work_centre", ["psychosocial"], True),  # not public
        (centre, "shelter", ["shelter"], False),  # not active
    ]:
        ServiceProvider.objects.create(agency=agency, name=f"{kind} {agency.pk}", type=kind,
                                       services=listed, is_active=active)  # fmt: skip
    worker = personas["worker_a"]
    serve(worker, open_case(worker, commune_a), a, hours=2)
    ExternalValue.objects.create(
        indicator=Indicator.objects.get(code="P09"),
        unit_path=commune_a.path, period=str(Y), role="denominator", value=Decimal(40),
        source="Danh sách cộng tác viên của xã", source_year=Y, entered_by=officer,
    )  # fmt: skip
    process_pending()
    return {"t1": t1, "officer": officer}


def communes_of(province_path):
    return AdminUnit.objects.current().filter(level="commune", path__startswith=province_path)


# (code, unit, period, disagg, (n, d)); "a", "b", "p" (province 51), "/" (the nation)
EXPECTED = [
    # P01: a needs collaborators + trusted address (both in t1, May); b collaborators (none);
    # the province ge_staff (October). Half-years keep the year's requirements.
    ("P01", "a", "2026", "", (2, 2)), ("P01", "a", "2026S1", "", (2, 2)),
    ("P01", "a", "2026S2", "", (0, 2)), ("P01", "b", "2026", "", (0, 1)),
    ("P01", "p", "2026", "", (3, 4)), ("P01", "p", "2026S1", "", (2, 4)),
    ("P01", "p", "2026S2", "", (1, 4)), ("P01", "/", "2026", "", (3, 4)),
    # P02: a 12+3+5 = 20 (F 17, M 3); b 4+2 = 6; the province's own 6+4+1 = 11
    ("P02", "a", "2026", "", (20, None)), ("P02", "a", "2026", "SEX=F", (17, None)),
    ("P02", "a", "2026", "SEX=M", (3, None)), ("P02", "a", "2026S2", "", None),
    ("P02", "b", "2026S2", "", (6, None)), ("P02", "p", "2026", "", (37, None)),
    ("P02", "p", "2026", "SEX=F", (27, None)), ("P02", "p", "2026", "SEX=M", (9, None)),
    ("P02", "p", "2026", "SEX=X", (1, None)), ("P02", "p", "2026S1", "", (20, None)),
    ("P02", "/", "2026S2", "", (17, None)),
    # by target group, training level, and sex × group
    ("P02", "a", "2026", "TGROUP=collaborators", (15, None)),
    ("P02", "a", "2026", "TGROUP=trusted_address", (5, None)),
    ("P02", "a", "2026", "SEX=F;TGROUP=collaborators", (12, None)),
    ("P02", "a", "2026", "SEX=M;TGROUP=collaborators", (3, None)),
    ("P02", "p", "2026", "TGROUP=ge_staff", (11, None)),
    ("P02", "p", "2026", "TLEVEL=province", (11, None)),
    ("P02", "p", "2026", "TLEVEL=commune", (26, None)),
    ("P02", "p", "2026", "SEX=X;TGROUP=ge_staff", (1, None)),
    # P03 on 30/6: m1, m2 running; on 31/12: m1, m3 (m2 suspended 1/8)
    ("P03", "a", "2026S1", "", (1, None)), ("P03", "a", "2026", "", (2, None)),
    ("P03", "b", "2026S1", "", (1, None)), ("P03", "b", "2026", "", None),
    ("P03", "p", "2026S1", "", (2, None)), ("P03", "p", "2026", "", (2, None)),
    ("P03", "p", "2026S1", "MKIND=safe_school", (1, None)),
    ("P03", "p", "2026S1", "MKIND=male_pioneers", (1, None)),
    ("P03", "p", "2026", "MKIND=safe_city", (1, None)),
    ("P03", "p", "2026", "MKIND=male_pioneers", None),
    # P04: a commune is 1/1 or 0/1
    ("P04", "a", "2026", "", (1, 1)), ("P04", "b", "2026S1", "", (1, 1)),
    ("P04", "b", "2026", "", (0, 1)),
    # P05: two done events in a (April, November); trainings and planned events do not count
    ("P05", "a", "2026", "", (2, None)), ("P05", "a", "2026S1", "", (1, None)),
    ("P05", "b", "2026", "", None), ("P05", "p", "2026", "", (2, None)),
    ("P05", "p", "2026", "EKIND=talk", (1, None)), ("P05", "p", "2026", "EKIND=launch", (1, None)),
    ("P05", "p", "2026S1", "EKIND=launch", None),
    # P06: due 1/5 (done 20/4), 15/6 (open), 1/10 (done 1/11)
    ("P06", "p", "2026", "", (2, 3)), ("P06", "p", "2026S1", "", (1, 2)),
    ("P06", "p", "2026S2", "", (1, 1)), ("P06", "/", "2026", "", (2, 3)),
    # P07: spent in the period over the year's allocation (the planned line is left out)
    ("P07", "p", "2026", "", (50_000_000, 100_000_000)),
    ("P07", "p", "2026S1", "", (30_000_000, 100_000_000)),
    ("P07", "p", "2026S2", "", (20_000_000, 100_000_000)),
    ("P07", "p", "2026", "FUND=province", (50_000_000, 100_000_000)),
    ("P07", "p", "2026", "FUND=oda", None),  # only a planned line
    # P08: the centre (lists a service) and a's centre (a service delivered on 2/2)
    ("P08", "a", "2026S1", "", (1, 1)), ("P08", "a", "2026S2", "", (0, 1)),
    ("P08", "p", "2026", "", (2, 2)), ("P08", "p", "2026S2", "", (1, 2)),
    # P09: collaborators, trusted address, social staff trained (ge_staff are not DV workers)
    ("P09", "a", "2026", "", (20, None)), ("P09", "b", "2026", "", (6, None)),
    ("P09", "p", "2026", "", (26, None)),
]  # fmt: skip


def _path(key, commune_a, commune_b, province):
    return {"a": commune_a.path, "b": commune_b.path, "p": province.path, "/": "/"}[key]


@pytest.mark.django_db
class TestFigures:
    def test_expected_cells(self, world, commune_a, commune_b, province):
        for code, unit, period, disagg, expected in EXPECTED:
            path = _path(unit, commune_a, commune_b, province)
            assert cell(code, path, period, disagg) == expected, (code, unit, period, disagg)

    def test_p04_over_every_current_commune(self, world, province):
        communes = communes_of(province.path).count()
        nation = AdminUnit.objects.current().filter(level="commune").count()
        assert cell("P04", province.path, "2026S1") == (2, communes)
        assert cell("P04", province.path, "2026") == (1, communes)
        assert cell("P04", "/", "2026") == (1, nation)

    def test_cells_are_shown_and_ratios_computed(self, world, province):
        rows = IndicatorValue.objects.filter(version__indicator__source="programme")
        assert rows.exists()
        assert not rows.filter(hidden=True).exists()
        p07 = rows.get(version__indicator__code="P07", unit_path=province.path, period="2026",
                       disagg="")  # fmt: skip
        assert p07.value == 50.0

    def test_one_group_missed_in_one_commune_is_not_met(self, world, commune_a):
        officer = world["officer"]
        services.training_save(
            actor=officer, event=world["t1"], title="Tập huấn", topic="provider_skills",
            unit=commune_a, lead_agency=world["t1"].lead_agency, start=D(Y, 5, 10),
            end=D(Y, 5, 10), target_groups=["collaborators"],
            participants=[{"group": "collaborators", "sex": "female", "count": 12}],
        )  # fmt: skip
        process_pending()
        assert cell("P01", commune_a.path, "2026") == (1, 2)  # trusted address missed
        assert cell("P02", commune_a.path, "2026") == (12, None)

    def test_cancelling_a_training_removes_it(self, world, commune_a, province):
        services.record_cancel(actor=world["officer"], record=world["t1"], reason="Trùng")
        process_pending()
        assert cell("P01", commune_a.path, "2026") == (0, 2)
        assert cell("P01", province.path, "2026") == (1, 4)
        assert cell("P02", commune_a.path, "2026") is None
        assert cell("P02", commune_a.path, "2026", "SEX=F") is None
        assert cell("P02", province.path, "2026") == (17, None)
        assert not DirtyKey.objects.filter(source="programme").exists()


@pytest.mark.django_db
def test_the_worker_after_commit(personas, agencies, commune_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        training(personas["officer"], commune_a, agencies["a"], D(Y, 2, 3),
                 [("providers", "female", 7)])  # fmt: skip
    assert DirtyKey.objects.filter(source="programme", unit_path=commune_a.path, year=Y).exists()
    assert cell("P02", commune_a.path, "2026") is None  # not yet computed
    process_pending()
    assert cell("P02", commune_a.path, "2026") == (7, None)
    assert cell("P02", "/", "2026S1") == (7, None)
    assert not DirtyKey.objects.exists()


@pytest.mark.django_db
class TestApi:
    def test_values_of_a_commune(self, world, personas, commune_a, as_user):
        client = as_user(personas["statistician"])
        body = client.get(f"/api/v1/indicators/P01/values?unit={commune_a.code}&period=2026")
        assert body.status_code == 200
        got = body.json()
        assert (got["numerator"], got["denominator"], got["value"]) == (2, 2, 100.0)
        assert got["suppressed"] is False
        assert got["kind"] == "ratio"

    def test_breakdown_by_target_group_and_by_sex_and_group(self, world, personas, as_user):
        client = as_user(personas["statistician"])
        got = client.get("/api/v1/indicators/P02/values?unit=51&period=2026&by=target_group")
        assert got.status_code == 200, got.content
        by_group = {i["target_group"]: i["numerator"] for i in got.json()["breakdown"]}
        assert by_group["collaborators"] == 15
        assert by_group["ge_staff"] == 11
        got = client.get(
            "/api/v1/indicators/P02/values?unit=51&period=2026&by=sex,target_group"
        ).json()
        pairs = {(i["sex"], i["target_group"]): i["numerator"] for i in got["breakdown"]}
        assert pairs[("F", "collaborators")] == 12
        assert pairs[("X", "ge_staff")] == 1

    def test_breakdown_by_sex(self, world, personas, as_user):
        got = as_user(personas["statistician"]).get(
            "/api/v1/indicators/P02/values?unit=51&period=2026&by=sex").json()  # fmt: skip
        assert got["numerator"] == 37
        assert {i["sex"]: i["numerator"] for i in got["breakdown"]} == {"F": 27, "M": 9, "X": 1}

    def test_p09_over_the_entered_denominator(self, world, personas, commune_a, commune_b,
                                              as_user):  # fmt: skip
        client = as_user(personas["statistician"])
        got = client.get(f"/api/v1/indicators/P09/values?unit={commune_a.code}&period=2026").json()
        assert (got["numerator"], got["denominator"], got["value"]) == (20, 40, 50.0)
        assert got["sources"][0]["source"] == "Danh sách cộng tác viên của xã"
        got = client.get(f"/api/v1/indicators/P09/values?unit={commune_b.code}&period=2026").json()
        assert (got["numerator"], got["denominator"], got["value"]) == (6, None, None)

    def test_a_plan_target_of_100_percent_attaches(self, world, personas, province, commune_a,
                                                   as_user):  # fmt: skip
        UnitTarget.objects.create(
            indicator=Indicator.objects.get(code="P01"), unit_path=province.path, year=Y,
            comparator=">=", value=Decimal(100), set_by=make_user("planner"),
        )  # fmt: skip
        url = f"/api/v1/indicators/P01/values?unit={commune_a.code}&period=2026S1"
        got = as_user(personas["statistician"]).get(url).json()
        assert (got["target"]["comparator"], got["target"]["value"]) == (">=", 100.0)

    def test_catalogue_lists_the_programme_indicators(self, personas, as_user):
        body = as_user(personas["statistician"]).get("/api/v1/indicators").json()
        items = {i["code"]: i for i in body["items"]}
        assert {f"P0{i}" for i in range(1, 10)} <= set(items)
        assert items["P02"]["disaggregations"] == ["sex", "target_group", "training_level"]
        assert items["P07"]["disaggregations"] == ["funding_source"]
        assert items["P09"]["kind"] == "external"


@pytest.mark.django_db
def test_rebuild_gives_the_same_cells(world, province):
    def snapshot():
        rows = IndicatorValue.objects.filter(
            version__indicator__source="programme", version__status="current"
        ).filter(unit_path__startswith=province.path) | IndicatorValue.objects.filter(
            version__indicator__source="programme", version__status="current", unit_path="/"
        )
        rows = rows.filter(period__startswith=str(Y))  # the plan of 2025 was made without marks
        return set(rows.values_list("version__indicator__code", "unit_path", "period", "disagg",
                                    "n", "d", "hidden"))  # fmt: skip

    before = snapshot()
    IndicatorValue.objects.filter(version__indicator__code="P01").delete()
    call_command("rebuild_indicators")
    assert snapshot() == before
    assert IndicatorValue.objects.filter(
        version__indicator__code="P01", version__status="current", version__number=2
    ).exists()


@pytest.mark.django_db
def test_p08_follows_services_and_the_directory(world, personas, agencies, commune_b,
                                                django_capture_on_commit_callbacks):  # fmt: skip
    """A service delivered by a public centre, and a directory edit, mark P08's keys."""
    from gbvms.referrals.forms import ProviderForm

    b = agencies["b"]
    centre_b = ServiceProvider.objects.create(agency=b, name="Trung tâm xã", services=[],
                                              type="social_work_centre")  # fmt: skip
    assert not DirtyKey.objects.exists()  # a bare create marks nothing: the services do
    worker = personas["worker_b"]
    with django_capture_on_commit_callbacks(execute=True):
        serve(worker, open_case(worker, commune_b), b, hours=3)  # delivered in S1 2026
    assert DirtyKey.objects.filter(source="programme", unit_path=commune_b.path, year=Y).exists()
    process_pending()
    assert cell("P08", commune_b.path, "2026S1") == (1, 1)
    assert cell("P08", commune_b.path, "2026S2") == (0, 1)  # no service then, none listed
    # the directory now lists a service: a change to this year's and last year's cells
    form = ProviderForm(
        {"agency": b.pk, "name": centre_b.name, "type": "social_work_centre",
         "services": ["psychosocial"], "is_active": "on"},
        instance=centre_b, agencies=type(b).objects.filter(pk=b.pk),
    )  # fmt: skip
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        form.save()
    this_year = timezone.localdate().year
    assert set(
        DirtyKey.objects.filter(source="programme", unit_path=commune_b.path)
        .values_list("year", flat=True)
    ) == {this_year - 1, this_year}  # fmt: skip


@pytest.mark.django_db
def test_the_indicator_pages_show_the_programme_breakdowns(world, personas, as_user):
    client = as_user(personas["statistician"])
    for code, title in [
        ("P02", "Nhóm đối tượng"),
        ("P03", "Loại mô hình"),
        ("P05", "Loại hoạt động truyền thông"),
        ("P07", "Nguồn kinh phí"),
    ]:
        page = client.get(f"/indicators/{code}/", {"unit": "51", "period": "2026"})
        assert page.status_code == 200, code
        assert title in page.content.decode(), code
    page = client.get("/indicators/P07/", {"unit": "51", "period": "2026"}).content.decode()
    assert "Ngân sách địa phương cấp tỉnh" in page  # an option's label, never its code
