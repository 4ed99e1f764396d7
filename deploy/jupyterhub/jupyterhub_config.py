"""JupyterHub for the course on one machine: instructors and students log in,
each gets a JupyterLab server, and nbgrader's exchange carries the assignment
from the instructor to the students and back.

Run from a folder that keeps the hub's state (its database and cookie secret):

    COURSE_INSTRUCTORS=instructor COURSE_STUDENTS=alice,bob \\
        jupyterhub -f /path/to/deploy/jupyterhub/jupyterhub_config.py

What a course admin sets, by environment variable (defaults in brackets):

    COURSE_ID             nbgrader's course id                   [optimization]
    COURSE_INSTRUCTORS    comma-separated instructors (admins)   [instructor]
    COURSE_STUDENTS       comma-separated students               [none: nobody else]
    COURSE_EXCHANGE       nbgrader's exchange folder             [/srv/nbgrader/exchange]
    COURSE_HUB_IP         where the hub listens                  [127.0.0.1]
    COURSE_HUB_PORT                                              [8000]

The authenticator and the spawner are JupyterHub's defaults for one machine:
PAM (the machine's Unix accounts and passwords) and LocalProcessSpawner (each
server runs as its user's Unix account). README.md in this folder says what
changes for a real class, on Zero to JupyterHub or The Littlest JupyterHub.
The course's nbgrader settings are in nbgrader_config.py next to this file;
every single-user server reads it (JUPYTER_CONFIG_PATH below).
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub supplies get_config)

HERE = Path(__file__).resolve().parent


def _names(variable: str, default: str = "") -> list[str]:
    return [name.strip() for name in os.environ.get(variable, default).split(",") if name.strip()]


COURSE_ID = os.environ.get("COURSE_ID", "optimization")
INSTRUCTORS = _names("COURSE_INSTRUCTORS", "instructor")
STUDENTS = _names("COURSE_STUDENTS")
EXCHANGE = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")

# -- who may log in ------------------------------------------------------------
c.JupyterHub.bind_url = (f"http://{os.environ.get('COURSE_HUB_IP', '127.0.0.1')}:"
                         f"{os.environ.get('COURSE_HUB_PORT', '8000')}")
c.Authenticator.allowed_users = set(INSTRUCTORS + STUDENTS)
# Instructors are hub admins: they can see and stop the students' servers.
c.Authenticator.admin_users = set(INSTRUCTORS)

# -- each user's server --------------------------------------------------------
# JupyterLab, in the environment the hub runs in (one machine, one venv).
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    # nbgrader_config.py of this folder applies to every server (course id, exchange,
    # whose submission it is, where the instructor's course folder is).
    "JUPYTER_CONFIG_PATH": str(HERE),
    "COURSE_ID": COURSE_ID,
    "COURSE_INSTRUCTORS": ",".join(INSTRUCTORS),
    "COURSE_EXCHANGE": EXCHANGE,
    # The course's matrices are small: BLAS threads only compete for the cores.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
c.Spawner.args = [
    # A terminal is a non-login shell: a login shell's profile resets PATH and
    # loses the environment's `nbgrader` and `python`.
    '--ServerApp.terminado_settings={"shell_command": ["/bin/bash"]}',
    # No news or update checks from JupyterLab (no outbound requests in class).
    "--LabApp.news_url=",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
# The lectures' kernels need some room; a server start can take a while on a busy machine.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# Stop a server after an hour without activity (JupyterHub's idle culler is a
# separate package; this is the single-user server's own limit).
c.Spawner.args.append("--ServerApp.shutdown_no_activity_timeout=3600")
c.Spawner.args.append("--MappingKernelManager.cull_idle_timeout=3600")
