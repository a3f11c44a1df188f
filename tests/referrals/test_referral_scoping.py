"""Referrals, help requests, transfers and provider records are decided by the scoping kernel:
the sending side through the case, the receiving side through need-to-know."""

from __future__ import annotations

import pytest

from gbvms.cases import services_transfer
from gbvms.core import scoping
from gbvms.referrals import selectors, services, services_directory
from gbvms.referrals.models import HelpRequest, Referral, ServiceProvider
from gbvms.referrals.services_public import help_request_create


@pytest.fixture
def referral(case, consent, personas, network):
    return services.referral_send(
        actor=personas["worker_a"],
        case=case,
        provider=network["shelter"],
        services=["shelter"],
        urgency="urgent",
        visible_sections=["summary"],
    )


def _visible(user, permission):
    return set(Referral.objects.for_user(user, permission).values_list("pk", flat=True))


@pytest.mark.django_db
class TestReferralRule:
    def test_each_side_sees_it_through_its_own_permission(self, referral, personas, network):
        mine = {referral.pk}
        assert _visible(personas["worker_a"], "cases.view") == mine  # assigned to the case
        assert _visible(personas["supervisor"], "cases.supervise") == mine
        assert _visible(network["staff"], "referrals.receive") == mine  # the provider's staff
        assert _visible(network["staff"], "cases.view") == set()  # not the case itself
        for outsider in ("worker_b", "officer", "statistician", "admin", "national_admin"):
            for permission in ("cases.view", "cases.supervise", "referrals.receive"):
                assert _visible(personas[outsider], permission) == set(), (outsider, permission)

    def test_the_selectors_read_through_the_kernel(self, referral, personas, network):
        assert list(selectors.inbox(network["staff"])) == [referral]
        assert list(selectors.inbox(personas["worker_a"])) == []
        assert list(selectors.sent_for_cases(personas["worker_a"])) == [referral]
        assert list(selectors.sent_for_cases(network["staff"])) == []
        assert list(selectors.supervised_referrals(personas["supervisor"])) == [referral]
        assert list(selectors.supervised_referrals(network["staff"])) == [referral]
        assert list(selectors.supervised_referrals(personas["worker_b"])) == []

    def test_the_receiver_rule_is_one_function(self, referral, personas, network):
        assert selectors.referral_need_to_know(personas["worker_a"], "referrals.receive") is None
        assert selectors.referral_need_to_know(network["staff"], "cases.view") is None
        condition = selectors.referral_need_to_know(network["staff"], "referrals.receive")
        assert list(Referral.objects.unscoped().filter(condition)) == [referral]


@pytest.mark.django_db
class TestHelpRequestRule:
    def test_the_commune_inbox(self, personas, commune_a, agencies):
        item, _pin = help_request_create(kind="need_help", commune=commune_a, description="x")
        assert item.agency == agencies["a"]
        inbox = HelpRequest.objects.for_user(personas["worker_a"], "cases.intake")
        assert list(inbox) == [item]
        assert list(selectors.help_inbox(personas["worker_a"])) == [item]
        for outsider in ("worker_b", "officer", "admin", "supervisor"):
            assert not selectors.help_inbox(personas[outsider]).exists(), outsider
        assert not HelpRequest.objects.for_user(personas["worker_a"], "cases.view").exists()


@pytest.mark.django_db
class TestTransferRule:
    def test_both_agencies(self, case, personas, agencies):
        transfer = services_transfer.transfer_request(
            actor=personas["worker_a"], case=case, to_agency=agencies["b"], reason="Chuyển nơi ở"
        )
        assert list(services_transfer.transfers_inbox(personas["worker_b"])) == [transfer]
        assert list(services_transfer.transfers_inbox(personas["worker_a"])) == []
        from gbvms.cases.models import CaseTransfer

        for user in ("worker_a", "worker_b", "supervisor"):
            assert CaseTransfer.objects.for_user(personas[user], "cases.view").get() == transfer
        for user in ("officer", "admin", "statistician"):
            assert not CaseTransfer.objects.for_user(personas[user], "cases.view").exists()


@pytest.mark.django_db
class TestProviderRecords:
    def test_managed_providers_come_from_the_kernel(self, personas, network):
        everything = set(ServiceProvider.objects.values_list("pk", flat=True))
        national = services_directory.providers_in_scope(personas["national_admin"])
        assert set(national.values_list("pk", flat=True)) == everything
        province = services_directory.providers_in_scope(personas["admin"])
        assert network["hotline"] not in province  # its agency is in another province
        assert network["shelter"] in province
        assert not services_directory.providers_in_scope(personas["worker_a"]).exists()
        assert scoping.rule_for(ServiceProvider).permissions == frozenset({"orgs.manage"})
