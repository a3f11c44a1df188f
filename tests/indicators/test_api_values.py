"""The indicator API: catalogue, values, scoping and suppression by audience."""

from __future__ import annotations

import pytest

from gbvms.indicators.models import IndicatorValue, IndicatorVersion
from gbvms.indicators.worker import process_pending
from tests.conftest import make_agency, make_user
from tests.indicators.engine_data import open_case, serve


def put(code, path, period, n, d=None, disagg="", hidden=False, value=None):
    version = IndicatorVersion.objects.get(indicator__code=code, status="current")
    level = {0: "national", 1: "province"}.get(len([p for p in path.split("/") if p]), "commune")
    if value is None and d is not None:
        value = 100 * n / d if d else None
    return IndicatorValue.objects.create(
        version=version,
        unit_path=path,
        level=level,
        period=period,
        disagg=disagg,
        n=n,
        d=d,
        value=value if d is not None else n,
        hidden=hidden,
    )


@pytest.mark.django_db
class TestCatalogue:
    def test_lists_r01_to_r15(self, personas, as_user):
        body = as_user(personas["statistician"]).get("/api/v1/indicators").json()
        codes = [i["code"] for i in body["items"]]
        assert {f"R{n:02d}" for n in range(1, 16)} <= set(codes)
        r02 = next(i for i in body["items"] if i["code"] == "R02")
        assert (r02["kind"], r02["unit"], r02["version"]) == ("ratio", "person", 1)
        assert "sex" in r02["disaggregations"]
        assert ["sex", "age"] in r02["breakdowns"]
        assert r02["params"] == {"in_time_hours": 24, "child_serious_hours": 12}

    def test_forbidden_without_indicator_permission(self, personas, as_user):
        assert as_user(personas["worker_a"]).get("/api/v1/indicators").status_code == 403


@pytest.mark.django_db
class TestValues:
    def get(self, client, code="R02", **q):
        query = "&".join(f"{k}={v}" for k, v in q.items())
        return client.get(f"/api/v1/indicators/{code}/values?{query}")

    def test_shape_and_numbers(self, personas, as_user, province):
        put("R02", "/51/", "2026", 18, 25)
        put("R02", "/51/", "2026", 9, 12, disagg="SEX=F")
        put("R02", "/51/", "2026", 3, 6, disagg="SEX=M", hidden=True)
        body = self.get(
            as_user(personas["statistician"]), unit="51", period="2026", by="sex"
        ).json()
        assert body["indicator"] == "R02"
        assert body["unit"] == "51"
        assert body["period"] == "2026"
        assert (body["numerator"], body["denominator"], body["value"]) == (18, 25, 72.0)
        assert body["suppressed"] is False
        assert body["audience"] == "suppressed"
        items = {i["sex"]: i for i in body["breakdown"]}
        assert (items["F"]["numerator"], items["F"]["denominator"]) == (9, 12)
        assert items["M"] == {
            "sex": "M",
            "label": "Nam",
            "numerator": None,
            "denominator": None,
            "value": None,
            "suppressed": True,
        }
        assert items["X"]["numerator"] == 0
        assert items["X"]["suppressed"] is False
        assert "as_of" in body
        assert body["target"] is None

    def test_supervisor_reads_exact_numbers_of_their_cases(self, personas, as_user):
        put("R02", "/51/", "2026", 3, 6, disagg="SEX=M", hidden=True)
        body = self.get(as_user(personas["supervisor"]), unit="51", period="2026", by="sex").json()
        assert body["audience"] == "exact"
        items = {i["sex"]: i for i in body["breakdown"]}
        assert (items["M"]["numerator"], items["M"]["suppressed"]) == (3, False)

    def test_other_province_and_unknown_unit_look_the_same(self, personas, as_user, agencies):
        other = make_user("stat_hn", (agencies["other"], "statistician", agencies["other"].unit))
        client = as_user(other)
        hidden = self.get(client, unit="51", period="2026")
        missing = self.get(client, unit="99", period="2026")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == missing.json()

    def test_errors(self, personas, as_user):
        client = as_user(personas["statistician"])
        assert self.get(client, unit="51", period="2026X").json()["code"] == "bad_period"
        assert self.get(client, unit="51", period="202602").json()["code"] == (
            "period_not_available"
        )
        bad_by = self.get(client, unit="51", period="2026", by="religion")
        assert (bad_by.status_code, bad_by.json()["code"]) == (422, "breakdown_not_declared")
        level = self.get(client, unit="23293", period="2026", by="ethnicity")
        assert level.json()["code"] == "breakdown_level"
        assert self.get(client, code="R99", unit="51", period="2026").status_code == 404
        assert self.get(as_user(personas["worker_a"]), unit="51", period="2026").status_code == 403

    def test_computed_through_the_engine(self, personas, as_user, commune_a, agencies):
        worker = personas["worker_a"]
        cases = [open_case(worker, commune_a) for _ in range(6)]
        for case in cases[:5]:
            serve(worker, case, agencies["a"], hours=2)
        process_pending()
        body = self.get(as_user(personas["supervisor"]), unit="23293", period="2026S1").json()
        assert (body["numerator"], body["denominator"]) == (5, 6)
        # 5 of 6: D − N = 1 would reveal one person: hidden for the statistician
        stat = self.get(as_user(personas["statistician"]), unit="23293", period="2026S1").json()
        assert stat["suppressed"] is True
        assert stat["numerator"] is None
        assert make_agency
        assert IndicatorValue.objects.exists()
