"""The JupyterLite site in chromium, with no network: serve it, open a notebook, count requests.

Used by the tests in ``tests/lite/`` and by ``python -m benchmarks --only lite``.
Nothing here imports playwright at module level.

* :class:`SiteServer` serves a built site (``scripts/build_lite.py``) on
  127.0.0.1 from a thread of this process; a context manager.
* :class:`Network` routes every request of a browser context that is not for
  the site: a request to the Pyodide CDN is answered from the local,
  sha256-verified files, anything else is aborted; every request to another
  host is recorded, so a test can assert that none reached the network.
* :class:`LitePage` is the browser tests' :class:`LecturePage` on the Lite
  site: each notebook in a browser context of its own (JupyterLite keeps its
  files and workspace in the browser's storage, which pages of one context
  would share), its kernel (Pyodide, in a web worker of the page) ending
  with the page.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import sys
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.harness import _PANEL_JS, ROOT, LecturePage

__all__ = [
    "FILES",
    "SERVICE_WORKER_ENV",
    "LitePage",
    "Network",
    "SiteServer",
    "build_lite",
    "start_playwright",
]

sys.path.insert(0, str(ROOT / "scripts"))
import build_lite  # noqa: E402  (scripts/ is not a package)

FILES = build_lite.FILES
#: Makes playwright see and route the requests of service workers (Chromium only).
SERVICE_WORKER_ENV = "PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"


def start_playwright():
    """A started sync playwright whose routes also catch the requests of service workers.

    JupyterLite's service worker relays the kernel's file access and
    fetches, for the pages and the kernel's web worker, whatever they ask
    for, the Pyodide CDN included. Without this switch those fetches would
    bypass the routes below (and the count of outside requests). The driver
    reads it from the environment when it starts.
    """
    from playwright.sync_api import sync_playwright

    os.environ[SERVICE_WORKER_ENV] = "1"
    return sync_playwright().start()


class _Handler(http.server.SimpleHTTPRequestHandler):
    # WebAssembly must come as application/wasm for streaming compilation;
    # .mjs as JavaScript, or the module import is refused.
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
        ".json": "application/json", ".whl": "application/octet-stream",
    }

    def log_message(self, *args) -> None:  # quiet: hundreds of requests per page
        pass


class SiteServer:
    """A static server of ``root`` on 127.0.0.1 and a free port, in a thread; a context manager."""

    def __init__(self, root: Path):
        self.root = Path(root)
        if not (self.root / "lab" / "index.html").is_file():
            raise FileNotFoundError(f"{self.root} is not a built JupyterLite site (no lab/index.html)")
        self.httpd: http.server.ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    def __enter__(self) -> SiteServer:
        handler = functools.partial(_Handler, directory=str(self.root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="lite-site", daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(timeout=10)
            self.httpd = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str, **query: str) -> str:
        """The page of ``path``; ``lab/tree/NAME`` (the harness's form) opens notebook NAME."""
        if path.startswith("lab/tree/"):
            name = path[len("lab/tree/"):]
            return f"{self.origin}/lab/index.html?path={urllib.parse.quote(name)}"
        return f"{self.origin}/{path.lstrip('/')}"

    def api(self, path: str, method: str = "GET"):
        """A static site has no REST API: no session to list or end."""
        return []


@dataclass
class Network:
    """What left the site: every request of a context to a host other than 127.0.0.1.

    ``cdn`` (a URL prefix) and ``files`` ({file name: bytes}, verified) answer
    the Pyodide CDN's requests locally; with ``cdn=None`` (the offline site)
    nothing is answered and every outside request is aborted.
    """

    cdn: str | None = None
    files: dict = field(default_factory=dict, repr=False)
    requested: list = field(default_factory=list)      # every outside request seen
    answered: list = field(default_factory=list)       # answered from the local files
    blocked: list = field(default_factory=list)        # aborted: would have gone out

    def attach(self, context, origin: str) -> None:
        # Only URLs that are not the site's are intercepted (a regular
        # expression, matched in playwright's driver): the site's own
        # requests go straight through.
        pattern = re.compile(rf"^(?!{re.escape(origin)}/)")
        context.route(pattern, self._route)
        context.on("request", lambda request: self._seen(request.url, origin))

    def _seen(self, url: str, origin: str) -> None:
        if url.startswith(("http://", "https://", "ws://", "wss://")) and not url.startswith(origin + "/"):
            self.requested.append(url)

    def _route(self, route) -> None:
        url = route.request.url
        if not url.startswith(("http://", "https://", "ws://", "wss://")):
            route.fallback()  # data: and blob: URLs never leave the browser
            return
        name = url[len(self.cdn):].split("?")[0] if self.cdn and url.startswith(self.cdn) else None
        if name in self.files:
            self.answered.append(url)
            route.fulfill(status=200, body=self.files[name], headers={
                "content-type": _Handler.extensions_map.get(Path(name).suffix, "application/octet-stream"),
                "access-control-allow-origin": "*",
            })
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def reached_network(self) -> list[str]:
        """Outside requests that were not answered locally: [] when nothing left the machine."""
        answered = set(self.answered)
        return [url for url in self.requested if url not in answered]


class LitePage(LecturePage):
    """A notebook of the Lite site in a browser context of its own, watched by ``network``."""

    def __init__(self, browser, site: SiteServer, name: str, network: Network, *, viewport=(1280, 900)):
        # The service worker stays, as for a student: the kernel mounts the
        # site's files through it, and without it the kernel never starts.
        # Its fetches are routed too (see start_playwright).
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                                           service_workers="allow")
        network.attach(self.context, site.origin)
        self.network = network
        super().__init__(self.context, site, name, viewport=viewport)

    def press(self, control, times: int = 1) -> str:
        """As on the desktop, except that a slider moves by Page Up / Page Down.

        In JupyterLite 0.6 (JupyterLab 4.4) the arrow keys do not reach the
        slider's handle when pressed on the keyboard; Home, End and the page
        keys do, and move the handle by a few of its steps.
        """
        if control.kind != "slider":
            return super().press(control, times)
        handle = control.locator.locator(".noUi-handle").first
        now, low, top = (float(handle.get_attribute(name))
                         for name in ("aria-valuetext", "aria-valuemin", "aria-valuemax"))
        # Towards the middle: a page step that way always fits, and never stops at an end.
        key = "PageDown" if now > (low + top) / 2 else "PageUp"
        handle.focus()
        for _ in range(times):
            self.page.keyboard.press(key)
        return key

    def run_cell(self, index: int, source: str | None = None, timeout: float = 120.0) -> dict:
        """Run code cell ``index`` (after replacing its source with ``source``); its nbformat JSON."""
        self.page.evaluate(
            f"""async ([path, index, source]) => {{
                const w = ({_PANEL_JS})(path);
                const cells = w.content.widgets.filter(cell => cell.model.type === 'code');
                const cell = cells[index];
                if (source !== null) cell.model.sharedModel.setSource(source);
                w.content.activeCellIndex = w.content.widgets.indexOf(cell);
                await window.jupyterapp.commands.execute('notebook:run-cell');
            }}""",
            [self.name, index, source],
        )
        self.page.wait_for_function(
            f"""([path, index]) => {{
                const w = ({_PANEL_JS})(path);
                const cell = w.content.widgets.filter(c => c.model.type === 'code')[index];
                const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
                return kernel && kernel.status === 'idle' && cell.model.executionCount !== null
                    && !cell.node.querySelector('.jp-InputArea-prompt').textContent.includes('*');
            }}""",
            arg=[self.name, index], timeout=timeout * 1000, polling=100,
        )
        return self.cells()[index]

    def close(self) -> None:
        """Close the page and its context (the kernel is a worker of the page)."""
        try:
            self.page.close()
        finally:
            self.context.close()
