"""The app by keyboard alone: every tab reachable with a visible focus, and htmx swaps
that leave focus where the reader was, driven by Playwright's keyboard in Chromium."""

import pytest

from tests.browser.test_csp import demo_programme_id
from transform.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

FOCUSED = """
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    text: (el.innerText || "").trim(),
    tag: el.tagName,
    id: el.id,
    classes: el.className,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.width > 0 && box.height > 0 && box.right <= window.innerWidth,
  };
}
"""


def _tab_until(page, wanted, limit: int = 120) -> list[dict]:
    """Press Tab until `wanted(focused)` holds; every element focused on the way, in order."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(focused)
        if wanted(focused):
            return seen
    raise AssertionError(f"never reached by Tab; focused: {[f['text'][:30] for f in seen]}")


@pytest.mark.parametrize("width", [1024, 390])
def test_every_programme_tab_is_reached_by_tab_with_a_visible_focus(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.fill("#email", "pmo@example.com")
    page.fill("#password", DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/programmes/")
    page.goto(f"{live_server.url}/programmes/{demo_programme_id(live_server)}")
    tabs = page.locator("nav.tabs a").all_inner_texts()
    assert "Audit" in tabs and "People" in tabs

    seen = _tab_until(page, lambda focused: focused["text"] == tabs[-1])
    reached = [f for f in seen if f["text"] in tabs]
    assert [f["text"] for f in reached] == tabs
    for focused in reached:
        assert focused["outline"], f"{focused['text']}: no visible focus outline"
        assert focused["onScreen"], f"{focused['text']}: focused off screen at {width}px"

    # Enter on a focused tab follows it.
    last = page.locator("nav.tabs a").last.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{last}")
    context.close()


def test_loading_older_feedback_by_keyboard_moves_focus_to_the_first_older_entry(
    page, live_server, login
):
    login("pmo@example.com")
    page.goto(f"{live_server.url}/programmes/{demo_programme_id(live_server)}/feedback")
    entries = page.locator("#feed-list > li.entry")
    first_page = entries.count()
    assert first_page == 25

    _tab_until(page, lambda focused: focused["text"] == "Load older entries", limit=400)
    page.keyboard.press("Enter")
    entries.nth(first_page).wait_for()
    # The page's CSP forbids wait_for_function's eval; poll with evaluate instead.
    for _ in range(50):
        if page.evaluate("() => document.activeElement.matches('li.entry')"):
            break
        page.wait_for_timeout(100)
    focused = page.evaluate(FOCUSED)
    assert focused["id"] == entries.nth(first_page).get_attribute("id")
    assert focused["outline"]
    # The next Tab goes on into that entry, not back to the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('li.entry') !== null")


def test_the_org_chart_folds_and_unfolds_by_keyboard(page, live_server, login):
    login("pmo@example.com")
    page.goto(f"{live_server.url}/teams/")
    _tab_until(page, lambda focused: "org-toggle" in focused["classes"])
    details = page.locator("details.org-below").first
    assert details.get_attribute("open") is not None
    page.keyboard.press("Enter")
    assert details.get_attribute("open") is None
    assert page.evaluate(FOCUSED)["outline"]
    page.keyboard.press("Enter")
    assert details.get_attribute("open") is not None
