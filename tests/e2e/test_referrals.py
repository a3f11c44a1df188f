import re

import pytest

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e


def test_public_request_to_case_to_referral_and_back(server, browser):
    # 1. somebody asks for help on the public site, without an account
    public = browser.new_context(locale="vi-VN").new_page()
    public.goto(server + "/help/request/")
    public.get_by_label("Tôi cần giúp đỡ").check()
    public.get_by_label("Mã xã, phường (xem danh sách bên dưới) hoặc tên").fill("23293")
    public.get_by_label("Bị đánh, bị làm đau").check()
    public.get_by_label("Bạn muốn kể thêm (không bắt buộc)").fill("Chồng tôi đánh tôi tối qua")
    public.get_by_label("Số điện thoại an toàn để liên lạc (không bắt buộc)").fill("0988 123 456")
    public.get_by_role("button", name="Gửi yêu cầu").click()
    tracking = public.get_by_test_id("tracking-code").inner_text()
    pin = public.get_by_test_id("pin").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{10}", tracking)
    assert public.context.cookies() == []  # the public site leaves no cookie behind

    # 2. the commune's case worker triages it into a case, records consent and refers
    worker = browser.new_context(locale="vi-VN").new_page()
    sign_in(worker, server, "worker1")
    worker.wait_for_url(server + "/")
    worker.goto(server + "/referrals/help-requests/")
    worker.get_by_role("link", name=tracking).click()
    assert "Chồng tôi đánh tôi tối qua" in worker.get_by_test_id("help-description").inner_text()
    worker.get_by_test_id("convert").click()
    worker.wait_for_url(re.compile(r".*/cases/51-\d{4}-\d{6}/$"))
    code = worker.url.rstrip("/").rsplit("/", 1)[-1]
    worker.get_by_text("Ghi nhận sự đồng ý", exact=True).click()
    consent = worker.locator("form", has=worker.get_by_label("Loại đồng ý"))
    consent.get_by_label("Loại đồng ý").select_option("sharing")
    consent.get_by_label("Tâm lý - xã hội").check()
    consent.get_by_label("Trung tâm Công tác xã hội tỉnh Quảng Ngãi (demo)").check()
    consent.get_by_label("Người đồng ý").select_option("survivor")
    consent.get_by_role("button").click()
    worker.wait_for_url(f"{server}/cases/{code}/")
    worker.get_by_test_id("refer").click()
    centre = worker.locator("option", has_text="Trung tâm Công tác xã hội tỉnh Quảng Ngãi (demo)")
    worker.get_by_label("Cơ sở nhận").select_option(centre.get_attribute("value"))
    worker.get_by_label("Tâm lý - xã hội").check()
    worker.get_by_label("Tóm tắt và nhu cầu").check()
    worker.get_by_test_id("send-referral").click()
    worker.wait_for_url(re.compile(r".*/referrals/\d+/$"))
    referral_url = worker.url
    assert worker.get_by_test_id("referral-status").inner_text() == "Đã gửi"

    # 3. the provider's staff accepts and completes it
    provider = browser.new_context(locale="vi-VN").new_page()
    sign_in(provider, server, "provider")
    provider.wait_for_url(server + "/")
    provider.goto(server + "/referrals/inbox/")
    provider.get_by_role("link", name=code).click()
    assert provider.get_by_test_id("shared-summary").is_visible()
    provider.get_by_test_id("accept").click()
    provider.get_by_label("Kết quả").fill("Đã tư vấn tâm lý 2 buổi")
    provider.get_by_test_id("complete").click()
    assert provider.get_by_test_id("referral-status").inner_text() == "Hoàn thành"

    # 4. the sender sees the outcome; the requester sees a status, nothing identifying
    worker.goto(referral_url)
    assert worker.get_by_test_id("outcome").inner_text().startswith("Đã tư vấn tâm lý 2 buổi")
    public.goto(server + "/help/status/")
    public.get_by_label("Mã theo dõi").fill(tracking)
    public.get_by_label("Mã PIN").fill(pin)
    public.get_by_role("button", name="Xem").click()
    assert "Đã mở vụ việc" in public.get_by_test_id("help-status").inner_text()
    assert "0988" not in public.content()
    for page in (public, worker, provider):
        page.context.close()


def test_quick_exit_replaces_the_page(server, browser):
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(server + "/help/safety/")
    page.goto(server + "/help/")
    page.get_by_test_id("quick-exit").click()
    page.wait_for_url("about:blank")
    page.go_back()
    assert not page.url.endswith("/help/")  # the page left is not in the back history
    page.goto(server + "/help/hotlines/")
    page.keyboard.press("Escape")
    page.wait_for_url("about:blank")
    page.context.close()
