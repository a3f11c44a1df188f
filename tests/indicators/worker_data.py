"""Run inside a served database (tests.served.Served.run): a world, a change, a figure."""

from __future__ import annotations

import datetime

from django.utils import timezone


def world() -> dict:
    from gbvms.cases import services
    from gbvms.geo.models import AdminUnit
    from gbvms.orgs.models import Agency, Membership, User

    commune = AdminUnit.objects.get(level="commune", code="23293", valid_to__isnull=True)
    agency = Agency.objects.create(name="UBND phường Kon Tum", kind="peoples_committee",
                                   unit=commune)  # fmt: skip
    worker = User.objects.create_user(username="w", password="x")
    Membership.objects.create(user=worker, agency=agency, role="case_worker", scope_unit=commune)
    case = services.case_open(
        actor=worker,
        survivor=services.SurvivorData(full_name="Thử", birth_year=1990),
        channel="hotline",
        commune=commune,
        detected_at=timezone.now() - datetime.timedelta(hours=1),
    ).case
    from gbvms.orgs.services import token_create

    supervisor = User.objects.create_user(username="s", password="x")
    Membership.objects.create(user=supervisor, agency=agency, role="case_supervisor",
                              scope_unit=commune.parent)  # fmt: skip
    _token, raw = token_create(actor=supervisor, user=supervisor, allow_second_factor_role=True)
    return {"case": case.pk, "path": commune.path, "year": timezone.localdate().year,
            "token": raw}  # fmt: skip


def serve_case(case_id: int) -> float:
    from gbvms.cases import services_care
    from gbvms.cases.models import Case
    from gbvms.orgs.models import Agency, User

    case = Case.objects.unscoped().get(pk=case_id)
    services_care.service_record(
        actor=User.objects.get(username="w"), case=case, kind="health",
        delivered_at=timezone.now(), provider=Agency.objects.get(unit=case.unit),
    )  # fmt: skip
    return timezone.now().timestamp()


def figure(path: str, year: int) -> dict:
    from gbvms.indicators.models import DirtyCase, IndicatorValue
    from gbvms.indicators.selectors import freshness

    row = IndicatorValue.objects.filter(
        version__indicator__code="R02", version__status="current", unit_path=path,
        period=str(year), disagg="",
    ).values_list("n", "d").first()  # fmt: skip
    fresh = freshness()
    return {"r02": list(row) if row else None, "pending": DirtyCase.objects.count(),
            "stale": fresh.stale, "behind": fresh.behind_seconds}  # fmt: skip
