"""A case as one document: the printed page and the JSON download read the same data.

Both are reads of identifying data and are written to the access log by their views.
"""

from __future__ import annotations

import datetime
from typing import Any

from gbvms.cases.models import Case


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def case_document(case: Case) -> dict[str, Any]:
    survivor = case.survivor
    plan = getattr(case, "safety_plan", None)
    return {
        "code": case.code,
        "status": case.status,
        "channel": case.channel,
        "commune": {"code": case.unit.code, "name": case.unit.name},
        "owning_agency": case.owning_agency.name,
        "detected_at": _iso(case.detected_at),
        "first_support_at": _iso(case.first_support_at),
        "immediate_danger": case.immediate_danger,
        "risk_level": case.risk_level,
        "survivor": {
            "full_name": survivor.full_name,
            "phone": survivor.phone,
            "address": survivor.address,
            "birth_year": survivor.birth_year,
            "sex": survivor.sex,
            "ethnicity": survivor.ethnicity,
            "disability": survivor.disability,
        },
        "incidents": [
            {
                "occurred_on": _iso(i.occurred_on),
                "reported_on": _iso(i.reported_on),
                "gbv_type": i.gbv_type,
                "context": i.context,
                "reporting_bucket": i.reporting_bucket,
                "dv_acts": i.dv_acts,
                "perpetrators": [
                    {"relationship": p.relationship, "sex": p.sex, "age_group": p.age_group}
                    for p in i.perpetrators.all()
                ],
            }
            for i in case.incidents.all()
        ],
        "consents": [
            {
                "kind": c.kind,
                "service_types": c.service_types,
                "given_by": c.given_by,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in case.consents.all()
        ],
        "safety_plan": {
            "concern": plan.concern,
            "resources": plan.resources,
            "strategies": plan.strategies,
            "emergency_contacts": plan.emergency_contacts,
        }
        if plan
        else None,
        "needs": [{"kind": n.kind, "status": n.status} for n in case.needs.all()],
        "services": [
            {
                "kind": s.kind,
                "delivered_at": _iso(s.delivered_at),
                "provider": str(s.provider) if s.provider_id else None,
                "outcome": s.outcome,
            }
            for s in case.services.select_related("provider")
        ],
        "follow_ups": [
            {"due_on": _iso(f.due_on), "done_at": _iso(f.done_at)} for f in case.follow_ups.all()
        ],
        "measures": [
            {"type": m.type.code, "decision": m.decision, "ends_at": _iso(m.ends_at)}
            for m in case.measures.select_related("type")
        ],
    }
