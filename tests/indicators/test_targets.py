"""Targets (REPORTING §A.5): inheritance, status, the child-below-parent warning, the services'
permissions and validation, the importer's proposal, and plan targets becoming unit targets."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gbvms.core.models import AccessLog
from gbvms.indicators import targets
from gbvms.indicators.models import Indicator, UnitTarget
from gbvms.plans.models import Plan, Target
from gbvms.plans.vntext import find_target
from tests.conftest import make_user

SEEDS = Path("/work/shared/seeds")
NATION, PROVINCE, COMMUNE = "/", "/51/", "/51/23293/"
OTHER_COMMUNE = "/51/23401/"
TODAY = datetime.date(2027, 3, 1)


def ut(code: str, path: str, year: int, comparator: str, value, user, **kw) -> UnitTarget:
    return UnitTarget.objects.create(
        indicator=Indicator.objects.get(code=code),
        unit_path=path,
        year=year,
        comparator=comparator,
        value=Decimal(str(value)),
        set_by=user,
        **kw,
    )


@pytest.fixture
def root(db):
    from gbvms.orgs.models import User

    return User.objects.create_superuser("root-targets", password="x" * 20)


# ------------------------------------------------------------------------------ inheritance


@pytest.mark.django_db
class TestInheritance:
    def test_own_target_wins(self, root, commune_a):
        ut("R02", NATION, 2026, ">", 90, root)
        ut("R02", PROVINCE, 2026, ">=", 95, root)
        own = ut("R02", commune_a.path, 2026, ">=", 80, root)
        assert targets.target_for("R02", commune_a.path, 2026) == own

    def test_parent_province_when_no_own(self, root, commune_a):
        ut("R02", NATION, 2026, ">", 90, root)
        province = ut("R02", PROVINCE, 2026, ">=", 95, root)
        assert targets.target_for("R02", commune_a.path, 2026) == province

    def test_national_when_no_province(self, root, commune_a):
        nation = ut("R02", NATION, 2026, ">", 90, root)
        ut("R02", OTHER_COMMUNE, 2026, ">", 99, root)  # a sibling's target is not inherited
        ut("R02", PROVINCE, 2025, ">", 99, root)  # another year's is not either
        assert targets.target_for("R02", commune_a.path, 2026) == nation
        assert targets.target_for("R02", NATION, 2026) == nation

    def test_none(self, root, commune_a):
        ut("R03", NATION, 2026, ">", 90, root)  # another indicator
        assert targets.target_for("R02", commune_a.path, 2026) is None

    def test_targets_for_unit_picks_nearest_per_indicator_in_one_query(
        self, root, commune_a, django_assert_num_queries
    ):
        ut("R02", NATION, 2026, ">", 90, root)
        ut("R02", PROVINCE, 2026, ">=", 95, root)
        ut("R07", NATION, 2026, ">", 50, root, params={"rule": "and"})
        with django_assert_num_queries(1):
            got = targets.targets_for_unit(commune_a.path, 2026)
            got = {t.indicator.code: (t.unit_path, t.value) for t in got.values()}
        assert got == {"R02": (PROVINCE, Decimal("95")), "R07": (NATION, Decimal("50"))}

    def test_ancestor_paths(self):
        assert targets.ancestor_paths("/51/23293/") == ["/51/23293/", "/51/", "/"]
        assert targets.ancestor_paths("/") == ["/"]
        assert targets.parent_path("/") is None


# ------------------------------------------------------------------------------ status


def status(target, *, n=None, d=None, value=None, hidden=False, period="2026", today=TODAY):
    return targets.target_status(
        target, n=n, d=d, value=value, hidden=hidden, period_key=period, today=today
    )


@pytest.mark.django_db
class TestStatus:
    @pytest.fixture
    def gt90(self, root):
        return ut("R02", PROVINCE, 2026, ">", 90, root)

    def test_met_with_gap(self, gt90):
        assert status(gt90, n=19, d=20, value=95.0) == {
            "comparator": ">", "value": 90.0, "status": "met", "gap": 5.0, "on_track": None,
        }  # fmt: skip

    def test_not_met_with_negative_gap(self, gt90):
        got = status(gt90, n=16, d=20, value=80.0)
        assert (got["status"], got["gap"]) == ("not_met", -10.0)

    def test_strictly_above_is_not_met_at_the_boundary(self, gt90, root):
        # 9/10 as a float is 90.00000000000001: the comparison is exact, on N/D
        assert status(gt90, n=9, d=10, value=9 / 10 * 100)["status"] == "not_met"
        assert status(gt90, n=9, d=10, value=90.0)["gap"] == 0.0
        ge90 = ut("R02", NATION, 2026, ">=", 90, root)
        assert status(ge90, n=9, d=10, value=9 / 10 * 100)["status"] == "met"

    def test_every_comparator(self, root):
        for comparator, expected in {
            ">": "not_met", ">=": "met", "=": "met", "<=": "met", "<": "not_met",
        }.items():  # fmt: skip
            t = UnitTarget(
                indicator=Indicator.objects.get(code="R02"), unit_path=PROVINCE, year=2026,
                comparator=comparator, value=Decimal("50"),
            )  # fmt: skip
            assert status(t, n=5, d=10, value=50.0)["status"] == expected, comparator

    def test_hidden_is_insufficient_and_reveals_no_gap(self, gt90):
        got = status(gt90, n=None, d=None, value=None, hidden=True)
        assert (got["status"], got["gap"]) == ("insufficient_data", None)
        # even if a caller passed the numbers, a hidden cell gives neither status nor gap
        got = status(gt90, n=19, d=20, value=95.0, hidden=True)
        assert (got["status"], got["gap"]) == ("insufficient_data", None)

    def test_small_denominator_is_insufficient(self, gt90, settings):
        settings.SMALL_CELL_THRESHOLD = 5
        got = status(gt90, n=4, d=4, value=100.0)
        assert (got["status"], got["gap"]) == ("insufficient_data", None)
        assert status(gt90, n=5, d=5, value=100.0)["status"] == "met"

    def test_a_programme_indicator_has_a_status_at_any_denominator(self, root, settings):
        # P01 counts (commune, target group) pairs, no persons: 1 of 2 groups is "not met"
        settings.SMALL_CELL_THRESHOLD = 5
        p01 = ut("P01", PROVINCE, 2026, ">=", 100, root)
        assert (
            status(p01, n=1, d=2, value=50.0)["status"],
            status(p01, n=1, d=2, value=50.0)["gap"],
        ) == ("not_met", -50.0)
        assert status(p01, n=2, d=2, value=100.0)["status"] == "met"

    def test_no_value_is_insufficient(self, gt90):
        assert status(gt90, n=0, d=0, value=None)["status"] == "insufficient_data"

    def test_running_period_is_not_due_with_gap_and_hint(self, gt90):
        got = status(gt90, n=19, d=20, value=95.0, period="2027", today=TODAY)
        assert got == {
            "comparator": ">", "value": 90.0, "status": "not_due", "gap": 5.0, "on_track": True,
        }  # fmt: skip
        got = status(gt90, n=10, d=20, value=50.0, period="2027S1", today=TODAY)
        assert (got["status"], got["on_track"]) == ("not_due", False)
        # the last day of the period still counts as running; the day after, it is due
        last = datetime.date(2026, 12, 31)
        assert status(gt90, n=19, d=20, value=95.0, today=last)["status"] == "not_due"
        assert (
            status(gt90, n=19, d=20, value=95.0, today=last.replace(year=2027, month=1, day=1))[
                "status"
            ]
            == "met"
        )

    def test_count_target_compares_the_count(self, root):
        t = ut("R01", PROVINCE, 2026, ">=", 10, root)
        assert status(t, n=12, d=None, value=12.0) | {"on_track": None} == {
            "comparator": ">=", "value": 10.0, "status": "met", "gap": 2.0, "on_track": None,
        }  # fmt: skip
        assert status(t, n=3, d=None, value=3.0)["status"] == "not_met"

    def test_survey_rate_is_compared_exactly_too(self, root):
        t = ut("R05", PROVINCE, 2026, ">", 90, root)
        assert status(t, n=9, d=10, value=9 / 10 * 100)["status"] == "not_met"

    def test_lower_is_better(self, root):
        t = ut("R09", PROVINCE, 2026, "<=", 24, root)
        assert status(t, n=30, d=None, value=20.5)["status"] == "met"
        got = status(t, n=30, d=None, value=30.0)
        assert (got["status"], got["gap"]) == ("not_met", 6.0)


# ------------------------------------------------------------------------------ warning


@pytest.mark.django_db
class TestChildBelowParent:
    def test_below_parent_warns(self, root, commune_a):
        parent = ut("R02", PROVINCE, 2026, ">", 90, root)
        child = ut("R02", commune_a.path, 2026, ">", 80, root)
        assert targets.child_below_parent(child) == parent

    def test_inherited_from_the_nation_when_province_has_none(self, root, commune_a):
        nation = ut("R02", NATION, 2026, ">", 90, root)
        child = ut("R02", commune_a.path, 2026, ">=", 85, root)
        assert targets.child_below_parent(child) == nation

    def test_above_or_equal_does_not_warn(self, root, commune_a):
        ut("R02", PROVINCE, 2026, ">", 90, root)
        assert targets.child_below_parent(ut("R02", commune_a.path, 2026, ">", 95, root)) is None
        UnitTarget.objects.filter(unit_path=commune_a.path).delete()
        assert targets.child_below_parent(ut("R02", commune_a.path, 2026, ">", 90, root)) is None

    def test_weaker_comparator_at_the_same_value_warns(self, root, commune_a):
        parent = ut("R02", PROVINCE, 2026, ">", 90, root)
        assert targets.child_below_parent(ut("R02", commune_a.path, 2026, ">=", 90, root)) == parent

    def test_lower_is_better_warns_when_above(self, root, commune_a):
        parent = ut("R09", PROVINCE, 2026, "<=", 24, root)
        assert targets.child_below_parent(ut("R09", commune_a.path, 2026, "<=", 48, root)) == parent
        UnitTarget.objects.filter(unit_path=commune_a.path).delete()
        assert targets.child_below_parent(ut("R09", commune_a.path, 2026, "<=", 12, root)) is None

    def test_no_parent_no_warning(self, root):
        assert targets.child_below_parent(ut("R02", NATION, 2026, ">", 10, root)) is None


# ------------------------------------------------------------------------------ services


@pytest.mark.django_db
class TestServices:
    def test_officer_sets_and_adapts_own_target_with_warning(self, personas, province, commune_a):
        officer = personas["officer"]
        ut("R02", NATION, 2026, ">", 90, personas["national_admin"])
        got = targets.unit_target_set(
            actor=officer, indicator="R02", unit=province, year=2026, comparator=">=",
            value="85", note="theo điều kiện thực tế",
        )  # fmt: skip
        assert (got.unit_path, got.comparator, got.value) == (PROVINCE, ">=", Decimal("85.00"))
        assert got.below_parent.unit_path == NATION  # a warning, and it was saved anyway
        assert (
            AccessLog.objects.unscoped()
            .filter(action="indicators.target.set", actor=officer)
            .count()
            == 1
        )
        again = targets.unit_target_set(
            actor=officer, indicator="R02", unit=province, year=2026, comparator=">", value=95
        )
        assert again.pk == got.pk
        assert again.below_parent is None
        assert UnitTarget.objects.filter(unit_path=PROVINCE).count() == 1
        # a commune of the province, too
        child = targets.unit_target_set(
            actor=officer, indicator="R02", unit=commune_a, year=2026, comparator=">", value=92
        )
        assert child.below_parent.unit_path == PROVINCE

    def test_clear_restores_inheritance(self, personas, province):
        officer = personas["officer"]
        targets.unit_target_set(
            actor=officer, indicator="R02", unit=province, year=2026, comparator=">", value=90
        )
        assert targets.unit_target_clear(actor=officer, indicator="R02", unit=province, year=2026)
        assert not UnitTarget.objects.exists()
        assert not targets.unit_target_clear(
            actor=officer, indicator="R02", unit=province, year=2026
        )

    @pytest.mark.parametrize("who", ["statistician", "worker_a", "supervisor", "admin"])
    def test_without_plans_manage_cannot_set(self, personas, province, who):
        with pytest.raises(PermissionDenied):
            targets.unit_target_set(
                actor=personas[who], indicator="R02", unit=province, year=2026,
                comparator=">", value=90,
            )  # fmt: skip
        assert not UnitTarget.objects.exists()
        assert (
            not AccessLog.objects.unscoped().filter(action__startswith="indicators.target").exists()
        )

    def test_viewer_cannot_set(self, agencies, province):
        viewer = make_user("viewer", (agencies["province"], "viewer", province))
        with pytest.raises(PermissionDenied):
            targets.unit_target_set(
                actor=viewer, indicator="R02", unit=province, year=2026, comparator=">", value=9
            )
        assert not UnitTarget.objects.exists()

    def test_province_officer_cannot_set_another_province_nor_the_nation(
        self, personas, province, other_province, commune_a
    ):
        officer = personas["officer"]
        ut("R02", other_province.path, 2026, ">", 50, personas["national_admin"])
        for unit in (other_province, None):
            with pytest.raises(PermissionDenied):
                targets.unit_target_set(
                    actor=officer, indicator="R02", unit=unit, year=2026, comparator=">", value=90
                )
            with pytest.raises(PermissionDenied):
                targets.unit_target_clear(actor=officer, indicator="R02", unit=unit, year=2026)
        assert list(UnitTarget.objects.values_list("unit_path", "value")) == [
            (other_province.path, Decimal("50.00"))
        ]

    def test_commune_officer_cannot_set_the_province(self, agencies, province, commune_a):
        officer = make_user("commune_po", (agencies["a"], "programme_officer", commune_a))
        targets.unit_target_set(
            actor=officer, indicator="R02", unit=commune_a, year=2026, comparator=">", value=90
        )
        with pytest.raises(PermissionDenied):
            targets.unit_target_set(
                actor=officer, indicator="R02", unit=province, year=2026, comparator=">", value=9
            )
        assert list(UnitTarget.objects.values_list("unit_path", flat=True)) == [commune_a.path]

    @pytest.mark.parametrize(
        ("kwargs", "code"),
        [
            ({"value": 101}, "percent_out_of_range"),
            ({"value": -1}, "percent_out_of_range"),
            ({"value": "abc"}, "invalid_value"),
            ({"value": "NaN"}, "invalid_value"),
            ({"year": 1999}, "invalid_year"),
            ({"year": 2101}, "invalid_year"),
            ({"comparator": "!="}, "invalid_comparator"),
            ({"indicator": "R99"}, "unknown_indicator"),
            ({"indicator": "R07", "params": {"rule": "xor"}}, "invalid_rule"),
            ({"indicator": "R01", "value": -3}, "negative_value"),
        ],
    )
    def test_validation_codes(self, personas, province, kwargs, code):
        args = {"indicator": "R02", "year": 2026, "comparator": ">", "value": 90} | kwargs
        with pytest.raises(ValidationError) as exc:
            targets.unit_target_set(actor=personas["officer"], unit=province, **args)
        assert [e.code for errs in exc.value.error_dict.values() for e in errs] == [code]
        assert not UnitTarget.objects.exists()

    def test_counts_may_exceed_100_and_r07_keeps_its_rule(self, personas, province):
        officer = personas["officer"]
        got = targets.unit_target_set(
            actor=officer, indicator="R01", unit=province, year=2026, comparator=">=", value=250
        )
        assert got.value == Decimal("250.00")
        assert got.params == {}
        r07 = targets.unit_target_set(
            actor=officer, indicator="R07", unit=province, year=2026, comparator=">", value=50,
            params={"rule": "or"},
        )  # fmt: skip
        assert r07.params == {"rule": "or"}


# ------------------------------------------------------------------------------ wording


def seed_percent_targets() -> list[str]:
    lines = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "%" in line and find_target(line):
                lines.append(line.strip(" -*"))
    return lines


PROPOSALS = [
    # the seed plans' own wording
    (
        "100% nạn nhân bạo lực trên cơ sở giới được phát hiện thì có trên 90% được hỗ trợ và "
        "can thiệp kịp thời",
        ("R02", {}),
    ),
    (
        "100% người gây bạo lực trên cơ sở giới được phát hiện thì có trên 50% được tư vấn và "
        "có hình thức xử lý phù hợp",
        ("R07", {"rule": "and"}),
    ),
    ("trên 50% người gây bạo lực được tư vấn hoặc có hình thức xử lý", ("R07", {"rule": "or"})),
    ("100% nạn nhân bị bạo lực được phát hiện được hỗ trợ kịp thời", ("R02", {})),
    (
        "80% người bị BLGĐ, BLTCSG được phát hiện được tiếp cận ít nhất một dịch vụ hỗ trợ cơ bản",
        ("R03", {}),
    ),
    ("100% trường hợp có nhu cầu trợ giúp được trợ giúp", ("R04", {})),
    (
        "Ít nhất 50% người bị bạo lực trên cơ sở giới tìm kiếm sự trợ giúp từ cơ quan cung cấp "
        "dịch vụ",
        ("R05", {}),
    ),
    (
        "50% người gây BLGĐ, BLTCSG được phát hiện ở mức chưa bị truy cứu trách nhiệm hình sự "
        "được tư vấn, tham vấn",
        ("R08", {}),
    ),
    ("phát hiện ít nhất 20 người gây bạo lực", ("R06", {})),
    ("100% người gây bạo lực được phát hiện được lập danh sách", ("R06", {})),
    ("100% nạn nhân được phát hiện được lập hồ sơ", ("R01", {})),
    # accent-insensitive: typed without diacritics
    ("tren 90% nan nhan duoc ho tro va can thiep kip thoi", ("R02", {})),
    # not about the response data
    ("Tối thiểu 50% số xã, thị trấn tổ chức hoạt động hưởng ứng Tháng hành động", (None, {})),
    ("Ít nhất 80% cán bộ làm công tác bình đẳng giới được tập huấn", (None, {})),
    # the programme indicators
    (
        "90% người trực tiếp làm công tác phòng, chống bạo lực gia đình được tập huấn, bồi dưỡng",
        ("P09", {}),
    ),
    (
        "70% cơ sở trợ giúp xã hội công lập triển khai hoạt động trợ giúp, phòng ngừa, ứng phó "
        "BLTCSG",
        ("P08", {}),
    ),
    ("95% xã, phường, thị trấn có mô hình phòng, chống bạo lực gia đình", ("P04", {})),
    ("100% nhóm đối tượng được tập huấn ít nhất 01 lần/năm", ("P01", {})),
    ("", (None, {})),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "expected"), PROPOSALS)
def test_propose_indicator(text, expected):
    assert targets.propose_indicator(text) == expected


@pytest.mark.django_db
def test_every_seed_percent_target_gets_a_proposal():
    lines = seed_percent_targets()
    assert len(lines) >= 2
    got = [targets.propose_indicator(line)[0] for line in lines]
    assert got.count(None) == 0, list(zip(lines, got, strict=True))
    assert {"R02", "R07"} <= set(got)


# ------------------------------------------------------------------------------ plans


def make_plan(user, unit=None, years=(2026, 2027)) -> Plan:
    plan = Plan.objects.create(
        title="Kế hoạch phòng, chống bạo lực", unit=unit, start_year=years[0],
        end_year=years[-1], created_by=user,
    )  # fmt: skip
    return plan


def plan_target(plan, *, value=90, comparator=">", unit="%", year=None, code="R02", **kw):
    return Target.objects.create(
        plan=plan, text="có trên 90% được hỗ trợ và can thiệp kịp thời", comparator=comparator,
        value=Decimal(str(value)), unit=unit, year=year, indicator_code=code, **kw,
    )  # fmt: skip


@pytest.mark.django_db
class TestPlanTargets:
    def test_confirmation_creates_unit_targets_for_each_year(self, personas, province):
        officer = personas["officer"]
        plan = make_plan(officer, province, years=(2026, 2028))
        t = plan_target(plan)
        saved = targets.plan_target_confirm(actor=officer, target=t, indicator_code="R02")
        assert sorted(
            UnitTarget.objects.values_list("unit_path", "year", "comparator", "value",
                                           "plan_target")
        ) == [(PROVINCE, y, ">", Decimal("90.00"), t.pk) for y in (2026, 2027, 2028)]  # fmt: skip
        assert len(saved) == 3
        t.refresh_from_db()
        assert (t.indicator_confirmed, t.indicator_code) == (True, "R02")
        # inherited by the province's communes, and traceable to the plan
        got = targets.target_for("R02", "/51/23293/", 2027)
        assert got.plan_target.plan == plan

    def test_national_plan_gives_the_nation_targets(self, personas, agencies):
        root = personas["national_admin"]
        po = make_user("national_po", (agencies["province"], "programme_officer", None))
        plan = make_plan(root, None, years=(2026, 2026))
        t = plan_target(plan, code="R07", value=50, indicator_params={})
        targets.plan_target_confirm(
            actor=po, target=t, indicator_code="R07", params={"rule": "and"}
        )
        row = UnitTarget.objects.get()
        assert (row.unit_path, row.year, row.params) == (NATION, 2026, {"rule": "and"})

    def test_own_target_is_kept_and_change_of_indicator_moves_rows(self, personas, province):
        officer = personas["officer"]
        plan = make_plan(officer, province, years=(2026, 2027))
        own = ut("R02", PROVINCE, 2027, ">=", 80, officer)
        t = plan_target(plan)
        targets.plan_target_confirm(actor=officer, target=t, indicator_code="R02")
        assert sorted(UnitTarget.objects.values_list("year", "value", "plan_target")) == [
            (2026, Decimal("90.00"), t.pk), (2027, Decimal("80.00"), None),
        ]  # fmt: skip
        own.refresh_from_db()
        assert own.plan_target is None
        assert own.comparator == ">="
        targets.plan_target_confirm(actor=officer, target=t, indicator_code="R03")
        assert sorted(UnitTarget.objects.values_list("indicator__code", "year", "plan_target")) == [
            ("R02", 2027, None), ("R03", 2026, t.pk), ("R03", 2027, t.pk),
        ]  # fmt: skip
        targets.plan_target_confirm(actor=officer, target=t, indicator_code="")
        assert list(UnitTarget.objects.values_list("indicator__code", "year")) == [("R02", 2027)]
        t.refresh_from_db()
        assert (t.indicator_confirmed, t.indicator_code) == (False, "")

    def test_milestones_govern_the_years_up_to_them(self, personas, province):
        officer = personas["officer"]
        plan = make_plan(officer, province, years=(2021, 2025))
        early = plan_target(plan, value=80, year=2023)
        late = plan_target(plan, value=90, year=2025)
        targets.plan_target_confirm(actor=officer, target=late, indicator_code="R02")
        targets.plan_target_confirm(actor=officer, target=early, indicator_code="R02")
        assert sorted(UnitTarget.objects.values_list("year", "value")) == [
            (2021, Decimal("80.00")), (2022, Decimal("80.00")), (2023, Decimal("80.00")),
            (2024, Decimal("90.00")), (2025, Decimal("90.00")),
        ]  # fmt: skip
        # unlinking the early milestone hands its years to the later one
        targets.plan_target_confirm(actor=officer, target=early, indicator_code="")
        assert set(UnitTarget.objects.values_list("value", "plan_target")) == {
            (Decimal("90.00"), late.pk)
        }
        assert UnitTarget.objects.count() == 5

    def test_unit_mismatch_and_permissions(self, personas, province, other_province):
        officer = personas["officer"]
        plan = make_plan(officer, province)
        count = plan_target(plan, unit="count", value=3)
        with pytest.raises(ValidationError) as exc:
            targets.plan_target_confirm(actor=officer, target=count, indicator_code="R02")
        assert exc.value.error_dict["indicator"][0].code == "unit_mismatch"
        other = make_plan(personas["other_admin"], other_province)
        t = plan_target(other)
        for who in ("officer", "statistician"):
            with pytest.raises(PermissionDenied):
                targets.plan_target_confirm(actor=personas[who], target=t, indicator_code="R02")
        assert not UnitTarget.objects.exists()
        t.refresh_from_db()
        assert not t.indicator_confirmed

    def test_edit_and_delete_resync(self, personas, province):
        officer = personas["officer"]
        plan = make_plan(officer, province, years=(2026, 2026))
        t = plan_target(plan)
        targets.plan_target_confirm(actor=officer, target=t, indicator_code="R02")
        t.value = Decimal("95")
        t.save()
        targets.plan_target_changed(t, officer)
        assert list(UnitTarget.objects.values_list("value", flat=True)) == [Decimal("95.00")]
        targets.plan_target_changed(t, officer, deleting=True)
        t.delete()
        assert not UnitTarget.objects.exists()
