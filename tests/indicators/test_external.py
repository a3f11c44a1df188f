"""External and survey values: entered with provenance, served with the figure they complete."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gbvms.indicators.external import external_value_set
from gbvms.indicators.models import ExternalValue, Indicator
from tests.indicators.test_api_values import put


def r05():
    return Indicator.objects.get(code="R05")


@pytest.mark.django_db
class TestExternalValues:
    def test_r05_is_the_proxy_over_the_entered_denominator(self, personas, as_user):
        external_value_set(actor=personas["statistician"], indicator=r05(), unit_path="/51/",
                           period="2026", value=Decimal(400), source="Điều tra quốc gia 2019",
                           source_year=2019, method="tỷ lệ × dân số")  # fmt: skip
        put("R05", "/51/", "2026", 100)
        body = as_user(personas["statistician"]).get(
            "/api/v1/indicators/R05/values?unit=51&period=2026").json()  # fmt: skip
        assert (body["numerator"], body["denominator"], body["value"]) == (100, 400, 25.0)
        assert body["sources"] == [{"role": "denominator", "source": "Điều tra quốc gia 2019",
                                    "source_year": 2019, "method": "tỷ lệ × dân số"}]  # fmt: skip

    def test_a_yearly_denominator_does_not_complete_a_half_year(self, personas, as_user):
        external_value_set(actor=personas["statistician"], indicator=r05(), unit_path="/51/",
                           period="2026", value=Decimal(400), source="Điều tra quốc gia 2019",
                           source_year=2019)  # fmt: skip
        put("R05", "/51/", "2026S1", 60)
        body = as_user(personas["statistician"]).get(
            "/api/v1/indicators/R05/values?unit=51&period=2026S1").json()  # fmt: skip
        assert (body["numerator"], body["denominator"], body["value"]) == (60, None, None)
        assert body["sources"] == []

    def test_sdg_value_is_served_as_entered(self, personas, as_user):
        sdg = Indicator.objects.get(code="X01")
        external_value_set(actor=personas["statistician"], indicator=sdg, unit_path="/51/",
                           period="2026", value=Decimal("18.5"), role="value",
                           source="Điều tra BLGĐ 2019", source_year=2019)  # fmt: skip
        body = as_user(personas["statistician"]).get(
            "/api/v1/indicators/X01/values?unit=51&period=2026").json()  # fmt: skip
        assert (body["numerator"], body["value"]) == (None, 18.5)

    @pytest.mark.parametrize(
        ("code", "period", "role", "value", "source", "year", "field"),
        [
            ("R02", "2026", "denominator", 5, "Nguồn rõ ràng", 2019, "indicator"),
            ("R05", "2026S1", "denominator", 5, "Nguồn rõ ràng", 2019, "year"),
            ("R05", "2026", "denominator", -1, "Nguồn rõ ràng", 2019, "value"),
            ("R05", "2026", "denominator", 5, "?", 2019, "source"),
            ("R05", "2026", "denominator", 5, "Nguồn rõ ràng", 1800, "source_year"),
            ("X01", "2026", "value", 150, "Nguồn rõ ràng", 2019, "value"),
        ],
    )
    def test_bad_input_is_refused_by_field(self, personas, code, period, role, value, source,
                                           year, field):  # fmt: skip
        with pytest.raises(ValidationError) as exc:
            external_value_set(actor=personas["statistician"],
                               indicator=Indicator.objects.get(code=code), unit_path="/51/",
                               period=period, value=Decimal(value), source=source,
                               source_year=year, role=role)  # fmt: skip
        assert field in exc.value.message_dict
        assert not ExternalValue.objects.exists()

    def test_only_editors_within_scope(self, personas):
        for who, path in (("worker_a", "/51/"), ("statistician", "/01/"), ("statistician", "/")):
            with pytest.raises(PermissionDenied):
                external_value_set(actor=personas[who], indicator=r05(), unit_path=path,
                                   period="2026", value=Decimal(1), source="Nguồn rõ ràng",
                                   source_year=2019)  # fmt: skip
        assert not ExternalValue.objects.exists()

    def test_page_lists_and_enters(self, personas, as_user):
        client = as_user(personas["officer"])
        page = client.get("/indicators/external/")
        assert page.status_code == 200
        assert "Chưa có số liệu nào" in page.content.decode()
        bad = client.post("/indicators/external/", {"indicator": "R05", "unit": "99",
                                                    "year": 2026, "role": "denominator",
                                                    "value": "10", "source": "Điều tra 2019",
                                                    "source_year": 2019})  # fmt: skip
        assert "Không có đơn vị với mã này" in bad.content.decode()
        ok = client.post("/indicators/external/", {"indicator": "R05", "unit": "51",
                                                   "year": 2026, "role": "denominator",
                                                   "value": "10", "source": "Điều tra 2019",
                                                   "source_year": 2019})  # fmt: skip
        assert ok.status_code == 302
        listed = client.get("/indicators/external/").content.decode()
        assert "Điều tra 2019" in listed
        assert "Tỉnh Quảng Ngãi" in listed
        assert as_user(personas["worker_a"]).get("/indicators/external/").status_code == 403
        viewer = as_user(personas["statistician"]).get("/indicators/external/")
        assert viewer.status_code == 200


@pytest.mark.django_db
def test_the_pages_bulk_reader_follows_the_same_rule(personas):
    from gbvms.indicators import pages
    from gbvms.indicators.selectors import version_current

    external_value_set(actor=personas["statistician"], indicator=r05(), unit_path="/51/",
                       period="2026", value=Decimal(400), source="Điều tra quốc gia 2019",
                       source_year=2019)  # fmt: skip
    version = version_current("R05")
    found = pages.external_denominators([version], ["/51/"], ["2026", "2026S1", "2026S2", "2026C"])
    assert found == {(version.indicator_id, "/51/", "2026"): 400,
                     (version.indicator_id, "/51/", "2026C"): 400}  # fmt: skip
