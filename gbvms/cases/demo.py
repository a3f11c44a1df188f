"""Synthetic demo cases in the demo province: invented names, never real people.

``demo_cases_load`` tells about 18 months of case work in Quảng Ngãi (51): the stories come from
``demo_scenario.scenarios`` (pure data, shared with bench/), and every step goes through the real
service, by the demo persona who would do it, at the moment the story says. To stamp that
moment on the records the services date themselves (a referral's sending, a closure), the
clock is set to it while the step runs (``time_machine``, from requirements-dev.txt; without
it the steps are stamped with the time of loading and a line says so).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from gbvms.cases import services, services_care, services_measures
from gbvms.cases.demo_scenario import Scenario, scenarios
from gbvms.cases.models import Case, FollowUp, MeasureType
from gbvms.geo.models import AdminUnit
from gbvms.indicators import outbox
from gbvms.orgs.demo import AGENCIES
from gbvms.orgs.models import Agency, User

DEFAULT_CASES = 2000
# demo directory providers (gbvms/referrals/services_directory.py demo_directory_load)
PROVIDERS = {
    "ctxh": "Trung tâm Công tác xã hội tỉnh Quảng Ngãi (demo)",
    "police": "Công an tỉnh Quảng Ngãi — tiếp nhận tin báo (demo)",
    "legal": "Trợ giúp pháp lý tỉnh Quảng Ngãi (demo)",
}
DECLINE_REASON = "Cơ sở đã hết chỗ tiếp nhận, đề nghị chuyển nơi khác."
REFUSAL_REASON = "Chưa đủ căn cứ áp dụng biện pháp cấm tiếp xúc."
OUTCOME = "Đã cung cấp dịch vụ theo chuyển gửi."


def _clock() -> tuple[Callable[[datetime.datetime], Any], bool]:
    try:
        import time_machine
    except ImportError:  # production install: no history of timestamps
        return (lambda _at: contextlib.nullcontext()), False
    return (lambda at: time_machine.travel(at, tick=False)), True


@dataclass
class Cast:
    """The demo personas and records the steps are done by and with."""

    hotline: Any
    supervisor: Any
    provider: Any
    workers: dict[str, Any]  # commune code → its case worker
    communes: dict[str, AdminUnit]
    agencies: dict[str, Agency]  # orgs demo key → agency
    providers: dict[str, Any]  # PROVIDERS key → ServiceProvider
    no_contact: MeasureType

    @classmethod
    def load(cls) -> Cast:
        from gbvms.orgs.models import Membership
        from gbvms.referrals.models import ServiceProvider

        users = {u.username: u for u in User.objects.filter(
            username__in=["hotline", "supervisor", "provider"])}  # fmt: skip
        workers = {
            m.scope_unit.code: m.user
            for m in Membership.objects.filter(role="case_worker", is_active=True)
            .select_related("scope_unit", "user")
            .order_by("user__username")
        }
        names = {key: name for key, name, *_rest in AGENCIES}
        by_name = {a.name: a for a in Agency.objects.filter(name__in=names.values())}
        communes = AdminUnit.objects.current().filter(level="commune", path__startswith="/51/")
        return cls(
            hotline=users["hotline"],
            supervisor=users["supervisor"],
            provider=users["provider"],
            workers=workers,
            communes={c.code: c for c in communes.select_related("parent")},
            agencies={key: by_name[name] for key, name in names.items()},
            providers={
                key: ServiceProvider.objects.get(name=name) for key, name in PROVIDERS.items()
            },
            no_contact=MeasureType.objects.get(code="no_contact_commune"),
        )

    def worker(self, commune: str) -> Any:
        return self.workers.get(commune, self.supervisor)


class _Apply:
    """Applies one scenario through the services, step by step at its moments."""

    def __init__(self, s: Scenario, cast: Cast, travel: Callable[[datetime.datetime], Any]):
        self.s, self.cast, self.travel = s, cast, travel
        self.actor = cast.worker(s.commune)
        self.case: Case | None = None
        self.referrals: dict[int, Any] = {}  # index in s.referrals → Referral
        self.measure: Any = None
        self.until = timezone.now()  # the clock never goes past the real now

    @contextlib.contextmanager
    def at(self, when: datetime.datetime) -> Iterator[None]:
        with self.travel(min(max(when, self.s.opened_at), self.until)):
            yield

    def run(self) -> Case:
        self._open()
        for when, _order, step in sorted(self._steps(), key=lambda x: (x[0], x[1])):
            with self.at(when):
                step()
        return self.case  # type: ignore[return-value]

    def _steps(self) -> list[tuple[datetime.datetime, int, Callable[[], Any]]]:
        """Every step after the intake: (moment, order among equal moments, action)."""
        s = self.s
        steps: list[tuple[datetime.datetime, int, Callable[[], Any]]] = []
        if s.risk_at:
            steps.append((s.risk_at, 0, self._risk))
        steps += [(x.at, 2, lambda x=x: self._service(x)) for x in s.services]
        for i, ref in enumerate(s.referrals):
            steps.append((ref.sent_at, 3, lambda i=i: self._refer(i)))
            if ref.answered_at:
                steps.append((ref.answered_at, 4, lambda i=i: self._answer(i)))
            if ref.completed_at:
                steps.append((ref.completed_at, 5, lambda i=i: self._complete(i)))
        steps += [(x.at, 6, lambda x=x: self._intervene(x)) for x in s.interventions]
        if s.measure:
            steps.append((s.measure.requested_at, 7, self._measure_request))
            if s.measure.decided_at:
                steps.append((s.measure.decided_at, 8, self._measure_decide))
        steps += [(x.at, 9, lambda x=x: self._child(x)) for x in s.child_steps]
        for i, follow_up in enumerate(s.follow_ups):
            steps.append((follow_up.added_at, 10, lambda f=follow_up: self._follow_up(f)))
            if follow_up.done_at:
                steps.append((follow_up.done_at, 11, lambda i=i: self._follow_up_done(i)))
        if s.closure:
            steps.append((s.closure.at, 12, self._close))
        return steps

    def _open(self) -> None:
        s, cast = self.s, self.cast
        described = s.perpetrator.described
        intake = cast.hotline if s.channel == "hotline" else self.actor
        incident = services.IncidentData(
            occurred_on=s.occurred_on,
            answers=s.answers,
            relationships=[] if described else [s.perpetrator.relationship],
            violence_forms=s.violence_forms,
        )
        with self.at(s.opened_at):
            opened = services.case_open(
                actor=intake,
                survivor=services.SurvivorData(
                    full_name=s.survivor.full_name,
                    phone=s.survivor.phone,
                    birth_year=s.survivor.birth_year,
                    sex=s.survivor.sex,
                ),
                channel=s.channel,
                commune=cast.communes[s.commune],
                detected_at=s.detected_at,
                incident=incident,
                immediate_danger=s.immediate_danger,
            )
            case = self.case = opened.case
            if described:  # the perpetrator described, then the classification wizard
                p = s.perpetrator
                services.perpetrator_add(
                    actor=self.actor, case=case, relationship=p.relationship, sex=p.sex,
                    age_group=p.age_group, previous_incidents=p.previous_incidents,
                )  # fmt: skip
                incident.relationships = [p.relationship]
                services.incident_classify(actor=self.actor, case=case, data=incident)
            if s.dv_relationship:
                services.incident_legal_set(
                    actor=self.actor, case=case, relationship=s.dv_relationship,
                    dv_acts=s.dv_acts, context_flags=s.context_flags,
                )  # fmt: skip
            self._needs()

    def _needs(self) -> None:
        for kind, status in self.s.needs.items():
            services_care.need_set(actor=self.actor, case=self.case, kind=kind, status=status)

    def _risk(self) -> None:
        services_care.risk_assess(actor=self.actor, case=self.case, answers=self.s.risk_answers)

    def _service(self, item: Any) -> None:
        services_care.service_record(
            actor=self.actor, case=self.case, kind=item.kind, delivered_at=item.at,
            provider=self.cast.agencies[item.agency],
        )  # fmt: skip

    def _refer(self, index: int) -> None:
        ref = self.s.referrals[index]
        provider = self.cast.providers[ref.provider]
        adult = self.s.age >= services.CONSENT_ALONE_AGE
        services.consent_give(
            actor=self.actor, case=self.case, kind="sharing",
            given_by="survivor" if adult else "guardian", service_types=ref.services,
            provider_ids=[provider.pk],
        )  # fmt: skip
        from gbvms.referrals.services import referral_send

        self.referrals[index] = referral_send(
            actor=self.actor, case=self.case, provider=provider, services=ref.services,
            urgency=ref.urgency, visible_sections=["needs"],
        )  # fmt: skip

    def _answer(self, index: int) -> None:
        from gbvms.referrals import services as referrals

        record = self.referrals[index]
        if self.s.referrals[index].outcome == "declined":
            referrals.referral_decline(
                actor=self.cast.provider, referral=record, reason=DECLINE_REASON
            )
        else:
            referrals.referral_accept(actor=self.cast.provider, referral=record)

    def _complete(self, index: int) -> None:
        from gbvms.referrals.services import referral_complete

        referral_complete(actor=self.cast.provider, referral=self.referrals[index], outcome=OUTCOME)

    def _intervene(self, item: Any) -> None:
        perpetrator = self.case.incidents.first().perpetrators.order_by("pk").first()
        services_measures.intervention_record(
            actor=self.actor, case=self.case, kind=item.kind, done_on=item.on,
            perpetrator=perpetrator,
        )  # fmt: skip

    def _measure_request(self) -> None:
        m = self.s.measure
        self.measure = services_measures.measure_request(
            actor=self.actor, case=self.case, type=self.cast.no_contact,
            danger_to_life=self.s.risk_level == "extreme", requested_at=m.requested_at,
        )  # fmt: skip

    def _measure_decide(self) -> None:
        m = self.s.measure
        services_measures.measure_decide(
            actor=self.cast.supervisor, measure=self.measure, grant=m.decision == "granted",
            starts_at=m.starts_at, ends_at=m.ends_at,
            refusal_reason="" if m.decision == "granted" else REFUSAL_REASON,
        )  # fmt: skip

    def _child(self, step: Any) -> None:
        services_measures.child_step_record(
            actor=self.actor, case=self.case, step=step.step, at=step.at
        )

    def _follow_up(self, follow_up: Any) -> None:
        services_care.follow_up_add(actor=self.actor, case=self.case, due_on=follow_up.due_on)

    def _follow_up_done(self, index: int) -> None:
        rows = FollowUp.objects.unscoped().filter(case=self.case).order_by("pk")
        services_care.follow_up_done(actor=self.actor, follow_up=rows[index])

    def _close(self) -> None:
        closure = self.s.closure
        case = self.case
        case.refresh_from_db(fields=["version", "status"])
        services_care.case_close(
            actor=self.cast.supervisor, case=case, reason=closure.reason,
            version=case.version, explanation=closure.explanation,
        )  # fmt: skip


def apply_scenario(
    scenario: Scenario, cast: Cast, travel: Callable[[datetime.datetime], Any] | None = None
) -> Case:
    """Write one scenario through the services (the clock set to each step's moment)."""
    return _Apply(scenario, cast, travel or _clock()[0]).run()


def _mark_duplicate(case: Case, original: Case) -> None:
    """A second record of the same case: marked on the demo copy (no service marks it yet),
    and its indicator inputs marked dirty."""
    Case.objects.unscoped().filter(pk=case.pk).update(duplicate_of=original)
    outbox.mark_case(case.pk)


@transaction.atomic
def demo_cases_load(*, count: int = DEFAULT_CASES, seed: int = 2026) -> int:
    """Tell ``count`` synthetic case stories through the services (idempotent by count: the
    cases already in the province count towards it)."""
    from gbvms.referrals.services_directory import demo_directory_load

    existing = Case.objects.unscoped().filter(unit__path__startswith="/51/").count()
    if existing >= count:
        return 0
    demo_directory_load()  # the providers the referrals go to (idempotent)
    cast = Cast.load()
    travel, _exact = _clock()
    now = timezone.now().replace(microsecond=0)
    stories = scenarios(seed=seed, count=count, now=now, communes=sorted(cast.communes))
    written: dict[int, Case] = {}
    for index, story in enumerate(stories[existing:], start=existing):
        case = written[index] = _Apply(story, cast, travel).run()
        original = written.get(story.duplicate_of) if story.duplicate_of is not None else None
        if original is not None:
            _mark_duplicate(case, original)
    # the steps marked their cases at their own (past) moments: the backlog is as of now
    outbox.mark_case(*[case.pk for case in written.values()])
    return count - existing


def demo_lines(options: dict[str, object]) -> list[str]:
    count = options.get("cases")
    created = demo_cases_load(count=DEFAULT_CASES if count is None else int(count))  # type: ignore[call-overload]
    lines = [f"demo: {created} synthetic cases added (invented names only)"]
    if created and not _clock()[1]:
        lines.append("demo: time-machine is not installed: steps are dated at loading time")
    return lines
