"""The submission state machine (REPORTING §B.4), its permissions and its visibility."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from gbvms.core.models import AccessLog
from gbvms.reports.errors import Conflict, Forbidden
from gbvms.reports.models import ImmutableError, Status, Submission, Transition
from gbvms.reports.selectors import submission_get_for_user, submission_list
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import (
    lock_period,
    submission_accept,
    submission_approve,
    submission_mark_missing,
    submission_reopen,
    submission_return,
    submission_save_sections,
    submission_submit,
)
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)

    def get(agency, period="2026C"):
        return Submission.objects.get(obligation__submitter_agency=agency, period=period)

    world.get = get
    return world


def _code(excinfo) -> str:
    return excinfo.value.error_list[0].code


def _text(submission, key):
    return next(s["text"] for s in submission.sections if s["key"] == key)


def test_save_sections_bumps_the_version_and_refuses_a_stale_one(cycle):
    draft = cycle.get(cycle.a)
    saved = submission_save_sections(
        actor=cycle.reporter_a,
        submission=draft,
        sections=[{"key": "direction", "text": "Ban hành 3 kế hoạch."}],
        version=1,
    )
    assert saved.version == 2
    assert _text(saved, "direction") == "Ban hành 3 kế hoạch."
    assert _text(saved, "assessment") == ""
    with pytest.raises(Conflict) as excinfo:
        submission_save_sections(
            actor=cycle.reporter_a,
            submission=draft,
            sections=[{"key": "direction", "text": "khác"}],
            version=1,
        )
    assert _code(excinfo) == "stale"
    assert _text(cycle.get(cycle.a), "direction") == "Ban hành 3 kế hoạch."


def test_save_sections_refuses_an_unknown_section_and_another_agency(cycle):
    draft = cycle.get(cycle.a)
    with pytest.raises(ValidationError) as excinfo:
        submission_save_sections(
            actor=cycle.reporter_a,
            submission=draft,
            sections=[{"key": "nope", "text": "x"}],
            version=1,
        )
    assert _code(excinfo) == "unknown_section"
    with pytest.raises(Forbidden):
        submission_save_sections(
            actor=cycle.reporter_b,
            submission=draft,
            sections=[{"key": "data", "text": "x"}],
            version=1,
        )
    assert cycle.get(cycle.a).version == 1


def test_submit_freezes_a_version_and_sets_first_submitted_at_once(cycle):
    draft = cycle.get(cycle.a)
    submission_save_sections(
        actor=cycle.reporter_a,
        submission=draft,
        sections=[{"key": "data", "text": "Số liệu v1"}],
        version=1,
    )
    first = submission_submit(actor=cycle.reporter_a, submission=cycle.get(cycle.a))
    sub = cycle.get(cycle.a)
    assert sub.status == Status.SUBMITTED
    assert first.number == 1
    data = next(s for s in first.sections if s["key"] == "data")
    assert data == {"key": "data", "title": "III.6. Dữ liệu, thống kê", "text": "Số liệu v1"}
    first_at = sub.first_submitted_at
    assert first_at is not None
    with pytest.raises(Conflict) as excinfo:
        submission_save_sections(
            actor=cycle.reporter_a,
            submission=sub,
            sections=[{"key": "data", "text": "x"}],
            version=sub.version,
        )
    assert _code(excinfo) == "not_editable"
    submission_return(
        actor=cycle.province_reporter,
        submission=sub,
        reason="Thiếu số liệu",
        notes={"data": "Bổ sung số vụ việc"},
    )
    sub = cycle.get(cycle.a)
    submission_save_sections(
        actor=cycle.reporter_a,
        submission=sub,
        sections=[{"key": "data", "text": "Số liệu v2"}],
        version=sub.version,
    )
    second = submission_submit(actor=cycle.reporter_a, submission=cycle.get(cycle.a))
    sub = cycle.get(cycle.a)
    assert second.number == 2
    assert sub.first_submitted_at == first_at
    assert sub.submitted_at > first_at
    first.refresh_from_db()
    assert next(s["text"] for s in first.sections if s["key"] == "data") == "Số liệu v1"
    with pytest.raises(ImmutableError):
        first.save()
    with pytest.raises(ImmutableError):
        first.delete()


def test_return_needs_a_reason_and_the_recipient(cycle):
    submission_submit(actor=cycle.reporter_a, submission=cycle.get(cycle.a))
    sub = cycle.get(cycle.a)
    with pytest.raises(ValidationError) as excinfo:
        submission_return(actor=cycle.province_reporter, submission=sub, reason="  ")
    assert _code(excinfo) == "reason_required"
    with pytest.raises(Forbidden):
        submission_return(actor=cycle.reporter_a, submission=sub, reason="tự trả")
    with pytest.raises(ValidationError) as excinfo:
        submission_return(
            actor=cycle.province_reporter, submission=sub, reason="x", notes={"nope": "x"}
        )
    assert _code(excinfo) == "unknown_section"
    assert cycle.get(cycle.a).status == Status.SUBMITTED
    submission_return(
        actor=cycle.province_reporter,
        submission=sub,
        reason="Thiếu số liệu",
        notes={"data": "Bổ sung"},
    )
    transition = Transition.objects.get(submission=sub, to_status=Status.RETURNED)
    assert (transition.from_status, transition.reason, transition.notes) == (
        Status.SUBMITTED,
        "Thiếu số liệu",
        {"data": "Bổ sung"},
    )
    assert transition.actor == cycle.province_reporter
    actions = list(
        AccessLog.objects.unscoped()
        .filter(object_kind="reports.submission", object_id=str(sub.pk))
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == ["reports.submission.submitted", "reports.submission.returned"]


def test_a_transition_on_a_state_that_changed_meanwhile_conflicts(cycle):
    submission_submit(actor=cycle.reporter_a, submission=cycle.get(cycle.a))
    seen_by_one, seen_by_other = cycle.get(cycle.a), cycle.get(cycle.a)
    submission_accept(actor=cycle.province_reporter, submission=seen_by_one)
    with pytest.raises(Conflict) as excinfo:
        submission_return(actor=cycle.province_reporter, submission=seen_by_other, reason="x")
    assert _code(excinfo) == "state_changed"
    assert cycle.get(cycle.a).status == Status.ACCEPTED
    assert not Transition.objects.filter(to_status=Status.RETURNED).exists()


def test_approve_needs_accept_first(cycle):
    submission_submit(actor=cycle.reporter_a, submission=cycle.get(cycle.a))
    with pytest.raises(Conflict) as excinfo:
        submission_approve(actor=cycle.province_reporter, submission=cycle.get(cycle.a))
    assert _code(excinfo) == "invalid_transition"


def _approve(cycle, agency, reporter, approver):
    submission_submit(actor=reporter, submission=cycle.get(agency))
    submission_accept(actor=approver, submission=cycle.get(agency))
    return submission_approve(actor=approver, submission=cycle.get(agency))


def test_a_parent_is_approved_only_after_its_children_then_locks_them(cycle):
    _approve(cycle, cycle.a, cycle.reporter_a, cycle.province_reporter)
    upward = Submission.objects.get(obligation__requirement=cycle.upward, period="2026C")
    submission_submit(actor=cycle.province_reporter, submission=upward)
    submission_accept(
        actor=cycle.ministry_reporter, submission=Submission.objects.get(pk=upward.pk)
    )
    with pytest.raises(Conflict) as excinfo:
        submission_approve(
            actor=cycle.ministry_reporter, submission=Submission.objects.get(pk=upward.pk)
        )
    assert _code(excinfo) == "children_pending"
    _approve(cycle, cycle.b, cycle.reporter_b, cycle.province_reporter)
    with pytest.raises(ValidationError) as excinfo:
        submission_mark_missing(
            actor=cycle.province_reporter, submission=cycle.get(cycle.health), reason=""
        )
    assert _code(excinfo) == "reason_required"
    with pytest.raises(Forbidden):
        submission_mark_missing(
            actor=cycle.reporter_a, submission=cycle.get(cycle.health), reason="không gửi"
        )
    submission_mark_missing(
        actor=cycle.province_reporter,
        submission=cycle.get(cycle.health),
        reason="Sở Y tế không gửi báo cáo",
    )
    approved = submission_approve(
        actor=cycle.ministry_reporter, submission=Submission.objects.get(pk=upward.pk)
    )
    assert approved.status == Status.APPROVED
    assert cycle.get(cycle.a).status == Status.LOCKED
    assert cycle.get(cycle.b).status == Status.LOCKED
    assert cycle.get(cycle.health).status == Status.DRAFT


def test_reopen_by_the_upper_approver_reopens_the_ancestors(cycle):
    _approve(cycle, cycle.a, cycle.reporter_a, cycle.province_reporter)
    _approve(cycle, cycle.b, cycle.reporter_b, cycle.province_reporter)
    submission_mark_missing(
        actor=cycle.province_reporter, submission=cycle.get(cycle.health), reason="không gửi"
    )
    upward = Submission.objects.get(obligation__requirement=cycle.upward, period="2026C")
    submission_submit(actor=cycle.province_reporter, submission=upward)
    submission_accept(actor=cycle.ministry_reporter, submission=cycle.get(cycle.lead))
    submission_approve(actor=cycle.ministry_reporter, submission=cycle.get(cycle.lead))
    locked = cycle.get(cycle.a)
    assert locked.status == Status.LOCKED
    # the commune's own approver cannot reopen a locked report; the ministry can
    with pytest.raises(Forbidden):
        submission_reopen(actor=cycle.province_reporter, submission=locked, reason="sửa")
    with pytest.raises(ValidationError) as excinfo:
        submission_reopen(actor=cycle.ministry_reporter, submission=locked, reason="")
    assert _code(excinfo) == "reason_required"
    submission_reopen(actor=cycle.ministry_reporter, submission=locked, reason="Số liệu sai")
    assert cycle.get(cycle.a).status == Status.REOPENED
    assert cycle.get(cycle.lead).status == Status.REOPENED
    assert cycle.get(cycle.b).status == Status.LOCKED
    reasons = set(
        Transition.objects.filter(to_status=Status.REOPENED).values_list("reason", flat=True)
    )
    assert reasons == {"Số liệu sai"}
    # reopened is editable and can be submitted again
    sub = cycle.get(cycle.a)
    submission_save_sections(
        actor=cycle.reporter_a,
        submission=sub,
        sections=[{"key": "data", "text": "sửa"}],
        version=sub.version,
    )
    assert submission_submit(actor=cycle.reporter_a, submission=cycle.get(cycle.a)).number == 2


def test_the_own_approver_may_reopen_an_approved_report(cycle):
    _approve(cycle, cycle.a, cycle.reporter_a, cycle.province_reporter)
    with pytest.raises(Forbidden):
        submission_reopen(actor=cycle.reporter_b, submission=cycle.get(cycle.a), reason="x")
    submission_reopen(actor=cycle.province_reporter, submission=cycle.get(cycle.a), reason="x")
    assert cycle.get(cycle.a).status == Status.REOPENED


def test_lock_period_locks_the_approved_reports(cycle):
    _approve(cycle, cycle.a, cycle.reporter_a, cycle.province_reporter)
    submission_submit(actor=cycle.reporter_b, submission=cycle.get(cycle.b))
    assert lock_period(period="2026C") == 1
    assert cycle.get(cycle.a).status == Status.LOCKED
    assert cycle.get(cycle.b).status == Status.SUBMITTED
    assert lock_period(period="2026C") == 0


def test_a_recipient_sees_its_childrens_reports_but_not_their_drafts(cycle):
    draft_a, draft_b = cycle.get(cycle.a), cycle.get(cycle.b)
    assert list(submission_list(cycle.province_reporter, "2026C", "recipient")) == []
    with pytest.raises(Http404):
        submission_get_for_user(cycle.province_reporter, draft_a.pk)
    submission_submit(actor=cycle.reporter_a, submission=draft_a)
    assert list(submission_list(cycle.province_reporter, "2026C", "recipient")) == [draft_a]
    assert submission_get_for_user(cycle.province_reporter, draft_a.pk) == draft_a
    with pytest.raises(Http404):
        submission_get_for_user(cycle.province_reporter, draft_a.pk, for_write=True)
    # the submitter sees its own drafts, never another commune's
    mine = submission_list(cycle.reporter_b, "2026C", "submitter")
    assert list(mine) == [draft_b]
    with pytest.raises(Http404):
        submission_get_for_user(cycle.reporter_b, draft_a.pk)
    assert submission_get_for_user(cycle.reporter_b, draft_b.pk, for_write=True) == draft_b
    # a case worker of the commune sees nothing
    assert list(submission_list(cycle.personas["worker_a"], "2026C")) == []
    # the lead's own upward draft is its reporter's, not the ministry's until sent
    both = submission_list(cycle.province_reporter, "2026C")
    assert {s.obligation.submitter_agency_id for s in both} == {cycle.a.pk, cycle.lead.pk}
    assert list(submission_list(cycle.ministry_reporter, "2026C", "recipient")) == []


def test_submitting_a_copy_older_than_the_stored_text_conflicts(cycle):
    old_copy = cycle.get(cycle.a)
    submission_save_sections(
        actor=cycle.reporter_a,
        submission=cycle.get(cycle.a),
        sections=[{"key": "data", "text": "mới"}],
        version=1,
    )
    with pytest.raises(Conflict) as excinfo:
        submission_submit(actor=cycle.reporter_a, submission=old_copy)
    assert _code(excinfo) == "state_changed"
    assert cycle.get(cycle.a).status == Status.DRAFT
    assert not cycle.get(cycle.a).versions.exists()
