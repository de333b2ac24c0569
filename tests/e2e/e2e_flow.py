"""The SOP as people do it in the browser: fill a form by its fields, find a task in an inbox
that refreshes itself, claim and complete it."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from forms.catalog import default_catalog

INBOX_WAIT_MS = 20_000  # several polling periods (ALUR_INBOX_POLL_SECONDS is 4)
TICKET = re.compile(r"^[A-Z0-9]{5}-[A-Z0-9]{5}$")
CATALOG = default_catalog()


def browser_value(widget: str, value) -> str:
    """What a person types into the widget for this stored value."""
    if widget == "datetime":  # datetime-local takes no offset: the office's own clock (WIB)
        return str(value)[:16]
    return str(value)


def tap_choice(page, name: str, value) -> None:
    """Tap the label of one radio option, as on a phone, and check that it took."""
    option = f'input[type="radio"][value="{value}"]'
    page.locator(f"#field-{name} label.choice").filter(has=page.locator(option)).click()
    expect(page.locator(f"#field-{name} {option}")).to_be_checked()


def fill_form(page, form_key: str, data: dict) -> None:
    """Fill the fields of a form rendered by _form.html with the stored values in `data`."""
    for field in CATALOG.get(form_key).fields():
        if field.name not in data:
            continue
        value = data[field.name]
        if field.widget == "radio":
            tap_choice(page, field.name, value)
        elif field.widget == "checkbox":
            box = page.locator(f"#in-{field.name}")
            if box.is_checked() != bool(value):
                page.locator(f"#field-{field.name} label.choice").click()
            expect(box).to_be_checked(checked=bool(value))
        elif field.widget == "select":
            page.locator(f"#in-{field.name}").select_option(str(value))
        else:
            page.locator(f"#in-{field.name}").fill(browser_value(field.widget, value))


def inbox_row(page, ticket_code: str, step: int):
    """The inbox row of this ticket at this step, waited for without reloading the page: the
    inbox polls for new tasks by itself."""
    row = page.locator("#inbox-rows tr[data-task-id]").filter(has_text=ticket_code).filter(
        has=page.locator(".step-no", has_text=re.compile(rf"^{step}$")))
    expect(row).to_have_count(1, timeout=INBOX_WAIT_MS)
    return row


def open_from_inbox(page, ticket_code: str, step: int):
    row = inbox_row(page, ticket_code, step)
    expect(row).to_contain_text("Belum diambil")
    # The page was loaded before this task existed: the row came by polling, and was announced.
    expect(page.locator("#inbox-live")).to_have_text(re.compile(r"^\d+ tugas baru$"))
    row.get_by_role("link").click()
    page.wait_for_url("**/tugas/*")
    expect(page.locator("h1 .step-no")).to_have_text(str(step))
    expect(page.get_by_role("region", name="Ringkasan kasus")).to_contain_text(ticket_code)


def claim(page) -> None:
    page.get_by_role("button", name="Ambil tugas").click()
    expect(page.locator(".claim-box")).to_contain_text("Diambil oleh Anda")


def complete(page, step: int, ticket_code: str) -> None:
    page.get_by_role("button", name="Selesaikan").click()
    page.wait_for_url("**/kotak-masuk")
    expect(page.locator(".flash-success")).to_contain_text(f"Langkah {step} selesai")
    expect(page.locator(".flash-success")).to_contain_text(ticket_code)
    # Gone from this lane's inbox once done (the next step may belong to the same lane).
    expect(page.locator("#inbox-rows tr[data-task-id]").filter(has_text=ticket_code).filter(
        has=page.locator(".step-no", has_text=re.compile(rf"^{step}$")))).to_have_count(0)

