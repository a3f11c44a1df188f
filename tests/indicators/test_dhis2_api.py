"""DHIS2 export API: indicators.export, scope (404 like unknown), period errors, shapes."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client
from lxml import etree

from gbvms.core.models import AccessLog
from gbvms.indicators import dhis2
from tests.conftest import verified_client
from tests.indicators.dhis2_data import fill

pytestmark = pytest.mark.django_db
DVS = "/api/v1/indicators/dhis2/data-value-sets"
ADX = "/api/v1/indicators/dhis2/adx"
META = "/api/v1/indicators/dhis2/metadata"


@pytest.fixture
def world(personas, commune_a, province, other_province):
    fill(commune_a.path)
    fill(province.path)
    fill(other_province.path)
    fill("/")
    return personas


def get(user, url, **params):
    return verified_client(user).get(url, params)


def exported():
    return AccessLog.objects.unscoped().filter(action="indicators.exported")


class TestAllowed:
    def test_statistician_gets_the_commune_value_set(self, world):
        response = get(world["statistician"], DVS, unit="23293", period="2026S1")
        assert response.status_code == 200
        body = response.json()
        assert body["orgUnit"] == "VN_23293"
        assert body["dataSet"] == "GBV_S6"
        assert "completeDate" not in body
        item = {
            "dataElement": "GBV_R02_N_SEX_AGEVN",
            "categoryOptionCombo": "F_Y16_59",
            "value": "18",
        }
        assert item in [{k: v[k] for k in item} for v in body["dataValues"]]
        assert all(v["comment"].startswith("gbvms def v1; as_of ") for v in body["dataValues"])
        sent = {(v["dataElement"], v["categoryOptionCombo"]) for v in body["dataValues"]}
        assert ("GBV_R02_N_SEX", "M") not in sent  # hidden: omitted
        log = exported().get()
        assert (log.actor, log.object_id, log.reason) == (world["statistician"], "VN_23293",
                                                          "dhis2_json")  # fmt: skip

    def test_province_adx(self, world):
        response = get(world["statistician"], ADX, unit="51", period="2026S1")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/adx+xml"
        root = etree.fromstring(response.content)
        assert root.tag == f"{{{dhis2.ADX_NS}}}adx"
        group = root.find(f"{{{dhis2.ADX_NS}}}group")
        assert (group.get("orgUnit"), group.get("period")) == ("VN_51", "2026-01-01/P6M")
        assert exported().get().reason == "dhis2_adx"

    def test_metadata_is_an_attachment(self, world):
        response = get(world["statistician"], META)
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        meta = json.loads(response.content)
        assert {"dataElements", "categoryCombos", "organisationUnits"} <= set(meta)
        assert exported().get().reason == "dhis2_metadata"

    def test_a_bearer_token_works(self, world, capsys):
        call_command("create_token", "statistician")
        raw = capsys.readouterr().out.strip()
        response = Client().get(
            DVS, {"unit": "51", "period": "2026"}, HTTP_AUTHORIZATION=f"Bearer {raw}"
        )
        assert response.status_code == 200
        assert response.json()["dataSet"] == "GBV_Y"


class TestDenied:
    @pytest.mark.parametrize("persona", ["officer", "worker_a", "supervisor", "admin"])
    @pytest.mark.parametrize("url", [DVS, ADX, META])
    def test_without_indicators_export_403(self, world, persona, url):
        response = get(world[persona], url, unit="51", period="2026S1")
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert not exported().exists()

    @pytest.mark.parametrize("unit", ["01", "VN", "00004", "99999", "5", "abc", "0100"])
    @pytest.mark.parametrize("url", [DVS, ADX])
    def test_outside_scope_or_unknown_is_the_same_404(self, world, unit, url):
        response = get(world["statistician"], url, unit=unit, period="2026S1")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": "Not found"}
        assert not exported().exists()

    @pytest.mark.parametrize(
        ("period", "code"),
        [("2026S1C", "cutoff_period"), ("202601", "period_not_available"),
         ("2026Q1", "bad_period"), ("1999", "bad_period")],
    )  # fmt: skip
    @pytest.mark.parametrize("url", [DVS, ADX])
    def test_bad_period_422_with_a_stable_code(self, world, url, period, code):
        response = get(world["statistician"], url, unit="51", period=period)
        assert response.status_code == 422
        assert response.json()["code"] == code
        assert not exported().exists()

    def test_missing_parameters_422(self, world):
        response = get(world["statistician"], DVS, unit="51")
        assert response.status_code == 422
        assert response.json()["code"] == "validation_error"

    def test_anonymous_401(self, world):
        assert Client().get(DVS, {"unit": "51", "period": "2026S1"}).status_code == 401
        assert Client().get(META).status_code == 401
        assert not exported().exists()


def test_a_national_statistician_exports_the_nation(world, agencies):
    from gbvms.orgs.models import Membership

    Membership.objects.create(
        user=world["statistician"], agency=agencies["province"], role="statistician",
        scope_unit=None,
    )  # fmt: skip
    response = get(world["statistician"], DVS, unit="VN", period="2026S1")
    assert response.status_code == 200
    assert response.json()["orgUnit"] == "VN"
    assert get(world["statistician"], DVS, unit="01", period="2026S1").status_code == 200
