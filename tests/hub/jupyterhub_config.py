"""The test's JupyterHub: the course's deployment config
(deploy/jupyterhub/jupyterhub_config.py), then what only a test on one
machine may do. tests/hub/hub.py starts it with the COURSE_HUB_* variables.

Overridden here, and never acceptable for a class:

* SharedPasswordAuthenticator: one password for every student, a longer one
  for the instructors (hub admins);
* SimpleLocalProcessSpawner: every server runs as the test's own Unix user,
  with a home of its own under the test's temporary folder, and nothing
  isolates one user from another;
* ``--ServerApp.allow_root=True`` when the tests run as root.

Added: ports chosen by the test, the proxy installed by .ci/install-hub, and
a service token with which the test starts terminals, reads the servers'
state and stops them.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub supplies get_config)

load_subconfig(str(Path(__file__).resolve().parents[2] / "deploy" / "jupyterhub" / "jupyterhub_config.py"))  # noqa: F821

environ = os.environ

c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = environ["COURSE_HUB_PASSWORD"]
c.SharedPasswordAuthenticator.admin_password = environ["COURSE_HUB_ADMIN_PASSWORD"]

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = environ["COURSE_HUB_HOMES"] + "/{username}"

c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{environ['COURSE_HUB_API_PORT']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{environ['COURSE_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [environ["COURSE_HUB_PROXY"]]
# Stop the proxy and every server with the hub.
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.cleanup_servers = True

# The browser test reads JupyterLab's state in the page (window.jupyterapp).
c.Spawner.args.append("--LabApp.expose_app_in_browser=True")
if os.getuid() == 0:
    c.Spawner.args.append("--ServerApp.allow_root=True")

c.JupyterHub.services = [{"name": "course-test", "api_token": environ["COURSE_HUB_SERVICE_TOKEN"]}]
c.JupyterHub.load_roles = [{
    "name": "course-test",
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "access:servers", "list:users"],
    "services": ["course-test"],
}]
