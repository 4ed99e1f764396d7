"""The static HTML pages of scripts/build_html.py typeset their formulas with no network.

The pages are built into a temporary folder and served on 127.0.0.1. In
chromium every request to any other address is aborted and recorded; the
test then asserts that none was attempted, that every local file was found,
and that MathJax typeset at least as many formulas as the notebook's
markdown holds, with no raw TeX left on screen. Skips without playwright or
/usr/bin/chromium, fails instead with ``COURSE_REQUIRE_BROWSER=1``. The
screenshot is test-artifacts/browser/offline-page.png.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import re
import sys
import threading
from pathlib import Path

import pytest

from .harness import ROOT, require_browser

_spec = importlib.util.spec_from_file_location("build_html", ROOT / "scripts" / "build_html.py")
build_html = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("build_html", build_html)
_spec.loader.exec_module(build_html)

#: One lecture and one exercise page (the latter loads MathJax from ../mathjax/).
PAGES = ["04_momentum.html", "exercises/04_momentum.html"]
NOTEBOOKS = {"04_momentum.html": ROOT / "notebooks" / "04_momentum.ipynb",
             "exercises/04_momentum.html": ROOT / "exercises" / "04_momentum.ipynb"}
#: Seconds MathJax may take to typeset a page.
TYPESET_SECONDS = 60

# Display math first, so that its dollars are not counted as two inline formulas;
# an escaped dollar (\$) is text (MathJax's processEscapes).
_DISPLAY = re.compile(r"\$\$.+?\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?(?<!\\)\$")
# A TeX command as it would show if MathJax had not run: \theta, \frac, ...
_RAW_TEX = re.compile(r"\\[A-Za-z]{2,}|\$[^$\s]")


def formulas_in(notebook: Path) -> int:
    """How many $…$ and $$…$$ formulas the notebook's markdown cells hold.

    >>> import json, tempfile
    >>> cell = {"cell_type": "markdown", "metadata": {}, "source": "$a$ and $$b$$, not \\\\$5, $\\\\theta_k$"}
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "n.ipynb"
    ...     _ = path.write_text(json.dumps({"cells": [cell]}))
    ...     formulas_in(path)
    3
    """
    data = json.loads(Path(notebook).read_text(encoding="utf-8"))
    count = 0
    for cell in data["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        text = re.sub(r"```.*?```|`[^`\n]*`", "", text, flags=re.DOTALL)  # code is not math
        count += len(_DISPLAY.findall(text))
        count += len(_INLINE.findall(_DISPLAY.sub(" ", text)))
    return count


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test records what it needs itself
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The pages, built into a temporary folder and served on 127.0.0.1: its base URL."""
    require_browser()
    output = tmp_path_factory.mktemp("offline-html")
    build_html.build(output, exercises=True)
    handler = functools.partial(_QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def offline_context(chromium, site):
    """A fresh context (empty cache) in which every request off the local server is aborted and recorded."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.blocked = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(site):
            request_route.continue_()
        else:
            context.blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    yield context
    context.close()


@pytest.mark.parametrize("name", PAGES, ids=["lecture", "exercise"])
def test_page_typesets_its_formulas_with_no_network(offline_context, site, name, artifacts):
    page = offline_context.new_page()
    failed, errors, woff = [], [], []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else woff.append(r.url) if "/STIX-Web/woff/" in r.url else None)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}") if r.url.startswith(site) else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(site + name, wait_until="load")
        page.wait_for_function("() => window.MathJax && MathJax.isReady", timeout=TYPESET_SECONDS * 1000)
        # Queued after the typesetting that the page started: runs when it is done.
        page.evaluate("() => new Promise(done => MathJax.Hub.Queue(() => done(true)))")
        result = page.evaluate(
            """() => ({
                jax: MathJax.Hub.getAllJax().length,
                output: MathJax.Hub.getAllJax().map(j => j.outputJax),
                shown: Array.from(document.querySelectorAll('span.MathJax'))
                    .filter(e => e.getBoundingClientRect().width > 0).length,
                errors: document.querySelectorAll('.MathJax .merror, .MathJax .noError').length,
                text: Array.from(document.querySelectorAll('.jp-RenderedMarkdown'))
                    .map(e => e.innerText).join('\\n'),
            })"""
        )
        expected = formulas_in(NOTEBOOKS[name])
        if name == PAGES[0]:
            # The first display formula in view, with the text around it.
            page.locator(".MathJax_Display").first.scroll_into_view_if_needed()
            page.mouse.wheel(0, -250)
            page.wait_for_timeout(100)
            page.screenshot(path=artifacts / "offline-page.png")
    finally:
        page.close()
    assert offline_context.blocked == [], f"{name} asked the network for: {offline_context.blocked}"
    assert failed == [], f"{name}: local files missing: {failed}"
    assert errors == [], f"{name}: errors in the page: {errors}"
    assert expected >= 20, f"{NOTEBOOKS[name].name} should hold formulas, found {expected}"
    assert result["jax"] >= expected, f"{name}: MathJax typeset {result['jax']} formulas of {expected}"
    assert set(result["output"]) == {"HTML-CSS"}, result["output"]
    assert result["shown"] >= expected, f"{name}: {result['shown']} formulas drawn of {expected}"
    assert result["errors"] == 0, f"{name}: {result['errors']} formulas with TeX errors"
    assert woff, f"{name}: no web font loaded, so the formulas are drawn in whatever font the machine has"
    raw = sorted(set(_RAW_TEX.findall(result["text"])))
    assert raw == [], f"{name}: raw TeX left in the text: {raw}"
