"""The report pages through the Django test client and the real services: list per role,
editing with the stale-version conflict, submit, the recipient's review actions, marking a
child missing, completeness, obligations, and what each side may not see."""

from __future__ import annotations

import pytest

from gbvms.reports.completeness import completeness
from gbvms.reports.models import ReportingObligation, Status, Submission, Transition
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import (
    submission_accept,
    submission_approve,
    submission_submit,
)
from tests.conftest import verified_client
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)

    def get(agency, period="2026C"):
        return Submission.objects.get(obligation__submitter_agency=agency, period=period)

    world.get = get
    world.upward = Submission.objects.get(obligation__requirement=world.upward, period="2026C")
    return world


def _text(submission, key):
    return next(s["text"] for s in submission.sections if s["key"] == key)


def _sections(submission, **texts):
    data = {"version": submission.version}
    data.update({f"s_{k}": v for k, v in texts.items()})
    return data


def _approve(cycle, agency, reporter):
    submission_submit(actor=reporter, submission=cycle.get(agency))
    submission_accept(actor=cycle.province_reporter, submission=cycle.get(agency))
    return submission_approve(actor=cycle.province_reporter, submission=cycle.get(agency))


# ------------------------------------------------------------------ list


def test_the_list_shows_ones_own_reports_and_those_to_review(cycle):
    reporter = verified_client(cycle.reporter_a)
    page = reporter.get("/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="report-row"') == 1  # the latest period: 2026C
    assert "UBND phường Kon Tum" in html
    assert "Sở Nội vụ tỉnh Quảng Ngãi" in html
    assert "Dự thảo" in html
    assert "Quá hạn" in html
    assert "30/11/2026 23:59" in html
    assert 'data-testid="nav-reports"' in html
    periods = reporter.get("/reports/?period=all").content.decode()
    assert periods.count('data-testid="report-row"') == 2
    assert "6 tháng đầu năm 2026 (kỳ chốt số liệu 15/12/2025–14/06/2026)" in periods

    lead = verified_client(cycle.province_reporter)
    empty = lead.get("/reports/?role=recipient").content.decode()
    assert 'data-testid="empty"' in empty  # the communes' drafts are not shown
    submission_submit(actor=cycle.reporter_a, submission=cycle.get(cycle.a))
    listed = lead.get("/reports/?role=recipient&period=2026C").content.decode()
    assert listed.count('data-testid="report-row"') == 1
    assert "Gửi muộn" in listed
    assert "Đã gửi" in listed
    own = lead.get("/reports/?role=submitter&period=2026C").content.decode()
    assert "Bộ Nội vụ" in own
    assert own.count('data-testid="report-row"') == 1
    filtered = lead.get("/reports/?role=recipient&period=2026C&status=approved").content.decode()
    assert 'data-testid="empty"' in filtered


def test_the_list_is_refused_without_a_reporting_permission(cycle):
    worker = verified_client(cycle.personas["worker_a"])
    assert worker.get("/reports/").status_code == 403
    assert 'data-testid="nav-reports"' not in worker.get("/").content.decode()
    officer = verified_client(cycle.officer).get("/reports/")
    assert officer.status_code == 200
    assert 'data-testid="obligations-link"' in officer.content.decode()


# ------------------------------------------------------------------ edit, stale, submit


def test_save_then_a_stale_save_keeps_the_typed_text(cycle):
    draft = cycle.get(cycle.a)
    client = verified_client(cycle.reporter_a)
    page = client.get(f"/reports/{draft.pk}/").content.decode()
    assert 'name="s_direction"' in page
    assert "I. Công tác chỉ đạo, điều hành" in page
    saved = client.post(
        f"/reports/{draft.pk}/save", _sections(draft, direction="Ban hành 3 kế hoạch.")
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert _text(draft, "direction") == "Ban hành 3 kế hoạch."
    stale = client.post(
        f"/reports/{draft.pk}/save",
        {"version": 1, "s_direction": "Văn bản tôi vừa gõ", "s_data": "Số liệu"},
    )
    assert stale.status_code == 200
    html = stale.content.decode()
    assert "Báo cáo đã được người khác sửa" in html
    assert "Văn bản tôi vừa gõ" in html
    assert "Số liệu" in html
    draft.refresh_from_db()
    assert _text(draft, "direction") == "Ban hành 3 kế hoạch."


def test_submit_saves_the_text_and_freezes_a_version(cycle):
    draft = cycle.get(cycle.a)
    client = verified_client(cycle.reporter_a)
    response = client.post(
        f"/reports/{draft.pk}/submit", _sections(draft, assessment="Hoàn thành tốt.")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    version = draft.versions.get()
    assert next(s for s in version.sections if s["key"] == "assessment")["text"] == (
        "Hoàn thành tốt."
    )
    page = client.get(f"/reports/{draft.pk}/").content.decode()
    assert 'data-testid="sections-form"' not in page  # read-only now
    assert "Hoàn thành tốt." in page
    assert "Phiên bản 1" in page
    assert f"/api/v1/reports/{draft.pk}/docx" in page
    again = client.post(f"/reports/{draft.pk}/submit", _sections(draft))
    assert again.status_code == 200  # not editable: a form error, not a 500
    assert "không còn ở trạng thái được sửa" in again.content.decode()
    assert draft.versions.count() == 1


def test_the_compare_page_shows_what_changed_between_versions(cycle):
    draft = cycle.get(cycle.a)
    client = verified_client(cycle.reporter_a)
    client.post(f"/reports/{draft.pk}/submit", _sections(draft, data="Bản một"))
    lead = verified_client(cycle.province_reporter)
    lead.post(f"/reports/{draft.pk}/return", {"reason": "Bổ sung số liệu"})
    draft.refresh_from_db()
    client.post(f"/reports/{draft.pk}/submit", _sections(draft, data="Bản hai"))
    page = client.get(f"/reports/{draft.pk}/compare?a=1&b=2")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bản một" in html
    assert "Bản hai" in html
    assert html.count('data-testid="changed"') == 1
    assert client.get(f"/reports/{draft.pk}/compare?a=1&b=9").status_code == 404
    assert client.get(f"/reports/{draft.pk}/compare?a=x&b=2").status_code == 404


# ------------------------------------------------------------------ review


def test_return_needs_a_reason_then_shows_it_to_the_submitter(cycle):
    draft = cycle.get(cycle.a)
    submission_submit(actor=cycle.reporter_a, submission=draft)
    lead = verified_client(cycle.province_reporter)
    page = lead.get(f"/reports/{draft.pk}/").content.decode()
    assert 'data-testid="review"' in page
    assert 'name="n_direction"' in page
    refused = lead.post(f"/reports/{draft.pk}/return", {"reason": "  "})
    assert refused.status_code == 200
    assert "Cần nêu lý do" in refused.content.decode()
    assert Submission.objects.get(pk=draft.pk).status == Status.SUBMITTED
    assert not Transition.objects.filter(submission=draft, to_status=Status.RETURNED).exists()
    done = lead.post(
        f"/reports/{draft.pk}/return",
        {"reason": "Thiếu số liệu tập huấn", "n_training": "Ghi số lớp và số người"},
    )
    assert done.status_code == 302
    returned = Submission.objects.get(pk=draft.pk)
    assert returned.status == Status.RETURNED
    mine = verified_client(cycle.reporter_a).get(f"/reports/{draft.pk}/").content.decode()
    assert "Thiếu số liệu tập huấn" in mine
    assert "Ghi số lớp và số người" in mine
    assert 'data-testid="sections-form"' in mine  # editable again


def test_accept_and_the_submitter_may_not_review(cycle):
    draft = cycle.get(cycle.a)
    submission_submit(actor=cycle.reporter_a, submission=draft)
    reporter = verified_client(cycle.reporter_a)
    assert reporter.post(f"/reports/{draft.pk}/accept").status_code == 403
    # the recipient sees the report but may not write it
    lead = verified_client(cycle.province_reporter)
    assert lead.post(f"/reports/{draft.pk}/save", _sections(draft)).status_code == 403
    assert lead.post(f"/reports/{draft.pk}/accept").status_code == 302
    assert Submission.objects.get(pk=draft.pk).status == Status.ACCEPTED
    twice = lead.post(f"/reports/{draft.pk}/accept")
    assert twice.status_code == 200
    assert "Không thể thực hiện thao tác này" in twice.content.decode()


def test_approve_is_blocked_by_pending_children_which_are_listed(cycle):
    _approve(cycle, cycle.a, cycle.reporter_a)
    submission_submit(actor=cycle.province_reporter, submission=cycle.upward)
    ministry = verified_client(cycle.ministry_reporter)
    assert ministry.post(f"/reports/{cycle.upward.pk}/accept").status_code == 302
    blocked = ministry.post(f"/reports/{cycle.upward.pk}/approve")
    assert blocked.status_code == 200
    html = blocked.content.decode()
    assert 'data-testid="pending-children"' in html
    assert "UBND xã Đăk Tô" in html
    assert "Sở Y tế tỉnh Quảng Ngãi" in html
    assert Submission.objects.get(pk=cycle.upward.pk).status == Status.ACCEPTED
    # the lead marks the missing ones from its own report's page, then the ministry approves
    lead = verified_client(cycle.province_reporter)
    own = lead.get(f"/reports/{cycle.upward.pk}/").content.decode()
    assert own.count('data-testid="child-row"') == 3
    for agency in (cycle.b, cycle.health):
        response = lead.post(
            f"/reports/{cycle.get(agency).pk}/missing",
            {"reason": "Không gửi báo cáo", "next": f"/reports/{cycle.upward.pk}/"},
        )
        assert response.status_code == 302
        assert response["Location"] == f"/reports/{cycle.upward.pk}/"
    assert ministry.post(f"/reports/{cycle.upward.pk}/approve").status_code == 302
    assert Submission.objects.get(pk=cycle.upward.pk).status == Status.APPROVED


def test_reopen_needs_a_reason(cycle):
    approved = _approve(cycle, cycle.a, cycle.reporter_a)
    lead = verified_client(cycle.province_reporter)
    assert 'data-testid="reopen"' in lead.get(f"/reports/{approved.pk}/").content.decode()
    refused = lead.post(f"/reports/{approved.pk}/reopen", {"reason": ""})
    assert refused.status_code == 200
    assert "Cần nêu lý do" in refused.content.decode()
    assert Submission.objects.get(pk=approved.pk).status == Status.APPROVED
    assert lead.post(f"/reports/{approved.pk}/reopen", {"reason": "Số liệu sai"}).status_code == 302
    assert Submission.objects.get(pk=approved.pk).status == Status.REOPENED
    page = verified_client(cycle.reporter_a).get(f"/reports/{approved.pk}/").content.decode()
    assert "Số liệu sai" in page
    assert "được mở lại" in page


def test_mark_missing_needs_a_reason_and_the_childs_recipient(cycle):
    health = cycle.get(cycle.health)
    lead = verified_client(cycle.province_reporter)
    assert lead.post(f"/reports/{health.pk}/missing", {"reason": ""}).status_code == 302
    assert Submission.objects.get(pk=health.pk).missing_reason == ""
    other = verified_client(cycle.reporter_a)
    assert other.post(f"/reports/{health.pk}/missing", {"reason": "x"}).status_code == 404
    assert lead.post(f"/reports/{health.pk}/missing", {"reason": "Không gửi"}).status_code == 302
    assert Submission.objects.get(pk=health.pk).missing_reason == "Không gửi"


# ------------------------------------------------------------------ visibility


def test_another_agencys_report_and_a_childs_draft_are_404(cycle):
    draft = cycle.get(cycle.a)
    for user in (cycle.reporter_b, cycle.province_reporter, cycle.personas["other_admin"]):
        client = verified_client(user)
        assert client.get(f"/reports/{draft.pk}/").status_code == 404, user
        assert client.post(f"/reports/{draft.pk}/save", _sections(draft)).status_code == 404
        assert client.post(f"/reports/{draft.pk}/return", {"reason": "x"}).status_code == 404
    assert verified_client(cycle.reporter_a).get("/reports/999999/").status_code == 404


# ------------------------------------------------------------------ completeness, obligations


def test_the_completeness_page_shows_the_figures_and_each_expected_report(cycle):
    submission_submit(actor=cycle.reporter_a, submission=cycle.get(cycle.a))  # late
    lead = verified_client(cycle.province_reporter)
    url = f"/reports/completeness/?requirement={cycle.annual.pk}&period=2026C&unit=51"
    page = lead.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    figures = completeness(requirement=cycle.annual, period="2026C", unit=cycle.lead.unit)
    assert figures.expected == 3
    assert figures.submitted == 1
    assert figures.on_time == 0
    assert 'data-testid="expected">3<' in html
    assert 'data-testid="submitted">1<' in html
    assert 'data-testid="on-time">0<' in html
    assert 'data-testid="reporting-rate">33,3<' in html
    assert html.count('data-testid="expected-row"') == 3
    assert html.count('data-code="overdue"') == 2
    assert html.count('data-code="late"') == 1
    assert f'href="/reports/{cycle.get(cycle.a).pk}/"' in html  # the sent one is linked
    assert f'href="/reports/{cycle.get(cycle.b).pk}/"' not in html  # a draft is not
    assert lead.get(url.replace("unit=51", "unit=01")).status_code == 200  # not a choice
    default = lead.get("/reports/completeness/").content.decode()  # the latest opened period
    assert "Năm 2026 (kỳ chốt số liệu 15/12/2025–14/12/2026)" in default
    assert default.count('data-testid="expected-row"') == 3
    assert verified_client(cycle.personas["worker_a"]).get(url).status_code == 403


def test_the_obligations_page_generates_and_opens(world):
    officer = verified_client(world.officer)
    page = officer.get("/reports/obligations/").content.decode()
    assert world.plan.title in page
    assert 'data-testid="generate"' in page
    response = officer.post(f"/reports/obligations/{world.plan.pk}/generate", follow=True)
    created = ReportingObligation.objects.filter(requirement__plan=world.plan).count()
    assert created > 0
    assert f"{created} mới" in response.content.decode()
    assert response.content.decode().count('data-testid="obligation-row"') == created
    opened = officer.post(f"/reports/obligations/{world.plan.pk}/open", {"year": YEAR},
                          follow=True)  # fmt: skip
    count = Submission.objects.count()
    assert count > 0
    assert f"Đã mở {count} báo cáo cho năm 2026" in opened.content.decode()
    again = officer.post(f"/reports/obligations/{world.plan.pk}/open", {"year": YEAR},
                         follow=True)  # fmt: skip
    assert "Đã mở 0 báo cáo" in again.content.decode()
    bad = officer.post(f"/reports/obligations/{world.plan.pk}/open", {"year": 1999}, follow=True)
    assert "Năm không thuộc thời gian của kế hoạch" in bad.content.decode()
    reporter = verified_client(world.reporter_a)
    assert reporter.get("/reports/obligations/").status_code == 403
    assert reporter.post(f"/reports/obligations/{world.plan.pk}/generate").status_code == 404
    assert Submission.objects.count() == count


def test_indicator_values_keep_small_cells_hidden_and_show_names(cycle):
    draft = cycle.get(cycle.a)
    Submission.objects.filter(pk=draft.pk).update(
        values=[
            {"indicator": "R01", "name": "Tỷ lệ người bị hại được hỗ trợ", "kind": "ratio",
             "numerator": None, "denominator": None, "value": None, "suppressed": True,
             "target": 90, "comparator": ">", "status": "insufficient_data"},
            {"indicator": "P02", "name": "Số lớp tập huấn", "kind": "count",
             "numerator": 1234, "denominator": None, "value": 1234, "suppressed": False,
             "target": None, "comparator": None, "status": None},
        ]
    )  # fmt: skip
    html = verified_client(cycle.reporter_a).get(f"/reports/{draft.pk}/").content.decode()
    assert "Tỷ lệ người bị hại được hỗ trợ" in html
    assert "<td>&lt;5</td>" in html
    assert "<td>ẩn</td>" in html  # a hidden percentage
    assert "trên 90" in html
    assert "Không đủ số liệu" in html
    assert "1.234" in html
    assert "R01" not in html
    assert "insufficient_data" not in html


def test_update_figures_saves_the_typed_text_then_prefills(cycle):
    pytest.importorskip("gbvms.reports.prefill")
    draft = cycle.get(cycle.a)
    client = verified_client(cycle.reporter_a)
    assert 'data-testid="prefill"' in client.get(f"/reports/{draft.pk}/").content.decode()
    response = client.post(f"/reports/{draft.pk}/prefill", _sections(draft, data="Tự viết"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert _text(draft, "data") == "Tự viết"  # what the submitter wrote is kept
    assert draft.version == 3  # saved, then prefilled
    stale = client.post(f"/reports/{draft.pk}/prefill", {"version": 1, "s_data": "Bản cũ"})
    assert stale.status_code == 200
    assert "Bản cũ" in stale.content.decode()
