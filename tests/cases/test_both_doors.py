"""The rules that protect data live in the services, so the page and the API refuse the same
thing the same way, and nothing is stored."""

import datetime

import pytest
from django.utils import timezone

from gbvms.cases import services as case_services
from gbvms.cases.models import Case, Consent, ServiceRecord
from gbvms.core.models import AccessLog
from gbvms.referrals import services_public
from gbvms.referrals.models import HelpRequest, ProviderType, ServiceProvider

PROVIDER_OUT = "Cơ quan này không cung cấp dịch vụ ở địa bàn của vụ việc."
CONSENT_OUT = "Chỉ chọn được cơ sở trong danh bạ phục vụ xã của vụ việc."


@pytest.fixture
def case(personas, commune_a):
    return case_services.case_open(
        actor=personas["worker_a"],
        survivor=case_services.SurvivorData(full_name="Y Thị Lan", birth_year=1995),
        channel="self_referral",
        commune=commune_a,
        detected_at=timezone.now() - datetime.timedelta(hours=3),
    ).case


@pytest.fixture
def providers(agencies, commune_a, other_province):
    near = ServiceProvider.objects.create(
        agency=agencies["a"],
        name="Địa chỉ tin cậy phường Kon Tum",
        type=ProviderType.TRUSTED_ADDRESS,
        services=["shelter", "psychosocial"],
    )
    near.coverage.set([commune_a])
    far = ServiceProvider.objects.create(
        agency=agencies["other"],
        name="Nhà tạm lánh Hà Nội",
        type=ProviderType.SHELTER,
        services=["shelter"],
    )
    far.coverage.set([other_province])
    return {"near": near, "far": far}


def counts():
    return (
        ServiceRecord.objects.unscoped().count(),
        Consent.objects.unscoped().count(),
        HelpRequest.objects.unscoped().count(),
    )


def when(hours_ago: int) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(hours=hours_ago)).replace(second=0, microsecond=0)


def version(case) -> int:
    return Case._base_manager.get(pk=case.pk).version


def service_by_page(client, case, agency):
    return client.post(
        f"/cases/{case.code}/services/",
        {
            "case_version": version(case),
            "kind": "health",
            "delivered_at": timezone.localtime(when(1)).strftime("%Y-%m-%dT%H:%M"),
            "provider": agency.pk,
            "outcome": "",
        },
    )


def service_by_api(client, case, agency):
    return client.post(
        f"/api/v1/cases/{case.code}/services",
        {"kind": "health", "delivered_at": when(1).isoformat(), "provider_id": agency.pk},
        content_type="application/json",
    )


def consent_by_page(client, case, provider_ids, service_types=("shelter",)):
    return client.post(
        f"/cases/{case.code}/consents/",
        {
            "case_version": version(case),
            "kind": "sharing",
            "service_types": list(service_types),
            "provider_ids": list(provider_ids),
            "given_by": "survivor",
        },
    )


def consent_by_api(client, case, provider_ids, service_types=("shelter",)):
    return client.post(
        f"/api/v1/cases/{case.code}/consents",
        {
            "kind": "sharing",
            "service_types": list(service_types),
            "provider_ids": list(provider_ids),
            "given_by": "survivor",
        },
        content_type="application/json",
    )


