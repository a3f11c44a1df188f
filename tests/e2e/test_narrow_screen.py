"""On a phone (390 px wide) the pages fit the screen: the main navigation wraps instead of
making the whole page scroll sideways."""

import pytest

from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("username", ["worker1", "provider"])
def test_pages_fit_a_390px_screen(server, browser, username):
    page = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, server, username)
    page.wait_for_url(server + "/")
    paths = ["/", "/cases/new/", "/cases/"] if username == "worker1" else ["/", "/referrals/inbox/"]
    widths = {}
    for path in paths:
        assert page.goto(server + path).status == 200
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    assert widths == dict.fromkeys(paths, 390)
    page.context.close()
