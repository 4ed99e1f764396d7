"""nbgrader settings of the course, read by every single-user server and by
every ``nbgrader`` command run in it (the hub puts this folder on
JUPYTER_CONFIG_PATH and passes the COURSE_* variables; see jupyterhub_config.py).
"""

import os

c = get_config()  # noqa: F821 (nbgrader supplies get_config)

user = os.environ.get("JUPYTERHUB_USER", "")
instructors = {name.strip() for name in os.environ.get("COURSE_INSTRUCTORS", "").split(",") if name.strip()}

c.CourseDirectory.course_id = os.environ.get("COURSE_ID", "optimization")
# The exchange: a folder every server can read and write (mode 0777, on one
# machine or on a shared volume). release_assignment puts the student version
# there, fetch_assignment copies it to the student, submit hands it back and
# collect takes it into the instructor's submitted/ folder.
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", "/srv/nbgrader/exchange")

if user in instructors:
    # The instructor's course folder: source/, release/, submitted/, autograded/,
    # feedback/ and gradebook.db live in ~/course, wherever a command runs.
    c.CourseDirectory.root = os.path.join(os.path.expanduser("~"), "course")
    # Where every user is the same Unix account (one machine with
    # SimpleLocalProcessSpawner, or containers that all run as jovyan), the
    # files in the exchange belong to that account, not to the student whose
    # name they carry. The name comes from the hub's login instead.
    c.CollectApp.check_owner = False
elif user:
    # A submission is filed under the hub's login name, not the Unix account's.
    c.CourseDirectory.student_id = user
