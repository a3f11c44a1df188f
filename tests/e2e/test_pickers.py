"""The commune picker on the intake form searches as you type without diacritics and fills the
real select (validated on the server); list filters fold into 'Bộ lọc' on a phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e

SEARCH = "Tìm nhanh theo tên, gõ không dấu cũng được"


def test_intake_commune_picker_finds_a_commune_typed_without_diacritics(server, browser):
    page = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, server, "hotline")
    page.wait_for_load_state()
    assert page.goto(server + "/cases/new/").status == 200
    box = page.get_by_role("combobox", name=SEARCH)
    assert box.get_attribute("aria-expanded") == "false"
    box.fill("dak to")
    options = page.locator(".picker li[role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert "Xã Đăk Tô — Tỉnh Quảng Ngãi" in options.all_inner_texts()
    assert options.first.bounding_box()["height"] >= 44
    box.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    options.filter(has_text="Xã Đăk Tô —").click()
    assert box.input_value() == "Xã Đăk Tô — Tỉnh Quảng Ngãi"
    select = page.get_by_label("Xã, phường nơi xảy ra")  # the real field, still there
    assert select.evaluate("s => s.options[s.selectedIndex].text") == "Xã Đăk Tô — Tỉnh Quảng Ngãi"
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    page.context.close()


def test_worker_sees_only_their_commune_in_the_picker(server, browser):
    page = browser.new_context(locale="vi-VN").new_page()
    sign_in(page, server, "worker1")
    page.wait_for_url(server + "/")
    page.goto(server + "/cases/new/")
    page.get_by_role("combobox", name=SEARCH).fill("dak to")
    page.wait_for_timeout(800)
    assert page.locator(".picker li[role=option]").count() == 0
    page.get_by_role("combobox", name=SEARCH).fill("kon tum")
    page.locator(".picker li[role=option]").first.wait_for()
    texts = page.locator(".picker li[role=option]").all_inner_texts()
    assert texts == ["Phường Kon Tum — Tỉnh Quảng Ngãi"]
    page.context.close()


def test_filters_fold_on_a_phone_and_stay_open_on_a_desktop(server, browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, server, "supervisor")
    page.wait_for_load_state()
    page.goto(server + "/cases/")
    fold = page.locator("details.filters-fold")
    assert fold.locator("summary").inner_text() == "Bộ lọc"
    assert fold.get_attribute("open") is None
    assert not page.get_by_label("Trạng thái").is_visible()
    fold.locator("summary").click()
    assert page.get_by_label("Trạng thái").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server + "/cases/")
    assert page.locator("details.filters-fold").get_attribute("open") == ""
    context.close()


def test_public_request_picker_filters_in_the_browser_and_sends_the_code(server, browser):
    page = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}).new_page()
    searched: list[str] = []
    page.on("request", lambda r: searched.append(r.url) if "/units/" in r.url else None)
    page.goto(server + "/help/request/")
    box = page.get_by_test_id("commune-picker")
    box.fill("dak to")
    page.locator(".picker li[role=option]").first.wait_for()
    box.fill("dak to kan")
    options = page.locator(".picker li[role=option]")
    expect(options).to_have_count(1)  # narrowed as typed
    options.first.click()
    assert box.input_value() == "Xã Đăk Tờ Kan — Tỉnh Quảng Ngãi"
    carrier = page.locator("input[type=hidden][name=commune]")
    assert carrier.input_value().isdigit()
    # the list was fetched once, whole: what the person typed never left the browser
    assert [u.split("/units/")[1] for u in searched] == ["names/?level=commune"]
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    page.context.close()
