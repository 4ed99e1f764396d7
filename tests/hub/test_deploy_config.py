"""The deployment config (deploy/jupyterhub/) read as JupyterHub and nbgrader
read it, without starting anything: what it sets for a class, and what the
test's config (tests/hub/jupyterhub_config.py) overrides on top of it. And
.ci/install-hub, which installs the hub's proxy from npm."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy" / "jupyterhub"
TEST_CONFIG = Path(__file__).resolve().parent / "jupyterhub_config.py"

#: (section, trait) that only the test may set: insecure or machine-specific.
TEST_ONLY = {
    ("JupyterHub", "authenticator_class"), ("SharedPasswordAuthenticator", "user_password"),
    ("SharedPasswordAuthenticator", "admin_password"), ("JupyterHub", "spawner_class"),
    ("SimpleLocalProcessSpawner", "home_dir_template"), ("JupyterHub", "hub_bind_url"),
    ("ConfigurableHTTPProxy", "api_url"), ("ConfigurableHTTPProxy", "command"),
    ("JupyterHub", "cleanup_proxy"), ("JupyterHub", "cleanup_servers"),
    ("JupyterHub", "services"), ("JupyterHub", "load_roles"),
}


def load(path: Path) -> dict:
    config = PyFileConfigLoader(path.name, str(path.parent)).load_config()
    return {section: dict(values) for section, values in config.items()}


@pytest.fixture
def hub_env(monkeypatch, tmp_path):
    for name, value in {
        "COURSE_INSTRUCTORS": "prof", "COURSE_STUDENTS": "alice, bob", "COURSE_HUB_PORT": "8123",
        "COURSE_HUB_PASSWORD": "x" * 8, "COURSE_HUB_ADMIN_PASSWORD": "y" * 32, "COURSE_HUB_HOMES": str(tmp_path),
        "COURSE_HUB_API_PORT": "1", "COURSE_HUB_PROXY_API_PORT": "2", "COURSE_HUB_PROXY": "chp",
        "COURSE_HUB_SERVICE_TOKEN": "t",
    }.items():
        monkeypatch.setenv(name, value)


def test_the_deployment_config_sets_up_a_course(hub_env):
    config = load(DEPLOY / "jupyterhub_config.py")
    hub, spawner, auth = config["JupyterHub"], config["Spawner"], config["Authenticator"]
    # The machine's own login and one process per Unix account: nothing of the test's.
    assert "authenticator_class" not in hub and "spawner_class" not in hub
    assert hub["bind_url"] == "http://127.0.0.1:8123"
    assert auth["admin_users"] == {"prof"} and auth["allowed_users"] == {"prof", "alice", "bob"}
    assert spawner["default_url"] == "/lab"
    # Every server reads the course's nbgrader_config.py and knows who teaches.
    assert Path(spawner["environment"]["JUPYTER_CONFIG_PATH"]) == DEPLOY
    assert (DEPLOY / "nbgrader_config.py").is_file()
    assert spawner["environment"]["COURSE_INSTRUCTORS"] == "prof"
    # A terminal is a non-login shell (a login shell's profile would reset PATH).
    (terminal,) = [arg for arg in spawner["args"] if arg.startswith("--ServerApp.terminado_settings=")]
    shell = json.loads(terminal.split("=", 1)[1])["shell_command"]
    assert shell and "-l" not in shell and "--login" not in shell
    assert not any("allow_root" in arg for arg in spawner["args"])


def test_the_test_config_only_adds_what_a_test_may_do(hub_env):
    deployment, test = load(DEPLOY / "jupyterhub_config.py"), load(TEST_CONFIG)
    changed = {(section, trait) for section, values in test.items() for trait, value in values.items()
               if deployment.get(section, {}).get(trait, object()) != value}
    # Spawner.args gains the test's flags; everything else the deployment sets stays as it is.
    assert changed - {("Spawner", "args")} <= TEST_ONLY
    assert test["Spawner"]["args"][:len(deployment["Spawner"]["args"])] == deployment["Spawner"]["args"]
    assert test["JupyterHub"]["authenticator_class"] == "shared-password"
    assert test["JupyterHub"]["spawner_class"] == "simple"


@pytest.mark.parametrize("user", ["prof", "alice", ""])
def test_nbgrader_config_files_work_under_the_login_name(monkeypatch, tmp_path, user):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("JUPYTERHUB_USER", user)
    monkeypatch.setenv("COURSE_INSTRUCTORS", "prof")
    monkeypatch.setenv("COURSE_EXCHANGE", str(tmp_path / "exchange"))
    config = load(DEPLOY / "nbgrader_config.py")
    course = config["CourseDirectory"]
    assert config["Exchange"]["root"] == str(tmp_path / "exchange")
    if user == "prof":
        assert course["root"] == str(tmp_path / "course") and "student_id" not in course
        assert config["CollectApp"]["check_owner"] is False
    elif user:
        assert course["student_id"] == user and "root" not in course
    else:  # outside the hub: nbgrader's defaults
        assert "student_id" not in course and "root" not in course


def test_install_hub_says_what_is_missing_without_npm(tmp_path):
    """.ci/install-hub on a machine without node and npm: a clear message and
    a non-zero exit, before anything is installed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname"):  # all the script needs before it looks for npm
        found = shutil.which(tool)
        assert found, f"{tool} is missing"
        (bin_dir / tool).symlink_to(found)
    completed = subprocess.run([str(bin_dir / "bash"), str(ROOT / ".ci" / "install-hub")], capture_output=True,
                               text=True, timeout=60, env={"PATH": str(bin_dir)}, stdin=subprocess.DEVNULL)
    assert completed.returncode == 3, completed.stdout + completed.stderr
    assert "needs node and npm" in completed.stderr and "configurable-http-proxy" in completed.stderr


def test_the_proxy_is_pinned_to_one_version_in_both_npm_files():
    folder = ROOT / ".ci" / "hub-proxy"
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((folder / "package-lock.json").read_text(encoding="utf-8"))
    pinned = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), f"not an exact version: {pinned}"
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == pinned
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
