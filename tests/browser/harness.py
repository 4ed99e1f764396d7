"""Run the lectures in JupyterLab in a real browser (chromium, driven by playwright).

Used by the browser tests (``tests/browser/``) and by the browser part of
``python -m benchmarks``. Nothing here imports playwright at module level, so
the module can be collected (doctests) on a machine without it.

The pieces:

* :func:`browser_missing` says what is missing to run a browser, if anything.
* :class:`LabServer` starts ``jupyter lab`` on 127.0.0.1, a free port and a
  random token, serving a temporary *copy* of the notebooks (the browser
  autosaves), with its own settings, workspaces and config folders, news and
  update checks off and the nbgrader extensions disabled. ``stop()`` shuts
  the kernels down and ends the server, by force if it must.
* :class:`LecturePage` opens one notebook in a new page, runs all cells and
  reads the result: error outputs, explorers, controls.
  :class:`LecturePool` opens the pages one ahead of their use.
* :func:`explorer_cells` counts, from the ``.ipynb`` alone, how many
  explorers a notebook creates.
"""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CHROMIUM",
    "REQUIRE_ENV",
    "Control",
    "ExplorerView",
    "LabServer",
    "LecturePage",
    "LecturePool",
    "browser_missing",
    "explorer_cells",
    "launch_browser",
    "require",
    "require_browser",
    "slug",
]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: Set to 1 (as .ci/run does) and a missing browser fails instead of skipping.
REQUIRE_ENV = "COURSE_REQUIRE_BROWSER"

# Extensions that nbgrader installs into the environment. They add menus, a
# toolbar button and server handlers (the formgrader alone takes over a second
# to import) that a student's lecture never uses.
NBGRADER_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)
NBGRADER_LAB_EXTENSIONS = ("@jupyter/nbgrader",)

# User settings of the temporary JupyterLab (JUPYTERLAB_SETTINGS_DIR).
LAB_SETTINGS = {
    # `--LabApp.news_url=` alone still shows the "receive news?" question:
    # the notification plugin must be told not to fetch news and not to check.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    # Every cell in the DOM, fully rendered: JupyterLab otherwise defers the
    # rendering of cells outside the viewport, and an explorer far down the
    # page would have no size until scrolled to.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # Nothing is written back while the tests run (the copy is thrown away anyway).
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}

# Run in the page: the notebook panel of the given path, or null.
_PANEL_JS = """
(path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content && w.content.model) return w;
  }
  return null;
}
"""


# Run in the page of a notebook opened ahead (see LecturePage.start): wait for an
# idle, connected kernel, then run all cells; window.__courseRun tells how far it got.
_RUN_AHEAD_JS = f"""
(path) => {{
  // Runs in every document of the page: JupyterLab reloads it once or twice
  // (``?reset``, then a workspace of its own when other Lab pages are open).
  window.__courseRun = 'waiting';
  const panel = {_PANEL_JS};
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  (async () => {{
    try {{
      for (;;) {{
        const w = panel(path);
        const kernel = w && w.sessionContext.isReady && w.sessionContext.session && w.sessionContext.session.kernel;
        if (kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected') break;
        await sleep(100);
      }}
      window.__courseRun = 'running';
      await window.jupyterapp.commands.execute('notebook:run-all-cells');
      window.__courseRun = 'done';
    }} catch (err) {{
      window.__courseRun = 'failed: ' + err;
    }}
  }})();
}}
"""


def browser_missing() -> str | None:
    """What is missing to drive a browser (playwright, chromium), or None."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (pip install playwright)")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"chromium at {CHROMIUM} (apt-get install chromium)")
    if not missing:
        return None
    return "browser tests need " + " and ".join(missing)


def require(reason: str | None) -> None:
    """Skip with ``reason`` (or, with COURSE_REQUIRE_BROWSER=1, fail); nothing when it is None."""
    import pytest  # only the tests call this; the benchmarks import the harness too

    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1 is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def require_browser() -> None:
    """Skip (or, with COURSE_REQUIRE_BROWSER=1, fail) when no browser can be driven."""
    require(browser_missing())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _jupyter_command() -> list[str]:
    """``jupyter`` of the running interpreter's environment."""
    return [sys.executable, "-m", "jupyter"]


