"""Writes for cases: opening a case (quick intake), classification, consent."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.cases import classification, services_notify, timecheck
from gbvms.cases.audit import log_case
from gbvms.cases.changes import case_touch
from gbvms.cases.models import (
    Case,
    CaseAssignment,
    CaseSequence,
    Channel,
    Consent,
    ConsentKind,
    ContextFlag,
    DvAct,
    Incident,
    Perpetrator,
    Relationship,
    Report,
    ServiceCode,
    Sex,
    Survivor,
)
from gbvms.cases.selectors import Duplicates, case_duplicates
from gbvms.core import phones, scoping
from gbvms.core.crypto import blind_index
from gbvms.core.roles import roles_with
from gbvms.geo.models import AdminUnit
from gbvms.indicators import outbox
from gbvms.orgs.models import Agency, AgencyKind, Membership


@dataclass
class SurvivorData:
    full_name: str = ""
    phone: str = ""
    birth_year: int | None = None
    sex: str = "female"


@dataclass
class IncidentData:
    occurred_on: datetime.date | None = None
    answers: dict[str, bool] = field(default_factory=dict)
    relationships: list[str] = field(default_factory=list)
    exchange: bool = False
    abduction: bool = False
    harmful_traditional_practice: bool = False
    violence_forms: list[str] = field(default_factory=list)


@dataclass
class Opened:
    case: Case
    duplicates: Duplicates


def _next_code(province: AdminUnit, year: int) -> str:
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(
        province_code=province.code, year=year
    )
    CaseSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db(fields=["last"])
    return f"{province.code}-{year}-{sequence.last:06d}"


def _owner_and_workers(actor: Any, commune: AdminUnit) -> tuple[Agency, list[Any]]:
    """Who owns a new case: the intake worker's agency when they manage cases there, otherwise
    the agency of the commune whose case workers cover it (a hotline intake)."""
    mine = Membership.objects.filter(user=actor, is_active=True, agency__is_active=True)
    for membership in mine.select_related("agency", "scope_unit"):
        scope_path = membership.scope_unit.path if membership.scope_unit else scoping.NATIONAL
        if membership.role == "case_worker" and commune.path.startswith(scope_path):
            return membership.agency, [actor]
    local = (
        Membership.objects.filter(
            role="case_worker", is_active=True, scope_unit=commune, agency__is_active=True
        )
        .select_related("agency", "user")
        .order_by("agency_id", "user__username")
    )
    workers = [m for m in local if m.user.is_active]
    if workers:
        agency = workers[0].agency
        return agency, [m.user for m in workers if m.agency_id == agency.pk]
    fallback = mine.filter(role__in=roles_with("cases.intake")).first()
    if fallback is None:
        raise ValidationError({"commune": _("Không có cơ quan nào tiếp nhận vụ việc ở xã này.")})
    return fallback.agency, []


# The intake channel a role or an agency implies (the default of the intake page and API).
ROLE_CHANNELS = {"hotline_operator": Channel.HOTLINE}
AGENCY_CHANNELS = {
    AgencyKind.POLICE: Channel.POLICE,
    AgencyKind.HEALTH: Channel.HEALTH_FACILITY,
    AgencyKind.EDUCATION: Channel.SCHOOL,
}


def intake_channel_default(actor: Any) -> str:
    """The channel of the actor's intake memberships when they all imply the same one: a
    hotline operator's intake is a hotline intake; a police officer's, the police. Else ''."""
    memberships = Membership.objects.filter(
        user=actor, is_active=True, role__in=roles_with("cases.intake")
    ).select_related("agency")
    channels = {
        ROLE_CHANNELS.get(m.role) or AGENCY_CHANNELS.get(m.agency.kind, "") for m in memberships
    }
    return channels.pop() if len(channels) == 1 else ""


def _survivor(data: SurvivorData) -> Survivor:
    phone = phones.normalise_field(data.phone, "phone")  # the index sees one form of a number
    survivor = Survivor(
        full_name=data.full_name.strip(),
        phone=phone,
        birth_year=data.birth_year,
        sex=data.sex,
        name_index=blind_index(data.full_name, kind="name"),
        phone_index=blind_index(phone, kind="phone"),
    )
    survivor.full_clean()
    survivor.save()
    return survivor


def _check_dates(
    detected_at: datetime.datetime, incident: IncidentData | None, birth_year: int | None
) -> None:
    timecheck.check_detection(detected_at, birth_year=birth_year)
    if incident and incident.occurred_on:
        timecheck.check_incident_day(
            incident.occurred_on, detected_at=detected_at, birth_year=birth_year
        )


@transaction.atomic
def case_open(
    *,
    actor: Any,
    survivor: SurvivorData,
    channel: str = "",
    commune: AdminUnit,
    detected_at: datetime.datetime,
    incident: IncidentData | None = None,
    immediate_danger: bool = False,
    safe_contact: str = "",
    request: HttpRequest | None = None,
) -> Opened:
    """Open a case (quick intake). The caller needs cases.intake over the commune. Without a
    channel, the actor's (``intake_channel_default``: a hotline operator's is the hotline)."""
    channel = channel or intake_channel_default(actor)
    if not channel:
        raise ValidationError(
            {"channel": ValidationError(_("Hãy chọn kênh tiếp nhận."), code="required")}
        )
    if commune.level != "commune" or not commune.is_current:
        raise ValidationError({"commune_code": _("Hãy chọn một xã, phường, đặc khu hiện hành.")})
    if not scoping.has_permission(actor, "cases.intake", commune.path):
        raise ValidationError({"commune_code": _("Xã này nằm ngoài phạm vi tiếp nhận của bạn.")})
    _check_dates(detected_at, incident, survivor.birth_year)
    agency, workers = _owner_and_workers(actor, commune)
    person = _survivor(survivor)
    case = Case(
        code=_next_code(commune.parent, detected_at.year),
        survivor=person,
        owning_agency=agency,
        unit=commune,
        channel=channel,
        detected_at=detected_at,
        immediate_danger=immediate_danger,
        safe_contact=safe_contact,
        created_by=actor,
    )
    case.full_clean()
    case.save()
    # a worker's own intake is theirs; anyone else's is offered to the commune's workers
    taken = {"accepted_at": case.created_at, "assigned_by": actor}
    CaseAssignment.objects.bulk_create(
        [CaseAssignment(case=case, user=w, **(taken if w == actor else {})) for w in workers]
    )
    if incident is not None:
        reported_on = timezone.localdate(detected_at)
        first = Incident(case=case, unit=commune, reported_on=reported_on)
        _incident_save(case, first, incident, person)
    outbox.mark_case(case.pk)  # an input of the indicators (REPORTING §G.3)
    log_case(
        "cases.case.created",
        actor=actor,
        case=case,
        request=request,
        changes={"channel": [None, channel]},
    )
    services_notify.case_new(case, actor=actor)  # the commune's staff, after commit
    duplicates = case_duplicates(user=actor, survivor=person, province_path=commune.parent.path)
    if duplicates.any:
        log_case("cases.case.possible_duplicate", actor=actor, case=case, request=request)
    return Opened(case=case, duplicates=duplicates)


def _age_at(survivor: Survivor, occurred_on: datetime.date | None) -> int | None:
    if survivor.birth_year is None or occurred_on is None:
        return None
    return max(occurred_on.year - survivor.birth_year, 0)


def _incident_save(case: Case, incident: Incident, data: IncidentData, survivor: Survivor) -> None:
    unknown = set(data.answers) - {q.code for q in classification.QUESTIONS}
    if unknown:
        raise ValidationError(
            {"answers": _("Câu hỏi không hợp lệ: %(q)s") % {"q": sorted(unknown)}}
        )
    bad = set(data.relationships) - set(classification.RELATIONSHIPS)
    if bad:
        raise ValidationError({"relationships": _("Quan hệ không hợp lệ.")})
    incident.occurred_on = data.occurred_on
    incident.answers = data.answers
    if data.violence_forms:
        incident.violence_forms = sorted(set(data.violence_forms))
    incident.age_at_incident = _age_at(survivor, data.occurred_on)
    incident.exchange, incident.abduction = data.exchange, data.abduction
    incident.harmful_traditional_practice = data.harmful_traditional_practice
    gbv_type = classification.classify_type(data.answers)
    incident.gbv_type = gbv_type or ""
    incident.context = (
        classification.derive_context(
            gbv_type,
            age_at_incident=incident.age_at_incident,
            relationships=data.relationships,
            exchange=data.exchange,
            abduction=data.abduction,
            harmful_traditional_practice=data.harmful_traditional_practice,
        )
        if gbv_type
        else []
    )
    if data.occurred_on:
        timecheck.check_incident_day(
            data.occurred_on, detected_at=case.detected_at, birth_year=survivor.birth_year
        )
        days = (incident.reported_on - data.occurred_on).days
        if days < 0:
            raise ValidationError({"occurred_on": _("Ngày xảy ra sau ngày trình báo.")})
        incident.reporting_bucket = classification.reporting_bucket(days)
    incident.full_clean()
    incident.save()
    _perpetrators_sync(incident, data.relationships)


def _described(person: Perpetrator, handled: set[int]) -> bool:
    """Whether a perpetrator carries more than the classifier's relationship."""
    return bool(
        person.age_group
        or person.occupation
        or person.previous_incidents
        or person.sex not in {"", Sex.UNKNOWN}
        or person.pk in handled
    )


