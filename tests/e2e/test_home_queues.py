"""Home pages as work queues, in a real browser: a hotline intake in worker1's commune waits in
worker1's queue, worker1 picks it up, the hotline operator sees it taken; worker1's closure
request reaches the supervisor, who approves it. Then each demo persona's home at 390 px."""

import os
import re
from pathlib import Path

import pytest

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("GBVMS_SHOTS_DIR", "/tmp/shots"))  # noqa: S108 (the brief's folder)
# the demo personas of gbvms/orgs/demo.py (admin signs in through a second factor first)
PERSONAS = [
    "officer", "worker1", "worker2", "supervisor", "statistician", "hotline", "provider",
    "recorder", "reporter1", "reporter2", "province_reporter",
]  # fmt: skip


CODE = re.compile(r"\b(geo|orgs|audit|cases|referrals|plans|reports|indicators|programme)\.[a-z_]+")


def new_page(browser, width=1280):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    return context.new_page()


def hotline_intake(page, server):
    page.goto(server + "/cases/new/")
    page.get_by_label("Kênh tiếp nhận").select_option("hotline")
    page.get_by_label("Xã, phường nơi xảy ra").select_option(
        label="Phường Kon Tum — Tỉnh Quảng Ngãi"
    )
    page.get_by_label("Họ và tên (nếu người báo tin đồng ý)").fill("Nông Thị Hoa")
    page.get_by_role("button", name="Mở vụ việc").click()
    return page.get_by_test_id("case-code").inner_text()


def classify_physical(page, server, code):
    page.get_by_role("button", name="Phân loại theo từng bước").click()
    steps = [("Hiếp dâm", "Không"), ("Xâm hại tình dục", "Không"), ("Bạo lực thể chất", "Có")]
    for question, answer in steps:
        page.get_by_test_id("question").filter(has_text=question).wait_for()
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="Tiếp").click()
    page.get_by_label("Vợ/chồng hoặc bạn tình hiện tại").check()
    page.get_by_role("button", name="Lưu phân loại").click()
    page.wait_for_url(f"{server}/cases/{code}/")


def test_intake_picked_up_then_closure_approved(server, browser):
    hotline = new_page(browser)
    sign_in(hotline, server, "hotline")
    hotline.wait_for_url(server + "/")
    code = hotline_intake(hotline, server)
    assert re.fullmatch(r"51-\d{4}-\d{6}", code)
    hotline.goto(server + "/")
    mine = hotline.get_by_test_id("intake-today").filter(has_text=code)
    assert mine.get_by_test_id("not-picked-up").is_visible()
    assert "Nông Thị Hoa" not in hotline.content()

    worker = new_page(browser, 390)
    sign_in(worker, server, "worker1")
    worker.wait_for_url(server + "/")
    waiting = worker.get_by_test_id("new-case").filter(has_text=code)
    assert "Nông Thị Hoa" not in worker.get_by_test_id("queue-worker-new").inner_text()
    waiting.get_by_role("button", name="Nhận vụ việc").click()
    worker.wait_for_url(f"{server}/cases/{code}/")
    assert worker.get_by_test_id("survivor-name").inner_text() == "Nông Thị Hoa"

    hotline.reload()
    taken = hotline.get_by_test_id("intake-today").filter(has_text=code)
    assert taken.get_by_test_id("picked-up").is_visible()

    worker.goto(server + "/")
    todo = worker.get_by_test_id("action-case").filter(has_text=code)
    assert "Chưa phân loại" in todo.inner_text()
    todo.get_by_role("link", name=code).click()
    classify_physical(worker, server, code)
    worker.get_by_text("Đóng vụ việc", exact=True).click()  # the form loads on opening
    worker.get_by_label("Lý do đóng").select_option("no_contact")
    worker.get_by_role("button", name="Đóng vụ việc").click()
    worker.wait_for_url(f"{server}/cases/{code}/")
    assert worker.get_by_text("Đã gửi đề nghị đóng vụ việc tới người giám sát.").is_visible()

    supervisor = new_page(browser, 390)
    sign_in(supervisor, server, "supervisor")
    supervisor.wait_for_url(server + "/")
    request = supervisor.get_by_test_id("closure-request").filter(has_text=code)
    assert "Không liên lạc được" in request.inner_text()
    request.get_by_role("button", name="Duyệt đóng").click()
    supervisor.wait_for_url(server + "/")
    assert supervisor.get_by_text(f"Đã duyệt và đóng vụ việc {code}.").is_visible()
    assert supervisor.get_by_test_id("closure-request").filter(has_text=code).count() == 0
    supervisor.goto(f"{server}/cases/{code}/")
    assert "Đã đóng" in supervisor.content()
    for page in (hotline, worker, supervisor):
        page.context.close()


def test_supervisor_reassigns_from_the_case_page(server, browser):
    supervisor = new_page(browser, 390)
    sign_in(supervisor, server, "supervisor")
    supervisor.wait_for_url(server + "/")
    supervisor.goto(server + "/cases/caseload/")
    assert supervisor.get_by_test_id("caseload-row").filter(has_text="Kon Tum").count() >= 1
    supervisor.get_by_test_id("caseload-row").filter(has_text="Kon Tum").get_by_role(
        "link"
    ).first.click()
    supervisor.get_by_test_id("case-row").filter(has_not_text="Đã đóng").first.get_by_role(
        "link"
    ).first.click()
    supervisor.get_by_test_id("assign-link").click()
    supervisor.get_by_label("Cán bộ quản lý trường hợp").select_option("worker1")
    supervisor.get_by_role("button", name="Phân công").click()
    assert supervisor.get_by_text("Đã phân công cho").is_visible()
    supervisor.context.close()


@pytest.mark.parametrize("username", PERSONAS)
def test_home_of_each_persona_fits_a_phone(server, browser, username):
    page = new_page(browser, 390)
    sign_in(page, server, username)
    page.wait_for_load_state()
    page.goto(server + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Xin chào")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"home-{username}.png"), full_page=True)
    assert overflow <= 0, f"{username}'s home scrolls sideways by {overflow}px at 390px"
    text = page.locator("main").inner_text()
    assert not CODE.search(text), "a raw permission code on screen"
    page.context.close()
