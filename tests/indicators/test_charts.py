"""The chart renderer (gbvms/indicators/charts.py): inline accessible SVG and PNG bytes."""

from __future__ import annotations

import io
import math
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import translation
from lxml import etree
from PIL import Image

from gbvms.geo.services import read_rows
from gbvms.indicators import charts

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
TITLE = "Tỷ lệ được hỗ trợ kịp thời"
NAN = math.nan


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def parse(svg: str) -> etree._Element:
    return etree.fromstring(svg.encode())


def texts(root: etree._Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def tooltips(root: etree._Element) -> dict[str, str]:
    """data-key → the text of that artist's <title>."""
    return {e.get("data-key"): e.find(f"{SVG}title").text for e in root.iter() if e.get("data-key")}


def trend(**kwargs) -> str:
    points = [("2025", 88.5), ("2025S1", None), ("2025S2", NAN), ("2026", 92.25)]
    options = {"title": TITLE, "unit_label": "%", "percent": True, **kwargs}
    return charts.trend_chart(points, **options)


# ---------------------------------------------------------------- SVG shape


def test_svg_is_an_inline_accessible_element_that_scales():
    svg = trend()
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg
    assert "<!DOCTYPE" not in svg
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert re.fullmatch(r"0 0 288 [\d.]+", root.get("viewBox"))
    title = root[0]
    assert title.tag == f"{SVG}title"
    assert title.get("id") == root.get("aria-labelledby")
    assert title.text == TITLE
    assert root.find(f"{SVG}metadata") is None


def test_svg_text_stays_text_with_vietnamese_diacritics():
    root = parse(trend())
    assert TITLE in texts(root)  # the heading drawn in the figure, as text, not glyph paths
    assert root.find(f".//{SVG}text") is not None
    assert not any(e.get("id", "").startswith("DejaVu") for e in root.iter())


def test_svg_has_no_inline_style_blocked_by_the_csp():
    """The pages' CSP is style-src 'self': style attributes and <style> would be dropped."""
    for svg in (trend(target=90), bar(), charts.tile_map(province_values(), title=TITLE)):
        root = parse(svg)
        assert root.find(f".//{SVG}style") is None
        assert all(e.get("style") is None for e in root.iter())
        assert "style=" not in svg  # not even font-style=: pages' tests look for the substring
        assert root.find(f".//{SVG}script") is None
        assert any(e.get("fill") for e in root.iter())  # styles became presentation attributes


def test_ids_are_unique_per_chart_and_every_reference_resolves():
    first, second = parse(bar()), parse(trend(target=90))
    ids = [[e.get("id") for e in root.iter() if e.get("id")] for root in (first, second)]
    assert len(ids[0]) == len(set(ids[0]))
    assert not set(ids[0]) & set(ids[1])
    for root, own in zip((first, second), ids, strict=True):
        refs = {e.get(XLINK_HREF)[1:] for e in root.iter() if e.get(XLINK_HREF)}
        for element in root.iter():
            for value in element.attrib.values():
                refs.update(re.findall(r"url\(#([^)]+)\)", value))
        assert refs
        assert refs <= set(own)


def test_output_is_deterministic():
    assert trend(target=90) == trend(target=90)
    assert charts.tile_map(province_values(), title=TITLE, fmt="png") == charts.tile_map(
        province_values(), title=TITLE, fmt="png"
    )


def test_renders_in_threads_like_in_sequence():
    expected = [trend(), bar(), charts.tile_map(province_values(), title=TITLE)]
    jobs = [trend, bar, lambda: charts.tile_map(province_values(), title=TITLE)] * 3

    def run(job):
        with translation.override("vi"):
            return job()

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(run, jobs))
    assert results == expected * 3


def test_label_text_is_escaped_and_never_parsed_as_math():
    svg = charts.bar_chart([("<script>x & $x^2$", 3)], title="A & B <i>",
                           unit_label="vụ")  # fmt: skip
    root = parse(svg)
    assert root.find(f".//{SVG}script") is None
    assert root.find(f".//{SVG}i") is None
    assert "<script>x & $x^2$" in texts(root)
    assert root[0].text == "A & B <i>"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown chart format"):
        trend(fmt="gif")


# ---------------------------------------------------------------- trend


def test_trend_shows_values_gaps_and_period_labels():
    root = parse(trend())
    shown = texts(root)
    assert {"2025", "2025S1", "2025S2", "2026"} <= set(shown)
    assert "88,5%" in shown
    assert "92,3%" in shown  # rounded half up, Vietnamese decimal comma
    assert "ẩn" in shown  # hidden ratio: "<5" would read as "below 5 %"
    assert "—" in shown  # no value (NaN)
    assert tooltips(root) == {
        "0": "2025: 88,5%",
        "1": "2025S1: ẩn",
        "2": "2025S2: —",
        "3": "2026: 92,3%",
    }