def _perpetrators_sync(incident: Incident, relationships: list[str]) -> None:
    """The classifier's relationships, applied in place: a perpetrator of a listed relationship
    stays as it is; one whose relationship is no longer listed takes a newly listed one (the
    same person, corrected), keeping its sex, age group, occupation, history and interventions;
    a bare one left over goes; a described one is never dropped."""
    wanted = list(dict.fromkeys(relationships))
    if not wanted:
        return  # no answer about relationships: nothing to change
    existing = list(incident.perpetrators.order_by("pk"))
    handled = set(
        incident.case.interventions.filter(perpetrator__isnull=False).values_list(
            "perpetrator_id", flat=True
        )
    )
    kept = {p.relationship for p in existing if p.relationship in wanted}
    missing = [r for r in wanted if r not in kept]
    for person in [p for p in existing if p.relationship not in wanted]:
        if missing:
            person.relationship = missing.pop(0)
            person.save(update_fields=["relationship"])
        elif not _described(person, handled):
            person.delete()
    Perpetrator.objects.bulk_create(
        [Perpetrator(incident=incident, relationship=r, sex=Sex.UNKNOWN) for r in missing]
    )


@transaction.atomic
def incident_classify(
    *, actor: Any, case: Case, data: IncidentData, request: HttpRequest | None = None
) -> Incident:
    """Store the wizard's answers and the derived type and context on the case's incident."""
    incident = case.incidents.first() or Incident(case=case, unit=case.unit)
    _incident_save(case, incident, data, case.survivor)
    case_touch(case)
    log_case(
        "cases.incident.classified",
        actor=actor,
        case=case,
        request=request,
        changes={"gbv_type": [None, incident.gbv_type]},
    )
    return incident


