import re

import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-demo-password"


def sign_in(page, base, username, password=PASSWORD):
    page.goto(base + "/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_sign_in_see_home_and_sign_out(server, page, tmp_path):
    sign_in(page, server, "officer")
    page.wait_for_url(server + "/indicators/")  # the programme officer's landing page
    page.get_by_role("link", name="GBVMS").click()
    page.wait_for_url(server + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Xin chào")
    row = page.get_by_test_id("membership").first
    assert "Cán bộ chương trình" in row.inner_text()
    assert "Tỉnh Quảng Ngãi" in row.inner_text()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    page.get_by_text("officer", exact=True).click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(re.compile(r".*/account/login/$"))
    page.goto(server + "/")
    assert "/account/login/" in page.url


def test_wrong_password_shows_an_error(server, page):
    sign_in(page, server, "worker1", "not-the-password")
    assert page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").is_visible()


def test_unit_search_without_diacritics_updates_live(server, page):
    sign_in(page, server, "worker2")
    page.wait_for_url(server + "/")
    page.goto(server + "/units/")
    page.get_by_label("Tên hoặc mã (có dấu hoặc không dấu)").fill("ha noi")
    page.wait_for_function("() => document.querySelectorAll('[data-testid=unit-row]').length < 50")
    assert "Thành phố Hà Nội" in page.locator("#unit-rows").inner_text()


def test_language_switch_to_english(server, page):
    sign_in(page, server, "statistician")
    page.wait_for_url(server + "/indicators/")  # the statistician's landing page
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