def test_trend_hidden_count_shows_the_threshold(settings):
    settings.SMALL_CELL_THRESHOLD = 3
    svg = charts.trend_chart([("2025", 12), ("2026", None)], title="Số vụ", unit_label="vụ")
    assert "<3" in texts(parse(svg))


def test_trend_target_line_with_its_label():
    root = parse(trend(target=90, target_label="Mục tiêu năm 2026"))
    assert "– – Mục tiêu năm 2026: 90,0%" in texts(root)
    line = [e for e in root.iter() if e.get("data-key") == "line"]
    assert len(line) == 1
    path = line[0].find(f"{SVG}path")
    assert path.get("stroke") == charts.TARGET.lower()
    assert path.get("stroke-dasharray")


def test_trend_without_target_has_no_target_line():
    root = parse(trend())
    assert not [e for e in root.iter() if e.get("data-key") == "line"]
    assert not [t for t in texts(root) if "Mục tiêu" in t]


def test_trend_default_target_label_and_decimal_target():
    from decimal import Decimal

    root = parse(charts.trend_chart([("2025", 10)], title="T", unit_label="vụ",
                                    target=Decimal("12")))  # fmt: skip
    assert "– – Mục tiêu: 12" in texts(root)


def test_trend_of_many_periods_and_of_none():
    points = [(f"Tháng {m}/2026", float(m)) for m in range(1, 13)]
    root = parse(charts.trend_chart(points, title="T", unit_label="vụ"))
    assert "Tháng 12/2026" in texts(root)
    assert len(tooltips(root)) == 12
    empty = parse(charts.trend_chart([], title="T", unit_label="vụ"))
    assert empty[0].text == "T"


# ---------------------------------------------------------------- bars


def bar(**kwargs) -> str:
    items = [
        ("Bạo lực thể chất", 120),
        ("Xâm hại tình dục", None),
        ("Từ chối nguồn lực, cơ hội", NAN),
        ("Bạo lực tinh thần và kinh tế trong gia đình", 1234),
    ]
    return charts.bar_chart(items, title="Số vụ theo loại bạo lực", unit_label="vụ", **kwargs)


def test_bar_chart_labels_values_and_hidden_stub(settings):
    settings.SMALL_CELL_THRESHOLD = 5
    root = parse(bar())
    shown = texts(root)
    assert "Bạo lực thể chất" in shown
    assert {"Bạo lực tinh thần và", "kinh tế trong gia đình"} <= set(shown)  # long labels wrap
    assert {"120", "1.234", "<5"} <= set(shown)
    assert " —" in shown
    assert root.find(f".//{SVG}pattern") is not None  # the hatched stub of the hidden value
    assert tooltips(root)["1"] == "Xâm hại tình dục: <5"
    assert tooltips(root)["3"] == "Bạo lực tinh thần và kinh tế trong gia đình: 1.234"


def test_bar_chart_hidden_uses_the_configured_threshold(settings):
    settings.SMALL_CELL_THRESHOLD = 10
    assert "<10" in texts(parse(bar()))


def test_bar_chart_without_hidden_values_has_no_hatch():
    svg = charts.bar_chart([("Nữ", 3), ("Nam", 4)], title="T", unit_label="vụ")
    assert parse(svg).find(f".//{SVG}pattern") is None


def test_bar_chart_percent_and_target():
    svg = charts.bar_chart([("Nữ", 95.0), ("Nam", None)], title="T", unit_label="%",
                           percent=True, target=90, target_label="Mục tiêu")  # fmt: skip
    root = parse(svg)
    assert {"95,0%", "ẩn", "– – Mục tiêu: 90,0%"} <= set(texts(root))
    assert [e for e in root.iter() if e.get("data-key") == "line"]


# ---------------------------------------------------------------- tile map


def current_provinces() -> dict[str, str]:
    return {code: row["name"] for (level, code, valid_to), row in read_rows().items()
            if level == "province" and not valid_to}  # fmt: skip


def province_values() -> dict[str, tuple[float | None, str]]:
    statuses = ["met", "not_met", "insufficient_data", "not_due", ""]
    return {code: (50.0 + i, statuses[i % 5]) for i, code in enumerate(sorted(charts.TILES))}


