"""DHIS2 exchange (REPORTING §D): dataValueSet JSON, ADX XML and the metadata a DHIS2
administrator imports first. See docs/dhis2.md for the scheme.

- Org units are coded ``VN_<NSO code>``; the nation is ``VN``.
- Every cell goes out as numerator and denominator data elements: ``GBV_R02_N`` /
  ``GBV_R02_D`` for the total (category option combo ``default``), and one pair of data
  elements per materialised breakdown, named after its category combo:
  ``GBV_R02_N_SEX`` (combos ``F``, ``M``, ``X``), ``GBV_R02_N_SEX_AGEVN`` (``F_Y16_59`` …).
  DHIS2 keeps one category combo per data element and adds up every combo of an element, so
  a total and its breakdowns under one element would be counted several times.
- Counts send only ``_N``; medians (R09) send ``GBV_R09_MEDIAN…`` (hours, not added up).
- Hidden cells (the suppressed audience's pattern) are omitted, never sent as 0.
- Cut-off periods (``2026S1C``) have no DHIS2 period and are refused; months are refused too:
  they are served only to exact audiences and carry no suppression pattern (REPORTING §F.4).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from gbvms.indicators import catalogue, dimensions, periods, selectors
from gbvms.indicators.models import IndicatorVersion, Kind, VersionStatus
from gbvms.indicators.selectors import ExportRow

ADX_NS = "urn:ihe:qrph:adx:2015"
NATION = "VN"
DATA_SETS = {"S": ("GBV_S6", "SixMonthly"), "Y": ("GBV_Y", "Yearly")}
LEVEL_RANK = {"commune": 0, "province": 1, "national": 2}
UID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


# ------------------------------------------------------------------ codes


def _categories() -> list[dimensions.Dimension]:
    """Every dimension, one per category, in the fixed order that decides option codes."""
    seen: dict[str, dimensions.Dimension] = {}
    for dim in dimensions.DIMENSIONS.values():
        seen.setdefault(dim.category, dim)
    return list(seen.values())


def option_code(category: str, option: str) -> str:
    """The DHIS2 category option code: the option's own code when no earlier category has
    it (``F``, ``Y16_59``), else prefixed by its category (``PSEX_F``, ``ETH_UNK``)."""
    for dim in _categories():
        if dim.category == category:
            return option
        if option in dim.codes:
            return f"{category}_{option}"
    raise KeyError(category)


def combo_code(categories: Iterable[str]) -> str:
    """``("SEX", "AGE_VN")`` → ``SEX_AGEVN`` (REPORTING §D.2); no category → ``default``."""
    parts = [c.replace("_", "") for c in categories]
    return "_".join(parts) if parts else "default"


def _ordered(disagg: dict[str, str]) -> list[str]:
    """The categories of a cell in combo order (SEX before AGE_VN, as in ``F_Y16_59``)."""
    order = [d.category for d in _categories()]
    return sorted(disagg, key=order.index)


def coc_code(disagg: dict[str, str]) -> str:
    """The category option combo of a cell: ``default``, ``F``, ``F_Y16_59`` …"""
    if not disagg:
        return "default"
    return "_".join(option_code(cat, disagg[cat]) for cat in _ordered(disagg))


def element_code(indicator_code: str, part: str, categories: Iterable[str] = ()) -> str:
    """``GBV_R02_N`` (total), ``GBV_R02_N_SEX_AGEVN`` (the sex × age breakdown)."""
    combo = combo_code(categories)
    base = f"GBV_{indicator_code}_{part}"
    return base if combo == "default" else f"{base}_{combo}"


def org_unit_code(unit: Any) -> str:
    return NATION if unit is None else f"VN_{unit.code}"


def uid(kind: str, code: str) -> str:
    """A stable DHIS2 identifier (11 characters, a letter first) derived from a code, so the
    metadata file imports with the same ids every time and expressions can name them."""
    digest = hashlib.sha256(f"gbvms:{kind}:{code}".encode()).digest()
    first = UID_CHARS[digest[0] % 52]
    return first + "".join(UID_CHARS[b % len(UID_CHARS)] for b in digest[1:11])


def survey_value(indicator: Any) -> bool:
    """An external figure entered as such (SDG 5.2.1: X01), not GBVMS's numerator over an
    entered denominator (R05)."""
    family = catalogue.definitions().get(indicator.code, {}).get("family")
    return indicator.kind == Kind.EXTERNAL and family == "external"


def parts_of(indicator: Any) -> list[str]:
    """The data elements an indicator sends: N and D, only N (counts), the median, or the
    entered survey value."""
    if indicator.kind == Kind.COUNT:
        return ["N"]
    if indicator.kind == Kind.MEDIAN:
        return ["MEDIAN"]
    if survey_value(indicator):
        return ["VALUE"]
    return ["N", "D"]


# ------------------------------------------------------------------ periods and rows


def export_period(key: str) -> periods.Period:
    """The period of an export, or a ValidationError with a stable code."""
    try:
        period = periods.parse(key)
    except periods.PeriodError:
        raise ValidationError(
            _("Kỳ không hợp lệ: dùng mã kỳ của DHIS2, ví dụ 2026, 2026S1 hoặc 2026S2."),
            code="bad_period",
        ) from None
    if period.cutoff:
        raise ValidationError(
            _(
                "DHIS2 không có kỳ theo mốc chốt số liệu (15/12–14/6): hãy xuất theo kỳ lịch "
                "(2026S1, 2026S2, 2026)."
            ),
            code="cutoff_period",
        )
    if period.type not in DATA_SETS:
        raise ValidationError(
            _(
                "Số liệu theo tháng không được xuất sang DHIS2 (chưa áp dụng ẩn ô nhỏ): hãy "
                "xuất theo kỳ 6 tháng hoặc năm."
            ),
            code="period_not_available",
        )
    return period


def _allowed(indicator: Any, level: str, disagg: dict[str, str]) -> bool:
    """The minimum unit levels of the suppressed audience (REPORTING §F.6)."""
    floors = indicator.min_level or {}
    if LEVEL_RANK[level] < LEVEL_RANK.get(floors.get("suppressed", "commune"), 0):
        return False
    by_category = {d.category: d.name for d in dimensions.DIMENSIONS.values()}
    for category in disagg:
        floor = floors.get("dimensions", {}).get(by_category.get(category, ""), "commune")
        if LEVEL_RANK[level] < LEVEL_RANK.get(floor, 0):
            return False
    return True


def export_rows(unit_path: str, period_key: str) -> list[ExportRow]:
    """Every current indicator's cells for one unit and period as the suppressed audience may
    see them (``selectors.export_rows``, external figures included), without the breakdowns
    below their minimum level and the indicators not published for this period type."""
    level = selectors.level_of(unit_path)
    kind = periods.parse(period_key).type
    return [
        r
        for r in selectors.export_rows(unit_path, period_key)
        if kind in (r.indicator.period_types or [kind]) and _allowed(r.indicator, level, r.disagg)
    ]


def as_of() -> datetime.datetime:
    """The figures include every change made before this time (``selectors.freshness``)."""
    return selectors.freshness().as_of


# ------------------------------------------------------------------ values


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _values(row: ExportRow) -> list[tuple[str, str]]:
    """(data element part, value as a string) of one visible cell; undefined parts left out."""
    out = []
    for part in parts_of(row.indicator):
        raw = {"N": row.n, "D": row.d, "MEDIAN": row.value, "VALUE": row.value}[part]
        if raw is None:
            continue
        out.append((part, str(int(raw)) if part in ("N", "D") else _number(raw)))
    return out


def _cells(rows: Iterable[ExportRow]) -> Iterable[tuple[ExportRow, str, str]]:
    """(row, element code, value) of every value sent; hidden cells are omitted."""
    for row in rows:
        if row.hidden:
            continue
        categories = _ordered(row.disagg)
        for part, value in _values(row):
            yield row, element_code(row.indicator.code, part, categories), value


def data_value_set(
    unit: Any,
    period_key: str,
    rows: Iterable[ExportRow],
    *,
    as_of: datetime.datetime | None = None,
    complete_date: datetime.date | None = None,
) -> dict[str, Any]:
    """The dataValueSet JSON of one org unit (``None`` = the nation) and period (§D.1)."""
    period = export_period(period_key)
    stamp = timezone.localtime(as_of or timezone.now()).isoformat(timespec="seconds")
    body: dict[str, Any] = {
        "dataSet": DATA_SETS[period.type][0],
        "period": period.key,
        "orgUnit": org_unit_code(unit),
    }
    if complete_date is not None:
        body["completeDate"] = complete_date.isoformat()
    body["dataValues"] = [
        {
            "dataElement": element,
            "categoryOptionCombo": coc_code(row.disagg),
            "value": value,
            "comment": f"gbvms def v{row.version.number}; as_of {stamp}",
        }
        for row, element, value in _cells(rows)
    ]
    return body


def exported_now() -> str:
    return timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def adx(
    unit: Any,
    period_key: str,
    rows: Iterable[ExportRow],
    *,
    exported: str | None = None,
    complete_date: datetime.date | None = None,
) -> bytes:
    """The ADX XML (``urn:ihe:qrph:adx:2015``) of one org unit and period; categories are
    attributes named by their codes (``SEX="F" AGE_VN="Y16_59"``)."""
    period = export_period(period_key)
    root = etree.Element(f"{{{ADX_NS}}}adx", nsmap={None: ADX_NS})
    root.set("exported", exported or exported_now())
    group = etree.SubElement(root, f"{{{ADX_NS}}}group")
    group.set("orgUnit", org_unit_code(unit))
    group.set("period", period.adx())
    group.set("dataSet", DATA_SETS[period.type][0])
    if complete_date is not None:
        group.set("completeDate", complete_date.isoformat())
    for row, element, value in _cells(rows):
        item = etree.SubElement(group, f"{{{ADX_NS}}}dataValue")
        item.set("dataElement", element)
        for category in _ordered(row.disagg):
            item.set(category, option_code(category, row.disagg[category]))
        item.set("value", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ------------------------------------------------------------------ metadata


def _ref(kind: str, code: str) -> dict[str, str]:
    return {"id": uid(kind, code), "code": code}


def _breakdowns(indicator: Any) -> list[tuple[str, ...]]:
    """The category tuples an indicator is exported with: the total, then each breakdown."""
    out: list[tuple[str, ...]] = [()]
    for combo in dimensions.breakdowns(list(indicator.disaggregations)):
        cats = [dimensions.dimension(name).category for name in combo]
        out.append(tuple(_ordered(dict.fromkeys(cats, ""))))
    return out


def _category_objects(used: set[tuple[str, ...]]) -> dict[str, list[dict[str, Any]]]:
    dims = {d.category: d for d in _categories()}
    order = [d.category for d in _categories()]
    cats = sorted({c for combo in used for c in combo}, key=order.index)
    options, categories = [], []
    for cat in cats:
        dim = dims[cat]
        refs = []
        for opt in dim.codes:
            code = option_code(cat, opt)
            refs.append(_ref("co", code))
            options.append(
                {
                    **_ref("co", code),
                    "name": f"{dim.title}: {dim.label(opt)}",
                    "shortName": f"{cat} {opt}"[:50],
                }
            )
        categories.append(
            {
                **_ref("ca", cat),
                "name": str(dim.title),
                "shortName": cat,
                "dataDimensionType": "DISAGGREGATION",
                "dataDimension": True,
                "categoryOptions": refs,
            }
        )
    return {"categoryOptions": options, "categories": categories}


def _combos(used: set[tuple[str, ...]]) -> dict[str, list[dict[str, Any]]]:
    dims = {d.category: d for d in _categories()}
    combos, cocs = [], []
    for cats in sorted(used):
        if not cats:
            continue
        code = combo_code(cats)
        combos.append(
            {
                **_ref("cc", code),
                "name": " × ".join(str(dims[c].title) for c in cats),
                "dataDimensionType": "DISAGGREGATION",
                "categories": [_ref("ca", c) for c in cats],
            }
        )
        for disagg in _products(cats, dims):
            coc = coc_code(disagg)
            cocs.append(
                {
                    **_ref("coc", coc),
                    "name": ", ".join(dims[c].label(disagg[c]) for c in cats),
                    "categoryCombo": _ref("cc", code),
                    "categoryOptions": [_ref("co", option_code(c, disagg[c])) for c in cats],
                }
            )
    return {"categoryCombos": combos, "categoryOptionCombos": cocs}


def _products(cats: tuple[str, ...], dims: dict[str, Any]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = [{}]
    for cat in cats:
        out = [{**partial, cat: opt} for partial in out for opt in dims[cat].codes]
    return out


ENGLISH_PARTS = {
    "N": "numerator",
    "D": "denominator",
    "MEDIAN": "median, hours",
    "VALUE": "survey value",
}
VIETNAMESE_PARTS = {
    "N": "tử số",
    "D": "mẫu số",
    "MEDIAN": "trung vị, giờ",
    "VALUE": "giá trị điều tra",
}


def _element(indicator: Any, part: str, cats: tuple[str, ...]) -> dict[str, Any]:
    code = element_code(indicator.code, part, cats)
    dims = {d.category: d for d in _categories()}
    # DHIS2 names are Vietnamese data, not interface text (the file is the same in any language)
    count = indicator.kind == Kind.COUNT
    label = "số lượng" if count else VIETNAMESE_PARTS[part]
    english = "count" if count else ENGLISH_PARTS[part]
    suffix = (" — " + " × ".join(str(dims[c].title) for c in cats)) if cats else ""
    median = part in ("MEDIAN", "VALUE")  # not added up
    element = {
        **_ref("de", code),
        "name": f"GBV {indicator.code} {indicator.name_vi} ({label}){suffix}"[:230],
        "shortName": f"GBV {indicator.code} {part} {combo_code(cats)}"[:50],
        "formName": f"{indicator.name_vi} ({label})"[:230],
        "description": f"{indicator.name_en} ({english})",
        "domainType": "AGGREGATE",
        "valueType": "NUMBER" if median else "INTEGER",
        "aggregationType": "NONE" if median else "SUM",
        "zeroIsSignificant": True,
        # every level holds its own computed figure (distinct persons do not add up): DHIS2
        # must read each level's raw value instead of summing the units below it
        "aggregationLevels": [1, 2, 3],
    }
    if cats:  # without one, DHIS2 gives the element its own "default" combo
        element["categoryCombo"] = _ref("cc", combo_code(cats))
    return element


def _indicator(indicator: Any) -> dict[str, Any]:
    num, den = uid("de", f"GBV_{indicator.code}_N"), uid("de", f"GBV_{indicator.code}_D")
    return {
        **_ref("in", f"GBV_{indicator.code}"),
        "name": f"GBV {indicator.code} {indicator.name_vi}"[:230],
        "shortName": f"GBV {indicator.code} %"[:50],
        "description": indicator.name_en,
        "indicatorType": _ref("it", "GBV_PERCENT"),
        "numerator": f"#{{{num}}}",
        "numeratorDescription": f"GBV_{indicator.code}_N",
        "denominator": f"#{{{den}}}",
        "denominatorDescription": f"GBV_{indicator.code}_D",
        "formula": f"#{{GBV_{indicator.code}_N}}/#{{GBV_{indicator.code}_D}}*100",
    }


def _org_units() -> list[dict[str, Any]]:
    from gbvms.geo.models import AdminUnit

    nation = {**_ref("ou", NATION), "name": "Việt Nam", "shortName": "Việt Nam",
              "openingDate": "1945-09-02"}  # fmt: skip
    out = [nation]
    units = (
        AdminUnit.objects.current()
        .filter(level__in=["province", "commune"])
        .select_related("parent")
        .order_by("level", "code")
    )
    levels = {"province": 0, "commune": 1}
    for unit in sorted(units, key=lambda u: (levels[u.level], u.code)):
        parent = org_unit_code(unit.parent) if unit.parent_id else NATION
        out.append(
            {
                **_ref("ou", org_unit_code(unit)),
                "name": unit.name,
                "shortName": unit.name[:50],
                "openingDate": (unit.valid_from or datetime.date(2025, 7, 1)).isoformat(),
                "parent": _ref("ou", parent),
            }
        )
    return out


def metadata() -> dict[str, Any]:
    """What a DHIS2 administrator imports (``POST /api/metadata``) before the first push:
    data elements, categories and combos (with their codes), the percentage indicators, the
    data sets and the org units, all with stable ids derived from the codes."""
    with translation.override("vi"):
        versions = (
            IndicatorVersion.objects.filter(status=VersionStatus.CURRENT)
            .select_related("indicator")
            .order_by("indicator__order", "indicator__code")
        )
        indicators = [v.indicator for v in versions]
        used: set[tuple[str, ...]] = set()
        elements = []
        for ind in indicators:
            for cats in _breakdowns(ind):
                used.add(cats)
                elements += [_element(ind, part, cats) for part in parts_of(ind)]
        ratios = [_indicator(i) for i in indicators if parts_of(i) == ["N", "D"]]
        units = _org_units()
        data_sets = [
            {
                **_ref("ds", code),
                "name": f"GBVMS {code}",
                "shortName": code,
                "periodType": period_type,
                "dataSetElements": [{"dataElement": {"id": e["id"]}} for e in elements],
                "organisationUnits": [{"id": u["id"]} for u in units],
            }
            for code, period_type in DATA_SETS.values()
        ]
        return {
            "system": {"name": "GBVMS", "generated": exported_now()},
            **_category_objects(used),
            **_combos(used),
            "dataElements": elements,
            "indicatorTypes": [
                {
                    **_ref("it", "GBV_PERCENT"),
                    "name": "Phần trăm",
                    "factor": 100,
                    "number": False,
                }
            ],
            "indicators": ratios,
            "dataSets": data_sets,
            "organisationUnitLevels": [
                {**_ref("oul", f"LEVEL_{n}"), "name": name, "level": n}
                for n, name in [(1, "Quốc gia"), (2, "Tỉnh, thành phố"), (3, "Xã, phường")]
            ],
            "organisationUnits": units,
        }


# ------------------------------------------------------------------ push (several units)


def push_units(unit: Any) -> list[list[tuple[Any, str]]]:
    """The chunks a push of ``unit`` sends: each chunk is one province (or the nation itself)
    with the units below it that the push covers, as (unit, path) pairs."""
    from gbvms.geo.models import AdminUnit

    current = AdminUnit.objects.current().order_by("code")
    if unit is None:
        provinces = current.filter(level="province")
        return [[(None, "/")]] + [push_units(p)[0] for p in provinces]
    if unit.level == "commune":
        return [[(unit, unit.path)]]
    communes = current.filter(level="commune", path__startswith=unit.path)
    return [[(unit, unit.path)] + [(c, c.path) for c in communes]]


def bulk_json(chunk: list[tuple[Any, str]], period_key: str) -> dict[str, Any]:
    """The bulk dataValueSet of several units (period and orgUnit on each value, §D.1)."""
    values = []
    stamp = as_of()
    for unit, path in chunk:
        one = data_value_set(unit, period_key, export_rows(path, period_key), as_of=stamp)
        values += [
            {**v, "period": one["period"], "orgUnit": one["orgUnit"]} for v in one["dataValues"]
        ]
    return {"dataValues": values}


def bulk_adx(chunk: list[tuple[Any, str]], period_key: str) -> bytes:
    """One ADX document with a group per unit."""
    exported = exported_now()
    root = None
    for unit, path in chunk:
        doc = etree.fromstring(adx(unit, period_key, export_rows(path, period_key),
                                   exported=exported))  # fmt: skip
        if root is None:
            root = doc
        else:
            root.extend(doc.findall(f"{{{ADX_NS}}}group"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
