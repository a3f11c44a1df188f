"""The targets page in a real browser: the demo programme officer sees the demo plan's targets
inherited by a commune, sets the commune's own target below the province's (a warning, saved
anyway), and nothing scrolls sideways at 390 px. Screenshots: /tmp/targets_*.png."""

import pytest

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e

SHOTS = "/tmp"  # noqa: S108 - screenshots to look at


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == width


@pytest.mark.parametrize("width", [390, 1280])
def test_officer_sets_a_commune_target(server, browser, width):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, server, "officer")
    page.wait_for_url(server + "/indicators/")
    assert page.goto(server + "/indicators/targets/?year=2026").status == 200
    r02 = page.locator("[data-testid=target-row][data-code=R02]")
    assert "trên 90%" in r02.get_by_test_id("target-source").inner_text()
    assert "riêng của đơn vị" in r02.get_by_test_id("target-source").inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/targets_province_{width}.png", full_page=True)
    page.screenshot(path=f"{SHOTS}/targets_province_{width}_top.png")

    page.get_by_test_id("children").locator("summary").click()
    page.locator("[data-testid=children] a").first.click()
    r02 = page.locator("[data-testid=target-row][data-code=R02]")
    assert "kế thừa từ" in r02.get_by_test_id("target-source").inner_text()
    r02.get_by_test_id("target-edit").click()
    page.get_by_label("So sánh").select_option(">=")
    page.get_by_label("Giá trị").fill("85")
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    page.wait_for_url("**/indicators/targets/?unit=*")
    assert "thấp hơn chỉ tiêu của cấp trên" in page.locator(".message-warning").first.inner_text()
    r02 = page.locator("[data-testid=target-row][data-code=R02]")
    assert "tối thiểu 85%" in r02.get_by_test_id("target-source").inner_text()
    assert r02.get_by_test_id("target-warning").count() == 1
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/targets_commune_{width}.png", full_page=True)
    # put it back for the other width
    r02.get_by_test_id("target-edit").click()
    page.get_by_role("button", name="Bỏ chỉ tiêu riêng (dùng chỉ tiêu cấp trên)").click()
    context.close()
    assert errors == []