def test_tile_grid_covers_the_34_current_provinces_once():
    provinces = current_provinces()
    assert set(charts.TILES) == set(provinces)
    assert len(charts.TILES) == 34
    cells = [(row, col) for row, col, _name in charts.TILES.values()]
    assert len(set(cells)) == 34
    assert all(0 <= col < 5 for _row, col in cells)
    for code, (_row, _col, short) in charts.TILES.items():
        assert provinces[code].endswith(short), code


def test_tile_grid_runs_north_to_south_and_west_to_east():
    row = {code: r for code, (r, _c, _n) in charts.TILES.items()}
    col = {code: c for code, (_r, c, _n) in charts.TILES.items()}
    # Hà Giang's Tuyên Quang and Cao Bằng at the top; Hà Nội → Huế → Đà Nẵng → HCM → Cà Mau.
    assert row["08"] == row["04"] == 0
    assert row["01"] < row["38"] < row["46"] < row["48"] < row["51"] < row["79"] <= row["96"]
    assert col["11"] < col["01"] < col["22"]  # Điện Biên west of Hà Nội west of Quảng Ninh
    assert col["91"] < col["79"]  # An Giang west of Hồ Chí Minh


def test_tile_map_draws_34_named_tiles_with_values_and_statuses():
    values = province_values()
    values["01"] = (None, "insufficient_data")
    values["79"] = (NAN, "")
    root = parse(charts.tile_map(values, title="Theo tỉnh", percent=True))
    tips = tooltips(root)
    assert set(tips) == set(charts.TILES)
    shown = texts(root)
    for _row, _col, short in charts.TILES.values():
        assert short in shown
    assert tips["01"] == "Hà Nội: ẩn — Chưa đủ số liệu"
    assert tips["79"] == "Hồ Chí Minh: —"
    code = sorted(charts.TILES)[1]  # value 51.0, status not_met ("01" was overwritten above)
    assert tips[code] == f"{charts.TILES[code][2]}: 51,0% — Chưa đạt"
    assert "✗ 51,0%" in shown
    assert {"Đạt", "Chưa đạt", "Chưa đủ số liệu", "Chưa đến hạn"} <= set(shown)  # legend
    hidden = next(e for e in root.iter() if e.get("data-key") == "01").find(f"{SVG}path")
    assert hidden.get("fill") == charts.HIDDEN_FILL


def test_tile_map_missing_provinces_show_no_data_and_counts_show_threshold(settings):
    settings.SMALL_CELL_THRESHOLD = 5
    root = parse(charts.tile_map({"51": (1234, "met"), "48": (None, "")}, title="Số vụ"))
    tips = tooltips(root)
    assert len(tips) == 34
    assert tips["51"] == "Quảng Ngãi: 1.234 — Đạt"
    assert tips["48"] == "Đà Nẵng: <5"
    assert tips["01"] == "Hà Nội: —"


def test_tile_map_refuses_codes_that_are_not_provinces():
    with pytest.raises(ValueError, match="not province codes"):
        charts.tile_map({"23293": (1.0, "")}, title="T")


# ---------------------------------------------------------------- PNG and downloads


@pytest.mark.parametrize(
    "draw",
    [
        lambda: trend(target=90, fmt="png"),
        lambda: bar(fmt="png"),
        lambda: charts.tile_map(province_values(), title=TITLE, fmt="png"),
    ],
)
def test_png_from_the_same_code_path_opens_with_pillow(draw):
    data = draw()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    image.verify()
    assert image.format == "PNG"
    assert image.size[0] == charts.WIDTH_IN * charts.PNG_DPI


def test_chart_response_is_a_safe_svg_attachment():
    response = charts.chart_response(trend(), 'R02 "xu hướng"; x.svg')
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="r02-xu-huong-x.svg"'
    assert response.content.decode().startswith("<svg ")


def test_chart_response_of_png_bytes():
    response = charts.chart_response(bar(fmt="png"), "by-sex.svg")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="by-sex.png"'
    assert response.content.startswith(b"\x89PNG")


# ---------------------------------------------------------------- number text


@pytest.mark.parametrize(
    ("value", "percent", "vi", "en"),
    [
        (92.25, True, "92,3%", "92.3%"),
        (89.99, True, "90,0%", "90.0%"),
        (1234, False, "1.234", "1,234"),
        (1234567, False, "1.234.567", "1,234,567"),
        (18.5, False, "18,5", "18.5"),
        (0, False, "0", "0"),
        (NAN, True, "—", "—"),
    ],
)
def test_fmt_value_rounds_and_groups_in_the_active_language(value, percent, vi, en):
    assert charts.fmt_value(value, percent=percent) == vi
    with translation.override("en"):
        assert charts.fmt_value(value, percent=percent) == en
