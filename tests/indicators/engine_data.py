"""A small hand-made world for the engine tests: every figure expected is computed by hand."""

from __future__ import annotations

import datetime

import time_machine

from gbvms.cases import services, services_care

T0 = datetime.datetime(2026, 2, 2, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Vietnam, 2026S1
LATER = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=datetime.UTC)
RAPE = {"rape": True}
PHYS = {"rape": False, "sexual_assault": False, "physical_assault": True}
NON_GBV = {q: False for q in ["rape", "sexual_assault", "physical_assault", "forced_marriage",
                              "denial_of_resources", "psychological_abuse"]}  # fmt: skip


def open_case(actor, commune, *, detected=T0, birth_year=1990, sex="female", answers=PHYS,
              channel="hotline", relationships=("intimate_partner",)):  # fmt: skip
    with time_machine.travel(detected, tick=False):
        return services.case_open(
            actor=actor,
            survivor=services.SurvivorData(
                full_name="Nguyễn Thị Thử", birth_year=birth_year, sex=sex
            ),
            channel=channel,
            commune=commune,
            detected_at=detected,
            incident=services.IncidentData(
                occurred_on=detected.date(), answers=answers, relationships=list(relationships)
            ),
        ).case


def serve(actor, case, agency, *, hours, kind="health"):
    when = case.detected_at + datetime.timedelta(hours=hours)
    with time_machine.travel(when + datetime.timedelta(minutes=1), tick=False):
        return services_care.service_record(
            actor=actor, case=case, kind=kind, delivered_at=when, provider=agency
        )
