"""Login by keyboard only, and the language switch, in a real browser."""
from __future__ import annotations

from playwright.sync_api import expect

from e2e_server import PASSWORD, ROOT

ENGLISH_CATALOG = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _focus_by_tab(page, selector: str, limit: int = 25) -> None:
    """Press Tab until the element has focus, as a keyboard user would move through the page."""
    target = page.locator(selector)
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never received focus by Tab")


def test_login_with_keyboard_only(browsing, shots):
    page = browsing.visitor()
    page.goto("/masuk?next=/kotak-masuk")
    _focus_by_tab(page, "#username")
    page.keyboard.type("budi")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    submit = page.get_by_role("button", name="Masuk", exact=True)
    expect(submit).to_be_focused()
    # The focus ring must be visible, not only present (alur.css draws it as a box-shadow).
    assert submit.evaluate("element => getComputedStyle(element).boxShadow") != "none"
    shots(page, "login-keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url("**/kotak-masuk")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    shots(page, "after-login")


def test_wrong_password_by_keyboard_stays_on_login(browsing, shots):
    page = browsing.visitor()
    page.goto("/masuk")
    _focus_by_tab(page, "#username")
    page.keyboard.type("budi")
    page.keyboard.press("Tab")
    page.keyboard.type("salah-sekali")
    page.keyboard.press("Enter")
    expect(page.locator("#login-error")).to_be_visible()
    assert "/masuk" in page.url
    expect(page.get_by_role("button", name="Keluar")).to_have_count(0)
    shots(page, "login-refused")


def test_language_switch_to_english_and_back(browsing, shots):
    assert ENGLISH_CATALOG.exists(), f"no English catalog at {ENGLISH_CATALOG} (make messages, then translate)"
    page = browsing.visitor()
    page.goto("/")
    html = page.locator("html")
    nav = page.get_by_role("navigation")
    staff_link = nav.locator("a[href='/masuk']")
    expect(html).to_have_attribute("lang", "id")
    expect(staff_link).to_have_text("Masuk petugas")
    shots(page, "home-id")

    nav.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(staff_link).not_to_have_text("Masuk petugas")
    english_label = staff_link.inner_text().strip()
    assert english_label, "the staff login link lost its label in English"
    shots(page, "home-en")

    # The choice sticks to the session: another page stays in English.
    page.goto("/masuk")
    expect(html).to_have_attribute("lang", "en")
    expect(staff_link).to_have_text(english_label)

    page.get_by_role("navigation").get_by_role("button", name="Bahasa Indonesia").click()
    expect(html).to_have_attribute("lang", "id")
    expect(page.get_by_role("navigation").locator("a[href='/masuk']")).to_have_text("Masuk petugas")
    shots(page, "back-to-id")