@transaction.atomic
def consent_give(
    *,
    actor: Any,
    case: Case,
    kind: str,
    given_by: str,
    service_types: list[str] | None = None,
    provider_ids: list[int] | None = None,
    exception_reason: str = "",
    approved_by: Any = None,
    expires_at: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    """Consent per purpose. A child under 16 cannot consent alone: a guardian does, or a recorded
    best-interest exception; a life-threatening exception needs a reason and a supervisor. A
    sharing consent names at least one service and one provider, each serving the case's
    commune (the same rule for the form and the API). ``expires_at``: blank until withdrawn."""
    _check_consent_scope(case, kind, service_types or [], provider_ids or [])
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(
            {"expires_at": _("Thời điểm hết hiệu lực phải ở tương lai.")}, code="expired"
        )
    _check_consent_giver(case, given_by, exception_reason, approved_by)
    consent = Consent(
        case=case,
        kind=kind,
        given_by=given_by,
        service_types=sorted(set(service_types or [])),
        provider_ids=sorted(set(provider_ids or [])),
        exception_reason=exception_reason.strip(),
        approved_by=approved_by,
        recorded_by=actor,
        expires_at=expires_at,
    )
    consent.full_clean()
    consent.save()
    case_touch(case)
    log_case(
        "cases.consent.given",
        actor=actor,
        case=case,
        request=request,
        changes={"consent": [None, consent.pk], "kind": [None, kind]},
    )
    return consent


CONSENT_ALONE_AGE = 16


def _check_consent_scope(
    case: Case, kind: str, service_types: list[str], provider_ids: list[int]
) -> None:
    from gbvms.referrals.services_directory import providers_serving

    errors: dict[str, str] = {}
    if set(service_types) - set(ServiceCode.values):
        errors["service_types"] = _("Loại dịch vụ không hợp lệ.")
    elif kind == ConsentKind.SHARING and not service_types:
        errors["service_types"] = _("Đồng ý chia sẻ phải nêu ít nhất một loại dịch vụ.")
    if kind != ConsentKind.SHARING and provider_ids:
        errors["provider_ids"] = _("Chỉ đồng ý chia sẻ mới gắn với cơ sở cụ thể.")
    elif kind == ConsentKind.SHARING and not provider_ids:
        errors["provider_ids"] = _("Đồng ý chia sẻ phải nêu ít nhất một cơ sở.")
    elif set(provider_ids) - {p.pk for p in providers_serving(case.unit)}:
        errors["provider_ids"] = _("Chỉ chọn được cơ sở trong danh bạ phục vụ xã của vụ việc.")
    if errors:
        raise ValidationError(errors)


def _check_consent_giver(case: Case, given_by: str, reason: str, approved_by: Any) -> None:
    year = case.survivor.birth_year
    age = case.detected_at.year - year if year else None
    if given_by == "survivor" and age is not None and age < CONSENT_ALONE_AGE:
        raise ValidationError(
            {"given_by": _("Trẻ em dưới 16 tuổi: cần cha mẹ, người giám hộ đồng ý hoặc ghi nhận "
                           "ngoại lệ vì lợi ích tốt nhất của trẻ.")},
        )  # fmt: skip
    if given_by in {"best_interest", "life_threat"} and len(reason.strip()) < 10:
        raise ValidationError({"exception_reason": _("Hãy ghi rõ lý do ngoại lệ.")})
    if given_by == "life_threat" and (
        approved_by is None or not scoping.has_permission(approved_by, "cases.supervise",
                                                          case.unit.path)
    ):  # fmt: skip
        raise ValidationError({"approved_by": _("Ngoại lệ đe dọa tính mạng cần người giám sát.")})


@transaction.atomic
def consent_withdraw(
    *, actor: Any, consent: Consent, request: HttpRequest | None = None
) -> Consent:
    """Withdrawal takes effect for future sharing; the record stays, with who and when."""
    now = timezone.now()
    updated = (
        Consent.objects.unscoped()
        .filter(pk=consent.pk, withdrawn_at__isnull=True)
        .update(withdrawn_at=now, withdrawn_by=actor)
    )
    if not updated:
        raise ValidationError(_("Sự đồng ý này đã được rút trước đó."), code="already_withdrawn")
    consent.refresh_from_db()
    case_touch(consent.case)
    log_case(
        "cases.consent.withdrawn",
        actor=actor,
        case=consent.case,
        request=request,
        changes={"consent": [consent.pk, None]},
    )
    from gbvms.referrals.access import access_end_for_case

    access_end_for_case(case=consent.case, actor=actor, request=request)  # and past sharing
    return consent


def applicable_dv_acts(relationship: str) -> set[str]:
    """DV acts that apply to a relationship (data: DvAct.applies_divorced/applies_cohabiting)."""
    acts = DvAct.objects.all()
    if relationship == Relationship.DIVORCED:
        acts = acts.filter(applies_divorced=True)
    elif relationship == Relationship.COHABITING:
        acts = acts.filter(applies_cohabiting=True)
    elif relationship != Relationship.FAMILY:
        return set()
    return set(acts.values_list("code", flat=True))


@transaction.atomic
def incident_legal_set(
    *, actor: Any, case: Case, relationship: str, dv_acts: list[str], context_flags: list[str],
    request: HttpRequest | None = None,
) -> Incident:  # fmt: skip
    """Record the DV acts (refusing acts that do not apply to the relationship) and flags."""
    incident = case.incidents.first() or Incident(case=case, unit=case.unit)
    wrong = set(dv_acts) - applicable_dv_acts(relationship)
    if wrong:
        raise ValidationError(
            {"dv_acts": _("Không áp dụng cho quan hệ này: %(acts)s")
             % {"acts": ", ".join(sorted(wrong))}},
            code="not_applicable",
        )  # fmt: skip
    unknown = set(context_flags) - set(ContextFlag.values)
    if unknown:
        raise ValidationError({"context_flags": _("Dấu hiệu không hợp lệ.")})
    incident.dv_relationship = relationship
    incident.dv_acts = sorted(set(dv_acts))
    incident.context_flags = sorted(set(context_flags))
    incident.full_clean()
    incident.save()
    case_touch(case)
    log_case(
        "cases.incident.legal_set",
        actor=actor,
        case=case,
        request=request,
        changes={"dv_acts": [None, incident.dv_acts]},
    )
    return incident


@transaction.atomic
def report_record(
    *, actor: Any, case: Case, received_by: str, channel: str,
    received_at: datetime.datetime, chair_notified_at: datetime.datetime | None = None,
    form03: dict[str, str] | None = None, request: HttpRequest | None = None,
) -> Report:  # fmt: skip
    """How the report was received; non-commune receivers must notify the commune chairman."""
    report = Report.objects.unscoped().filter(case=case).first() or Report(case=case)
    report.received_by, report.channel, report.received_at = received_by, channel, received_at
    report.chair_notified_at = chair_notified_at
    report.form03 = {k: v[:1000] for k, v in (form03 or {}).items()}
    if chair_notified_at and chair_notified_at < received_at:
        raise ValidationError({"chair_notified_at": _("Không thể trước thời điểm tiếp nhận.")})
    report.full_clean()
    report.save()
    case_touch(case)
    log_case(
        "cases.report.recorded",
        actor=actor,
        case=case,
        request=request,
        changes={"received_by": [None, received_by]},
    )
    return report


AGE_GROUPS = ["0-11", "12-17", "18-25", "26-40", "41-60", "61+", "unknown"]


@transaction.atomic
def perpetrator_add(
    *, actor: Any, case: Case, relationship: str, sex: str, age_group: str = "",
    occupation: str = "", previous_incidents: bool = False, request: HttpRequest | None = None,
) -> Perpetrator:  # fmt: skip
    """Add a perpetrator (any number) to the case's incident; no name is recorded."""
    incident = case.incidents.first()
    if incident is None:
        incident = Incident(
            case=case, unit=case.unit, reported_on=timezone.localdate(case.detected_at)
        )
        incident.full_clean()
        incident.save()
    if age_group and age_group not in AGE_GROUPS:
        raise ValidationError({"age_group": _("Nhóm tuổi không hợp lệ.")})
    person = Perpetrator(incident=incident, relationship=relationship, sex=sex,
                         age_group=age_group, occupation=occupation.strip(),
                         previous_incidents=previous_incidents)  # fmt: skip
    person.full_clean()
    person.save()
    case_touch(case)
    log_case("cases.perpetrator.added", actor=actor, case=case, request=request,
             changes={"relationship": [None, relationship]})  # fmt: skip
    return person
