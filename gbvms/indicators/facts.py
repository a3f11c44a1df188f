"""Facts: what the indicator definitions read, derived from a case's records.

``case_facts(case_ids)`` reads every record of the given cases in a fixed number of queries and
returns unsaved ``Fact`` rows; ``facts_refresh(case_ids)`` replaces the stored ones and returns the
(leaf unit, year) keys touched before AND after (so a case that moved commune or period marks both).

Rules (REPORTING §A.1): the attributed unit is the commune of the case's first incident, else the
case's own commune; the period is placed by detection time (closures by closure time, referrals by
sending time, no-contact requests by request time); duplicates and non-GBV cases are left out;
age is age at the incident (recorded age, else the year of birth), else at detection.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from gbvms.cases.models import (
    Case,
    Incident,
    Intervention,
    Need,
    Perpetrator,
    ProtectiveMeasure,
    ServiceRecord,
)
from gbvms.indicators import periods
from gbvms.indicators.models import Fact

GBV6 = {"rape": "RAPE", "sexual_assault": "SEXASLT", "physical_assault": "PHYS",
        "forced_marriage": "FMAR", "denial_of_resources": "DENIAL",
        "psychological_abuse": "PSYCH"}  # fmt: skip
SEX = {"female": "F", "male": "M"}
DV_RELATIONSHIPS = {"family", "divorced", "cohabiting"}
DVFORM = {"the_chat": "THANTHE", "tinh_than": "TINHTHAN", "tinh_duc": "TINHDUC",
          "kinh_te": "KINHTE"}  # fmt: skip
AGE_P = {"0-11": "0_11", "12-17": "12_17", "18-25": "18_25", "26-40": "26_40",
         "41-60": "41_60", "61+": "61P"}  # fmt: skip
# the ESP sectors (DOMAIN §3.1): every need kind but education
BASIC = {"safety", "health", "psychosocial", "legal", "shelter", "economic"}
SELF_CHANNELS = {"self_referral", "hotline", "public_web"}
HANDLING = {"community_criticism": "CRITIC", "behaviour_change": "EDUC",
            "admin_sanction": "FINE", "criminal": "CRIMINAL"}  # fmt: skip
NO_CONTACT = {"no_contact_commune", "no_contact_court"}
SERIOUS_RISK = {"high", "extreme"}
MET = {"provided", "already"}


def province_of(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return f"/{parts[0]}/" if parts else "/"


def _ctx(incident: dict[str, Any] | None) -> list[str]:
    if not incident:
        return ["OTHER"]
    found = []
    if incident["dv_relationship"] in DV_RELATIONSHIPS:
        found.append("DV")
    context = set(incident["context"] or [])
    flags = set(incident["context_flags"] or [])
    if "intimate_partner_violence" in context:
        found.append("IPV")
    if flags & {"workplace_quid_pro_quo", "workplace_hostile"}:
        found.append("WORK")
    if "school_violence" in flags:
        found.append("SCHOOL")
    if "online_violence" in flags:
        found.append("ONLINE")
    if "trafficking" in flags or "possible_sexual_slavery" in context:
        found.append("TRAFF")
    if "early_marriage" in context or "forced_marriage_foreigner" in flags:
        found.append("CHMAR")
    return found or ["OTHER"]


def _eth(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().strip()
    if not plain:
        return "UNK"
    return "KINH" if plain.lower() in {"kinh", "viet", "dan toc kinh"} else "DTTS"


def age_band(age: int | None) -> str:
    if age is None:
        return "UNK"
    if age < 16:
        return "LT16"
    return "Y16_59" if age < 60 else "GE60"


def _age(case: dict[str, Any], incident: dict[str, Any] | None) -> int | None:
    if incident and incident["age_at_incident"] is not None:
        return incident["age_at_incident"]
    birth = case["survivor__birth_year"]
    if not birth:
        return None
    when = incident["occurred_on"] if incident and incident["occurred_on"] else None
    year = when.year if when else timezone.localdate(case["detected_at"]).year
    return max(year - birth, 0)


class _Loaded:
    """Every record of a set of cases, grouped by case id (a fixed number of queries)."""

    def __init__(self, ids: list[int]) -> None:
        self.cases = list(
            Case.objects.unscoped()
            .filter(pk__in=ids)
            .values(
                "id", "survivor_id", "unit__path", "detected_at", "first_support_at", "status",
                "channel", "risk_level", "child_emergency_at", "closed_at", "closure_reason",
                "duplicate_of_id", "survivor__sex", "survivor__birth_year",
                "survivor__ethnicity", "survivor__disability",
            )
        )  # fmt: skip
        self.incidents = self._group(
            Incident.objects.unscoped()
            .filter(case_id__in=ids)
            .order_by("id")
            .values("id", "case_id", "unit__path", "occurred_on", "gbv_type", "context",
                    "context_flags", "dv_relationship", "violence_forms", "age_at_incident")
        )  # fmt: skip
        self.perps = self._group(
            Perpetrator.objects.unscoped()
            .filter(incident__case_id__in=ids)
            .order_by("id")
            .values("id", "incident_id", "incident__case_id", "sex", "age_group", "relationship"),
            key="incident__case_id",
        )
        self.interventions = self._group(
            Intervention.objects.unscoped()
            .filter(case_id__in=ids)
            .values("case_id", "perpetrator_id", "kind")
        )
        self.measures = self._group(
            ProtectiveMeasure.objects.unscoped()
            .filter(case_id__in=ids)
            .values("id", "case_id", "type__code", "requested_at", "decided_at", "decision")
        )
        self.services = self._group(
            ServiceRecord.objects.unscoped()
            .filter(case_id__in=ids)
            .values("case_id", "kind", "delivered_at")
        )
        self.needs = self._group(
            Need.objects.unscoped().filter(case_id__in=ids).values("case_id", "kind", "status")
        )
        from gbvms.referrals.models import Referral

        self.referrals = self._group(
            Referral.objects.unscoped()
            .filter(case_id__in=ids)
            .values(
                "id", "case_id", "sent_at", "respond_by", "accepted_at", "declined_at", "services"
            )
        )

    @staticmethod
    def _group(rows: Iterable[dict[str, Any]], key: str = "case_id") -> dict[int, list[dict]]:
        grouped: dict[int, list[dict]] = defaultdict(list)
        for row in rows:
            grouped[row[key]].append(row)
        return grouped


def _base(
    family: str, case_id: int, item_id: int, path: str, on: datetime.date, **dims: Any
) -> Fact:
    keys = periods.keys_for(on)
    return Fact(family=family, case_id=case_id, item_id=item_id, unit_path=path,
                prov=province_of(path), on=on, **keys, **dims)  # fmt: skip


class _CaseFacts:
    """The facts of one in-scope case."""

    def __init__(self, case: dict[str, Any], data: _Loaded, now: datetime.datetime) -> None:
        self.case, self.data, self.now = case, data, now
        cid = case["id"]
        self.incidents = data.incidents.get(cid, [])
        self.first = self.incidents[0] if self.incidents else None
        self.path = (self.first or {}).get("unit__path") or case["unit__path"]
        self.detected = timezone.localdate(case["detected_at"])
        self.age = _age(case, self.first)
        self.services = [s for s in data.services.get(cid, []) if s["delivered_at"] <= now]
        self.needs = data.needs.get(cid, [])
        self.person = {
            "sex": SEX.get(case["survivor__sex"], "X"),
            "age": age_band(self.age),
            "eth": _eth(case["survivor__ethnicity"]),
            "dis": "Y" if case["survivor__disability"] else "N",
        }
        self.gbv6 = GBV6.get((self.first or {}).get("gbv_type") or "", "UNK")

    def rows(self) -> list[Fact]:
        return [*self._case_rows(), *self._closure(), *self._perps(), *self._dv(),
                *self._referrals(), *self._no_contact()]  # fmt: skip

    def _flags(self) -> dict[str, Any]:
        case = self.case
        served = bool(self.services)
        declined = [n for n in self.needs if n["status"] == "declined"]
        refused = not served and (
            (bool(self.needs) and len(declined) == len(self.needs))
            or case["closure_reason"] == "survivor_request"
        )
        open_needs = [n for n in self.needs if n["status"] != "declined"]
        first = case["first_support_at"]
        emergency = case["child_emergency_at"]
        return {
            "hours": (first - case["detected_at"]).total_seconds() / 3600 if first else None,
            "child_serious": self.age is not None and self.age < 16
            and case["risk_level"] in SERIOUS_RISK,
            "refused": refused,
            "basic_service": any(s["kind"] in BASIC and s["delivered_at"] >= case["detected_at"]
                                 for s in self.services),
            "need": bool(self.needs) or served or bool(self.data.referrals.get(case["id"])),
            "served": served,
            "all_needs_met": (served or bool(open_needs))
            and all(n["status"] in MET for n in open_needs),
            "self_channel": case["channel"] in SELF_CHANNELS,
            "child_12h": bool(emergency)
            and emergency - case["detected_at"] <= datetime.timedelta(hours=12),
        }  # fmt: skip

    def _case_rows(self) -> list[Fact]:
        flags = self._flags()
        return [
            _base("case", self.case["id"], self.case["id"], self.path, self.detected,
                  person_id=self.case["survivor_id"], gbv6=self.gbv6, ctx=ctx,
                  **self.person, **flags)
            for ctx in _ctx(self.first)
        ]  # fmt: skip

    def _closure(self) -> list[Fact]:
        case = self.case
        if case["status"] != "closed" or not case["closed_at"]:
            return []
        on = timezone.localdate(case["closed_at"])
        return [_base("closure", case["id"], case["id"], self.path, on, gbv6=self.gbv6,
                      needs_met=case["closure_reason"] == "needs_met", **self.person)]  # fmt: skip

    def _handling(self) -> tuple[dict[int | None, set[str]], bool]:
        kinds: dict[int | None, set[str]] = defaultdict(set)
        for row in self.data.interventions.get(self.case["id"], []):
            kinds[row["perpetrator_id"]].add(row["kind"])
        no_contact = any(m["type__code"] in NO_CONTACT and m["decision"] == "granted"
                         for m in self.data.measures.get(self.case["id"], []))  # fmt: skip
        return kinds, no_contact

    def _perps(self) -> list[Fact]:
        kinds, no_contact = self._handling()
        incidents = {i["id"]: i for i in self.incidents}
        rows = []
        for perp in self.data.perps.get(self.case["id"], []):
            if perp["sex"] == "unknown" and perp["relationship"] == "stranger":
                continue  # identity unknown: not a detected perpetrator (REPORTING §A.1)
            done = kinds.get(perp["id"], set()) | kinds.get(None, set())
            incident = incidents.get(perp["incident_id"])
            for ctx in _ctx(incident):
                rows.append(_base(
                    "perp", self.case["id"], perp["id"], self.path, self.detected,
                    person_id=perp["id"], sex=SEX.get(perp["sex"], "X"),
                    age=AGE_P.get(perp["age_group"], "UNK"),
                    gbv6=GBV6.get((incident or {}).get("gbv_type") or "", "UNK"), ctx=ctx,
                    counselled="counselling" in done,
                    handled=bool(done & set(HANDLING)) or no_contact,
                    prosecuted="criminal" in done,
                ))  # fmt: skip
        return rows

    def _dv(self) -> list[Fact]:
        kinds, no_contact = self._handling()
        measures = {HANDLING[k] for done in kinds.values() for k in done if k in HANDLING}
        if no_contact:
            measures.add("NOCONTACT")
        rows = []
        for incident in self.incidents:
            if incident["dv_relationship"] not in DV_RELATIONSHIPS:
                continue
            path = incident["unit__path"] or self.path
            forms = [DVFORM[f] for f in incident["violence_forms"] or [] if f in DVFORM] or ["UNK"]
            perps = self.data.perps.get(self.case["id"], [])
            psexes = sorted(
                {SEX.get(p["sex"], "X") for p in perps if p["incident_id"] == incident["id"]}
            ) or ["X"]
            for form in forms:
                for psex in psexes:
                    rows.append(_base("dvinc", self.case["id"], incident["id"], path,
                                      self.detected, dvform=form, psex=psex,
                                      sex=self.person["sex"], age=self.person["age"]))  # fmt: skip
            for measure in sorted(measures):
                rows.append(_base("dvinc_measure", self.case["id"], incident["id"], path,
                                  self.detected, measure=measure))  # fmt: skip
        return rows

    def _referrals(self) -> list[Fact]:
        rows = []
        for ref in self.data.referrals.get(self.case["id"], []):
            answered = ref["accepted_at"] or ref["declined_at"]
            on = timezone.localdate(ref["sent_at"])
            for service in sorted(set(ref["services"] or [])) or [""]:
                rows.append(
                    _base(
                        "referral",
                        self.case["id"],
                        ref["id"],
                        self.path,
                        on,
                        service=service,
                        in_deadline=bool(answered) and answered <= ref["respond_by"],
                    )
                )
        return rows

    def _no_contact(self) -> list[Fact]:
        rows = []
        for m in self.data.measures.get(self.case["id"], []):
            if m["type__code"] != "no_contact_commune":
                continue
            decided = m["decided_at"] if m["decision"] in {"granted", "refused"} else None
            hours = (decided - m["requested_at"]).total_seconds() / 3600 if decided else None
            rows.append(_base("nocontact", self.case["id"], m["id"], self.path,
                              timezone.localdate(m["requested_at"]), hours=hours))  # fmt: skip
        return rows


def in_scope(case: dict[str, Any], first_incident: dict[str, Any] | None) -> bool:
    if case["duplicate_of_id"]:
        return False
    return not (first_incident and first_incident["gbv_type"] == "non_gbv")


def case_facts(case_ids: Iterable[int], now: datetime.datetime | None = None) -> list[Fact]:
    ids = list(case_ids)
    if not ids:
        return []
    data = _Loaded(ids)
    now = now or timezone.now()
    rows: list[Fact] = []
    for case in data.cases:
        incidents = data.incidents.get(case["id"], [])
        if in_scope(case, incidents[0] if incidents else None):
            rows.extend(_CaseFacts(case, data, now).rows())
    return rows


def _keys(rows: Iterable[tuple[str, datetime.date]]) -> set[tuple[str, int]]:
    return {(path, year) for path, on in rows for year in periods.groups_for(on)}


def facts_refresh(case_ids: Iterable[int]) -> set[tuple[str, int]]:
    """Replace the facts of ``case_ids``; the (leaf path, year) keys before and after."""
    ids = list(case_ids)
    old = Fact.objects.filter(case_id__in=ids)
    touched = _keys(old.values_list("unit_path", "on"))
    old.delete()
    rows = case_facts(ids)
    Fact.objects.bulk_create(rows, batch_size=2000)
    return touched | _keys((r.unit_path, r.on) for r in rows)
