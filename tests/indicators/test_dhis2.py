"""DHIS2 shapes (REPORTING §D): dataValueSet JSON, ADX XML and the metadata file."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from lxml import etree

from gbvms.geo.models import AdminUnit
from gbvms.indicators import dhis2, dimensions
from gbvms.indicators.models import IndicatorVersion
from tests.indicators.dhis2_data import AS_OF, fill

pytestmark = pytest.mark.django_db
COMMENT = "gbvms def v1; as_of 2026-07-05T08:00:00+07:00"
NS = {"adx": dhis2.ADX_NS}


def value(element, combo, text):
    return {"dataElement": element, "categoryOptionCombo": combo, "value": text, "comment": COMMENT}


EXPECTED_COMMUNE = [
    value("GBV_R01_N", "default", "12"),
    value("GBV_R01_N_GBV6", "GBV6_UNK", "0"),  # a true zero is sent; hidden SEX=M is not
    value("GBV_R02_N", "default", "40"),
    value("GBV_R02_D", "default", "50"),
    value("GBV_R02_N_SEX_AGEVN", "F_Y16_59", "18"),
    value("GBV_R02_D_SEX_AGEVN", "F_Y16_59", "25"),
    value("GBV_R02_N_SEX", "F", "30"),
    value("GBV_R02_D_SEX", "F", "38"),
    value("GBV_R09_MEDIAN", "default", "10.5"),
    value("GBV_R13_N_PSEX", "PSEX_F", "6"),
]


@pytest.fixture
def world(commune_a, province):
    fill(commune_a.path)
    fill(province.path)
    return commune_a


def rows(unit):
    return dhis2.export_rows(unit.path if unit else "/", "2026S1")


class TestDataValueSet:
    def test_the_shape_of_reporting_d1_for_a_commune(self, world):
        body = dhis2.data_value_set(world, "2026S1", rows(world), as_of=AS_OF)
        assert list(body) == ["dataSet", "period", "orgUnit", "dataValues"]  # no completeDate
        assert body["dataSet"] == "GBV_S6"
        assert body["period"] == "2026S1"
        assert body["orgUnit"] == "VN_23293"
        assert body["dataValues"] == EXPECTED_COMMUNE

    def test_hidden_cells_are_omitted_never_zero(self, world):
        body = dhis2.data_value_set(world, "2026S1", rows(world), as_of=AS_OF)
        sent = {(v["dataElement"], v["categoryOptionCombo"]) for v in body["dataValues"]}
        for combo in ["M", "X"]:  # R02 SEX=M (primary) and SEX=X (complementary)
            assert ("GBV_R02_N_SEX", combo) not in sent
            assert ("GBV_R02_D_SEX", combo) not in sent
        assert ("GBV_R01_N_SEX", "M") not in sent
        zeros = [v for v in body["dataValues"] if v["value"] == "0"]
        assert zeros == [value("GBV_R01_N_GBV6", "GBV6_UNK", "0")]
        assert all(isinstance(v["value"], str) for v in body["dataValues"])

    def test_breakdowns_below_their_minimum_level_stay_out_of_a_commune(self, world, province):
        commune = dhis2.data_value_set(world, "2026S1", rows(world), as_of=AS_OF)
        assert not [v for v in commune["dataValues"] if "_ETH" in v["dataElement"]]
        body = dhis2.data_value_set(province, "2026S1", rows(province), as_of=AS_OF)
        assert body["orgUnit"] == "VN_51"
        assert value("GBV_R02_N_ETH", "KINH", "20") in body["dataValues"]
        assert value("GBV_R02_D_ETH", "KINH", "25") in body["dataValues"]

    def test_the_nation_year_and_complete_date(self, world):
        fill("/", "2026")
        body = dhis2.data_value_set(
            None, "2026", dhis2.export_rows("/", "2026"),
            as_of=AS_OF, complete_date=datetime.date(2026, 7, 5),
        )  # fmt: skip
        assert body["orgUnit"] == "VN"
        assert body["dataSet"] == "GBV_Y"
        assert body["period"] == "2026"
        assert body["completeDate"] == "2026-07-05"
        assert value("GBV_R02_N", "default", "40") in body["dataValues"]

    @pytest.mark.parametrize(
        ("key", "code"),
        [("2026S1C", "cutoff_period"), ("2026C", "cutoff_period"),
         ("202606", "period_not_available"), ("2026S3", "bad_period"), ("", "bad_period"),
         ("abc", "bad_period")],
    )  # fmt: skip
    def test_periods_dhis2_has_not_are_refused(self, world, key, code):
        with pytest.raises(ValidationError) as caught:
            dhis2.data_value_set(world, key, [], as_of=AS_OF)
        assert caught.value.code == code
        with pytest.raises(ValidationError):
            dhis2.adx(world, key, [])


class TestAdx:
    def test_parsed_back(self, world):
        raw = dhis2.adx(world, "2026S1", rows(world), exported="2026-07-05T01:00:00Z")
        root = etree.fromstring(raw)
        assert root.tag == "{urn:ihe:qrph:adx:2015}adx"
        assert root.get("exported") == "2026-07-05T01:00:00Z"
        (group,) = root.findall("adx:group", NS)
        assert dict(group.attrib) == {
            "orgUnit": "VN_23293",
            "period": "2026-01-01/P6M",
            "dataSet": "GBV_S6",
        }
        values = [dict(v.attrib) for v in group.findall("adx:dataValue", NS)]
        assert {"dataElement": "GBV_R02_N_SEX_AGEVN", "SEX": "F", "AGE_VN": "Y16_59",
                "value": "18"} in values  # fmt: skip
        assert {"dataElement": "GBV_R02_D_SEX_AGEVN", "SEX": "F", "AGE_VN": "Y16_59",
                "value": "25"} in values  # fmt: skip
        assert {"dataElement": "GBV_R02_N", "value": "40"} in values
        assert {"dataElement": "GBV_R13_N_PSEX", "PSEX": "PSEX_F", "value": "6"} in values
        assert len(values) == len(EXPECTED_COMMUNE)  # the hidden cells are not there
        assert not [v for v in values if v.get("SEX") in ("M", "X")]

    def test_exported_defaults_to_now_in_utc_and_year_period(self, world):
        root = etree.fromstring(
            dhis2.adx(world, "2026", [], complete_date=datetime.date(2027, 1, 5))
        )
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", root.get("exported"))
        group = root.find("adx:group", NS)
        assert group.get("period") == "2026-01-01/P1Y"
        assert group.get("dataSet") == "GBV_Y"
        assert group.get("completeDate") == "2027-01-05"


class TestCodes:
    def test_reporting_d2_codes(self):
        assert dhis2.coc_code({"SEX": "F", "AGE_VN": "Y16_59"}) == "F_Y16_59"
        assert dhis2.combo_code(["SEX", "AGE_VN"]) == "SEX_AGEVN"
        assert dhis2.coc_code({}) == "default"
        assert dhis2.element_code("R02", "N") == "GBV_R02_N"

    def test_every_option_and_combo_code_is_unique_and_a_valid_attribute(self):
        options = [
            dhis2.option_code(d.category, o)
            for d in {d.category: d for d in dimensions.DIMENSIONS.values()}.values()
            for o in d.codes
        ]
        assert len(options) == len(set(options))
        meta = dhis2.metadata()
        cocs = [c["code"] for c in meta["categoryOptionCombos"]]
        assert len(cocs) == len(set(cocs))
        for category in meta["categories"]:
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", category["code"])


class TestMetadata:
    def test_every_element_and_combo_the_export_uses_is_declared(self, world, province):
        meta = dhis2.metadata()
        elements = {e["code"]: e for e in meta["dataElements"]}
        cocs = {c["code"] for c in meta["categoryOptionCombos"]} | {"default"}
        for unit in [world, province]:
            for item in dhis2.data_value_set(unit, "2026S1", rows(unit))["dataValues"]:
                assert item["dataElement"] in elements
                assert item["categoryOptionCombo"] in cocs
        r02 = elements["GBV_R02_N_SEX_AGEVN"]
        assert r02["categoryCombo"]["code"] == "SEX_AGEVN"
        assert (r02["aggregationType"], r02["valueType"], r02["domainType"]) == (
            "SUM", "INTEGER", "AGGREGATE")  # fmt: skip
        assert "categoryCombo" not in elements["GBV_R02_N"]  # DHIS2's default combo
        assert elements["GBV_R09_MEDIAN"]["aggregationType"] == "NONE"
        assert "GBV_R01_D" not in elements  # counts have no denominator

    def test_element_names_fit_dhis2(self):
        elements = dhis2.metadata()["dataElements"]
        short = [e["shortName"] for e in elements]
        assert max(len(s) for s in short) <= 50
        assert len(set(short)) == len(short)
        assert len({e["name"] for e in elements}) == len(elements)
        assert len({e["id"] for e in elements}) == len(elements)
        assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]{10}", e["id"]) for e in elements)

    def test_indicators_combos_and_org_units(self, province, commune_a):
        meta = dhis2.metadata()
        (r02,) = [i for i in meta["indicators"] if i["code"] == "GBV_R02"]
        assert r02["formula"] == "#{GBV_R02_N}/#{GBV_R02_D}*100"
        assert r02["numerator"] == "#{" + dhis2.uid("de", "GBV_R02_N") + "}"
        assert r02["denominator"] == "#{" + dhis2.uid("de", "GBV_R02_D") + "}"
        assert not [i for i in meta["indicators"] if i["code"] == "GBV_R01"]  # a count
        (sex_age,) = [c for c in meta["categoryCombos"] if c["code"] == "SEX_AGEVN"]
        assert [c["code"] for c in sex_age["categories"]] == ["SEX", "AGE_VN"]
        (coc,) = [c for c in meta["categoryOptionCombos"] if c["code"] == "F_Y16_59"]
        assert [o["code"] for o in coc["categoryOptions"]] == ["F", "Y16_59"]
        units = {u["code"]: u for u in meta["organisationUnits"]}
        assert units["VN_51"]["parent"]["code"] == "VN"
        assert units["VN_23293"]["parent"]["code"] == "VN_51"
        assert "parent" not in units["VN"]
        assert len([c for c in units if len(c) == 5]) == 34
        communes = AdminUnit.objects.current().filter(level="commune").count()
        assert len([c for c in units if len(c) == 8]) == communes > 3000
        assert len(units) == 1 + 34 + communes
        assert {d["code"]: d["periodType"] for d in meta["dataSets"]} == {
            "GBV_S6": "SixMonthly", "GBV_Y": "Yearly"}  # fmt: skip

    def test_ids_are_stable(self):
        assert dhis2.metadata()["dataElements"] == dhis2.metadata()["dataElements"]
        assert IndicatorVersion.objects.filter(status="current").exists()


def test_a_survey_indicator_sends_its_external_denominator(world, personas):
    from gbvms.indicators.models import ExternalValue
    from tests.indicators.dhis2_data import cell, version

    cell("R05", world.path, n=7, value=None)
    cell("R05", world.path, "2026", n=12, value=None)
    ExternalValue.objects.create(
        indicator=version("R05").indicator, unit_path=world.path, period="2026", value=140,
        source="Điều tra quốc gia về BLG 2019", source_year=2019, entered_by=personas["officer"],
    )  # fmt: skip
    year = dhis2.data_value_set(world, "2026", dhis2.export_rows(world.path, "2026"), as_of=AS_OF)
    assert value("GBV_R05_N", "default", "12") in year["dataValues"]
    assert value("GBV_R05_D", "default", "140") in year["dataValues"]
    # a yearly survey figure does not complete a half-year: its numerator goes alone
    half = dhis2.data_value_set(world, "2026S1", rows(world), as_of=AS_OF)
    assert value("GBV_R05_N", "default", "7") in half["dataValues"]
    assert not [v for v in half["dataValues"] if v["dataElement"] == "GBV_R05_D"]


def test_a_survey_value_goes_as_a_value_where_its_level_allows(world, province, personas):
    from gbvms.indicators.models import ExternalValue
    from tests.indicators.dhis2_data import version

    for path in [province.path, world.path]:
        ExternalValue.objects.create(
            indicator=version("X01").indicator, unit_path=path, period="2026", role="value",
            value="21.8", source="Điều tra quốc gia về BLG 2019", source_year=2019,
            entered_by=personas["officer"],
        )  # fmt: skip
    body = dhis2.data_value_set(province, "2026", dhis2.export_rows(province.path, "2026"),
                                as_of=AS_OF)  # fmt: skip
    assert body["dataValues"] == [value("GBV_X01_VALUE", "default", "21.8")]
    half = dhis2.data_value_set(province, "2026S1", rows(province), as_of=AS_OF)
    assert not [v for v in half["dataValues"] if "X01" in v["dataElement"]]  # a yearly figure
    commune = dhis2.data_value_set(world, "2026", rows(world), as_of=AS_OF)
    assert not [v for v in commune["dataValues"] if "X01" in v["dataElement"]]  # province+ only
    elements = {e["code"]: e for e in dhis2.metadata()["dataElements"]}
    assert elements["GBV_X01_VALUE"]["valueType"] == "NUMBER"
    assert elements["GBV_X01_VALUE"]["aggregationType"] == "NONE"
    assert "GBV_X01_N" not in elements


def test_end_to_end_no_small_number_leaves(personas, commune_a, commune_b, agencies, settings):
    """Cases through the engine and the suppression: every number sent is 0 or at least k."""
    from gbvms.indicators.worker import process_pending
    from tests.indicators.engine_data import open_case, serve

    worker = personas["worker_a"]
    cases = [open_case(worker, commune_a, birth_year=1980 + i) for i in range(7)]
    for i, case in enumerate(cases[:4]):
        serve(worker, case, agencies["a"], hours=2 + 20 * i)
    open_case(personas["worker_b"], commune_b)
    process_pending()
    for path, unit in [(commune_a.path, commune_a), ("/51/", None), ("/", None)]:
        body = dhis2.data_value_set(unit, "2026", dhis2.export_rows(path, "2026"))
        # the programme indicators (P..) count activities and facilities, not persons: shown
        persons = [v for v in body["dataValues"] if not v["dataElement"].startswith("GBV_P")]
        numbers = [int(v["value"]) for v in persons if "MEDIAN" not in v["dataElement"]]
        small = [n for n in numbers if 0 < n < settings.SMALL_CELL_THRESHOLD]
        assert small == [], (path, small)
    sent = {
        path: {
            (v["dataElement"], v["categoryOptionCombo"]): v["value"]
            for v in dhis2.data_value_set(None, "2026", dhis2.export_rows(path, "2026"))[
                "dataValues"
            ]
        }
        for path in [commune_a.path, commune_b.path, "/51/"]
    }
    # commune B's single case is hidden, so commune A's 7 is hidden with it (else the province
    # total minus A gives B); the province's 8 is published
    assert ("GBV_R01_N", "default") not in sent[commune_b.path]
    assert ("GBV_R01_N", "default") not in sent[commune_a.path]
    assert sent["/51/"][("GBV_R01_N", "default")] == "8"
