"""The directory's "who serves this commune" reads a fixed number of queries, not two per
service (it runs in every service record, consent and referral)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gbvms.referrals.models import ReferralPathway
from gbvms.referrals.services_directory import next_on_pathway, providers_serving


@pytest.mark.django_db
def test_providers_serving_reads_the_pathways_once(network, commune_a, province):
    ReferralPathway.objects.create(
        province=province, service="shelter", provider_types=["trusted_address"]
    )
    with CaptureQueriesContext(connection) as queries:
        serving = providers_serving(commune_a)
    # active providers, their coverage, the province, its pathways: not 2 more per service
    assert len(queries.captured_queries) == 4
    names = [p.name for p in serving]
    assert names[:2] == ["Nhà tạm lánh của Trung tâm", "Địa chỉ tin cậy tỉnh"]
    assert set(names) == {"Nhà tạm lánh của Trung tâm", "Địa chỉ tin cậy tỉnh",
                          "Trợ giúp pháp lý tỉnh", "Tổng đài 111"}  # fmt: skip


@pytest.mark.django_db
def test_next_on_pathway_follows_the_province_pathway(network, commune_a, province):
    ReferralPathway.objects.create(
        province=province, service="psychosocial", provider_types=["hotline", "trusted_address"]
    )
    with CaptureQueriesContext(connection) as queries:
        after = next_on_pathway(network["shelter"], commune_a, ["psychosocial"])
    assert after == network["trusted"]  # the commune tier first, then the province's
    assert len(queries.captured_queries) == 4
