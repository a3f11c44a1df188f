"""Telling the people concerned that a report changed state (REPORTING §B.4).

- submitted → the recipient agency's approvers (``reports.approve`` over the recipient unit);
- returned, accepted, approved, reopened → the submitter agency's reporters
  (``reports.submit`` over the submitter unit). Locking (a period closed, or the parent
  approved) tells nobody: it changes nothing the submitter can do.

Each notice is an in-app notification (the project's ``Notification``, shown on the
notifications page) and an e-mail, both written only once the transition commits
(``transaction.on_commit``): a transition that rolls back tells nobody. A message carries the
report's requirement kind, its period, the new status and a link — never a section's text, a
reason or a note (the reader opens the report, which checks access). Each user's
notification preferences choose the channels; users without an e-mail address get the
in-app notice only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gbvms.cases.models import NOTIFICATION_LABELS
from gbvms.core.roles import roles_with
from gbvms.orgs.models import Agency, Membership
from gbvms.reports.labels import period_label
from gbvms.reports.models import Status, Submission

SUBMIT, APPROVE = "reports.submit", "reports.approve"

KINDS = {
    Status.SUBMITTED: "report_submitted",
    Status.RETURNED: "report_returned",
    Status.ACCEPTED: "report_accepted",
    Status.APPROVED: "report_approved",
    Status.REOPENED: "report_reopened",
}
# the labels of the notifications page (NOTIFICATION_LABELS is the project's one table)
NOTIFICATION_LABELS.update(
    {
        "report_submitted": gettext_lazy("Có báo cáo mới được gửi"),
        "report_returned": gettext_lazy("Báo cáo bị trả lại"),
        "report_accepted": gettext_lazy("Báo cáo đã được tiếp nhận"),
        "report_approved": gettext_lazy("Báo cáo đã được phê duyệt"),
        "report_reopened": gettext_lazy("Báo cáo đã được mở lại"),
        "report_due": gettext_lazy("Báo cáo sắp đến hạn"),
        "report_overdue": gettext_lazy("Báo cáo quá hạn"),
    }
)


def report_link(submission: Submission) -> str:
    try:
        return reverse("reports:detail", args=[submission.pk])
    except NoReverseMatch:  # the pages are not mounted (yet)
        return f"/reports/{submission.pk}/"


def people(agency: Agency | int, unit_path: str, permission: str) -> list[Any]:
    """Active users holding ``permission`` in ``agency`` with a scope covering ``unit_path``."""
    agency_id = agency if isinstance(agency, int) else agency.pk
    rows = Membership.objects.filter(
        agency_id=agency_id,
        agency__is_active=True,
        is_active=True,
        role__in=roles_with(permission),
        user__is_active=True,
    ).select_related("user", "scope_unit")
    found = {}
    for membership in rows:
        scope = membership.scope_unit.path if membership.scope_unit_id else "/"
        if unit_path.startswith(scope):
            found[membership.user_id] = membership.user
    return list(found.values())


def submitters_of(submission: Submission) -> list[Any]:
    obligation = submission.obligation
    return people(obligation.submitter_agency_id, obligation.submitter_unit.path, SUBMIT)


def approvers_of(submission: Submission) -> list[Any]:
    obligation = submission.obligation
    return people(obligation.recipient_agency_id, obligation.recipient_unit.path, APPROVE)


def describe(submission: Submission, status: str) -> dict[str, str]:
    """The codes and dates of a message, in Vietnamese (no free text)."""
    requirement = submission.obligation.requirement
    with translation.override("vi"):
        kind = str(requirement.get_kind_display())
        return {
            "kind": kind[:1].lower() + kind[1:],  # "Báo cáo năm", "Báo cáo 6 tháng"
            "period": period_label(submission.period),
            "status": str(Status(status).label),
            "due": submission.due_at.astimezone(_vietnam()).strftime("%d/%m/%Y"),
            "unit": submission.obligation.submitter_unit.name,
            "link": f"{settings.SITE_URL}{report_link(submission)}",
            "name": title_of(submission),
        }


def _vietnam() -> Any:
    from gbvms.reports.services_obligations import VIETNAM

    return VIETNAM


def send(
    users: list[Any], kind: str, subject: str, message: str, link: str, title: str = ""
) -> int:
    """In-app notice and e-mail to ``users``, both after the caller's transaction commits,
    per each user's preferences (``gbvms.cases.services_notify.deliver``); ``title`` (the
    report's name and period) is shown on the notifications page after the kind."""
    from gbvms.cases.services_notify import deliver

    unique = [u for u in {u.pk: u for u in users}.values() if u.is_active]
    if not unique:
        return 0

    def later() -> None:
        deliver(unique, kind, link=link, title=title, subject=subject, text=message)

    transaction.on_commit(later)
    return len(unique)


def title_of(submission: Submission) -> str:
    """The report's name (its requirement, shortened) and period: no section text."""
    name = " ".join(str(submission.obligation.requirement.text).split())
    name = name if len(name) <= 120 else name[:119] + "…"
    return f"{name} — {period_label(submission.period)}"


def notify_transition(pk: int, status: str) -> int:
    """Tell the other side that submission ``pk`` entered ``status`` (the services call it
    through ``transaction.on_commit``; what it writes and sends happens after a commit)."""
    kind = KINDS.get(status)
    submission = (
        Submission.objects.select_related(
            "obligation__requirement", "obligation__submitter_unit", "obligation__recipient_unit"
        )
        .filter(pk=pk)
        .first()
    )
    if kind is None or submission is None:
        return 0
    users = approvers_of(submission) if kind == "report_submitted" else submitters_of(submission)
    facts = describe(submission, status)
    with translation.override("vi"):
        subject = _("[GBVMS] Báo cáo %(kind)s, %(period)s: %(status)s") % facts
        message = (
            _(
                "Báo cáo %(kind)s, %(period)s, của %(unit)s (hạn %(due)s) chuyển sang trạng "
                "thái: %(status)s.\nXem báo cáo: %(link)s"
            )
            % facts
        )
    return send(users, kind, subject, message, report_link(submission), facts["name"])
