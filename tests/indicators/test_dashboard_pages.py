"""The indicator dashboard and indicator pages: scope, audiences, suppression shown as "<5",
targets and their status, freshness, charts with data tables and downloads, and bounded query
counts. Values are IndicatorValue rows written directly (the pages read nothing else)."""

from __future__ import annotations

import datetime
import html as html_lib
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gbvms.core.models import AccessLog
from gbvms.geo.models import AdminUnit
from gbvms.indicators.models import DirtyCase, IndicatorValue, IndicatorVersion, UnitTarget
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
LAST = YEAR - 1  # a past year: targets are due
R02_NAME = "Tỷ lệ nạn nhân được phát hiện được hỗ trợ và can thiệp kịp thời"
R03_NAME = (
    "Tỷ lệ người bị BLGĐ, BLTCSG được phát hiện được tiếp cận ít nhất một dịch vụ hỗ trợ cơ bản"
)


def put(code, path, period, n, d=None, disagg="", hidden=False, value=None):
    version = IndicatorVersion.objects.get(indicator__code=code, status="current")
    depth = len([p for p in path.split("/") if p])
    level = {0: "national", 1: "province"}.get(depth, "commune")
    if value is None:
        value = (100 * n / d if d else None) if d is not None else n
    return IndicatorValue.objects.create(
        version=version, unit_path=path, level=level, period=period, disagg=disagg,
        n=n, d=d, value=value, hidden=hidden,
    )  # fmt: skip


def target(code, path, year, comparator, value, user):
    version = IndicatorVersion.objects.get(indicator__code=code, status="current")
    return UnitTarget.objects.create(
        indicator=version.indicator, unit_path=path, year=year, comparator=comparator,
        value=Decimal(value), set_by=user,
    )  # fmt: skip


