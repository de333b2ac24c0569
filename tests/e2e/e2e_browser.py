"""Browsing helpers: one context per person, the real login form, numbered screenshots."""
from __future__ import annotations

import shutil
from urllib.parse import quote

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from e2e_server import PASSWORD

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
WAIT_MS = 15_000


class Shots:
    """Full-page screenshots, numbered in the order the test saw the pages."""

    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str, *, phone: bool = False) -> None:
        """phone=True: a second shot at 360x740, where the page must not scroll sideways."""
        self.count += 1
        page.screenshot(path=str(self.directory / f"{self.count:02d}-{name}.png"), full_page=True)
        if phone:
            size = page.viewport_size
            page.set_viewport_size(PHONE)
            try:
                page.screenshot(path=str(self.directory / f"{self.count:02d}-{name}-360.png"), full_page=True)
                no_horizontal_overflow(page)
            finally:
                page.set_viewport_size(size)


class Watched:
    """What went wrong inside the pages: uncaught script errors and CSP refusals."""

    def __init__(self):
        self.problems: list[str] = []

    def watch(self, page):
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self.problems.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text else None)
        return page


class Browsing:
    """One browser context per person (own cookies): staff logged in once per test, visitors fresh."""

    def __init__(self, browser, server, watched: Watched):
        self.browser, self.server, self.watched = browser, server, watched
        self.contexts = []
        self.staff_contexts = {}

    def context(self, viewport=DESKTOP):
        context = self.browser.new_context(base_url=self.server.url, viewport=viewport, locale="id-ID",
                                           timezone_id="Asia/Jakarta")
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        return context

    def page(self, context):
        return self.watched.watch(context.new_page())

    def visitor(self, viewport=DESKTOP):
        """A member of the public: no account, no cookies from anyone else."""
        return self.page(self.context(viewport))

    def staff(self, username: str, path: str = "/kotak-masuk"):
        """A page of this staff member's own context, logged in through the real form."""
        if username not in self.staff_contexts:
            context = self.context()
            page = self.page(context)
            login(page, username, next_path=path)
            self.staff_contexts[username] = context
            return page
        page = self.page(self.staff_contexts[username])
        page.goto(path)
        return page

    def close(self):
        for context in self.contexts:
            context.close()


def login(page, username: str, password: str = PASSWORD, next_path: str = "/kotak-masuk"):
    page.goto(f"/masuk?next={quote(next_path)}")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(lambda url: "/masuk" not in url)
    return page




def no_horizontal_overflow(page) -> None:
    """Nothing wider than the screen: a 360 px phone must not scroll sideways.

    The shots resize a page drawn at desktop width; charts (Chart.js) follow on their next
    animation frame, so the width is given a moment to settle, as on a phone it never had to."""
    viewport = page.viewport_size["width"]
    try:
        page.wait_for_function("(w) => document.documentElement.scrollWidth <= w", arg=viewport, timeout=2000)
    except PlaywrightTimeout:
        pass  # the assertion below says what is too wide
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport, f"{page.url} is {width} px wide at {viewport} px: {_overflowing(page, viewport)}"


def _overflowing(page, viewport: int) -> list:
    """The elements sticking out of the screen that no scrolling frame holds: what to fix."""
    return page.evaluate("""(viewport) => {
        const held = (el) => { for (let a = el.parentElement; a; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; };
        return [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > viewport + 1 && !held(el))
            .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} "${
                (el.textContent || '').trim().slice(0, 40)}"`);
    }""", viewport)
