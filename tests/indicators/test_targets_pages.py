"""The targets pages: a unit's yearly targets with their source, status and gap; setting and
adapting one (with the child-below-parent warning); the plan page's indicator link; the import
review's proposal."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from gbvms.core.models import AccessLog
from gbvms.indicators.models import IndicatorValue, IndicatorVersion, UnitTarget
from gbvms.plans import services as plan_services
from gbvms.plans.models import Plan, Target
from tests.conftest import make_user

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1


def cell(code: str, path: str, period: str, *, n, d=None, value=None, hidden=False):
    version = IndicatorVersion.objects.get(indicator__code=code, status="current")
    level = "national" if path == "/" else ("province" if path.count("/") == 2 else "commune")
    return IndicatorValue.objects.create(
        version=version, unit_path=path, level=level, period=period, disagg="", n=n, d=d,
        value=value, hidden=hidden,
    )  # fmt: skip


def target(code, path, year, comparator, value, user, **kw):
    from gbvms.indicators.models import Indicator

    return UnitTarget.objects.create(
        indicator=Indicator.objects.get(code=code), unit_path=path, year=year,
        comparator=comparator, value=Decimal(str(value)), set_by=user, **kw,
    )  # fmt: skip


def rows_of(html: str) -> dict[str, str]:
    """data-code → the text of its article (tags dropped)."""
    out = {}
    for m in re.finditer(r'data-code="(\w+)".*?</article>', html, re.S):
        out[m[1]] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m[0]))
    return out


def year_status(html: str, code: str) -> dict[str, str]:
    article = re.search(rf'data-code="{code}".*?</article>', html, re.S)[0]
    return dict(re.findall(r'data-year="(\d+)" data-status="(\w*)"', article))


@pytest.mark.django_db
class TestTargetsPage:
    def test_officer_sees_inherited_target_status_and_gap(
        self, personas, province, as_user, settings
    ):
        settings.SMALL_CELL_THRESHOLD = 5
        root = personas["national_admin"]
        target("R02", "/", LAST_YEAR, ">", 90, root)
        target("R02", "/", THIS_YEAR, ">", 90, root)
        cell("R02", province.path, str(LAST_YEAR), n=19, d=20, value=95.0)
        cell("R02", province.path, str(THIS_YEAR), n=8, d=10, value=80.0)
        target("R07", province.path, LAST_YEAR, ">", 50, root, params={"rule": "and"})
        cell("R07", province.path, str(LAST_YEAR), n=1, d=3, value=33.3, hidden=True)
        response = as_user(personas["officer"]).get("/indicators/targets/")
        assert response.status_code == 200
        html = response.content.decode()
        r02 = rows_of(html)["R02"]
        assert "kế thừa từ Toàn quốc" in r02
        assert "trên 90%" in r02
        assert year_status(html, "R02") == {
            str(THIS_YEAR - 2): "", str(LAST_YEAR): "met", str(THIS_YEAR): "not_due",
        }  # fmt: skip
        assert "+5 điểm %" in r02  # last year's gap
        assert "-10 điểm %" in r02  # this year's gap, still running
        assert "chưa đạt đến nay" in r02
        # a hidden cell: insufficient data, shown as "<5", no gap or value leaks
        assert year_status(html, "R07")[str(LAST_YEAR)] == "insufficient_data"
        r07 = rows_of(html)["R07"]
        assert "&lt;5" in html
        assert "33,3" not in r07
        assert "Chưa đủ số liệu" in r07

    def test_child_below_parent_warning_shown_not_blocking(
        self, personas, province, commune_a, as_user
    ):
        target("R02", province.path, THIS_YEAR, ">", 90, personas["officer"])
        target("R02", commune_a.path, THIS_YEAR, ">=", 80, personas["officer"])
        html = (
            as_user(personas["officer"])
            .get(f"/indicators/targets/?unit={commune_a.code}&year={THIS_YEAR}")
            .content.decode()
        )
        assert 'data-testid="target-warning"' in html
        assert "Thấp hơn chỉ tiêu của Tỉnh Quảng Ngãi (trên 90%)" in rows_of(html)["R02"]
        assert "riêng của đơn vị" in rows_of(html)["R02"]

    def test_plan_source_is_named(self, personas, province, as_user):
        plan = Plan.objects.create(
            title="KH", document_number="12/KH-UBND", unit=province, created_by=personas["officer"]
        )
        t = Target.objects.create(plan=plan, text="x", comparator=">", value=90, unit="%")
        target("R02", province.path, THIS_YEAR, ">", 90, personas["officer"], plan_target=t)
        html = as_user(personas["officer"]).get("/indicators/targets/").content.decode()
        assert "12/KH-UBND" in rows_of(html)["R02"]
        article = re.search(r'data-code="R02".*?</article>', html, re.S)[0]
        assert f'href="/plans/{plan.pk}/"' in article

    def test_r07_rule_differing_from_the_computed_one_is_said(self, personas, province, as_user):
        target("R07", province.path, THIS_YEAR, ">", 50, personas["officer"], params={"rule": "or"})
        html = as_user(personas["officer"]).get("/indicators/targets/").content.decode()
        assert "Số liệu được tính theo cách “và”, chỉ tiêu đặt theo cách “hoặc”." in html
        assert html.count('data-testid="rule-note"') == 1

    def test_statistician_reads_without_edit_links(self, personas, as_user):
        response = as_user(personas["statistician"]).get("/indicators/targets/")
        assert response.status_code == 200
        assert 'data-testid="target-edit"' not in response.content.decode()

    @pytest.mark.parametrize("who", ["worker_a", "admin", "hotline"])
    def test_others_are_refused(self, personas, as_user, who):
        assert as_user(personas[who]).get("/indicators/targets/").status_code == 403

    def test_another_province_is_refused(self, personas, other_province, as_user):
        response = as_user(personas["officer"]).get(
            f"/indicators/targets/?unit={other_province.code}"
        )
        assert response.status_code == 403
        assert (
            as_user(personas["officer"]).get("/indicators/targets/?unit=99999").status_code == 404
        )

    def test_bad_year_falls_back_to_this_year(self, personas, as_user):
        response = as_user(personas["officer"]).get("/indicators/targets/?year=abc")
        assert response.status_code == 200
        assert response.context["year"] == THIS_YEAR

    def test_query_count_does_not_grow_with_targets(
        self, personas, province, as_user, django_assert_max_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = as_user(personas["officer"])
        client.get("/indicators/targets/")  # warm the session
        with CaptureQueriesContext(connection) as empty:
            assert client.get("/indicators/targets/").status_code == 200
        for code in ("R02", "R03", "R04", "R07", "R08"):
            for year in (LAST_YEAR, THIS_YEAR):
                target(code, "/", year, ">", 50, personas["national_admin"])
                target(code, province.path, year, ">", 60, personas["officer"])
                cell(code, province.path, str(year), n=10, d=20, value=50.0)
        with django_assert_max_num_queries(len(empty)):
            assert client.get("/indicators/targets/").status_code == 200


@pytest.mark.django_db
class TestTargetEdit:
    def url(self, unit, year=THIS_YEAR, code="R02"):
        return f"/indicators/targets/{code}/edit/?unit={unit.code}&year={year}"

    def test_officer_sets_with_warning_then_clears(self, personas, province, commune_a, as_user):
        target("R02", province.path, THIS_YEAR, ">", 90, personas["officer"])
        client = as_user(personas["officer"])
        page = client.get(self.url(commune_a))
        assert page.status_code == 200
        assert "Hiện đơn vị dùng chỉ tiêu của Tỉnh Quảng Ngãi" in page.content.decode()
        response = client.post(
            self.url(commune_a), {"comparator": ">=", "value": "85", "note": ""}, follow=True
        )
        assert response.redirect_chain[-1][0].startswith("/indicators/targets/?unit=23293")
        html = response.content.decode()
        assert "thấp hơn chỉ tiêu của cấp trên (trên 90%)" in html
        own = UnitTarget.objects.get(unit_path=commune_a.path)
        assert (own.comparator, own.value, own.set_by) == (
            ">=",
            Decimal("85.00"),
            personas["officer"],
        )
        client.post(self.url(commune_a), {"clear": "1"})
        assert not UnitTarget.objects.filter(unit_path=commune_a.path).exists()

    def test_bad_value_is_a_form_error(self, personas, province, as_user):
        response = as_user(personas["officer"]).post(
            self.url(province), {"comparator": ">", "value": "150"}
        )
        assert response.status_code == 200
        assert "Tỷ lệ phải từ 0 đến 100%." in response.content.decode()
        assert not UnitTarget.objects.exists()

    def test_r07_rule_is_set(self, personas, province, as_user):
        as_user(personas["officer"]).post(
            self.url(province, code="R07"), {"comparator": ">", "value": "50", "rule": "or"}
        )
        assert UnitTarget.objects.get().params == {"rule": "or"}

    def test_viewer_and_statistician_cannot_set(self, personas, agencies, province, as_user):
        viewer = make_user("viewer", (agencies["province"], "viewer", province))
        for user in (viewer, personas["statistician"]):
            client = as_user(user)
            assert client.get(self.url(province)).status_code == 403
            response = client.post(self.url(province), {"comparator": ">", "value": "50"})
            assert response.status_code == 403
        assert not UnitTarget.objects.exists()
        assert not AccessLog.objects.unscoped().filter(action="indicators.target.set").exists()

    def test_province_officer_cannot_set_another_province(self, personas, other_province, as_user):
        response = as_user(personas["officer"]).post(
            self.url(other_province), {"comparator": ">", "value": "50"}
        )
        assert response.status_code == 403
        assert not UnitTarget.objects.exists()

    def test_unknown_indicator_is_404(self, personas, province, as_user):
        assert as_user(personas["officer"]).get(self.url(province, code="R99")).status_code == 404


@pytest.mark.django_db
class TestPlanPage:
    @pytest.fixture
    def plan(self, personas, province):
        plan = Plan.objects.create(
            title="KH 2026", unit=province, start_year=2026, end_year=2027,
            created_by=personas["officer"],
        )  # fmt: skip
        Target.objects.create(
            plan=plan, text="có trên 90% được hỗ trợ và can thiệp kịp thời", comparator=">",
            value=90, unit="%", indicator_code="R02",
        )  # fmt: skip
        return plan

    def test_proposal_shown_by_name_and_confirmed(self, personas, plan, province, as_user):
        client = as_user(personas["officer"])
        html = client.get(f"/plans/{plan.pk}/").content.decode()
        assert "Đề xuất chỉ tiêu đo:" in html
        assert "Tỷ lệ nạn nhân được phát hiện được hỗ trợ và can thiệp kịp thời" in html
        t = plan.targets.get()
        response = client.post(
            f"/indicators/targets/plan-targets/{t.pk}/link/", {f"t{t.pk}-indicator": "R02"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"/plans/{plan.pk}/#targets"
        assert sorted(UnitTarget.objects.values_list("unit_path", "year", "plan_target")) == [
            (province.path, 2026, t.pk), (province.path, 2027, t.pk),
        ]  # fmt: skip
        html = client.get(f"/plans/{plan.pk}/").content.decode()
        assert "đã xác nhận" in html

    def test_statistician_sees_the_link_but_cannot_confirm(self, personas, plan, as_user):
        client = as_user(personas["statistician"])
        html = client.get(f"/plans/{plan.pk}/").content.decode()
        assert "Tỷ lệ nạn nhân được phát hiện" in html
        assert 'data-testid="target-link-form"' not in html
        t = plan.targets.get()
        response = client.post(
            f"/indicators/targets/plan-targets/{t.pk}/link/", {f"t{t.pk}-indicator": "R02"}
        )
        assert response.status_code == 404
        t.refresh_from_db()
        assert not t.indicator_confirmed
        assert not UnitTarget.objects.exists()

    def test_mismatch_is_a_message(self, personas, plan, as_user):
        t = plan.targets.get()
        t.unit, t.value = "count", 3
        t.save()
        response = as_user(personas["officer"]).post(
            f"/indicators/targets/plan-targets/{t.pk}/link/", {f"t{t.pk}-indicator": "R02"},
            follow=True,
        )  # fmt: skip
        assert "không khớp với loại chỉ tiêu" in response.content.decode()
        assert not UnitTarget.objects.exists()

    def test_editing_a_confirmed_target_updates_unit_targets(self, personas, plan, as_user):
        client = as_user(personas["officer"])
        t = plan.targets.get()
        client.post(f"/indicators/targets/plan-targets/{t.pk}/link/", {f"t{t.pk}-indicator": "R02"})
        client.post(
            f"/plans/{plan.pk}/target/{t.pk}/edit/",
            {"text": t.text, "comparator": ">=", "value": "95", "unit": "%", "year": ""},
        )
        assert set(UnitTarget.objects.values_list("comparator", "value")) == {
            (">=", Decimal("95.00"))
        }
        client.post(f"/plans/{plan.pk}/target/{t.pk}/delete/")
        assert not UnitTarget.objects.exists()


def review_data(page) -> dict:
    """The review form's POST as the browser would send it unchanged."""
    form = page.context["formsets"]
    data = {}
    for prefix, fs in form.items():
        data.update({f"{prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for i, f in enumerate(fs.forms):
            for name, field in f.fields.items():
                value = f.initial.get(name, field.initial)
                if value is not None and value is not False:
                    data[f"{prefix}-{i}-{name}"] = value
    header = page.context["header"]
    for name, field in header.fields.items():
        value = header.initial.get(name, field.initial)
        if value is not None:
            data[name] = value
    data["title"] = data.get("title") or "Kế hoạch"
    data["start_year"], data["end_year"] = 2026, 2027
    for f in page.context["agency_forms"]:
        data[f"{f.prefix}-name"] = f.initial["name"]
        data[f"{f.prefix}-choice"] = ""
    return data


@pytest.mark.django_db
def test_import_review_proposes_and_confirms(personas, province, as_user):
    """The importer proposes R02 from the wording; confirmed at review, the plan's unit gets
    its yearly targets."""
    officer = personas["officer"]
    text = (
        "KẾ HOẠCH\nPhòng, chống bạo lực trên cơ sở giới giai đoạn 2026-2027\n"
        "I. MỤC TIÊU\n- 100% nạn nhân bạo lực trên cơ sở giới được phát hiện thì có trên 90% "
        "được hỗ trợ và can thiệp kịp thời.\n"
    )
    started = plan_services.import_start(actor=officer, name="kh.txt", text=text, unit=province)
    proposed = started.result["targets"]
    assert [(t["indicator"], t["comparator"], t["value"]) for t in proposed] == [("R02", ">", 90)]
    client = as_user(officer)
    page = client.get(f"/plans/import/{started.pk}/")
    html = page.content.decode()
    assert 'value="R02" selected' in html
    assert "Tỷ lệ nạn nhân được phát hiện được hỗ trợ và can thiệp kịp thời (R02)" in html
    data = review_data(page)
    data["targets-0-indicator_confirmed"] = "on"
    response = client.post(f"/plans/import/{started.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get()
    t = plan.targets.get()
    assert (t.indicator_code, t.indicator_confirmed) == ("R02", True)
    assert sorted(UnitTarget.objects.values_list("unit_path", "year", "comparator", "value")) == [
        (province.path, 2026, ">", Decimal("90.00")), (province.path, 2027, ">", Decimal("90.00")),
    ]  # fmt: skip


@pytest.mark.django_db
def test_demo_plan_gives_the_demo_province_its_targets(personas, province):
    """The demo plan is saved as the officer would after review: its targets' proposed
    indicators confirmed, so the first run shows target statuses."""
    from gbvms.plans.demo import demo_plan_load

    demo_plan_load()
    rows = UnitTarget.objects.values_list("indicator__code", "unit_path", "comparator", "value")
    assert sorted(set(rows)) == [
        ("R02", province.path, ">", Decimal("90.00")),
        ("R07", province.path, ">", Decimal("50.00")),
    ]
    assert sorted(set(UnitTarget.objects.values_list("year", flat=True))) == list(range(2026, 2031))
    assert UnitTarget.objects.get(indicator__code="R07", year=2026).params == {"rule": "and"}


@pytest.mark.django_db
def test_import_review_refuses_a_count_confirmed_as_a_rate(personas, province, as_user):
    officer = personas["officer"]
    text = (
        "KẾ HOẠCH\nPhòng, chống bạo lực giai đoạn 2026-2027\n"
        "I. MỤC TIÊU\n- 100% nạn nhân được phát hiện được hỗ trợ kịp thời.\n"
    )
    started = plan_services.import_start(actor=officer, name="kh.txt", text=text, unit=province)
    client = as_user(officer)
    data = review_data(client.get(f"/plans/import/{started.pk}/"))
    data.update({"targets-0-indicator_confirmed": "on", "targets-0-unit": "count"})
    response = client.post(f"/plans/import/{started.pk}/", data)
    assert response.status_code == 400
    # on the target itself, beside its source line (not only at the top of the page)
    errors = response.context["formsets"]["targets"].forms[0].errors
    assert errors["indicator"] == ["Đơn vị của mục tiêu không khớp với loại chỉ tiêu đã chọn."]
    assert not Plan.objects.exists()
    assert not UnitTarget.objects.exists()
