import datetime

import pytest
from django.core.exceptions import ValidationError

from gbvms.cases import services
from gbvms.cases.models import DvAct, Report

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def case(personas, commune_a):
    return services.case_open(
        actor=personas["worker_a"], survivor=services.SurvivorData(), channel="police",
        commune=commune_a, detected_at=NOW,
    ).case  # fmt: skip


@pytest.mark.django_db
class TestDvActs:
    def test_sixteen_acts_are_data(self):
        assert DvAct.objects.count() == 16
        unverified = DvAct.objects.filter(lettering_verified=False)
        assert set(unverified.values_list("code", flat=True)) == {"n", "p", "q"}

    @pytest.mark.parametrize(
        ("relationship", "acts", "ok"),
        [
            ("family", ["a", "n", "o"], True),
            ("divorced", ["a", "b", "k", "q"], True),
            ("divorced", ["i"], False),  # forced sex is not listed between divorced persons
            ("cohabiting", ["a", "i", "m"], True),
            ("cohabiting", ["n"], False),
            ("not_family", ["a"], False),
        ],
    )
    def test_applicability(self, personas, case, relationship, acts, ok):
        call = lambda: services.incident_legal_set(  # noqa: E731
            actor=personas["worker_a"], case=case, relationship=relationship, dv_acts=acts,
            context_flags=["online_violence"],
        )  # fmt: skip
        if ok:
            assert call().dv_acts == sorted(acts)
        else:
            with pytest.raises(ValidationError):
                call()

    def test_rules_are_data(self, personas, case):
        DvAct.objects.filter(code="i").update(applies_divorced=True)
        incident = services.incident_legal_set(
            actor=personas["worker_a"], case=case, relationship="divorced", dv_acts=["i"],
            context_flags=[],
        )  # fmt: skip
        assert incident.dv_acts == ["i"]


@pytest.mark.django_db
class TestReport:
    def test_police_receipt_requires_chair_notification(self, personas, case):
        report = services.report_record(
            actor=personas["worker_a"], case=case, received_by="cong_an", channel="in_person",
            received_at=NOW,
        )  # fmt: skip
        assert report.chair_notification_required
        assert report.chair_notified_at is None
        commune = services.report_record(
            actor=personas["worker_a"], case=case, received_by="ubnd_xa", channel="in_person",
            received_at=NOW,
        )  # fmt: skip
        assert not commune.chair_notification_required
        assert Report.objects.unscoped().count() == 1

    def test_notification_cannot_precede_receipt(self, personas, case):
        with pytest.raises(ValidationError):
            services.report_record(
                actor=personas["worker_a"], case=case, received_by="tong_dai_111",
                channel="phone_sms", received_at=NOW,
                chair_notified_at=NOW - datetime.timedelta(hours=1),
            )  # fmt: skip


@pytest.mark.django_db
class TestConsentExceptions:
    def child_case(self, personas, commune_a, birth_year=2014):
        return services.case_open(
            actor=personas["worker_a"], survivor=services.SurvivorData(birth_year=birth_year),
            channel="school", commune=commune_a, detected_at=NOW,
        ).case  # fmt: skip

    def test_child_under_16_cannot_consent_alone(self, personas, commune_a):
        case = self.child_case(personas, commune_a)
        with pytest.raises(ValidationError):
            services.consent_give(actor=personas["worker_a"], case=case, kind="services",
                                  given_by="survivor")  # fmt: skip
        services.consent_give(actor=personas["worker_a"], case=case, kind="services",
                              given_by="guardian")  # fmt: skip

    def test_best_interest_exception_needs_a_reason(self, personas, commune_a):
        case = self.child_case(personas, commune_a)
        with pytest.raises(ValidationError):
            services.consent_give(actor=personas["worker_a"], case=case, kind="services",
                                  given_by="best_interest")  # fmt: skip
        consent = services.consent_give(
            actor=personas["worker_a"], case=case, kind="services", given_by="best_interest",
            exception_reason="Người giám hộ là người gây bạo lực",
        )  # fmt: skip
        assert consent.exception_reason.startswith("Người giám hộ")

    def test_life_threat_needs_a_supervisor(self, personas, case, agencies):
        from gbvms.referrals.models import ServiceProvider

        police = ServiceProvider.objects.create(
            agency=agencies["province"], name="Công an", type="police",
            services=["police_justice"], national=True,
        )  # fmt: skip
        names = {"service_types": ["police_justice"], "provider_ids": [police.pk]}
        with pytest.raises(ValidationError) as refused:
            services.consent_give(
                actor=personas["worker_a"], case=case, kind="sharing", given_by="life_threat",
                exception_reason="Đang bị đe dọa bằng dao", approved_by=personas["worker_a"],
                **names,
            )  # fmt: skip
        assert "approved_by" in refused.value.message_dict
        consent = services.consent_give(
            actor=personas["worker_a"], case=case, kind="sharing", given_by="life_threat",
            exception_reason="Đang bị đe dọa bằng dao", approved_by=personas["supervisor"],
            **names,
        )  # fmt: skip
        assert consent.approved_by == personas["supervisor"]
