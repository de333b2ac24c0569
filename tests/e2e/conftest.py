"""Browser tests: Debian's Chromium, driven by Playwright, against `alur serve` on a free port.

Never a browser that Playwright downloads: Chromium must be installed by the system (.ci/run
does it). Without it the tests skip on a developer's machine and fail under CI=true.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil

import pytest

from e2e_browser import Browsing, Shots, Watched
from e2e_server import ROOT, Server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests need Chromium in CI: {reason} (.ci/run installs Debian's chromium)",
                    pytrace=False)
    pytest.skip(reason)


@contextlib.contextmanager
def running_server(workdir, log_name: str):
    """`alur init` on a fresh SQLite file, then `alur serve`, stopped however the tests end."""
    srv = Server(workdir, ARTIFACTS / log_name)
    try:
        srv.prepare()
        srv.start()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("e2e"), "server.log") as srv:
        yield srv


@contextlib.contextmanager
def browsing_on(browser, server):
    """People browsing one server; any script error or CSP refusal in their pages fails the test."""
    watched = Watched()
    session = Browsing(browser, server, watched)
    yield session
    session.close()
    assert not watched.problems, "errors inside the pages:\n" + "\n".join(watched.problems)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"Playwright for Python is not installed: {error}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def shots(request):
    return Shots(ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name))


@pytest.fixture
def browsing(browser, server):
    with browsing_on(browser, server) as session:
        yield session
