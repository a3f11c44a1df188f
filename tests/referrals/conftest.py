import datetime

import pytest

from gbvms.cases import services as case_services
from gbvms.orgs.models import AgencyKind
from gbvms.referrals.models import ProviderType, ServiceProvider
from tests.conftest import make_agency, make_user


@pytest.fixture
def network(agencies, province, commune_a, commune_b):
    """A social work centre serving Phường Kon Tum, a provincial legal aid office and a shelter,
    a national hotline, and their staff."""
    centre = make_agency("Trung tâm Công tác xã hội tỉnh", province, AgencyKind.SERVICE_PROVIDER)
    justice = make_agency("Sở Tư pháp", province, AgencyKind.JUSTICE)
    shelter = ServiceProvider.objects.create(
        agency=centre,
        name="Nhà tạm lánh của Trung tâm",
        type=ProviderType.SOCIAL_WORK_CENTRE,
        services=["shelter", "psychosocial"],
        open_24_7=True,
        public_phone="0255 3811 222",
        internal_phone="0905 000 111",
        shelter_beds=10,
        shelter_occupied=4,
    )
    shelter.coverage.set([commune_a])
    trusted = ServiceProvider.objects.create(
        agency=agencies["province"],
        name="Địa chỉ tin cậy tỉnh",
        type=ProviderType.TRUSTED_ADDRESS,
        services=["shelter", "psychosocial"],
        open_24_7=True,
    )
    trusted.coverage.set([province])
    legal = ServiceProvider.objects.create(
        agency=justice,
        name="Trợ giúp pháp lý tỉnh",
        type=ProviderType.LEGAL_AID,
        services=["legal_aid"],
        hours={str(d): [["07:30", "17:00"]] for d in range(5)},
    )
    legal.coverage.set([province])
    hotline = ServiceProvider.objects.create(
        agency=agencies["other"],
        name="Tổng đài 111",
        type=ProviderType.HOTLINE,
        services=["psychosocial", "legal_aid"],
        national=True,
        open_24_7=True,
        public_phone="111",
    )
    staff = make_user("centre_staff", (centre, "provider_staff", province))
    manager = make_user("centre_manager", (centre, "case_supervisor", province))
    return {
        "shelter": shelter,
        "trusted": trusted,
        "legal": legal,
        "hotline": hotline,
        "staff": staff,
        "manager": manager,
        "centre": centre,
    }


@pytest.fixture
def case(personas, commune_a):
    return case_services.case_open(
        actor=personas["worker_a"],
        survivor=case_services.SurvivorData(
            full_name="Đinh Thị Hoa", phone="0912 345 678", birth_year=1990
        ),
        channel="hotline",
        commune=commune_a,
        detected_at=datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC),
    ).case


@pytest.fixture
def consent(case, personas, network):
    return case_services.consent_give(
        actor=personas["worker_a"],
        case=case,
        kind="sharing",
        given_by="survivor",
        service_types=["shelter", "psychosocial"],
        provider_ids=[network["shelter"].pk],
    )
