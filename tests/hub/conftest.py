"""Fixtures of the JupyterHub class test: one hub, one chromium, a browser
context (cookies) per user.

The tests skip when jupyterhub, configurable-http-proxy (``bash
.ci/install-hub``), playwright or /usr/bin/chromium is missing, and fail
instead when ``COURSE_REQUIRE_BROWSER=1`` is set, as in tests/browser/.
Screenshots and the measured times go to ``test-artifacts/hub/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.harness import ROOT, browser_missing, require

from .hub import Hub, hub_missing

# A JupyterHub config file, not a module: --doctest-modules must not import it.
collect_ignore = ["jupyterhub_config.py"]

ARTIFACTS = ROOT / "test-artifacts" / "hub"
INSTRUCTOR = "instructor"
STUDENTS = ("alice", "bob")


def require_hub() -> None:
    """Skip (or, with COURSE_REQUIRE_BROWSER=1, fail) when no hub or browser can run."""
    reasons = [reason for reason in (hub_missing(), browser_missing()) if reason]
    require("; ".join(reasons) or None)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def hub():
    require_hub()
    hub = Hub(instructors=[INSTRUCTOR], students=STUDENTS)
    try:
        hub.start()
        yield hub
    finally:
        try:
            hub.stop()
        finally:
            # Nothing may outlive the test; the last test asserts it, this only cleans up.
            hub.kill_leftovers()
            hub.remove()


@pytest.fixture(scope="module")
def browser(hub, chromium):
    return chromium


@pytest.fixture(scope="module")
def contexts(browser):
    """{user: playwright BrowserContext}: each user has cookies of their own."""
    made = {user: browser.new_context(viewport={"width": 1280, "height": 900})
            for user in (INSTRUCTOR, *STUDENTS)}
    yield made
    for context in made.values():
        context.close()   # a no-op when the test closed it already
