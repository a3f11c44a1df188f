import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e


def plan_text(year: int) -> str:
    return f"""ỦY BAN NHÂN DÂN
TỈNH QUẢNG NGÃI
Số: 300/KH-UBND
Quảng Ngãi, ngày 10 tháng 01 năm {year}

KẾ HOẠCH
Phòng ngừa và ứng phó với bạo lực trên cơ sở giới giai đoạn {year} - {year + 2}

I. MỤC TIÊU
- Trên 90% người bị bạo lực được phát hiện được hỗ trợ kịp thời.

II. NỘI DUNG HOẠT ĐỘNG
1. Hoạt động 1: Truyền thông tại cộng đồng
- Cơ quan chủ trì: Sở Nội vụ
- Cơ quan phối hợp: Hội Liên hiệp Phụ nữ tỉnh, Công an tỉnh
- Thời gian thực hiện: hàng năm

III. TỔ CHỨC THỰC HIỆN
Các cơ quan báo cáo định kỳ 06 tháng (trước ngày 20/06) và 01 năm (trước ngày 30/11) về Sở Nội vụ.
"""


def test_upload_review_correct_save_and_see_the_calendar(server, browser):
    today = datetime.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the server's calendar
    page = browser.new_context(locale="vi-VN").new_page()
    sign_in(page, server, "officer")
    page.wait_for_url(server + "/indicators/")  # the programme officer's landing page
    page.goto(server + "/plans/import/")
    page.get_by_label("Hoặc dán nội dung văn bản").fill(plan_text(today.year))
    page.get_by_label("Đơn vị ban hành").select_option(label="Tỉnh Quảng Ngãi")
    page.get_by_test_id("read").click()
    page.wait_for_url("**/plans/import/*/")
    # each extracted item is shown beside its source line
    activity = page.get_by_test_id("review-activities").first
    assert "Truyền thông tại cộng đồng" in activity.inner_text()
    assert page.get_by_label("Số, ký hiệu").input_value() == "300/KH-UBND"
    page.get_by_label("Số, ký hiệu").fill("301/KH-UBND")  # the officer corrects one field
    page.get_by_test_id("save-plan").click()
    page.wait_for_url("**/plans/*/")
    assert "301/KH-UBND" in page.content()
    assert page.get_by_test_id("plan-title").inner_text().startswith("Kế hoạch Phòng ngừa")
    # the reporting calendar: the next 6-monthly or annual due date of this year or the next
    upcoming = sorted(
        d for y in (today.year, today.year + 1)
        for d in (datetime.date(y, 6, 20), datetime.date(y, 11, 30)) if d >= today
    )  # fmt: skip
    entries = page.get_by_test_id("calendar-entry")
    assert entries.first.inner_text().startswith(upcoming[0].strftime("%d/%m/%Y"))
    assert page.get_by_test_id("next-deadline").inner_text() == upcoming[0].strftime("%d/%m/%Y")
    page.context.close()