class LabServer:
    """``jupyter lab`` on a temporary copy of ``notebooks``; a context manager.

    Parameters
    ----------
    notebooks : Path
        The folder to serve. Copied into a temporary folder (without
        checkpoints); the original is never touched.
    timeout : float
        Seconds to wait for ``/api/status`` to answer.

    Attributes
    ----------
    root : Path         the temporary copy, the server's root_dir
    port, token         where and how to connect
    log_path : Path     the server's stdout and stderr
    """

    def __init__(self, notebooks: Path, *, timeout: float = 90.0):
        self.source = Path(notebooks)
        self.timeout = float(timeout)
        self.port = _free_port()
        self.token = secrets.token_hex(24)
        self.process: subprocess.Popen | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="course-lab-"))
        self.root = self._tmp / "notebooks"
        self.log_path = self._tmp / "server.log"

    # -- life cycle ------------------------------------------------------------
    def __enter__(self) -> LabServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        shutil.copytree(self.source, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        settings, workspaces, config = (self._tmp / name for name in ("settings", "workspaces", "config"))
        for relative, value in LAB_SETTINGS.items():
            path = settings / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value), encoding="utf-8")
        workspaces.mkdir()
        # A fresh user config folder: nothing from ~/.jupyter leaks in, and the
        # page config there disables nbgrader's Lab extension for this server only.
        (config / "labconfig").mkdir(parents=True)
        (config / "labconfig" / "page_config.json").write_text(
            json.dumps({"disabledExtensions": {name: True for name in NBGRADER_LAB_EXTENSIONS}}),
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(workspaces),
            "JUPYTER_CONFIG_DIR": str(config),
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        env.pop("MPLBACKEND", None)  # the kernels must pick the inline backend
        command = [
            *_jupyter_command(), "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            "--ServerApp.allow_root=True",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            *(f"--ServerApp.jpserver_extensions={name}=False" for name in NBGRADER_SERVER_EXTENSIONS),
        ]
        log = self.log_path.open("w", encoding="utf-8")
        try:
            self.process = subprocess.Popen(
                command, cwd=self._tmp, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        finally:
            log.close()
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with status {self.process.returncode} before answering; "
                    f"its log:\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2) as response:
                    json.load(response)
                return
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"jupyter lab did not answer /api/status within {self.timeout:.0f} s; its log:\n{self.log()}"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        """Shut every kernel down, end the server (by force after 15 s), delete the copy."""
        try:
            if self.process is not None and self.process.poll() is None:
                self._shutdown_kernels()
                self.process.terminate()  # SIGTERM: jupyter server shuts down its kernels too
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    # Still running, so its id is still its own: end its whole process group.
                    self._kill_group()
                    self.process.wait(timeout=10)
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _kill_group(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _shutdown_kernels(self) -> None:
        try:
            kernels = self.api("api/kernels")
        except (OSError, ValueError):
            return
        for kernel in kernels:
            try:
                self.api(f"api/kernels/{kernel['id']}", method="DELETE")
            except (OSError, ValueError):
                pass

    # -- helpers ---------------------------------------------------------------
    def url(self, path: str, **query: str) -> str:
        params = "&".join([f"token={self.token}", *(f"{k}={v}" if v else k for k, v in query.items())])
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}?{params}"

    def api(self, path: str, method: str = "GET"):
        """JSON answer of a REST call (None when empty)."""
        request = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log(self, tail: int = 8000) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return text[-tail:]


def launch_browser(playwright):
    """The system chromium, headless. Never ``playwright install``: it downloads
    a browser of its own, which is neither needed nor possible offline."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)


# --------------------------------------------------------------------------
# What a notebook should show
# --------------------------------------------------------------------------


def _explorer_aliases(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "coursekit.explorers":
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("coursekit.explorers.") and alias.asname:
                    names.add(alias.asname)
    return names


def _parse(source: str) -> ast.AST | None:
    # Cell magics and shell escapes are not Python; drop those lines.
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def explorer_cells(notebook: Path) -> dict[int, list[str]]:
    """{code cell index: explorer factories it calls}, read from the .ipynb source.

    An explorer cell calls a function of a module imported from
    ``coursekit.explorers`` (``from coursekit.explorers import momentum as
    momentum_explorers`` … ``momentum_explorers.canyon_explorer(...)``). The
    index counts code cells only, in notebook order.

    >>> import json, tempfile
    >>> cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": s}
    ...          for s in ("%matplotlib inline\\nfrom coursekit.explorers import decay as d",
    ...                    "x = d.schedule_curves(0.1, 0.01, 10)", "e = d.schedule_explorer()\\ne")]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "n.ipynb"
    ...     _ = path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    ...     explorer_cells(path)
    {2: ['schedule_explorer']}
    """
    data = json.loads(Path(notebook).read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
               for c in data["cells"] if c["cell_type"] == "code"]
    trees = [_parse(source) for source in sources]
    aliases = set().union(*(_explorer_aliases(t) for t in trees if t is not None))
    found: dict[int, list[str]] = {}
    for index, tree in enumerate(trees):
        if tree is None:
            continue
        calls = [
            node.func.attr for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id in aliases
            and node.func.attr.endswith("_explorer")
        ]
        if calls:
            found[index] = sorted(calls, key=lambda name: sources[index].find(name))
    return found


_ASCII = {"ε": "eps", "α": "alpha", "κ": "kappa", "τ": "tau", "σ": "sigma", "θ": "theta",
          "μ": "mu", "β": "beta", "λ": "lambda", "·": "x", "/": "over",
          **{chr(0x2080 + digit): str(digit) for digit in range(10)}}  # subscripts ₀-₉


def slug(text: str) -> str:
    """A file-name-safe ASCII form of a control's label.

    >>> slug("learning rate ε"), slug("ε_τ / ε0"), slug("ε·L"), slug("v₀ along θ₂")
    ('learning-rate-eps', 'eps-tau-over-eps0', 'epsxL', 'v0-along-theta2')
    """
    text = "".join(_ASCII.get(ch, ch) for ch in text.strip())
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")
    return text or "control"


# --------------------------------------------------------------------------
# One lecture in one page
# --------------------------------------------------------------------------


@dataclass
class Control:
    """One control of an explorer, as found in the page."""

    kind: str     # "slider", "dropdown" or "toggle"
    label: str    # its description, e.g. "learning rate ε"
    locator: object = field(repr=False)  # the control's container


@dataclass
class ExplorerView:
    """An explorer as rendered: its cell, its image and its controls."""

    cell: int                       # code cell index
    name: str                       # the factory, e.g. "canyon_explorer"
    image: object = field(repr=False)   # locator of the <img>
    controls: list = field(default_factory=list)


@dataclass
class Move:
    """The outcome of one control move."""

    changed: bool                   # the image's src changed
    seconds: float | None           # from the key press to the new image loaded
    before_src: str
    after_src: str


class LecturePage:
    """One notebook open in its own page of ``context`` (a playwright BrowserContext)."""

    def __init__(self, context, server: LabServer, name: str, *, viewport=(1280, 900)):
        self.server = server
        self.name = name
        self.page = context.new_page()
        self.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        self.page.set_default_timeout(30_000)
        self.console_errors: list[str] = []
        self._started = False
        self._running_ahead = False
        self.page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def close(self) -> None:
        """Close the page and shut the notebook's kernel down (its session, through the REST API)."""
        self.page.close()
        try:
            sessions = self.server.api("api/sessions")
        except (OSError, ValueError):
            return
        for session in sessions:
            if session.get("path") == self.name:
                try:
                    self.server.api(f"api/sessions/{session['id']}", method="DELETE")
                except (OSError, ValueError):
                    pass

    # -- open and run ------------------------------------------------------------
    def start(self, run: bool = False) -> None:
        """Start loading the notebook (``?reset``: no saved workspace) without waiting.

        The browser goes on loading JupyterLab and starting the kernel while
        Python does something else, e.g. tests another lecture. With ``run``,
        the page itself then waits for an idle kernel and runs all cells, as
        :meth:`run_all` would; :meth:`run_all` then only waits for the end.
        """
        if self._started:
            return
        if run:
            # An init script, not an evaluate(): ``?reset`` makes JupyterLab load
            # the page a second time, which would drop anything evaluated into the first.
            self.page.add_init_script(script=f"({_RUN_AHEAD_JS})({json.dumps(self.name)});")
            self._running_ahead = True
        self.page.goto(self.server.url(f"lab/tree/{self.name}", reset=""), wait_until="commit")
        self._started = True

    def open(self, timeout: float = 60.0) -> None:
        """Load the notebook (unless :meth:`start` did) and wait for an idle, connected kernel."""
        self.start()
        # A page in the background gets no frames: screenshots then wait for seconds.
        self.page.bring_to_front()
        self.page.wait_for_function(
            f"""(path) => {{
                const w = ({_PANEL_JS})(path);
                if (!w || !w.sessionContext.isReady) return false;
                const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
                return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
            }}""",
            arg=self.name, timeout=timeout * 1000, polling=100,
        )

    def run_all(self, timeout: float = 180.0) -> float:
        """Run every cell; wait until the kernel is idle and no cell is queued. Seconds taken."""
        start = time.perf_counter()
        if self._running_ahead:  # started by start(run=True): wait for its end
            self.page.wait_for_function(
                "() => window.__courseRun === 'done' || String(window.__courseRun).startsWith('failed')",
                timeout=timeout * 1000, polling=200,
            )
            state = self.page.evaluate("() => window.__courseRun")
            if state != "done":
                raise RuntimeError(f"{self.name}: run all cells {state}")
        else:
            # The command's promise settles when the last cell has run (or one failed).
            self.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        self.page.wait_for_function(
            f"""(path) => {{
                const w = ({_PANEL_JS})(path);
                const kernel = w && w.sessionContext.session && w.sessionContext.session.kernel;
                if (!kernel || kernel.status !== 'idle') return false;
                const prompts = w.content.node.querySelectorAll('.jp-InputArea-prompt');
                return !Array.from(prompts).some(p => p.textContent.includes('*'));
            }}""",
            arg=self.name, timeout=timeout * 1000, polling=100,
        )
        return time.perf_counter() - start

    # -- read the result -----------------------------------------------------------
    def cells(self) -> list[dict]:
        """The code cells as nbformat JSON (source, outputs, execution_count), in order."""
        return self.page.evaluate(
            f"""(path) => {{
                const w = ({_PANEL_JS})(path);
                const out = [];
                for (const cell of w.content.widgets) {{
                    if (cell.model.type === 'code') out.push(cell.model.toJSON());
                }}
                return out;
            }}""",
            self.name,
        )

    def errors(self) -> list[str]:
        """What counts as an error, one line each:

        * an ``error`` output (an exception raised by a cell);
        * a ``stderr`` stream holding a traceback (an exception printed by a
          callback or a library) — warnings on stderr are allowed;
        * a code cell that never ran (run-all stops at the first error);
        * an explorer's status line saying that an update failed.
        """
        found = []
        for index, cell in enumerate(self.cells()):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if source.strip() and cell.get("execution_count") is None:
                found.append(f"code cell {index} did not run")
            for output in cell.get("outputs", []):
                if output["output_type"] == "error":
                    found.append(f"code cell {index}: {output['ename']}: {output['evalue']}")
                elif output["output_type"] == "stream" and output.get("name") == "stderr":
                    text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
                    if "Traceback (most recent call last)" in text:
                        found.append(f"code cell {index}: traceback on stderr: {text.strip()[-300:]}")
        for status in self.page.locator(".widget-html").all_inner_texts():
            if "update failed" in status:
                found.append(f"explorer: {status.strip()}")
        return found

    def warnings(self) -> list[str]:
        """stderr text that is not an error (reported, allowed)."""
        found = []
        for index, cell in enumerate(self.cells()):
            for output in cell.get("outputs", []):
                if output["output_type"] == "stream" and output.get("name") == "stderr":
                    text = "".join(output["text"]) if isinstance(output["text"], list) else output["text"]
                    if "Traceback (most recent call last)" not in text:
                        found.append(f"code cell {index}: {text.strip()[:200]}")
        return found

    def notifications(self) -> list[str]:
        """The toasts JupyterLab shows (news, updates, errors), and the count on the
        status bar's bell when it is not 0 (notifications not shown as a toast)."""
        found = self.page.locator(".Toastify__toast").all_inner_texts()
        count = self.page.locator(".jp-Notification-Status-Text")
        if count.count() and count.first.inner_text().strip() not in ("", "0"):
            found.append(f"status bar: {count.first.inner_text().strip()} notification(s)")
        return found

    def explorers(self, names: dict[int, list[str]] | None = None) -> list[ExplorerView]:
        """Every explorer image in the notebook's outputs, with the controls of its box.

        ``names`` ({code cell index: factories}, see :func:`explorer_cells`)
        supplies readable names; otherwise explorers are named ``explorer<N>``.
        """
        code_cells = self.page.locator(".jp-Notebook .jp-Cell.jp-CodeCell")
        views = []
        for index in range(code_cells.count()):
            images = code_cells.nth(index).locator(".jp-OutputArea .widget-image")
            for k in range(images.count()):
                image = images.nth(k)
                # The explorer's VBox (controls, status line, image): the nearest one around the image.
                box = image.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' widget-vbox ')][1]")
                factories = (names or {}).get(index, [])
                name = factories[k] if k < len(factories) else f"explorer{len(views)}"
                views.append(ExplorerView(index, name, image, self._controls(box)))
        return views

    @staticmethod
    def _controls(box) -> list[Control]:
        controls = []
        selector = ".widget-slider, .widget-dropdown, .widget-toggle-buttons"
        items = box.locator(selector)
        for i in range(items.count()):
            item = items.nth(i)
            classes = item.get_attribute("class") or ""
            kind = ("slider" if "widget-slider" in classes
                    else "dropdown" if "widget-dropdown" in classes else "toggle")
            label = item.locator(".widget-label").first
            text = label.inner_text().strip() if label.count() else ""
            controls.append(Control(kind, text or f"{kind}{i}", item))
        return controls

    # -- act ---------------------------------------------------------------------
    def press(self, control: Control, times: int = 1) -> str:
        """Move ``control`` with the keyboard, ``times`` steps; returns the key used.

        Sliders: focus the handle, arrow right (left at the top of the range).
        Dropdowns: focus the select, open it (alt + arrow down), then arrow
        down (up on the last option) and enter. A bare arrow key does not
        reach a closed select: JupyterLab takes it to move between cells.
        Toggle buttons: focus the first button that is not pressed, space.
        """
        if control.kind == "slider":
            handle = control.locator.locator(".noUi-handle").first
            now = float(handle.get_attribute("aria-valuenow"))
            top = float(handle.get_attribute("aria-valuemax"))
            key = "ArrowLeft" if now >= top else "ArrowRight"
            handle.focus()
        elif control.kind == "dropdown":
            select = control.locator.locator("select").first
            index, count = select.evaluate("el => [el.selectedIndex, el.options.length]")
            key = "ArrowUp" if index == count - 1 else "ArrowDown"
            target = max(0, min(count - 1, index + (times if key == "ArrowDown" else -times)))
            select.focus()
            self.page.keyboard.press("Alt+ArrowDown")
            # The list opens asynchronously; keys sent before it is open are lost.
            for _ in range(50):
                self.page.wait_for_timeout(20)
                for _ in range(abs(target - index)):
                    self.page.keyboard.press(key)
                self.page.keyboard.press("Enter")
                index = select.evaluate("el => el.selectedIndex")
                if index == target:
                    break
                select.focus()
                self.page.keyboard.press("Alt+ArrowDown")
            return key
        else:
            control.locator.locator("button:not(.mod-active)").first.focus()
            key, times = " ", 1
        for _ in range(times):
            self.page.keyboard.press(key)
        return key

    def move(self, explorer: ExplorerView, control: Control, *, times: int = 1,
             timeout: float = 2.0, settle: float = 0.3) -> Move:
        """Press ``control`` and wait up to ``timeout`` s for the image to change and load.

        ``seconds`` runs from the first key press (a keydown listener in the
        page) to the ``load`` event of the new image. After a change, waits
        until the image has not changed for ``settle`` s, so that the last of
        several presses is on screen.
        """
        image = explorer.image
        before = image.get_attribute("src")
        image.evaluate(
            """(img) => {
                window.__courseMove = {pressed: null, loaded: null, src: img.getAttribute('src')};
                const state = window.__courseMove;
                document.addEventListener('keydown', () => {
                    if (state.pressed === null) state.pressed = performance.now();
                }, {capture: true, once: true});
                img.addEventListener('load', function onload() {
                    if (img.getAttribute('src') !== state.src) {
                        state.loaded = performance.now();
                        img.removeEventListener('load', onload);
                    }
                });
            }"""
        )
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        self.press(control, times)
        try:
            self.page.wait_for_function(
                "() => window.__courseMove.loaded !== null", timeout=timeout * 1000, polling="raf",
            )
        except PlaywrightTimeout:  # the image did not change in time
            after = image.get_attribute("src")
            return Move(False, None, before, after)
        timing = self.page.evaluate("() => window.__courseMove")
        seconds = (timing["loaded"] - timing["pressed"]) / 1000.0
        # Let the remaining presses land, then settle.
        last, stable_since = image.get_attribute("src"), time.monotonic()
        deadline = time.monotonic() + 5.0
        while time.monotonic() - stable_since < settle and time.monotonic() < deadline:
            time.sleep(0.05)
            src = image.get_attribute("src")
            if src != last:
                last, stable_since = src, time.monotonic()
        image.evaluate("(img) => img.complete || new Promise(r => img.addEventListener('load', r, {once: true}))")
        return Move(True, seconds, before, last)