def page_errors(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
class TestServiceProviderArea:
    def test_an_agency_of_another_province_is_refused_through_both_doors(
        self, personas, as_user, case, agencies
    ):
        client = as_user(personas["worker_a"])
        before = counts()
        page = service_by_page(client, case, agencies["other"])
        assert page.status_code == 400
        assert PROVIDER_OUT in page_errors(page)
        api = service_by_api(client, case, agencies["other"])
        assert api.status_code == 422
        assert api.json()["errors"]["provider"] == [PROVIDER_OUT]
        assert counts() == before
        assert not AccessLog.objects.unscoped().filter(action="cases.service.recorded").exists()

    def test_an_agency_of_the_province_is_accepted_through_both_doors(
        self, personas, as_user, case, agencies
    ):
        client = as_user(personas["worker_a"])
        assert service_by_page(client, case, agencies["province"]).status_code == 302
        assert service_by_api(client, case, agencies["b"]).status_code == 201
        assert ServiceRecord.objects.unscoped().filter(case=case).count() == 2

    def test_a_national_provider_serving_the_commune_counts(
        self, personas, as_user, case, agencies
    ):
        hotline = ServiceProvider.objects.create(
            agency=agencies["other"],
            name="Tổng đài 111",
            type=ProviderType.HOTLINE,
            services=["psychosocial"],
            national=True,
        )
        assert hotline.pk
        client = as_user(personas["worker_a"])
        assert service_by_api(client, case, agencies["other"]).status_code == 201
        assert service_by_page(client, case, agencies["other"]).status_code == 302


@pytest.mark.django_db
class TestConsentProviders:
    @pytest.mark.parametrize("which", ["unknown", "far"])
    def test_a_provider_not_serving_the_commune_is_refused_through_both_doors(
        self, personas, as_user, case, providers, which
    ):
        provider_id = 999999 if which == "unknown" else providers["far"].pk
        client = as_user(personas["worker_a"])
        before = counts()
        page = consent_by_page(client, case, [provider_id])
        assert page.status_code == 400
        assert CONSENT_OUT in page_errors(page)
        api = consent_by_api(client, case, [provider_id])
        assert api.status_code == 422
        assert api.json()["errors"]["provider_ids"] == [CONSENT_OUT]
        assert counts() == before
        assert not AccessLog.objects.unscoped().filter(action="cases.consent.given").exists()

    def test_a_provider_serving_the_commune_is_accepted_through_both_doors(
        self, personas, as_user, case, providers
    ):
        client = as_user(personas["worker_a"])
        assert consent_by_page(client, case, [providers["near"].pk]).status_code == 302
        assert consent_by_api(client, case, [providers["near"].pk]).status_code == 201
        assert (
            list(Consent.objects.unscoped().values_list("provider_ids", flat=True))
            == [[providers["near"].pk]] * 2
        )

    @pytest.mark.parametrize(
        ("provider_ids", "service_types", "field", "message"),
        [
            ([], ["shelter"], "provider_ids", "Đồng ý chia sẻ phải nêu ít nhất một cơ sở."),
            (None, [], "service_types", "Đồng ý chia sẻ phải nêu ít nhất một loại dịch vụ."),
        ],
    )
    def test_a_sharing_consent_names_a_provider_and_a_service(
        self, personas, as_user, case, providers, provider_ids, service_types, field, message
    ):
        ids = [providers["near"].pk] if provider_ids is None else provider_ids
        client = as_user(personas["worker_a"])
        before = counts()
        page = consent_by_page(client, case, ids, service_types)
        assert page.status_code == 400
        assert message in page_errors(page)
        api = consent_by_api(client, case, ids, service_types)
        assert api.status_code == 422
        assert api.json()["errors"][field] == [message]
        assert counts() == before

    def test_an_expiry_in_the_past_is_refused(self, personas, as_user, case, providers):
        client = as_user(personas["worker_a"])
        response = client.post(
            f"/api/v1/cases/{case.code}/consents",
            {
                "kind": "sharing",
                "service_types": ["shelter"],
                "provider_ids": [providers["near"].pk],
                "given_by": "survivor",
                "expires_at": when(1).isoformat(),
            },
            content_type="application/json",
        )
        assert response.status_code == 422
        assert "expires_at" in response.json()["errors"]
        assert not Consent.objects.unscoped().exists()


@pytest.mark.django_db
class TestStatusCheckLimit:
    """The status check by tracking code and PIN: one limit in the service for both doors."""

    def _request(self, commune_a):
        item, _pin = services_public.help_request_create(kind="need_help", commune=commune_a)
        return item.tracking_code

    def page(self, client, code):
        return client.post("/help/status/", {"tracking_code": code, "pin": "000000"}).status_code

    def api(self, client, code):
        return client.post(
            "/api/v1/public/help-requests/status",
            {"tracking_code": code, "pin": "000000"},
            content_type="application/json",
        ).status_code

    def test_the_page_and_the_api_share_the_limit_per_code(
        self, client, personas, commune_a, settings
    ):
        settings.PUBLIC_STATUS_CHECKS_PER_HOUR = 3
        code = self._request(commune_a)
        before = counts()
        assert [self.page(client, code), self.api(client, code), self.page(client, code)] == [
            200,
            404,
            200,
        ]
        assert [self.api(client, code), self.page(client, code)] == [429, 429]
        assert counts() == before

    def test_the_api_is_limited_per_address_like_the_page(
        self, client, personas, commune_a, settings
    ):
        settings.PUBLIC_STATUS_CHECKS_PER_HOUR = 2  # so 6 per address
        codes = [f"NOPE{i:06d}" for i in range(8)]
        assert [self.api(client, c) for c in codes[:6]] == [404] * 6
        assert self.api(client, codes[6]) == 429
        assert self.page(client, codes[7]) == 429
