"""Issue 11 in a real browser: the programme officer records, from a plan task, the training the
gender-equality staff of Xã Đăk Tô missed (the demo's gap), led by its People's Committee; the
indicator worker runs, and the programme dashboard and P01 show the commune's requirement met.
At 390 px and 1280 px, no sideways scroll, no console error. Screenshots: /tmp/prog_*.png."""

import json

import pytest

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e

SHOTS = "/tmp"  # noqa: S108 - screenshots to look at, as the issue asks
WORK = "from gbvms.indicators.worker import process_pending; process_pending()"


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == width


def _context(browser, width):
    context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return context, page, errors


def _p01(page, server, year) -> tuple[int, int]:
    body = page.request.get(f"{server}/api/v1/indicators/P01/values?unit=23401&period={year}")
    assert body.ok, body.text()
    got = json.loads(body.text())
    return got["numerator"], got["denominator"]


@pytest.fixture(scope="module")
def dak_to(manage):
    """The id of UBND xã Đăk Tô and the demo year, with the demo's delivery worked down."""
    manage("shell", "-c", WORK)
    out = manage(
        "shell", "-c",
        "from django.utils import timezone; from gbvms.orgs.models import Agency; "
        "a = Agency.objects.get(unit__code='23401', kind='peoples_committee'); "
        "print(a.pk, a.unit_id, timezone.localdate().year)",
    )  # fmt: skip
    agency, unit, year = out.split()[-3:]
    return agency, unit, int(year)


@pytest.fixture(scope="module")
def recorded(server, browser, dak_to):
    """Before/after P01 of Xã Đăk Tô around one training recorded through the task's button."""
    agency, unit, year = dak_to
    context, page, errors = _context(browser, 1280)
    sign_in(page, server, "officer")
    page.wait_for_url(server + "/indicators/")
    before = _p01(page, server, year)
    # the officer's tasks under the plan: record the training of an activity, for the commune
    page.goto(f"{server}/plans/tasks/")
    page.get_by_test_id("record-training").first.click()
    page.wait_for_url("**/programme/trainings/new**")
    page.locator("[name=unit]").select_option(unit)
    page.locator("[name=lead_agency]").select_option(agency)
    page.locator("[name=title]").fill("Tập huấn cho cán bộ làm công tác bình đẳng giới")
    page.locator("[name=topic]").select_option("gbv_general")
    page.locator("[name=start]").fill(f"{year}-10-05")
    page.locator("[name=end]").fill(f"{year}-10-05")
    page.locator("[name=target_groups][value=ge_staff]").check()
    page.locator("[name=p_ge_staff_female]").fill("3")
    page.locator("[name=p_ge_staff_male]").fill("2")
    page.screenshot(path=f"{SHOTS}/prog_training_form.png", full_page=True)
    page.get_by_role("button", name="Lưu").first.click()
    page.wait_for_load_state()
    assert "/programme/trainings/" in page.url, page.url
    assert "/new" not in page.url, page.url  # saved: the record's page
    page.screenshot(path=f"{SHOTS}/prog_training_saved.png", full_page=True)
    context.close()
    assert errors == []
    return before, year


@pytest.mark.parametrize("width", [390, 1280])
def test_a_training_recorded_from_a_task_meets_p01(server, browser, manage, recorded, width):
    before, year = recorded
    assert before[0] < before[1]  # the demo's gap: one required group not trained
    manage("shell", "-c", WORK)  # the worker's cycle (the test server runs none)
    context, page, errors = _context(browser, width)
    sign_in(page, server, "officer")
    page.wait_for_url(server + "/indicators/")
    assert _p01(page, server, year) == (before[0] + 1, before[1])
    page.goto(f"{server}/indicators/programme/?unit=23401&year={year}")
    coverage = page.get_by_test_id("coverage")
    assert "1/1 xã, phường đã tập huấn đủ" in coverage.inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/prog_dashboard_{width}.png", full_page=True)
    page.goto(f"{server}/indicators/P01/?unit=23401&period={year}")
    assert page.get_by_role("heading", level=1).count() == 1
    _no_sideways_scroll(page)
    page.screenshot(path=f"{SHOTS}/prog_p01_{width}.png", full_page=True)
    context.close()
    assert errors == []
