"""Run inside a served database (``tests.served.Served.run``): the data of the race tests and
the checks of what the races left. Not a test module: nothing here runs under pytest."""

from __future__ import annotations

import datetime
import threading
import time
from typing import Any

PASSWORD = "correct-horse-battery-staple"


def _world(tag: str) -> dict[str, Any]:
    from gbvms.cases import services as case_services
    from gbvms.geo.models import AdminUnit
    from gbvms.orgs.models import Agency, AgencyKind, Membership, User
    from gbvms.referrals.models import ProviderType, ServiceProvider

    province = AdminUnit.objects.get(level="province", code="51", valid_to__isnull=True)
    commune = AdminUnit.objects.get(level="commune", code="23293", valid_to__isnull=True)
    owner = Agency.objects.create(name=f"UBND phường Kon Tum {tag}", unit=commune,
                                  kind=AgencyKind.PEOPLES_COMMITTEE)  # fmt: skip
    centre = Agency.objects.create(name=f"Trung tâm CTXH {tag}", unit=province,
                                   kind=AgencyKind.SERVICE_PROVIDER)  # fmt: skip

    def user(name: str, agency: Agency, role: str, scope: AdminUnit) -> User:
        person = User.objects.create_user(username=name + tag, password=PASSWORD,
                                          email=f"{name}{tag}@example.org")  # fmt: skip
        Membership.objects.create(user=person, agency=agency, role=role, scope_unit=scope)
        return person

    worker = user("worker", owner, "case_worker", commune)
    staff = [user(f"staff{i}", centre, "provider_staff", province) for i in (1, 2)]
    manager = user("manager", centre, "case_supervisor", province)
    supervisor = user("supervisor", owner, "case_supervisor", commune)
    shelter = ServiceProvider.objects.create(
        agency=centre, name="Nhà tạm lánh", type=ProviderType.SOCIAL_WORK_CENTRE,
        services=["shelter", "psychosocial"], open_24_7=True,
    )  # fmt: skip
    shelter.coverage.set([commune])
    case = case_services.case_open(
        actor=worker,
        survivor=case_services.SurvivorData(full_name="Đinh Thị Hoa", birth_year=1990),
        channel="hotline",
        commune=commune,
        detected_at=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=1),
    ).case
    case_services.consent_give(
        actor=worker, case=case, kind="sharing", given_by="survivor",
        service_types=["shelter", "psychosocial"], provider_ids=[shelter.pk],
    )  # fmt: skip
    return {"worker": worker, "staff": staff, "manager": manager, "supervisor": supervisor,
            "shelter": shelter, "case": case}  # fmt: skip


def _referrals(world: dict[str, Any], count: int) -> list[int]:
    from gbvms.referrals import services

    return [
        services.referral_send(
            actor=world["worker"], case=world["case"], provider=world["shelter"],
            services=["shelter"], urgency="urgent", visible_sections=["summary"],
        ).pk
        for _ in range(count)
    ]  # fmt: skip


def referral_race_setup(rounds: int) -> dict[str, Any]:
    """Two provider staff (with API tokens) and ``rounds`` referrals waiting for an answer."""
    from gbvms.orgs.services import token_create

    world = _world("a")
    tokens = [token_create(actor=None, user=u, name="race")[1] for u in world["staff"]]
    return {"tokens": tokens, "referrals": _referrals(world, rounds)}


def referral_race_result(ids: list[int]) -> dict[str, Any]:
    from gbvms.cases.models import Notification
    from gbvms.referrals.models import Referral

    rows = Referral.objects.unscoped().filter(pk__in=ids)
    return {
        "accepted": rows.filter(status="accepted", decided_by__isnull=False).count(),
        "notified": Notification.objects.filter(kind="referral_accepted").count(),
    }


def escalation_setup(count: int) -> list[int]:
    """``count`` referrals past their deadline, not yet escalated."""
    from gbvms.referrals.models import Referral

    ids = _referrals(_world("e"), count)
    past = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=1)
    Referral.objects.unscoped().filter(pk__in=ids).update(respond_by=past)
    return ids


def escalation_race(ids: list[int]) -> dict[str, Any]:
    """Two runs of ``escalate_referrals`` at once (two threads, each with its own database
    connection), with the work per referral slowed so that the runs overlap; then what they
    left: escalated referrals, in-app notices, e-mails and SMS."""
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    from gbvms.cases import services_care
    from gbvms.cases.models import Notification
    from gbvms.referrals import services
    from gbvms.referrals.models import Referral

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    slow_managers = services.managers

    def managers(provider: Any) -> list[Any]:
        time.sleep(0.05)  # a slow directory read: both runs are inside the loop at once
        return slow_managers(provider)

    first = Referral.objects.unscoped().select_related("case", "provider").get(pk=ids[0])
    people = [first.sent_by, *services_care.case_supervisors(first.case),
              *slow_managers(first.provider)]  # fmt: skip
    services.managers = managers
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            call_command("escalate_referrals")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    notices = Notification.objects.filter(kind="referral_overdue")
    return {
        "errors": errors,
        "escalated": Referral.objects.unscoped()
        .filter(pk__in=ids, escalated_at__isnull=False)
        .count(),
        "recipients": len({u.pk for u in people}),
        "notices": notices.count(),
        "distinct_notices": notices.values("user", "link").distinct().count(),
        "emails": len(mail.outbox),
    }
