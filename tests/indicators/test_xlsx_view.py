"""/indicators/export.xlsx?unit=NSO_CODE&period=KEY: indicators.export over the unit, the
suppressed figures, an attachment with a Vietnamese-safe name; a denied or bad request writes
nothing."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from gbvms.core.models import AccessLog
from gbvms.indicators.models import ExternalValue, IndicatorValue, IndicatorVersion
from gbvms.indicators.xlsx import HEADER_ROW
from tests.conftest import make_user

URL = "/indicators/export.xlsx"


def value(code, unit_path, period="2026S1", disagg="", **kw):
    version = IndicatorVersion.objects.get(indicator__code=code, status="current")
    level = {1: "national", 2: "province"}.get(unit_path.count("/"), "commune")
    return IndicatorValue.objects.create(
        version=version, unit_path=unit_path, level=level, period=period, disagg=disagg, **kw
    )


@pytest.fixture
def cells(province, commune_a):
    return [
        value("R01", province.path, n=57, value=57),
        value("R01", province.path, disagg="SEX=F", n=54, value=54),
        value(
            "R01", province.path, disagg="SEX=M", n=3, value=3, hidden=True, hidden_reason="primary"
        ),
        value("R01", commune_a.path, n=12, value=12),
        value("R01", "/", n=9999, value=9999),
    ]


def logs():
    return AccessLog._base_manager.count()


def rows_of(response):
    book = load_workbook(io.BytesIO(response.content))
    return book, book.worksheets[0]


def indicator_row(sheet, code):
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if isinstance(cells[1].value, str) and cells[1].value.endswith(f"({code})"):
            return cells[0].row
    raise AssertionError(code)


@pytest.mark.django_db
def test_statistician_downloads_the_province(personas, as_user, cells):
    before = logs()
    response = as_user(personas["statistician"]).get(URL, {"unit": "51", "period": "2026S1"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith(
        'attachment; filename="Chi tieu BLTCSG - Tinh Quang Ngai - 2026S1.xlsx"; '
    )
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == (
        "Chỉ tiêu BLTCSG - Tỉnh Quảng Ngãi - 2026S1.xlsx"
    )
    book, sheet = rows_of(response)
    r01 = indicator_row(sheet, "R01")
    assert sheet.cell(r01, 4).value == 57  # the province's cell, not the commune's or nation's
    assert [sheet.cell(r01 + 2, c).value for c in (2, 4)] == ["Nữ", 54]
    assert [sheet.cell(r01 + 3, c).value for c in (2, 4)] == ["Nam", "<5"]
    numbers = [c.value for c in sheet[r01 + 3] if isinstance(c.value, int | float)]
    assert numbers == []  # the hidden 3 is nowhere in its row
    meta = {r[0]: r[1] for r in book["_meta"].iter_rows(values_only=True) if r and r[0]}
    assert (meta["unit_code"], meta["period"]) == ("51", "2026S1")
    assert logs() == before + 1
    log = AccessLog._base_manager.order_by("-id").first()
    assert (log.action, log.actor, log.changes) == (
        "indicators.export.xlsx",
        personas["statistician"],
        {"period": "2026S1", "indicators": "all"},
    )


@pytest.mark.django_db
def test_an_indicator_set(personas, as_user, cells):
    client = as_user(personas["statistician"])
    response = client.get(URL, {"unit": "51", "period": "2026S1", "indicators": "r01, R02"})
    assert response.status_code == 200
    _book, sheet = rows_of(response)
    names = [c.value for c in sheet["B"] if isinstance(c.value, str) and c.value.endswith(")")]
    assert [n[-5:] for n in names if "(R" in n] == ["(R01)", "(R02)"]
    before = logs()
    response = client.get(URL, {"unit": "51", "period": "2026S1", "indicators": "R01,R99"})
    assert response.status_code == 400
    assert "Không có chỉ tiêu “R99” trong danh mục." in response.content.decode()
    assert logs() == before


@pytest.mark.django_db
def test_survey_figures_come_with_their_entered_values(personas, as_user, province):
    statistician = personas["statistician"]
    entered = {"unit_path": province.path, "period": "2026", "source": "Điều tra quốc gia 2019",
               "source_year": 2019, "entered_by": statistician}  # fmt: skip
    r05 = IndicatorVersion.objects.get(indicator__code="R05", status="current")
    x01 = IndicatorVersion.objects.get(indicator__code="X01", status="current")
    ExternalValue.objects.create(indicator=r05.indicator, role="denominator", value=400, **entered)
    ExternalValue.objects.create(indicator=x01.indicator, role="value", value=21.5, **entered)
    value("R05", province.path, period="2026", n=100)
    response = as_user(statistician).get(URL, {"unit": "51", "period": "2026"})
    assert response.status_code == 200
    _book, sheet = rows_of(response)
    r05_row, x01_row = indicator_row(sheet, "R05"), indicator_row(sheet, "X01")
    assert [sheet.cell(r05_row, c).value for c in (4, 5, 6)] == [0.25, 100, 400]
    assert [sheet.cell(x01_row, c).value for c in (4, 5, 6)] == [0.215, None, None]


@pytest.mark.django_db
def test_a_commune_of_the_scope(personas, as_user, cells, commune_a):
    response = as_user(personas["statistician"]).get(URL, {"unit": "23293", "period": "2026S1"})
    assert response.status_code == 200
    _book, sheet = rows_of(response)
    assert sheet["C1"].value == "Đơn vị báo cáo: Phường Kon Tum"
    assert sheet.cell(indicator_row(sheet, "R01"), 4).value == 12


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "unit"),
    [
        ("officer", "51"),  # indicators.view, not indicators.export
        ("worker_a", "23293"),
        ("supervisor", "51"),
        ("statistician", "01"),  # another province
        ("statistician", "VN"),  # the nation is above the scope
    ],
)
def test_without_export_over_the_unit_is_403_and_writes_nothing(
    personas, as_user, cells, persona, unit
):
    before = (logs(), IndicatorValue.objects.count())
    response = as_user(personas[persona]).get(URL, {"unit": unit, "period": "2026S1"})
    assert response.status_code == 403
    assert (logs(), IndicatorValue.objects.count()) == before


@pytest.mark.django_db
def test_a_national_statistician_exports_the_nation(agencies, as_user, cells):
    national = make_user("national_stat", (agencies["other"], "statistician", None))
    response = as_user(national).get(URL, {"unit": "VN", "period": "2026S1"})
    assert response.status_code == 200
    _book, sheet = rows_of(response)
    assert sheet["C1"].value == "Đơn vị báo cáo: Toàn quốc"
    assert sheet.cell(indicator_row(sheet, "R01"), 4).value == 9999


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, cells):
    before = logs()
    response = client.get(URL, {"unit": "51", "period": "2026S1"})
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]
    assert logs() == before


@pytest.mark.django_db
def test_unknown_unit_is_404(personas, as_user):
    before = logs()
    response = as_user(personas["statistician"]).get(URL, {"unit": "99999", "period": "2026"})
    assert response.status_code == 404
    assert logs() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period", "words"),
    [
        ("2026X", "Kỳ báo cáo không hợp lệ"),
        ("", "Kỳ báo cáo không hợp lệ"),
        ("1999", "Kỳ báo cáo không hợp lệ"),
        ("202601", "Số liệu theo tháng không được xuất ra tệp"),
    ],
)
def test_a_bad_or_monthly_period_is_a_clear_400(personas, as_user, period, words):
    before = logs()
    response = as_user(personas["statistician"]).get(URL, {"unit": "51", "period": period})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert logs() == before


@pytest.mark.django_db
def test_post_is_not_allowed(personas, as_user):
    response = as_user(personas["statistician"]).post(URL + "?unit=51&period=2026")
    assert response.status_code == 405


def _numbers(sheet):
    """Every count in the table: column D of count rows (a ratio there is a fraction) and the
    numerators and denominators of columns E and F."""
    found = []
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1, max_col=6):
        d, e, f = cells[3], cells[4], cells[5]
        if isinstance(d.value, int | float) and d.number_format == "#,##0":
            found.append(d.value)
        found += [c.value for c in (e, f) if isinstance(c.value, int | float)]
    return found


@pytest.mark.django_db
def test_end_to_end_no_small_number_leaves(personas, as_user, agencies, commune_a, commune_b):
    """Cases through the engine and its suppression to the file: every count is 0 or ≥ k, the
    lone case of commune B is hidden, and so is commune A's total (else the province minus A
    gives B); the province's total is published."""
    from gbvms.indicators.worker import process_pending
    from tests.indicators.engine_data import open_case, serve

    worker = personas["worker_a"]
    cases = [open_case(worker, commune_a, birth_year=1980 + i) for i in range(7)]
    for i, case in enumerate(cases[:4]):
        serve(worker, case, agencies["a"], hours=2 + 20 * i)
    open_case(personas["worker_b"], commune_b)
    process_pending()
    client = as_user(personas["statistician"])
    sheets = {}
    for code in ["23293", "23401", "51"]:
        response = client.get(URL, {"unit": code, "period": "2026"})
        assert response.status_code == 200
        sheets[code] = rows_of(response)[1]
        small = [n for n in _numbers(sheets[code]) if 0 < n < 5]
        assert small == [], (code, small)
    r01 = {code: s.cell(indicator_row(s, "R01"), 4).value for code, s in sheets.items()}
    # 7 cases in 23293, hidden to protect the lone case of 23401: "ẩn", not "<5" (it is not small)
    assert r01 == {"23293": "ẩn", "23401": "<5", "51": 8}