class LecturePool:
    """Lecture pages, each opened (and, with ``run_ahead``, run) one ahead of its use.

    ``get(name)`` returns the page with its kernel idle and starts the name
    after it in ``order``: the page loads, its kernel starts and, with
    ``run_ahead``, all its cells run, in the browser's, the server's and the
    kernel's own processes, while the caller works with the current page
    (two kernels at work on two cores). Without ``ahead`` nothing is
    started early (for timings that must not share the machine).
    ``release(name)`` closes the page and shuts its kernel down.
    """

    def __init__(self, context, server: LabServer, order: list[str], *, ahead: bool = True,
                 run_ahead: bool = True):
        self.context, self.server, self.order = context, server, list(order)
        self.ahead, self.run_ahead = ahead, run_ahead
        self.pages: dict[str, LecturePage] = {}

    def _page(self, name: str, run: bool = False) -> LecturePage:
        if name not in self.pages:
            self.pages[name] = LecturePage(self.context, self.server, name)
            self.pages[name].start(run=run)
        return self.pages[name]

    def get(self, name: str, timeout: float = 60.0) -> LecturePage:
        page = self._page(name)
        following = self.order.index(name) + 1 if name in self.order else len(self.order)
        if self.ahead and following < len(self.order):
            self._page(self.order[following], run=self.run_ahead)
        page.open(timeout)
        return page

    def release(self, name: str) -> None:
        page = self.pages.pop(name, None)
        if page is not None:
            page.close()

    def close(self) -> None:
        for name in list(self.pages):
            self.release(name)
