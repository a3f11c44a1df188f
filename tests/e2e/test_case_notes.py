"""Browser test of the case file: a note added and corrected, the narrative written and the
survivor's details corrected, on a 390 px phone and a 1280 px desktop."""

import re

import pytest

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e


def _open_case(page, server, name):
    page.goto(server + "/cases/new/")
    page.get_by_label("Kênh tiếp nhận").select_option("self_referral")
    page.get_by_label("Xã, phường nơi xảy ra").select_option(
        label="Phường Kon Tum — Tỉnh Quảng Ngãi"
    )
    page.get_by_label("Thể chất").check()
    page.get_by_label("Họ và tên (nếu người báo tin đồng ý)").fill(name)
    page.get_by_role("button", name="Mở vụ việc").click()
    code = page.get_by_test_id("case-code").inner_text()
    assert re.fullmatch(r"51-\d{4}-\d{6}", code)
    return code


def _fits(page, selector):
    """The section does not overflow its own width (long text wraps)."""
    return page.evaluate(
        "s => { const e = document.querySelector(s); return e.scrollWidth <= e.clientWidth + 1 }",
        selector,
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_note_added_and_edited_and_survivor_corrected(server, browser, width):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, server, "worker1")
    page.wait_for_url(server + "/")
    code = _open_case(page, server, f"Hà Thị Thu {width}")
    page.goto(f"{server}/cases/{code}/")
    assert "Thể chất" in page.get_by_test_id("intake-answers").inner_text()

    # a note: added, then corrected by its author (the earlier text is kept)
    notes = page.get_by_test_id("notes")  # loaded into the page on demand
    notes.get_by_label("Ghi chú tiến trình").fill("Đã gọi điện, chị Thu an toàn")
    notes.get_by_role("button", name="Thêm ghi chú").click()
    page.wait_for_url(re.compile(rf".*/cases/{code}/#notes-h$"))
    first = page.get_by_test_id("note").first
    assert first.get_by_test_id("note-text").inner_text() == "Đã gọi điện, chị Thu an toàn"
    first.get_by_test_id("note-edit").click()
    page.get_by_label("Ghi chú tiến trình").fill("Đã gọi điện lúc 17 giờ, chị Thu an toàn")
    page.get_by_role("button", name="Lưu ghi chú").click()
    page.wait_for_url(re.compile(rf".*/cases/{code}/#notes-h$"))
    note = page.get_by_test_id("note").first
    assert note.get_by_test_id("note-text").inner_text() == (
        "Đã gọi điện lúc 17 giờ, chị Thu an toàn"
    )
    assert "đã sửa lúc" in note.inner_text()
    note.get_by_text("1 bản trước").click()
    assert "Đã gọi điện, chị Thu an toàn" in note.inner_text()
    assert _fits(page, "#notes")

    # the narrative, in the survivor's words
    page.get_by_text("Sửa lời kể", exact=True).click()  # the form loads on opening
    page.get_by_label("Lời kể sự việc (theo lời người bị bạo lực)").fill("Chồng đánh tối qua")
    page.get_by_role("button", name="Lưu lời kể").click()
    page.wait_for_url(re.compile(rf".*/cases/{code}/#narrative-h$"))
    assert page.get_by_test_id("narrative").inner_text() == "Chồng đánh tối qua"

    # the survivor's details corrected; the duplicate check is run again and said
    page.get_by_text("Sửa thông tin người bị bạo lực", exact=True).click()
    form = page.get_by_test_id("case-file-form")
    form.get_by_label("Họ và tên").fill(f"Hà Thị Thu Trang {width}")
    form.get_by_label("Năm sinh").fill("1992")
    form.get_by_label("Địa chỉ").fill("Tổ 4, phường Kon Tum")
    form.get_by_role("button", name="Lưu thông tin").click()
    page.wait_for_url(re.compile(rf".*/cases/{code}/#survivor-h$"))
    assert page.get_by_test_id("survivor-name").inner_text() == f"Hà Thị Thu Trang {width}"
    assert page.get_by_test_id("survivor-address").inner_text() == "Tổ 4, phường Kon Tum"
    assert (
        page.get_by_text("Đã kiểm tra trùng lặp").count() + page.get_by_text("Có thể trùng").count()
        == 1
    )
    assert _fits(page, "section[aria-labelledby=survivor-h]")
    assert errors == []
    context.close()
