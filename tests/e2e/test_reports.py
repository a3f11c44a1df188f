"""Issue 12 in a real browser: reporter1 (UBND phường Kon Tum) finds "Báo cáo" in the menu,
edits a section of a draft and sends it; province_reporter (Sở Nội vụ) finds it under "Báo cáo
cần xem xét" and returns it with a reason and a note on one section; reporter1 sees both,
corrects and sends it again; province_reporter accepts it. At 390 px and 1280 px: no sideways
scroll, no console error. Screenshots in pytest's tmp dir."""

import pytest

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e

# reporter1's earliest editable report to Sở Nội vụ; when every one of them was sent (the
# demo late in the year), the officer opens next year's cycle as the obligations page does
DRAFT = """
from django.utils import timezone
from gbvms.orgs.models import User
from gbvms.reports.models import EDITABLE, Submission
from gbvms.reports.services_obligations import submissions_open
lead = User.objects.get(username="province_reporter").memberships.get().agency_id
mine = User.objects.get(username="reporter1").memberships.get().agency_id
def pick():
    return Submission.objects.filter(
        obligation__submitter_agency_id=mine, obligation__recipient_agency_id=lead,
        status__in=EDITABLE,
    ).order_by("due_at", "pk").first()
found = pick()
if found is None:
    officer = User.objects.get(username="officer")
    submissions_open(year=timezone.localdate().year + 1, actor=officer)
    found = pick()
print(found.pk)
"""


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate(
        "document.documentElement.clientWidth"
    )


def _context(browser, width):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def _shot(page, tmp_path, name) -> None:
    _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_sent_returned_corrected_and_accepted(server, browser, manage, tmp_path, width):
    pk = manage("shell", "-c", DRAFT).split()[-1]
    reporter, page, errors = _context(browser, width)
    sign_in(page, server, "reporter1")
    page.wait_for_load_state()
    if page.get_by_test_id("menu-toggle").is_visible():  # on a phone the menu is folded
        page.get_by_test_id("menu-toggle").click()
    page.get_by_test_id("nav-reports").first.click()
    page.wait_for_url(f"{server}/reports/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Báo cáo"
    page.goto(f"{server}/reports/{pk}/")
    assert page.get_by_test_id("status").inner_text() == "Dự thảo"
    assert page.get_by_test_id("values").locator("tbody tr").count() >= 4  # R01–R04 pre-filled
    first = page.get_by_test_id("sections-form").locator("textarea").first
    first.fill("UBND phường ban hành Kế hoạch số 12/KH-UBND triển khai công tác năm.")
    page.get_by_test_id("save").click()
    page.wait_for_load_state()
    assert page.get_by_text("Đã lưu báo cáo.").is_visible()
    _shot(page, tmp_path, f"reports_draft_{width}")
    page.get_by_test_id("submit-confirm").locator("summary").click()
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Đã gửi"

    lead, review, lead_errors = _context(browser, width)
    sign_in(review, server, "province_reporter")
    review.wait_for_load_state()
    review.goto(f"{server}/reports/")
    review.get_by_test_id("tab-recipient").click()
    review.wait_for_load_state()
    link = review.locator(f'[data-testid=report-row] a[href="/reports/{pk}/"]')
    assert link.count() == 1, "the sent report is listed under Báo cáo cần xem xét"
    _shot(review, tmp_path, f"reports_review_list_{width}")
    link.click()
    review.wait_for_url(f"{server}/reports/{pk}/")
    review.get_by_test_id("return").locator("summary").click()
    review.get_by_test_id("return-submit").click()  # no reason: the browser asks for one
    assert review.get_by_test_id("status").inner_text() == "Đã gửi"
    review.locator("[name=reason]").fill("Thiếu số liệu tập huấn cán bộ")
    review.locator("textarea[name^=n_]").first.fill("Nêu số, ngày của văn bản chỉ đạo")
    review.get_by_test_id("return-submit").click()
    review.wait_for_load_state()
    assert review.get_by_test_id("status").inner_text() == "Bị trả lại"
    _shot(review, tmp_path, f"reports_returned_{width}")

    page.goto(f"{server}/reports/{pk}/")
    reason = page.get_by_test_id("last-reason").inner_text()
    assert "Thiếu số liệu tập huấn cán bộ" in reason
    assert "Nêu số, ngày của văn bản chỉ đạo" in page.get_by_test_id("section-note").inner_text()
    _shot(page, tmp_path, f"reports_correct_{width}")
    first = page.get_by_test_id("sections-form").locator("textarea").first
    first.fill("UBND phường ban hành Kế hoạch số 12/KH-UBND ngày 10/01 triển khai công tác năm.")
    page.get_by_test_id("submit-confirm").locator("summary").click()
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("status").inner_text() == "Đã gửi"
    assert page.get_by_test_id("section-note").count() == 0  # answered by the new version

    review.goto(f"{server}/reports/{pk}/")
    assert "ngày 10/01" in review.get_by_test_id("report").inner_text()
    review.get_by_test_id("accept").click()
    review.wait_for_load_state()
    assert review.get_by_text("Đã tiếp nhận báo cáo.").is_visible()
    assert review.get_by_test_id("status").inner_text() == "Đã tiếp nhận"
    _shot(review, tmp_path, f"reports_accepted_{width}")
    reporter.close()
    lead.close()
    assert errors == []
    assert lead_errors == []
