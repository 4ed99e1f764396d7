"""A JupyterHub for the class test, on 127.0.0.1 with free ports.

* :func:`hub_missing` says what is missing to run a hub, if anything.
* :class:`Hub` starts ``jupyterhub`` with tests/hub/jupyterhub_config.py in a
  temporary folder (state, homes, exchange), talks to its REST API with a
  service token, runs shell commands in a user's terminal, and stops the
  hub, its proxy and every server.
* :class:`UserServer` lets tests/browser/harness.py's LecturePage open a
  notebook on one user's server behind the hub.
* :func:`processes_under` lists the processes whose working folder is under
  a path: the hub, its proxy, the servers and their kernels all work in the
  temporary folder, so none may be left when the hub has stopped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
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
from pathlib import Path

__all__ = ["PROXY", "Hub", "UserServer", "hub_missing", "processes_under", "rss_mb"]

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).resolve().parent / "jupyterhub_config.py"
#: configurable-http-proxy as .ci/install-hub installs it (npm ci).
PROXY = ROOT / ".ci" / "hub-proxy" / "node_modules" / ".bin" / "configurable-http-proxy"


def proxy_command() -> str | None:
    if PROXY.is_file() and os.access(PROXY, os.X_OK):
        return str(PROXY)
    return shutil.which("configurable-http-proxy")


def hub_missing() -> str | None:
    """What is missing to run the hub (jupyterhub, its proxy), or None."""
    missing = []
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        missing.append("the Python package jupyterhub (pip install -e '.[hub]')")
    if proxy_command() is None:
        missing.append(f"configurable-http-proxy (bash .ci/install-hub puts it in {PROXY.parent})")
    return None if not missing else "the JupyterHub class test needs " + " and ".join(missing)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_under(path: Path) -> dict[int, str]:
    """{pid: command line} of the processes whose working folder is inside ``path``."""
    found = {}
    prefix = str(Path(path).resolve())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
            if cwd == prefix or cwd.startswith(prefix + os.sep):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
        except OSError:  # gone, or not ours to read
            continue
    return found


def rss_mb(pids) -> float:
    """Resident memory of the processes, in MB (what /proc says now)."""
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


class UserServer:
    """One user's server behind the hub, as tests/browser/harness.LecturePage
    expects a server: ``url(path, **query)`` and ``api(path, method)``."""

    def __init__(self, hub: Hub, user: str):
        self.hub, self.user = hub, user

    def url(self, path: str, **query: str) -> str:
        params = "&".join(f"{k}={v}" if v else k for k, v in query.items())
        return f"{self.hub.url}/user/{self.user}/{path.lstrip('/')}" + (f"?{params}" if params else "")

    def api(self, path: str, method: str = "GET", body=None):
        return self.hub.request(f"/user/{self.user}/{path.lstrip('/')}", method, body)


class Hub:
    """``jupyterhub`` with the test config in a temporary folder; a context manager.

    Attributes
    ----------
    root : Path            the temporary folder: state/, homes/<user>/, exchange/
    url : str              the hub's public address (through the proxy)
    password, admin_password : str   SharedPasswordAuthenticator's passwords
    seconds_to_start : float
    """

    def __init__(self, *, instructors, students, course_id="optimization", timeout=120.0):
        self.instructors, self.students = list(instructors), list(students)
        self.course_id, self.timeout = course_id, float(timeout)
        self.root = Path(tempfile.mkdtemp(prefix="course-hub-")).resolve()
        self.state, self.homes, self.exchange = (self.root / name for name in ("state", "homes", "exchange"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.password = secrets.token_urlsafe(12)
        self.admin_password = secrets.token_urlsafe(32)
        self.token = secrets.token_hex(32)
        self.process: subprocess.Popen | None = None
        self.log_path = self.state / "jupyterhub.log"
        self.seconds_to_start = self.started_at = None

    # -- life cycle ------------------------------------------------------------
    def __enter__(self) -> Hub:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        for folder in (self.state, self.homes, self.exchange):
            folder.mkdir(parents=True)
        # Everyone writes into the exchange, as nbgrader's docs ask of /srv/nbgrader/exchange.
        self.exchange.chmod(0o777)
        env = {
            **os.environ,
            # The servers (and their terminals) inherit PATH: `nbgrader`, `alembic`
            # and `python` must be this environment's.
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
            "COURSE_ID": self.course_id,
            "COURSE_INSTRUCTORS": ",".join(self.instructors),
            "COURSE_STUDENTS": ",".join(self.students),
            "COURSE_EXCHANGE": str(self.exchange),
            "COURSE_HUB_IP": "127.0.0.1",
            "COURSE_HUB_PORT": str(self.port),
            "COURSE_HUB_API_PORT": str(_free_port()),
            "COURSE_HUB_PROXY_API_PORT": str(_free_port()),
            "COURSE_HUB_PROXY": proxy_command(),
            "COURSE_HUB_HOMES": str(self.homes),
            "COURSE_HUB_PASSWORD": self.password,
            "COURSE_HUB_ADMIN_PASSWORD": self.admin_password,
            "COURSE_HUB_SERVICE_TOKEN": self.token,
        }
        env.pop("MPLBACKEND", None)
        start = self.started_at = time.perf_counter()
        log = self.log_path.open("w", encoding="utf-8")
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=self.state, env=env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + self.timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with status {self.process.returncode}; its log:\n{self.log()}")
            try:
                self.request("/hub/api/")
                break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyterhub did not answer within {self.timeout:.0f} s; its log:\n{self.log()}")
            time.sleep(0.2)
        self.seconds_to_start = time.perf_counter() - start

    def stop(self) -> None:
        """Stop every user's server through the API, then the hub (which stops
        its proxy), by force after 30 s; the temporary folder is kept until
        :meth:`remove` so that a test can look for leftover processes."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            for user in self.request("/hub/api/users"):
                if user.get("servers"):
                    self.request(f"/hub/api/users/{user['name']}/server", method="DELETE")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and any(u.get("servers") for u in self.request("/hub/api/users")):
                time.sleep(0.5)
        except (OSError, ValueError):
            pass
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def kill_leftovers(self) -> dict[int, str]:
        """End, by force, any process still working in the temporary folder; returns them."""
        leftover = processes_under(self.root)
        for pid in leftover:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return leftover

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self, tail: int = 8000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-tail:]
        except OSError:
            return "(no log)"

    # -- REST API ----------------------------------------------------------------
    def request(self, path: str, method: str = "GET", body=None):
        """JSON answer of a request with the service token (None when empty)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None

    def server_pids(self) -> dict[str, int]:
        """{user: pid} of the running single-user servers (the spawner's state)."""
        users = self.request("/hub/api/users?include_stopped_servers=0")
        return {u["name"]: u["servers"][""]["state"]["pid"] for u in users
                if u.get("servers", {}).get("", {}).get("state", {}).get("pid")}

    def home(self, user: str) -> Path:
        return self.homes / user

    # -- a terminal on a user's server -----------------------------------------
    def terminal(self, user: str, command: str, *, timeout: float = 300.0) -> tuple[int, str]:
        """Run ``command`` in a new terminal of ``user``'s server, as the user
        would type it; (exit status, what the terminal showed)."""
        # In a thread of its own: playwright's sync API keeps an event loop
        # running in this one, and asyncio.run() refuses to nest.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, self._terminal(user, command, timeout)).result()

    async def _terminal(self, user: str, command: str, timeout: float):
        from tornado.httpclient import HTTPRequest
        from tornado.websocket import websocket_connect

        name = self.request(f"/user/{user}/api/terminals", method="POST", body={})["name"]
        ws_url = self.url.replace("http://", "ws://") + f"/user/{user}/terminals/websocket/{name}"
        connection = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {self.token}"}))
        # The marker is printed from two pieces, so the echo of the typed line never matches it.
        done = re.compile(r"__COURSE_EXIT_(\d+)__")
        output = []
        try:
            await connection.write_message(json.dumps(["stdin", f'{command}; echo "__COURSE_EXIT_""$?__"\r']))
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{user}$ {command}: no end within {timeout:.0f} s:\n{''.join(output)[-4000:]}")
                message = await asyncio.wait_for(connection.read_message(), remaining)
                if message is None:
                    raise RuntimeError(f"{user}$ {command}: the terminal closed:\n{''.join(output)[-4000:]}")
                kind, *content = json.loads(message)
                if kind == "stdout":
                    output.append(content[0])
                    found = done.search("".join(output))
                    if found:
                        return int(found.group(1)), "".join(output)
        finally:
            connection.close()
            try:
                self.request(f"/user/{user}/api/terminals/{name}", method="DELETE")
            except (OSError, ValueError):
                pass
