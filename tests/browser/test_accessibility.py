"""WCAG 2.1 AA: axe-core on every page type in three languages, plus what axe cannot see:
keyboard use, visible focus, and phone-sized screens."""

from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

AXE_SCRIPT = Path(axe_playwright_python.__file__).parent / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCALES = ("fi", "sv", "en")

PUBLIC_PAGES = [
    "/", "/boards/yleinen", "/threads/1", "/posts/2/branch", "/login",
    "/register", "/accessibility", "/no-such-page", "/tags", "/tags/tyokokeilu",
    "/search?q=ty%C3%B6kyky", "/practices", "/threads/2", "/password/forgot",
    "/register/sent", "/password/reset/no-such-link", "/confirm/no-such-link",
    "/invitations/no-such-link", "/account/email/confirm/no-such-link",
    "/account/email/undo/no-such-link", "/privacy", "/events/", "/events/1",
]  # fmt: skip
MEMBER_PAGES = [
    "/boards/yleinen/new", "/posts/2/reply", "/posts/2/flag", "/account", "/tags/propose",
    "/users/1", "/notifications", "/unread", "/threads/1/watch", "/boards/yleinen/watch",
    "/account/notifications", "/account/data", "/account/erase", "/groups/", "/organisations/",
    "/organisations/11", "/organisations/5/describe", "/organisations/1/assessment",
    "/organisations/5/assessment/new", "/events/2", "/account/calendar", "/goals", "/goals/1",
    "/organisations/5/goals", "/organisations/5/goals/new", "/goals/4/edit",
]  # fmt: skip
STAFF_PAGES = [
    "/staff/moderation/", "/staff/admin/", "/staff/admin/boards", "/staff/admin/boards/1",
    "/staff/admin/members", "/staff/admin/members/1", "/staff/admin/audit",
    "/staff/admin/regions", "/staff/admin/organisations", "/staff/threads/1/move",
    "/staff/users/1/suspend", "/posts/1/edit", "/staff/admin/tags", "/staff/admin/tags/1",
    "/staff/admin/tag-groups", "/threads/1/tags", "/staff/threads/2/practice",
    "/staff/members/requests", "/staff/admin/organisations/1", "/staff/members/invitations",
    "/staff/admin/members/2/erase", "/staff/moderation/log", "/staff/admin/training-groups",
    "/staff/groups/1", "/staff/organisations/information-needs", "/staff/events/new",
    "/staff/events/1/edit", "/staff/events/1/people", "/staff/events/1/cancel",
]  # fmt: skip


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']][:3]}"
        for violation in result["violations"]
    ]


@pytest.fixture
def axe_page(browser):
    # The test injects axe as an inline script, which the forum's own CSP forbids.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _check_pages(page, base: str, paths: list[str]) -> dict[str, list[str]]:
    problems = {}
    for locale in LOCALES:
        page.goto(f"{base}/language/{locale}?next=/")
        for path in paths:
            page.goto(base + path)
            assert page.locator("html").get_attribute("lang") == locale
            violations = axe_violations(page)
            if violations:
                problems[f"{locale} {path}"] = violations
    return problems


def test_public_pages_pass_axe(axe_page, live_server):
    assert _check_pages(axe_page, live_server, PUBLIC_PAGES) == {}


def test_member_pages_pass_axe(axe_page, live_server):
    sign_in(axe_page, live_server, "eetu@example.fi")
    try:
        assert _check_pages(axe_page, live_server, MEMBER_PAGES) == {}
    finally:
        axe_page.goto(f"{live_server}/language/fi?next=/")  # Eetu's own preference


def test_staff_pages_pass_axe(axe_page, live_server):
    sign_in(axe_page, live_server, "admin@example.fi")
    try:
        assert _check_pages(axe_page, live_server, STAFF_PAGES) == {}
    finally:
        axe_page.goto(f"{live_server}/language/fi?next=/")


def test_form_errors_pass_axe_and_are_tied_to_fields(axe_page, live_server):
    axe_page.goto(f"{live_server}/language/sv?next=/register")
    axe_page.click("main form button[type=submit]")
    summary = axe_page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert axe_page.title().startswith("Fel:")
    first_link = summary.locator("a").first
    field_id = first_link.get_attribute("href").lstrip("#")
    described = axe_page.locator(f"#{field_id}").get_attribute("aria-describedby")
    assert f"{field_id}-error" in described.split()
    assert axe_violations(axe_page) == []


def test_keyboard_only_reply(page, live_server):
    sign_in(page, live_server, "coordinator@example.fi")
    page.goto(f"{live_server}/threads/3")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    # Tab to the first post's Reply link.
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.className")
        if "reply-link" in focused:
            break
    else:
        pytest.fail("no Reply link reached by Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus is visible"
    page.keyboard.press("Enter")
    expect(page.locator("form.in-place textarea")).to_be_focused()
    page.keyboard.type("Written with the keyboard alone")
    page.keyboard.press("Tab")  # the preview button
    page.keyboard.press("Tab")  # the language
    page.keyboard.press("Tab")  # send
    page.keyboard.press("Enter")
    expect(page.locator("text=Written with the keyboard alone")).to_be_visible()


@pytest.mark.parametrize(
    "path", ["/", "/threads/1", "/boards/yleinen", "/register", "/posts/2/branch"]
)
def test_no_horizontal_scrolling_on_a_phone(browser, live_server, path):
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 375


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server, "coordinator@example.fi")
    page.goto(f"{live_server}/threads/1")
    # No collapse buttons without JavaScript: a branch opens on its own page instead.
    assert page.locator("button.collapse-toggle").count() == 0
    page.locator(".branch-link a").first.click()
    expect(page.locator("h1")).to_contain_text("A branch of the thread")
    page.locator("a.reply-link").first.click()
    page.fill("#body", "Sent without JavaScript")
    page.click("main form.reply-form button[type=submit]")
    expect(page.locator("text=Sent without JavaScript")).to_be_visible()
    context.close()
