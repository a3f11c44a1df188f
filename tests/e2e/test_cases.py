import re

import pytest

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e


def test_hotline_intake_then_worker_classifies_and_other_commune_gets_404(server, browser):
    hotline = browser.new_context(locale="vi-VN").new_page()
    sign_in(hotline, server, "hotline")
    hotline.wait_for_url(server + "/")
    hotline.goto(server + "/cases/new/")
    hotline.get_by_label("Kênh tiếp nhận").select_option("hotline")
    hotline.get_by_label("Xã, phường nơi xảy ra").select_option(
        label="Phường Kon Tum — Tỉnh Quảng Ngãi"
    )
    hotline.get_by_label("Thể chất").check()
    hotline.get_by_label("Có", exact=True).check()
    hotline.get_by_label("Cách liên lạc an toàn").fill("Chỉ gọi sau 17 giờ")
    hotline.get_by_label("Họ và tên (nếu người báo tin đồng ý)").fill("Phạm Thị Mai")
    hotline.get_by_role("button", name="Mở vụ việc").click()
    code = hotline.get_by_test_id("case-code").inner_text()
    assert re.fullmatch(r"51-\d{4}-\d{6}", code)
    assert "Phạm Thị Mai" not in hotline.content()

    worker = browser.new_context(locale="vi-VN").new_page()
    sign_in(worker, server, "worker1")
    worker.wait_for_url(server + "/")
    worker.goto(server + "/cases/")
    worker.get_by_role("link", name=code).click()
    assert worker.get_by_test_id("survivor-name").inner_text() == "Phạm Thị Mai"
    worker.get_by_role("button", name="Phân loại theo từng bước").click()
    steps = [("Hiếp dâm", "Không"), ("Xâm hại tình dục", "Không"), ("Bạo lực thể chất", "Có")]
    for question, answer in steps:  # one question at a time, swapped in by HTMX
        worker.get_by_test_id("question").filter(has_text=question).wait_for()
        worker.get_by_label(answer, exact=True).check()
        worker.get_by_role("button", name="Tiếp").click()
    assert worker.get_by_test_id("result").inner_text() == "Bạo lực thể chất"
    worker.get_by_label("Vợ/chồng hoặc bạn tình hiện tại").check()
    worker.get_by_role("button", name="Lưu phân loại").click()
    worker.wait_for_url(f"{server}/cases/{code}/")
    assert worker.get_by_test_id("gbv-type").inner_text() == "Bạo lực thể chất"
    worker.get_by_text("Đánh giá rủi ro", exact=True).click()  # the form loads on opening
    weapon = "Người gây bạo lực đã dùng hoặc đe dọa dùng vũ khí, hung khí?"
    # yes / no / not asked for each factor: "Có" in the weapon question's block
    worker.locator(".field", has_text=weapon).get_by_label("Có", exact=True).check()
    worker.get_by_role("button", name="Lưu đánh giá").click()
    worker.wait_for_url(f"{server}/cases/{code}/")
    assert worker.get_by_test_id("risk-level").inner_text() == "Cao"
    assert worker.get_by_test_id("plan-required").is_visible()

    other = browser.new_context(locale="vi-VN").new_page()
    sign_in(other, server, "worker2")
    other.wait_for_url(server + "/")
    response = other.goto(f"{server}/cases/{code}/")
    assert response.status == 404  # the same 404 as a code that does not exist
    assert "Phạm Thị Mai" not in other.content()
    assert other.goto(f"{server}/cases/51-2000-999999/").status == 404
    for page in (hotline, worker, other):
        page.context.close()
