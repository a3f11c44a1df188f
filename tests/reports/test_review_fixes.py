"""Regressions found by trying the report pages as their users would (issue 12 review): each
test fails without its fix."""

from __future__ import annotations

import re

import pytest
import time_machine

from gbvms.reports import export
from gbvms.reports.models import Submission
from gbvms.reports.services_obligations import obligations_generate, submissions_open
from gbvms.reports.services_submissions import (
    submission_accept,
    submission_return,
    submission_submit,
)
from tests.conftest import verified_client
from tests.reports.conftest import YEAR, aware

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(world):
    obligations_generate(plan=world.plan, actor=world.officer)
    submissions_open(year=YEAR)

    def get(agency, period="2026C"):
        return Submission.objects.get(obligation__submitter_agency=agency, period=period)

    world.get = get
    return world


def test_the_review_tab_opens_on_a_period_that_has_reports_to_review(cycle):
    """The reviewer's own latest period (2026C, its own drafts) must not hide the 6-monthly
    report a commune sent: the tab opens on the periods of the reports it lists."""
    submission_submit(actor=cycle.reporter_a, submission=cycle.get(cycle.a, "2026S1C"))
    html = verified_client(cycle.province_reporter).get("/reports/?role=recipient")
    html = html.content.decode()
    assert html.count('data-testid="report-row"') == 1
    assert "UBND phường Kon Tum" in html


