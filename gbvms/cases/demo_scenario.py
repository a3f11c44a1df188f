"""The story of one synthetic case, as plain data: a pure function of a random generator, the
current time and the communes to draw from (no database, no Django), so the demo loader (through
the services, gbvms/cases/demo.py) and the bulk writers of bench/ tell the same stories.

Every time in a scenario lies between the case's detection and ``now``; a step that would fall
later is left out (a referral not yet answered, a follow-up not yet done, a case not yet closed).
Names are invented; nothing here is about a real person.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

# ruff: noqa: S311 (synthetic data, not security)

DAYS = 548  # 18 months of history
# The demo communes with their own case workers get a larger share of the cases.
LOCAL_COMMUNES = ("23293", "23401")
LOCAL_SHARE = 0.3
DUPLICATE_SHARE = 0.015
# Dates (incident, interventions, follow-up due days) are local days: Vietnam is UTC+7.
LOCAL = datetime.timezone(datetime.timedelta(hours=7))

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Y", "A",
          "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE_F = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Hồng", "Kim", "Thanh"]
MIDDLE_M = ["Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu"]
GIVEN_F = ["Lan", "Hoa", "Mai", "Hương", "Nhung", "Thảo", "Linh", "Hà", "Bích", "Dung", "H'Lin",
           "Y Nơ", "Trang", "Vân", "Yến", "Tuyết", "Phượng", "Loan", "Ngân", "Diệu"]  # fmt: skip
GIVEN_M = ["Nam", "Hùng", "Tuấn", "Long", "A Blong", "Phúc", "Khang", "Bình"]

MOBILE = ["090", "091", "093", "094", "096", "097", "098", "086", "088", "032", "035", "039",
          "077", "083"]  # fmt: skip
# GBVIMS types in the classifier's order (the first "yes" decides), with their weights;
# all "no" is not GBV.
TYPES = [("rape", 6), ("sexual_assault", 8), ("physical_assault", 40), ("forced_marriage", 3),
         ("denial_of_resources", 12), ("psychological_abuse", 25), ("non_gbv", 6)]  # fmt: skip
QUESTION_ORDER = [t for t, _w in TYPES if t != "non_gbv"]
CHANNELS = [("hotline", 20), ("police", 15), ("health_facility", 10), ("community", 20),
            ("self_referral", 14), ("trusted_address", 8), ("school", 4),
            ("social_work_centre", 6), ("public_web", 3)]  # fmt: skip
SEXUAL = {"rape", "sexual_assault"}
FORMS = {"physical_assault": "the_chat", "psychological_abuse": "tinh_than", "rape": "tinh_duc",
         "sexual_assault": "tinh_duc", "denial_of_resources": "kinh_te",
         "forced_marriage": "tinh_than"}  # fmt: skip
DV_ACTS = ["a", "b", "c", "e", "g", "h", "k", "l"]  # apply to every family relationship
DV_RELATIONSHIPS = {"intimate_partner": "family", "family_member": "family",
                    "caregiver": "family", "former_partner": "divorced"}  # fmt: skip
# the default risk checklist (migration 0002): critical and other factors
CRITICAL = ["threats_to_kill", "weapon", "strangulation", "fears_for_life"]
OTHER_FACTORS = ["escalation", "separation", "children_at_risk", "pregnant", "substance",
                 "controlling", "no_safe_place"]  # fmt: skip
RISK_YES = {
    "low": [],
    "medium": ["escalation", "controlling"],
    "high": ["escalation", "controlling", "separation"],  # + one critical
    "extreme": ["escalation"],  # + two criticals
}
NEEDS_OF_TYPE = {
    "rape": ["health", "psychosocial", "legal", "safety"],
    "sexual_assault": ["health", "psychosocial", "legal"],
    "physical_assault": ["health", "safety", "psychosocial", "legal", "shelter"],
    "forced_marriage": ["legal", "psychosocial", "shelter"],
    "denial_of_resources": ["economic", "legal", "psychosocial"],
    "psychological_abuse": ["psychosocial", "legal", "safety"],
    "non_gbv": ["psychosocial"],
}
# who delivers a kind of service (keys of gbvms/orgs/demo.py AGENCIES)
AGENCY_OF_SERVICE = {
    "health": ["yte"], "psychosocial": ["ctxh", "phunu"], "legal": ["tuphap", "congan"],
    "safety": ["congan", "phunu"], "shelter": ["ctxh", "phunu"], "economic": ["ctxh"],
    "education": ["giaoduc"],
}  # fmt: skip
# referral targets (keys of the demo directory, gbvms/cases/demo.py PROVIDERS): the provincial
# social work centre has a receiving user (answers); the others have none (stay unanswered)
REFERRAL_SERVICES = {"ctxh": ["psychosocial", "shelter", "economic_social"],
                     "police": ["police_justice"], "legal": ["legal_aid"]}  # fmt: skip
RESPONSE_HOURS = {"emergency": 1, "urgent": 24, "routine": 72}
CLOSURE_REASONS = [("needs_met", 66), ("survivor_request", 8), ("moved_away", 6),
                   ("transferred", 5), ("no_contact", 9), ("other", 5),
                   ("deceased", 1)]  # fmt: skip
NO_SERVICE_REASONS = {"survivor_request", "moved_away", "transferred", "no_contact", "deceased"}
HANDLING = [("community_criticism", 35), ("behaviour_change", 25), ("admin_sanction", 30),
            ("criminal", 10)]  # fmt: skip


@dataclass
class SurvivorSpec:
    full_name: str
    phone: str
    birth_year: int
    sex: str  # female | male


@dataclass
class PerpetratorSpec:
    relationship: str  # classification.RELATIONSHIPS
    sex: str  # male | female | unknown
    age_group: str  # services.AGE_GROUPS
    previous_incidents: bool
    described: bool  # recorded with perpetrator_add (else only the classifier's bare one)


@dataclass
class ServiceSpec:
    kind: str  # NeedKind
    agency: str  # key of orgs demo AGENCIES
    at: datetime.datetime


@dataclass
class ReferralSpec:
    provider: str  # key of REFERRAL_SERVICES
    services: list[str]
    urgency: str
    sent_at: datetime.datetime
    outcome: str  # pending | accepted | declined | completed
    answered_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None


@dataclass
class InterventionSpec:
    kind: str  # InterventionKind
    at: datetime.datetime  # recorded then; done on its local day

    @property
    def on(self) -> datetime.date:
        return local_day(self.at)


@dataclass
class MeasureSpec:
    type: str  # MeasureType code
    requested_at: datetime.datetime
    decision: str  # pending | granted | refused
    decided_at: datetime.datetime | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None


@dataclass
class ChildStepSpec:
    step: str  # emergency | plan
    at: datetime.datetime


@dataclass
class FollowUpSpec:
    added_at: datetime.datetime
    due_on: datetime.date
    done_at: datetime.datetime | None


@dataclass
class ClosureSpec:
    at: datetime.datetime
    reason: str  # services_care.CLOSURE_REASONS
    explanation: str = ""


@dataclass
class Scenario:
    commune: str  # NSO code of the commune
    detected_at: datetime.datetime
    opened_at: datetime.datetime  # when the intake was recorded (≥ detected_at)
    channel: str
    survivor: SurvivorSpec
    occurred_on: datetime.date
    answers: dict[str, bool]
    gbv_type: str  # what the classifier will derive from answers
    perpetrator: PerpetratorSpec
    violence_forms: list[str]
    dv_relationship: str  # "" when not a family relationship (no legal step)
    dv_acts: list[str]
    context_flags: list[str]
    immediate_danger: bool
    risk_at: datetime.datetime | None  # None: never assessed
    risk_answers: dict[str, bool]
    risk_level: str  # the level the default checklist gives (expected)
    needs: dict[str, str]  # kind → status recorded at risk_at/opened_at (planned|declined|…)
    services: list[ServiceSpec] = field(default_factory=list)
    referrals: list[ReferralSpec] = field(default_factory=list)
    interventions: list[InterventionSpec] = field(default_factory=list)
    measure: MeasureSpec | None = None
    child_steps: list[ChildStepSpec] = field(default_factory=list)
    follow_ups: list[FollowUpSpec] = field(default_factory=list)
    closure: ClosureSpec | None = None
    duplicate_of: int | None = None  # index of the original in the list (a second record)

    @property
    def age(self) -> int:
        return self.detected_at.year - self.survivor.birth_year

    @property
    def refused(self) -> bool:
        """An informed refusal: every need declined and no service."""
        return bool(self.needs) and not self.services and set(self.needs.values()) == {"declined"}

    def times(self) -> list[datetime.datetime]:
        """Every moment of the scenario (for checks: each ≥ detection and ≤ now)."""
        moments = [self.detected_at, self.opened_at]
        moments += [t for t in [self.risk_at] if t]
        moments += [s.at for s in self.services] + [c.at for c in self.child_steps]
        moments += [i.at for i in self.interventions]
        for r in self.referrals:
            moments += [t for t in (r.sent_at, r.answered_at, r.completed_at) if t]
        if self.measure:
            moments += [t for t in (self.measure.requested_at, self.measure.decided_at) if t]
        for f in self.follow_ups:
            moments += [t for t in (f.added_at, f.done_at) if t]
        if self.closure:
            moments.append(self.closure.at)
        return moments


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(LOCAL).date()


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p for p, _w in pairs], weights=[w for _p, w in pairs])[0]


def _hours(value: float) -> datetime.timedelta:
    return datetime.timedelta(hours=value)


def _survivor(rng: random.Random, detected: datetime.datetime, gbv_type: str) -> SurvivorSpec:
    female = rng.random() < (0.97 if gbv_type in SEXUAL else 0.88)
    band = rng.random()
    if band < 0.14 or (gbv_type in SEXUAL and band < 0.4):
        age = rng.randint(4, 17)
    elif band < 0.9:
        age = rng.randint(18, 59)
    else:
        age = rng.randint(60, 82)
    middle, given = (MIDDLE_F, GIVEN_F) if female else (MIDDLE_M, GIVEN_M)
    return SurvivorSpec(
        full_name=f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}",
        phone=f"{rng.choice(MOBILE)}{rng.randint(1000000, 9999999)}",
        birth_year=detected.year - age,
        sex="female" if female else "male",
    )


def _answers(gbv_type: str) -> dict[str, bool]:
    answers = {}
    for code in QUESTION_ORDER:
        answers[code] = code == gbv_type
        if code == gbv_type:
            break
    return answers


def _perpetrator(rng: random.Random, gbv_type: str, age: int) -> PerpetratorSpec:
    if gbv_type in SEXUAL:
        pairs = [("neighbour", 30), ("stranger", 20), ("family_member", 15),
                 ("intimate_partner", 15), ("teacher", 5 if age < 18 else 0),
                 ("employer_or_supervisor", 5), ("coworker", 5), ("other", 5)]  # fmt: skip
    elif gbv_type == "forced_marriage":
        pairs = [("family_member", 80), ("other", 20)]
    elif age < 18:
        pairs = [("family_member", 50), ("caregiver", 25), ("teacher", 10), ("neighbour", 15)]
    else:
        pairs = [("intimate_partner", 60), ("former_partner", 10), ("family_member", 20),
                 ("neighbour", 5), ("other", 5)]  # fmt: skip
    relationship = _weighted(rng, pairs)
    described = relationship != "stranger" and rng.random() < 0.85
    sex = ("male" if rng.random() < 0.9 else "female") if described else "unknown"
    group = rng.choice(["18-25", "26-40", "26-40", "41-60", "41-60", "61+", "12-17"])
    return PerpetratorSpec(
        relationship=relationship,
        sex=sex,
        age_group=group if described else "",
        previous_incidents=described and rng.random() < 0.3,
        described=described,
    )


def _risk(rng: random.Random) -> tuple[dict[str, bool], str]:
    level = _weighted(rng, [("low", 35), ("medium", 30), ("high", 25), ("extreme", 10)])
    yes = set(RISK_YES[level])
    if level == "high":
        yes.add(rng.choice(CRITICAL))
    elif level == "extreme":
        yes.update(rng.sample(CRITICAL, 2))
    return {code: code in yes for code in CRITICAL + OTHER_FACTORS}, level


class _Builder:
    """Draws one scenario step by step (each step sees the earlier ones)."""

    def __init__(self, rng: random.Random, now: datetime.datetime, communes: Sequence[str]):
        self.rng, self.now = rng, now
        local = [c for c in communes if c in LOCAL_COMMUNES]
        pick_local = local and rng.random() < LOCAL_SHARE
        self.commune = rng.choice(local) if pick_local else rng.choice(list(communes))

    def clip(self, at: datetime.datetime) -> datetime.datetime | None:
        """A moment that has happened already (else None: the step has not happened yet)."""
        return at if at <= self.now else None

    def build(self) -> Scenario:
        rng = self.rng
        days_ago = DAYS * rng.random() ** 1.15  # a little more recent activity
        hour = rng.choices(range(24), weights=[1] * 6 + [3] * 4 + [5] * 8 + [3] * 4 + [2] * 2)[0]
        day = (self.now - datetime.timedelta(days=days_ago)).replace(
            hour=hour, minute=rng.randint(0, 59), second=0, microsecond=0
        )
        detected = min(day, self.now - datetime.timedelta(minutes=30))
        gbv_type = _weighted(rng, TYPES)
        survivor = _survivor(rng, detected, gbv_type)
        age = detected.year - survivor.birth_year
        perp = _perpetrator(rng, gbv_type, age)
        dv = DV_RELATIONSHIPS.get(perp.relationship, "") if gbv_type != "non_gbv" else ""
        if dv == "divorced" and rng.random() < 0.5:
            dv = "family"
        flags = []
        if perp.relationship == "teacher":
            flags.append("school_violence")
        if perp.relationship in {"employer_or_supervisor", "coworker"} and gbv_type in SEXUAL:
            flags.append("workplace_hostile")
        if gbv_type != "non_gbv" and rng.random() < 0.05:
            flags.append("online_violence")
        forms = [FORMS[gbv_type]] if gbv_type in FORMS else []
        if forms and rng.random() < 0.3:
            forms.append("tinh_than")
        opened = min(detected + datetime.timedelta(minutes=rng.randint(5, 90)), self.now)
        scenario = Scenario(
            commune=self.commune,
            detected_at=detected,
            opened_at=opened,
            channel=_weighted(rng, CHANNELS),
            survivor=survivor,
            occurred_on=local_day(detected) - datetime.timedelta(days=int(rng.expovariate(1 / 6))),
            answers={c: False for c in QUESTION_ORDER}
            if gbv_type == "non_gbv"
            else _answers(gbv_type),
            gbv_type=gbv_type,
            perpetrator=perp,
            violence_forms=sorted(set(forms)),
            dv_relationship=dv,
            dv_acts=sorted(rng.sample(DV_ACTS, rng.randint(1, 3))) if dv else [],
            context_flags=flags,
            immediate_danger=rng.random() < 0.1,
            risk_at=None,
            risk_answers={},
            risk_level="",
            needs={},
        )
        self._care(scenario)
        return scenario

    def _care(self, s: Scenario) -> None:
        rng = self.rng
        if s.gbv_type != "non_gbv" and rng.random() < 0.92:
            s.risk_at = self.clip(s.opened_at + _hours(rng.uniform(0.1, 6)))
            if s.risk_at:
                s.risk_answers, s.risk_level = _risk(rng)
        kinds = NEEDS_OF_TYPE[s.gbv_type]
        chosen = [kinds[0]] + [k for k in kinds[1:] if rng.random() < 0.45]
        refusal = s.gbv_type != "non_gbv" and rng.random() < 0.08
        for kind in chosen:
            s.needs[kind] = "declined" if refusal or rng.random() < 0.06 else "planned"
        if not refusal and rng.random() < 0.03:
            s.needs["education"] = "unavailable"
        self._services(s)
        self._referrals(s)
        self._perpetrator_steps(s)
        self._child(s)
        self._follow_ups(s)
        self._closure(s)

    def _first_support_delay(self, s: Scenario) -> float:
        rng = self.rng
        serious_child = s.age < 18 and (s.immediate_danger or s.risk_level in {"high", "extreme"})
        if rng.random() < 0.12:  # late
            return rng.uniform(25, 24 * 6)
        if serious_child:
            return rng.uniform(0.3, 11)
        return min(rng.expovariate(1 / 5) + 0.2, 23.5)

    def _services(self, s: Scenario) -> None:
        rng = self.rng
        wanted = [k for k, status in s.needs.items() if status == "planned"]
        if not wanted:
            return
        at = s.opened_at + _hours(self._first_support_delay(s))
        for index, kind in enumerate(wanted):
            if index and rng.random() < 0.35:
                continue  # referred on or still planned
            when = self.clip(at + _hours(index * rng.uniform(2, 72)))
            if when:
                agency = rng.choice(AGENCY_OF_SERVICE[kind])
                s.services.append(ServiceSpec(kind=kind, agency=agency, at=when))

    def _referrals(self, s: Scenario) -> None:
        rng = self.rng
        if s.refused or s.gbv_type == "non_gbv" or rng.random() > 0.35:
            return
        provider = _weighted(rng, [("ctxh", 78), ("police", 14), ("legal", 8)])
        offered = REFERRAL_SERVICES[provider]
        services = [offered[0]] + [x for x in offered[1:] if rng.random() < 0.3]
        urgency = _weighted(rng, [("emergency", 10), ("urgent", 40), ("routine", 50)])
        sent = self.clip(s.opened_at + _hours(rng.uniform(1, 72)))
        if sent is None:
            return
        referral = ReferralSpec(provider, services, urgency, sent, "pending")
        s.referrals.append(referral)
        if provider != "ctxh":
            return  # nobody answers for this provider in the demo: it goes overdue
        limit = RESPONSE_HOURS[urgency]
        delay = rng.uniform(0.1, limit) if rng.random() < 0.75 else rng.uniform(limit, limit * 3)
        answered = self.clip(sent + _hours(delay))
        if answered is None or rng.random() < 0.08:
            return
        referral.answered_at = answered
        referral.outcome = "declined" if rng.random() < 0.2 else "accepted"
        if referral.outcome == "accepted" and rng.random() < 0.5:
            referral.completed_at = self.clip(answered + _hours(rng.uniform(4, 24 * 10)))
            if referral.completed_at:
                referral.outcome = "completed"

    def _perpetrator_steps(self, s: Scenario) -> None:
        rng = self.rng
        if not s.perpetrator.described or s.gbv_type == "non_gbv":
            return
        day = datetime.timedelta(days=1)
        if rng.random() < 0.6:
            at = self.clip(s.opened_at + day * rng.uniform(0.1, 30))
            if at:
                s.interventions.append(InterventionSpec("counselling", at))
        if rng.random() < 0.5:
            kind = "criminal" if s.gbv_type == "rape" else _weighted(rng, HANDLING)
            at = self.clip(s.opened_at + day * rng.uniform(1, 60))
            if at:
                s.interventions.append(InterventionSpec(kind, at))
        serious = s.risk_level in {"high", "extreme"} or s.immediate_danger
        if s.dv_relationship and serious and rng.random() < 0.45:
            self._no_contact(s)

    def _no_contact(self, s: Scenario) -> None:
        rng = self.rng
        requested = self.clip(s.opened_at + _hours(rng.uniform(1, 48)))
        if requested is None:
            return
        measure = MeasureSpec("no_contact_commune", requested, "pending")
        s.measure = measure
        roll = rng.random()
        if roll < 0.1:
            return  # left pending: overdue past the 12 h decision limit
        hours = rng.uniform(0.5, 11.5) if rng.random() < 0.85 else rng.uniform(13, 40)
        decided = self.clip(requested + _hours(hours))
        if decided is None:
            return
        measure.decided_at = decided
        if roll < 0.25:
            measure.decision = "refused"
        else:
            measure.decision = "granted"
            measure.starts_at = decided
            measure.ends_at = decided + datetime.timedelta(days=3)

    def _child(self, s: Scenario) -> None:
        rng = self.rng
        if s.age >= 18:
            return
        if s.immediate_danger or s.risk_level in {"high", "extreme"}:
            hours = rng.uniform(0.5, 11.5) if rng.random() < 0.85 else rng.uniform(13, 36)
            at = self.clip(s.detected_at + _hours(hours))
            if at:
                s.child_steps.append(ChildStepSpec("emergency", at))
        if rng.random() < 0.8:
            at = self.clip(s.detected_at + datetime.timedelta(days=rng.uniform(1, 9)))
            if at:
                s.child_steps.append(ChildStepSpec("plan", at))

    def _follow_ups(self, s: Scenario) -> None:
        rng = self.rng
        added = s.opened_at + _hours(rng.uniform(1, 24))
        if s.refused or self.clip(added) is None or rng.random() < 0.15:
            return
        for offset in (7, 30)[: rng.randint(1, 2)]:
            due = local_day(s.detected_at + datetime.timedelta(days=offset))
            done = s.detected_at + datetime.timedelta(days=offset, hours=rng.uniform(-30, 60))
            done = max(done, added + _hours(1))
            kept = rng.random() < 0.8
            s.follow_ups.append(FollowUpSpec(added, due, self.clip(done) if kept else None))

    def _closure_reason(self, s: Scenario) -> tuple[str, str]:
        """Why the case closes (a reason the closure checklist accepts for it)."""
        if s.gbv_type == "non_gbv":
            return "other", "Không phải bạo lực trên cơ sở giới; đã tư vấn."
        if s.refused:
            return "survivor_request", ""
        reason = _weighted(self.rng, CLOSURE_REASONS)
        if not s.services and reason not in NO_SERVICE_REASONS:
            return "no_contact", ""
        explanation = "Người bị hại đã ổn định, không cần hỗ trợ thêm." if reason == "other" else ""
        return reason, explanation

    def _closure(self, s: Scenario) -> None:
        rng = self.rng
        age_days = (self.now - s.detected_at).days
        chance = 0.8 if age_days > 90 else 0.45 if age_days > 30 else 0.1
        if rng.random() > chance:
            return
        reason, explanation = self._closure_reason(s)
        if s.gbv_type == "non_gbv" and not s.services:
            reason, explanation = "no_contact", ""
        if reason == "needs_met":  # every follow-up done first
            for follow_up in s.follow_ups:
                follow_up.done_at = follow_up.done_at or follow_up.added_at + _hours(
                    rng.uniform(24, 24 * 20)
                )
        at = self.clip(max(s.times()) + datetime.timedelta(days=rng.uniform(1, 25)))
        if at is None:  # not closed yet: the follow-ups not done by now stay open
            for follow_up in s.follow_ups:
                if follow_up.done_at and follow_up.done_at > self.now:
                    follow_up.done_at = None
            return
        s.closure = ClosureSpec(at, reason, explanation)


def case_scenario(rng: random.Random, now: datetime.datetime, communes: Sequence[str]) -> Scenario:
    """One case's story over the last 18 months: detection, type, survivor, perpetrator, risk,
    needs, services, referrals, interventions, measures, child steps, follow-ups, closure."""
    return _Builder(rng, now, communes).build()


def _duplicate(rng: random.Random, original: Scenario, index: int, now: datetime.datetime):
    """A second record of an earlier case's survivor a few days later: no care recorded."""
    detected = min(original.detected_at + datetime.timedelta(days=rng.uniform(0.5, 20)), now)
    return replace(
        original,
        detected_at=detected,
        opened_at=detected,
        channel="hotline",
        occurred_on=min(original.occurred_on, local_day(detected)),
        perpetrator=replace(original.perpetrator, described=False),
        dv_relationship="",
        dv_acts=[],
        risk_at=None,
        risk_answers={},
        risk_level="",
        needs={},
        services=[],
        referrals=[],
        interventions=[],
        measure=None,
        child_steps=[],
        follow_ups=[],
        closure=None,
        duplicate_of=index,
    )


def scenarios(
    *, seed: int, count: int, now: datetime.datetime, communes: Sequence[str]
) -> list[Scenario]:
    """``count`` scenarios, oldest detection first; about 1.5 % are duplicates of an earlier
    one (``duplicate_of`` is the original's index). Deterministic for a seed and ``now``."""
    rng = random.Random(seed)
    items = sorted(
        (case_scenario(rng, now, communes) for _ in range(count)), key=lambda s: s.detected_at
    )
    dup_count = round(count * DUPLICATE_SHARE) if count >= 20 else 0
    for index in sorted(rng.sample(range(1, count), dup_count)) if dup_count else []:
        original = rng.randrange(index)
        if items[original].duplicate_of is None:
            items[index] = _duplicate(rng, items[original], original, now)
    return items
