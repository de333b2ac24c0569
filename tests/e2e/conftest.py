"""Browser tests: Debian's Chromium, driven by Playwright, against `alur serve` on a free port.

Never a browser that Playwright downloads: Chromium must be installed by the system (.ci/run
does it). Without it the tests skip on a developer's machine and fail under CI=true.
"""
from __future__ import annotations

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


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("e2e"), ARTIFACTS / "server.log")
    try:
        srv.prepare()
        srv.start()
        yield srv
    finally:
        srv.stop()


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
    watched = Watched()
    session = Browsing(browser, server, watched)
    yield session
    session.close()
    assert not watched.problems, "errors inside the pages:\n" + "\n".join(watched.problems)