def test_completeness_opens_on_the_latest_period_already_due(cycle):
    """Early December: the annual reports (due 30/11) are late or missed; the page opens on
    them, not on a later period whose reports are all still drafts."""
    cycle.plan.end_year = YEAR + 1
    cycle.plan.save()
    with time_machine.travel(aware(YEAR, 12, 3), tick=False):
        submissions_open(year=YEAR + 1)  # next year's drafts are open already
        assert Submission.objects.filter(period=f"{YEAR + 1}C").exists()
        page = verified_client(cycle.province_reporter).get("/reports/completeness/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Năm 2026 (kỳ chốt số liệu" in html.split('data-testid="figures"')[0]
    assert "Quá hạn, chưa gửi" in html


def test_the_recipients_notes_go_once_the_report_is_sent_again(cycle):
    report = cycle.get(cycle.a)
    submission_submit(actor=cycle.reporter_a, submission=report)
    report.refresh_from_db()
    submission_return(
        actor=cycle.province_reporter,
        submission=report,
        reason="Thiếu số liệu",
        notes={"direction": "Bổ sung văn bản chỉ đạo"},
    )
    reporter = verified_client(cycle.reporter_a)
    returned = reporter.get(f"/reports/{report.pk}/").content.decode()
    assert "Bổ sung văn bản chỉ đạo" in returned  # shown while the report is being corrected
    report.refresh_from_db()
    submission_submit(actor=cycle.reporter_a, submission=report)
    sent = reporter.get(f"/reports/{report.pk}/").content.decode()
    assert "Bổ sung văn bản chỉ đạo" not in sent
    assert "Ghi chú của nơi nhận" not in sent


def test_a_communes_peoples_committee_filed_under_the_province_has_no_superior_line(cycle):
    """The demo's communes have a parent agency and a short name ("UBND P. Kon Tum"): the
    header is still the commune's People's Committee alone, the symbol BC-UBND."""
    cycle.a.parent = cycle.issuer
    cycle.a.short_name = "UBND P. Kon Tum"
    cycle.a.save()
    report = cycle.get(cycle.a)
    submission_submit(actor=cycle.reporter_a, submission=report)
    doc = export.report_doc(Submission.objects.get(pk=report.pk))
    assert doc.parent_body == ""
    assert doc.symbol == "BC-UBND"


def test_a_shortened_name_is_not_taken_for_an_abbreviation(cycle):
    cycle.lead.short_name = "Sở NV"
    assert export.symbol_for(cycle.lead) == "BC-SNV"
    cycle.lead.short_name = "SNV-QNg"
    assert export.symbol_for(cycle.lead) == "BC-SNV-QNG"


def test_accepting_a_report_keeps_the_page_free_of_notes(cycle):
    """Accepted after a return and a resubmission: the recipient's page shows no stale note
    box for the submitter either."""
    report = cycle.get(cycle.a)
    submission_submit(actor=cycle.reporter_a, submission=report)
    report.refresh_from_db()
    submission_return(
        actor=cycle.province_reporter, submission=report, reason="Thiếu", notes={"data": "Sửa"}
    )
    report.refresh_from_db()
    submission_submit(actor=cycle.reporter_a, submission=report)
    report.refresh_from_db()
    submission_accept(actor=cycle.province_reporter, submission=report)
    html = verified_client(cycle.reporter_a).get(f"/reports/{report.pk}/").content.decode()
    assert 'data-testid="section-note"' not in html
    assert "Ghi chú của nơi nhận" not in html


def test_an_officer_who_neither_sends_nor_reviews_is_told_where_to_look(cycle):
    """Two empty tabs and "try another period" with every period chosen told the programme
    officer nothing; it gets one sentence and the completeness link."""
    html = verified_client(cycle.officer).get("/reports/").content.decode()
    assert 'data-testid="no-reports-role"' in html
    assert 'data-testid="tab-recipient"' not in html
    assert 'data-testid="completeness-link"' in html
    reviewer = verified_client(cycle.province_reporter)
    listed = reviewer.get("/reports/?role=recipient&period=all").content.decode()
    assert 'data-testid="empty"' in listed
    assert "Thử chọn kỳ khác" not in listed  # every period is chosen already


def test_the_consolidated_missing_line_says_which_child_was_marked_missing(cycle):
    from gbvms.reports.consolidate import consolidated
    from gbvms.reports.services_submissions import submission_mark_missing

    upward = Submission.objects.get(obligation__requirement=cycle.upward, period="2026C")
    submission_mark_missing(
        actor=cycle.province_reporter, submission=cycle.get(cycle.b), reason="Chưa có cán bộ"
    )
    text = consolidated(upward).missing_text
    assert "UBND xã Đăk Tô (Dự thảo; đã ghi nhận thiếu báo cáo)" in text
    assert "UBND phường Kon Tum (Dự thảo)," in text  # not marked: as before
    assert "Chưa có cán bộ" not in text


def test_text_typed_in_a_second_tab_after_sending_is_shown_not_lost(cycle):
    report = cycle.get(cycle.a)
    stale = {"version": report.version, "s_direction": "Văn bản chỉ đạo số 12/KH-UBND."}
    submission_submit(actor=cycle.reporter_a, submission=report)  # sent from the first tab
    reporter = verified_client(cycle.reporter_a)
    for action in ("save", "submit"):
        page = reporter.post(f"/reports/{report.pk}/{action}", stale)
        html = page.content.decode()
        assert page.status_code == 200
        assert "Báo cáo không còn ở trạng thái được sửa." in html
        assert 'data-testid="unsaved"' in html
        assert "Văn bản chỉ đạo số 12/KH-UBND." in html
    assert Submission.objects.get(pk=report.pk).versions.count() == 1


def test_a_too_long_missing_reason_is_not_called_empty(cycle):
    child = cycle.get(cycle.b)
    lead = verified_client(cycle.province_reporter)
    url = f"/reports/{child.pk}/missing"
    long = lead.post(url, {"reason": "y" * 2500, "next": "/reports/completeness/"}, follow=True)
    html = long.content.decode()
    assert "Cần nêu lý do thiếu báo cáo." not in html
    assert "2000" in html  # the length limit is said
    empty = lead.post(url, {"reason": "  ", "next": "/reports/completeness/"}, follow=True)
    assert "Cần nêu lý do thiếu báo cáo." in empty.content.decode()
    assert not Submission.objects.get(pk=child.pk).missing_reason


def test_the_completeness_requirement_choice_starts_with_what_differs(cycle):
    """A select box shows the start of its option: every option began with the same plan
    title, so the requirements (annual 30/11, 6-monthly 15/06) could not be told apart."""
    html = verified_client(cycle.province_reporter).get("/reports/completeness/")
    options = dict(
        re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', html.content.decode())
    )
    assert options[str(cycle.annual.pk)].startswith("Báo cáo năm (hạn 30/11) — Kế hoạch")
    assert options[str(cycle.semiannual.pk)].startswith("Báo cáo 6 tháng (hạn 15/06) — Kế hoạch")


def test_the_message_on_a_blocked_approval_names_the_pending_children(cycle):
    """The list of pending children sits in the review section, below the whole report; the
    message at the top names them too."""
    child = cycle.get(cycle.a)
    submission_submit(actor=cycle.reporter_a, submission=child)
    upward = Submission.objects.get(obligation__requirement=cycle.upward, period="2026C")
    submission_submit(actor=cycle.province_reporter, submission=upward)
    ministry = verified_client(cycle.ministry_reporter)
    assert ministry.post(f"/reports/{upward.pk}/accept").status_code == 302
    html = ministry.post(f"/reports/{upward.pk}/approve").content.decode()
    top = html.split('data-testid="report"')[0]  # the messages, above the report
    assert "Chưa thể phê duyệt: 3 báo cáo của cấp dưới" in top
    assert "UBND phường Kon Tum" in top
    assert "UBND xã Đăk Tô" in top