def text(response) -> str:
    """The page's visible text, roughly (tags removed, spaces collapsed)."""
    body = response.content.decode()
    body = re.sub(r"<(script|svg|select)\b.*?</\1>", " ", body, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def tile(response, name: str) -> str:
    """The text of one dashboard tile."""
    body = response.content.decode()
    start = body.index(f">{name}</a>") + 1
    return text_of(body[start : body.index("</article>", start)])


def select(body: str, name: str) -> str:
    """The HTML of one <select> of the page."""
    start = body.index(f'name="{name}"')
    return body[start : body.index("</select>", start)]


def row(*cells: str) -> str:
    """A table row as the pages write it: a row header, then the cells."""
    return f'<th scope="row">{cells[0]}</th>' + "".join(f"<td>{c}</td>" for c in cells[1:])


def text_of(html: str) -> str:
    html = re.sub(r"<svg\b.*?</svg>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


@pytest.fixture
def national(agencies):
    """A statistician with a national grant (no scope unit)."""
    return make_user("national_stat", (agencies["other"], "statistician", None))


# ------------------------------------------------------------------------------ access


class TestAccess:
    @pytest.mark.parametrize("persona", ["worker_a", "worker_b", "hotline", "admin"])
    def test_without_indicators_view_or_supervision_403_and_nothing_written(
        self, personas, as_user, persona
    ):
        put("R01", "/51/", str(YEAR), 40)
        logs, values = AccessLog.objects.unscoped().count(), IndicatorValue.objects.count()
        client = as_user(personas[persona])
        for url in ["/indicators/", "/indicators/R01/", "/indicators/R01/chart/trend.svg"]:
            assert client.get(url).status_code == 403
        assert AccessLog.objects.unscoped().count() == logs
        assert IndicatorValue.objects.count() == values

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get("/indicators/")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/")

    @pytest.mark.parametrize("persona", ["statistician", "officer", "supervisor"])
    def test_readers_see_the_dashboard(self, personas, as_user, persona):
        response = as_user(personas[persona]).get("/indicators/")
        assert response.status_code == 200
        assert "Tỉnh Quảng Ngãi" in text(response)

    def test_a_unit_outside_the_scope_is_403_an_unknown_one_404(self, personas, as_user):
        client = as_user(personas["statistician"])
        assert client.get("/indicators/?unit=01").status_code == 403  # Hà Nội
        assert client.get("/indicators/R02/?unit=01").status_code == 403
        assert client.get("/indicators/?unit=99999").status_code == 404
        assert client.get("/indicators/R99/").status_code == 404

    def test_unit_chooser_lists_the_province_and_its_communes_only(self, personas, as_user):
        body = as_user(personas["statistician"]).get("/indicators/").content.decode()
        chooser = select(body, "unit")
        options = re.findall(r'<option value="([^"]+)"', chooser)
        communes = AdminUnit.objects.current().filter(level="commune", path__startswith="/51/")
        assert set(options) == {"51", *communes.values_list("code", flat=True)}
        assert "VN" not in options
        assert "01" not in options

    def test_national_reader_chooses_the_nation_and_every_province(self, national, as_user):
        body = as_user(national).get("/indicators/").content.decode()
        chooser = select(body, "unit")
        options = re.findall(r'<option value="([^"]+)"', chooser)
        assert options[0] == "VN"
        assert len(options) == 1 + 34
        assert 'value="VN" selected' in chooser  # the default unit of a national grant


# ------------------------------------------------------------------------------ landing


class TestLanding:
    @pytest.mark.parametrize(
        ("persona", "landing"),
        [("statistician", "/indicators/"), ("officer", "/indicators/"), ("worker_a", "/"),
         ("supervisor", "/"), ("admin", "/")],
    )  # fmt: skip
    def test_after_sign_in(self, client, personas, persona, landing):
        username = personas[persona].username
        response = client.post("/account/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == landing

    def test_a_requested_page_wins_over_the_landing_page(self, client, personas):
        response = client.post(
            "/account/login/?next=/plans/", {"username": "statistician", "password": PASSWORD}
        )
        assert response["Location"] == "/plans/"

    def test_nav_link_for_readers_only(self, personas, as_user):
        link = 'href="/indicators/">Chỉ tiêu</a>'
        assert link in as_user(personas["statistician"]).get("/").content.decode()
        assert link in as_user(personas["supervisor"]).get("/").content.decode()
        assert link not in as_user(personas["worker_a"]).get("/").content.decode()


# ------------------------------------------------------------------------------ dashboard


class TestDashboard:
    def test_a_tile_per_indicator_with_value_and_fraction(self, personas, as_user):
        put("R02", "/51/", str(YEAR), 18, 25)
        put("R01", "/51/", str(YEAR), 40)
        response = as_user(personas["statistician"]).get("/indicators/")
        body = response.content.decode()
        assert (
            body.count('data-testid="tile"')
            == IndicatorVersion.objects.filter(status="current", indicator__is_active=True).count()
        )
        assert tile(response, R02_NAME).startswith(f"{R02_NAME} 72,0% 18/25 người")
        assert "40 người" in tile(response, "Số nạn nhân bạo lực trên cơ sở giới được phát hiện")
        assert ">R02<" not in body
        assert "R02 " not in text(response)

    def test_zero_is_shown_a_small_hidden_count_is_lt5_for_the_statistician(
        self, personas, as_user, commune_a
    ):
        put("R01", commune_a.path, str(YEAR), 3, hidden=True)
        put("R06", commune_a.path, str(YEAR), 0)
        url = f"/indicators/?unit={commune_a.code}"
        stat = as_user(personas["statistician"]).get(url)
        r01 = tile(stat, "Số nạn nhân bạo lực trên cơ sở giới được phát hiện")
        assert "<5 số nhỏ, đã ẩn" in r01
        assert " 3 " not in f" {r01} "
        assert "0 người" in tile(stat, "Số người gây bạo lực được phát hiện")
        assert "<5 và “ẩn”: ô số liệu được ẩn vì nhỏ hơn 5" in text(stat)

    def test_a_supervisor_sees_the_exact_number_of_their_caseload(
        self, personas, as_user, commune_a
    ):
        put("R01", commune_a.path, str(YEAR), 3, hidden=True)
        sup = as_user(personas["supervisor"]).get(f"/indicators/?unit={commune_a.code}")
        r01 = tile(sup, "Số nạn nhân bạo lực trên cơ sở giới được phát hiện")
        assert "3 người" in r01
        assert "<5" not in r01

    def test_hidden_ratio_reveals_neither_numerator_nor_denominator(self, personas, as_user):
        put("R02", "/51/", str(YEAR), 23, 25, hidden=True)
        response = as_user(personas["statistician"]).get("/indicators/")
        r02 = tile(response, R02_NAME)
        assert "ẩn số nhỏ, đã ẩn" in r02
        assert "23" not in r02
        assert "25" not in r02
        assert "92" not in r02

    def test_target_and_status_of_a_past_year(self, personas, as_user):
        put("R02", "/51/", str(LAST), 18, 25)  # 72 %
        put("R03", "/51/", str(LAST), 24, 25)  # 96 %
        target("R02", "/", LAST, ">", "90", personas["statistician"])  # national, inherited
        target("R03", "/51/", LAST, ">=", "80", personas["statistician"])
        response = as_user(personas["statistician"]).get(f"/indicators/?period={LAST}")
        r02 = tile(response, R02_NAME)
        assert "Mục tiêu: trên 90,0% · Chưa đạt" in r02
        assert "chênh lệch -18 điểm %" in r02
        r03 = tile(response, R03_NAME)
        assert "Mục tiêu: tối thiểu 80,0% · Đạt" in r03
        assert "Chưa có mục tiêu" in tile(response, "Số người gây bạo lực được phát hiện")

    def test_current_year_is_not_yet_due_and_a_small_denominator_is_insufficient(
        self, personas, as_user
    ):
        put("R02", "/51/", str(YEAR), 18, 25)
        put("R02", "/51/", str(LAST), 3, 4)
        target("R02", "/51/", YEAR, ">", "90", personas["statistician"])
        target("R02", "/51/", LAST, ">", "90", personas["statistician"])
        client = as_user(personas["supervisor"])  # exact: the small cell is shown
        assert "Chưa đến hạn" in tile(client.get("/indicators/"), R02_NAME)
        assert "Chưa đủ số liệu" in tile(client.get(f"/indicators/?period={LAST}"), R02_NAME)

    def test_freshness_as_of_and_the_stale_warning(self, personas, as_user):
        client = as_user(personas["statistician"])
        fresh = text(client.get("/indicators/"))
        assert re.search(r"Số liệu tính đến \d\d:\d\d", fresh)
        assert "đang được cập nhật" not in fresh
        behind = timezone.now() - datetime.timedelta(minutes=5)
        DirtyCase.objects.create(case_id=1, enqueued_at=behind)
        stale = text(client.get("/indicators/"))
        assert "Số liệu đang được cập nhật…" in stale
        as_of = timezone.localtime(behind).strftime("%H:%M")
        assert f"Các con số dưới đây chỉ tính đến {as_of}" in stale
        assert "Số liệu tính đến" not in stale

    def test_period_chooser_offers_years_halves_and_cutoff_windows_not_months(
        self, personas, as_user
    ):
        body = as_user(personas["statistician"]).get("/indicators/").content.decode()
        chooser = body[body.index('name="period"') :]
        chooser = chooser[: chooser.index("</select>")]
        options = re.findall(r'<option value="([^"]+)"', chooser)
        assert {str(YEAR), f"{YEAR}S1", f"{YEAR}S2", f"{YEAR}C", f"{YEAR}S1C"} <= set(options)
        assert not [o for o in options if re.fullmatch(r"\d{6}", o)]
        assert f'value="{YEAR}" selected' in chooser
        assert "6 tháng đầu năm" in chooser
        assert "(15/12/" in chooser

    def test_a_bad_period_is_a_form_error_and_the_default_is_shown(self, personas, as_user):
        put("R01", "/51/", str(YEAR), 40)
        client = as_user(personas["statistician"])
        for bad in ["202611", "20xx", "1999"]:
            response = client.get(f"/indicators/?period={bad}")
            assert response.status_code == 200
            assert "Kỳ số liệu không hợp lệ" in text(response)
            assert f"Năm {YEAR}" in text(response)

    def test_links_to_targets_external_values_and_the_export_of_the_unit(self, personas, as_user):
        stat = as_user(personas["statistician"]).get(f"/indicators/?period={YEAR}S1")
        links = stat.content.decode()
        links = links[links.index('data-testid="links"') :]
        links = links[: links.index("</ul>")]
        assert f'href="/indicators/targets/?unit=51&amp;year={YEAR}">Mục tiêu theo năm' in links
        assert 'href="/indicators/external/">' in links
        assert f'href="/indicators/export.xlsx?unit=51&amp;period={YEAR}S1">' in links
        officer = as_user(personas["officer"]).get("/indicators/").content.decode()
        assert "/indicators/targets/" in officer
        assert "export.xlsx" not in officer  # no indicators.export
        supervisor = as_user(personas["supervisor"]).get("/indicators/").content.decode()
        assert 'data-testid="links"' not in supervisor  # neither indicators.view nor plans

    def test_english_readers_get_the_english_names(self, personas, as_user, settings):
        client = as_user(personas["statistician"])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = text(client.get("/indicators/"))
        assert "Detected victims supported and intervened in time" in page
        assert R02_NAME not in page

    def test_cutoff_period_reads_its_own_cells(self, personas, as_user):
        put("R01", "/51/", str(YEAR), 40)
        put("R01", "/51/", f"{YEAR}C", 37)
        response = as_user(personas["statistician"]).get(f"/indicators/?period={YEAR}C")
        assert "37 người" in tile(response, "Số nạn nhân bạo lực trên cơ sở giới được phát hiện")


# ------------------------------------------------------------------------------ queries


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


class TestQueryCounts:
    def test_dashboard_queries_do_not_grow_with_values_or_units(
        self, personas, as_user, django_assert_max_num_queries
    ):
        client = as_user(personas["statistician"])
        client.get("/indicators/")  # warm the caches of the session and of the catalogue
        few = _count_queries(client, "/indicators/")
        communes = AdminUnit.objects.current().filter(level="commune", path__startswith="/51/")
        versions = IndicatorVersion.objects.filter(status="current")
        for version in versions:
            for key in [str(YEAR), f"{YEAR}S1", f"{YEAR - 1}S1", f"{YEAR - 1}S2"]:
                put(version.indicator.code, "/51/", key, 12, 20)
                for commune in communes[:10]:
                    put(version.indicator.code, commune.path, key, 6, 10)
        target("R02", "/51/", YEAR, ">", "90", personas["statistician"])
        many = _count_queries(client, "/indicators/")
        assert many == few
        with django_assert_max_num_queries(27):  # 13 of them are the session, user, nav
            client.get("/indicators/")

    def test_indicator_page_queries_do_not_grow_with_child_units(self, national, as_user):
        client = as_user(national)
        url = "/indicators/R02/?unit=VN"
        client.get(url)
        few = _count_queries(client, url)
        for province in AdminUnit.objects.current().filter(level="province"):
            put("R02", province.path, str(YEAR), 12, 20)
            target("R02", province.path, YEAR, ">", "50", national)
        assert _count_queries(client, url) == few


# ------------------------------------------------------------------------------ indicator page


class TestIndicatorPage:
    def test_trend_breakdowns_drilldown_each_chart_with_a_table_and_download(
        self, personas, as_user, commune_a
    ):
        put("R02", "/51/", str(YEAR), 18, 25)
        put("R02", "/51/", f"{YEAR - 1}S2", 9, 12)
        put("R02", "/51/", str(YEAR), 9, 12, disagg="SEX=F")
        put("R02", "/51/", str(YEAR), 3, 6, disagg="SEX=M", hidden=True)
        put("R02", commune_a.path, str(YEAR), 7, 10)
        target("R02", "/51/", YEAR, ">", "90", personas["statistician"])
        response = as_user(personas["statistician"]).get(f"/indicators/R02/?period={YEAR}")
        assert response.status_code == 200
        body = response.content.decode()
        figure_re = r'<figure class="indicator-chart" data-testid="chart-([a-z_-]+)">(.*?)</figure>'
        figures = re.findall(figure_re, body, re.S)
        names = [n for n, _html in figures]
        assert names[0] == "trend"
        assert {"by-sex", "by-age", "by-gbv_type", "by-context", "by-ethnicity",
                "by-disability"} <= set(names)  # fmt: skip
        assert "map" not in names  # a province has no tile map
        for name, html in figures:
            assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', html)
            assert "<title" in html
            assert "<caption>" in html
            assert "<details>" in html
            assert f'href="/indicators/R02/chart/{name}.svg?unit=51&amp;period={YEAR}"' in html
            assert not re.search(r"\sstyle=", html)  # CSP: no inline styles
        by_sex = dict(figures)["by-sex"]
        assert row("Nam", "ẩn", "ẩn", "ẩn") in by_sex
        assert row("Nữ", "75,0%", "9", "12") in by_sex
        trend = dict(figures)["trend"]
        assert f"6 tháng cuối năm {YEAR - 1}</th><td>75,0%</td><td>9</td><td>12</td>" in trend
        assert "Mục tiêu năm" in trend  # the target line is drawn
        page = text(response)
        assert "Mục tiêu: trên 90,0%" in page
        children = body[body.index('data-testid="children"') :]
        link = f'href="/indicators/R02/?unit={commune_a.code}&amp;period={YEAR}"'
        assert f"{link}>{commune_a.name}</a>" in children
        assert (
            children.count('data-testid="child"')
            == AdminUnit.objects.current().filter(level="commune", path__startswith="/51/").count()
        )
        assert "Giới tính × Nhóm tuổi" in page  # the materialised pair as a table

    def test_commune_level_hides_ethnicity_and_disability_for_the_suppressed_audience(
        self, personas, as_user, commune_a
    ):
        url = f"/indicators/R01/?unit={commune_a.code}&period={YEAR}"
        stat = as_user(personas["statistician"]).get(url).content.decode()
        assert 'data-testid="chart-by-sex"' in stat
        assert 'data-testid="chart-by-ethnicity"' not in stat
        assert 'data-testid="chart-by-disability"' not in stat
        assert 'data-testid="children"' not in stat  # a commune has no child units
        sup = as_user(personas["supervisor"]).get(url).content.decode()
        assert 'data-testid="chart-by-ethnicity"' in sup  # the supervisor's own caseload

    def test_nation_has_the_tile_map_and_the_provinces(self, national, as_user):
        put("R02", "/51/", str(LAST), 18, 25)
        put("R02", "/01/", str(LAST), 2, 3, hidden=True)
        target("R02", "/", LAST, ">", "90", national)
        response = as_user(national).get(f"/indicators/R02/?unit=VN&period={LAST}")
        body = response.content.decode()
        assert 'data-testid="chart-map"' in body
        map_html = body[body.index('data-testid="chart-map"') :]
        map_html = map_html[: map_html.index("</figure>")]
        assert row("Tỉnh Quảng Ngãi", "72,0%", "18", "25", "Chưa đạt") in map_html
        assert row("Thành phố Hà Nội", "ẩn", "ẩn", "ẩn", "Chưa đủ số liệu") in map_html
        assert body.count('data-testid="child"') == 34

    def test_chart_download_is_an_svg_attachment(self, personas, as_user):
        put("R02", "/51/", f"{YEAR}S1", 9, 12)
        client = as_user(personas["statistician"])
        response = client.get(f"/indicators/R02/chart/trend.svg?unit=51&period={YEAR}")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response["Content-Disposition"] == (
            f'attachment; filename="r02-trend-51-{YEAR}.svg"'
        )
        svg = response.content.decode()
        assert svg.startswith("<svg")
        assert "<title" in svg
        assert R02_NAME in svg
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        assert ["T1–6", str(YEAR - 2)] == texts[texts.index("T1–6") :][:2]  # two-line axis labels
        assert client.get("/indicators/R02/chart/nothing.svg").status_code == 404
        assert client.get("/indicators/R02/chart/map.svg?unit=51").status_code == 404

    def test_download_of_a_suppressed_cell_does_not_reveal_it(self, personas, as_user):
        put("R02", "/51/", str(YEAR), 3, 6, disagg="SEX=M", hidden=True)
        client = as_user(personas["statistician"])
        response = client.get(f"/indicators/R02/chart/by-sex.svg?unit=51&period={YEAR}")
        svg = response.content.decode()
        assert "50,0%" not in svg
        assert "ẩn" in svg
