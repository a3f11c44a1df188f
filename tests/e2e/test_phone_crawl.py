"""Every page of the menu, for every demo persona, at 390 px (a phone) and 1280 px (a desktop):
no horizontal scrolling of the page, no raw code in the visible text (``psychosocial_support``,
``cases.need.set``, ``(0-3d)``), no untranslated English word in the Vietnamese interface.
See docs/phone-ui.md."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django_otp.oath import TOTP

from gbvms.orgs.demo import USERS
from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1280)
USERNAMES = {username for username, *_ in USERS}

# A code held as data and shown as is: snake_case (psychosocial_support), a dotted action or
# permission code (cases.need.set), a reporting bucket like (0-3d).
SNAKE = re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
DOTTED = re.compile(r"(?<![\w.@/-])[a-z]+(?:\.[a-z_]+){2,}(?![\w@/-])")
BUCKET = re.compile(r"\(\d+\s*-\s*\d+\s*d\)")
URLISH = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\S+\.(?:vn|org|com|net|gov)\b\S*")
# Common English interface words: whole words, as Django or a forgotten label would show them.
ENGLISH = re.compile(
    r"\b(Created|Updated|Submit|Save|Delete|None|True|False|Next|Previous|Edit|Cancel|"
    r"Search|Filter|Actions|Loading|Unknown|Yes|Required|Choose|Select|Page)\b"
)
# Pages whose purpose is to show codes (the roles page lists permission codes on purpose).
CODE_PAGES = ("/roles/",)

# Text that the checks read: visible text outside elements marked as another language (the
# language switch says "English" in English) and outside <code>/<kbd> samples.
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    const skip = 'script, style, template, code, kbd, samp, [hidden], [aria-hidden="true"]';
    if (el.closest(skip)) continue;
    const lang = el.closest('[lang]');
    if (lang && lang.getAttribute('lang') !== document.documentElement.lang) continue;
    if (!el.checkVisibility || el.checkVisibility()) out.push(node.textContent);
  }
  return out.join(' ');
}"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
MENU_LINKS = """() => Array.from(document.querySelectorAll('header nav a[href]'))
  .map(a => a.href).filter(h => h.startsWith(location.origin))"""


def problems_in_text(text: str, path: str) -> list[str]:
    found: list[str] = []
    if not any(path.startswith(p) for p in CODE_PAGES):
        cleaned = URLISH.sub(" ", text)
        codes = {m for m in SNAKE.findall(cleaned) if m not in USERNAMES}
        codes |= set(DOTTED.findall(cleaned)) | set(BUCKET.findall(cleaned))
        found += [f"raw code {c!r}" for c in sorted(codes)]
    found += [f"English {w!r}" for w in sorted(set(ENGLISH.findall(text)))]
    return found


def menu_paths(page, base: str) -> list[str]:
    hrefs = page.evaluate(MENU_LINKS)
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    return paths


def enrol_second_factor(page) -> None:
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Mã xác thực 6 chữ số").fill(f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Kích hoạt").click()
    page.wait_for_load_state()


def crawl(browser, base: str, username: str, shots: Path | None = None) -> list[str]:
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: script error {e}"))
    sign_in(page, base, username)
    page.wait_for_load_state()
    if page.url.endswith("/account/two-factor/"):  # the administrator enrols a second factor
        enrol_second_factor(page)
    if "/login" in page.url or "/account/" in page.url:
        context.close()
        return [f"{username}: not signed in ({page.url})"]
    paths = menu_paths(page, base)
    failures: list[str] = []
    for path in paths:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844})
            response = page.goto(base + path)
            where = f"{username} {width}px {path}"
            if response is None or response.status != 200:
                failures.append(f"{where}: status {response.status if response else None}")
                continue
            overflow = page.evaluate(OVERFLOW)
            if overflow > 0:
                failures.append(f"{where}: page scrolls sideways by {overflow}px")
            text = page.evaluate(VISIBLE_TEXT)
            failures += [f"{where}: {p}" for p in problems_in_text(text, path)]
            if shots is not None and width == 390:
                name = re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "home"
                page.screenshot(path=str(shots / f"phone_{username}_{name}.png"), full_page=True)
    context.close()
    return failures + errors


def test_text_checks_catch_codes_and_english():
    text = "Dịch vụ psychosocial_support, mã cases.need.set, nhóm (0-3d), Created bởi worker1"
    assert problems_in_text(text, "/cases/") == [
        "raw code '(0-3d)'",
        "raw code 'cases.need.set'",
        "raw code 'psychosocial_support'",
        "English 'Created'",
    ]
    clean = "Tài khoản province_reporter, thư a_b@x.vn, gbvms.example.org"
    assert problems_in_text(clean, "/") == []
    assert problems_in_text("cases.case.view", "/roles/") == []


@pytest.mark.parametrize("username", sorted(USERNAMES))
def test_every_menu_page_fits_a_phone_and_speaks_vietnamese(server, browser, username):
    assert crawl(browser, server, username) == []


def test_menu_folds_behind_a_button_with_sign_out_reachable(server, browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, server, "worker1")
    page.wait_for_url(server + "/")
    toggle = page.get_by_test_id("menu-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("link", name="Vụ việc", exact=True).is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Vụ việc", exact=True).is_visible()
    page.locator("header details.dropdown > summary").click()
    logout = page.get_by_test_id("logout")
    assert logout.is_visible()
    assert logout.bounding_box()["height"] >= 44
    assert page.get_by_role("button", name="English").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not toggle.is_visible()
    assert page.get_by_role("link", name="Vụ việc", exact=True).is_visible()
    context.close()
