"""A class on JupyterHub, end to end, on 127.0.0.1.

The hub runs deploy/jupyterhub/jupyterhub_config.py with the test's
overrides (tests/hub/jupyterhub_config.py). In order:

1. an instructor and two students log in through the hub's login page in
   chromium, and each gets a JupyterLab server;
2. each student opens lecture 04 (copied to their home), runs it, and moves
   an explorer's slider: the figure changes;
3. in the instructor's terminal on the hub, ``nbgrader`` generates and
   releases ch8 from the repository's ``solutions/``; in each student's
   terminal, ``nbgrader fetch_assignment``; alice answers lecture 04's
   exercises with the model answers, bob with two right and one wrong; each
   ``nbgrader submit``; the instructor collects, autogrades and exports;
4. the scores in the exported CSV are those of the notebooks' metadata;
5. the hub, its proxy, every server and every kernel are stopped.

Timings (hub start, each server start, autograde, total) and the memory of
the hub's processes are written to test-artifacts/hub/timings.json.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import time

import pytest

from tests.browser.harness import LAB_SETTINGS, LecturePage, explorer_cells, slug

from .conftest import INSTRUCTOR, STUDENTS
from .course_folder import ASSIGNMENT, SOLUTIONS, WRONG, answer, answer_cells, check_points, solution_source
from .hub import UserServer, processes_under, rss_mb

LECTURE = "04_momentum.ipynb"
NOTEBOOKS = SOLUTIONS.parent / "notebooks"
EXERCISE = LECTURE  # the exercise notebook of lecture 04 has the same name
#: How each student answers lecture 04's exercises: "right" or the grade_ids answered wrongly.
WRONG_ANSWERS = {"alice": set(), "bob": set(WRONG)}

TIMINGS: dict = {}


def _prepare_home(hub, user: str) -> None:
    """What the user finds at the first login: JupyterLab's settings (every
    cell rendered, no news), and for a student a copy of lecture 04."""
    home = hub.home(user)
    for relative, value in LAB_SETTINGS.items():
        path = home / ".jupyter" / "lab" / "user-settings" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    if user in STUDENTS:
        shutil.copy(NOTEBOOKS / LECTURE, home / LECTURE)


def _run(hub, user: str, command: str, timeout: float = 300.0) -> str:
    status, output = hub.terminal(user, command, timeout=timeout)
    assert status == 0, f"{user}$ {command} exited with {status}:\n{output[-6000:]}"
    return output


def _everyone_logs_in_through_the_hub(hub, contexts, artifacts):
    TIMINGS["hub start (s)"] = round(hub.seconds_to_start, 2)
    for user, context in contexts.items():
        _prepare_home(hub, user)
        page = context.new_page()
        if user == STUDENTS[0]:  # a wrong password is turned away, and starts nothing
            page.goto(f"{hub.url}/hub/login")
            page.fill("#username_input", user)
            page.fill("#password_input", hub.password[::-1])
            page.click("#login_submit")
            page.locator(".login_error").wait_for(timeout=30_000)
            assert "/hub/login" in page.url and user not in hub.server_pids()
        page.goto(f"{hub.url}/hub/login")
        page.fill("#username_input", user)
        page.fill("#password_input", hub.admin_password if user == INSTRUCTOR else hub.password)
        page.screenshot(path=artifacts / f"login_{user}.png")
        start = time.perf_counter()
        page.click("#login_submit")
        # The hub spawns the server, shows its progress page, then redirects to Lab.
        page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=180_000)
        # Lab is up when its splash screen is gone and the file browser lists the home.
        page.wait_for_function("() => !!window.jupyterapp && !document.querySelector('#jupyterlab-splash')"
                               " && !!document.querySelector('.jp-DirListing-content')", timeout=180_000)
        TIMINGS[f"login to Lab, {user} (s)"] = round(time.perf_counter() - start, 2)
        if user in STUDENTS:  # the home the hub gave the server is the user's own
            page.locator(".jp-DirListing-item", has_text=LECTURE).wait_for(timeout=30_000)
        page.locator(".jp-LauncherCard").first.wait_for(timeout=30_000)
        page.screenshot(path=artifacts / f"lab_{user}.png")
        page.close()
    servers = hub.server_pids()
    assert sorted(servers) == sorted([INSTRUCTOR, *STUDENTS])
    users = {u["name"]: u for u in hub.request("/hub/api/users")}
    assert users[INSTRUCTOR]["admin"] and not any(users[s]["admin"] for s in STUDENTS)


def _a_student_moves_a_slider_of_lecture_04(hub, contexts, artifacts, student):
    lecture = LecturePage(contexts[student], UserServer(hub, student), LECTURE)
    try:
        lecture.open(timeout=120)
        seconds = lecture.run_all(timeout=180)
        TIMINGS[f"lecture 04 run all, {student} (s)"] = round(seconds, 2)
        assert lecture.errors() == [], "\n".join(lecture.errors())
        views = lecture.explorers(explorer_cells(NOTEBOOKS / LECTURE))
        sliders = [(view, control) for view in views for control in view.controls if control.kind == "slider"]
        assert sliders, f"lecture 04 on {student}'s server shows no explorer slider"
        view, control = sliders[0]
        view.image.scroll_into_view_if_needed()
        stem = f"{student}_{view.name}_{slug(control.label)}"
        view.image.screenshot(path=artifacts / f"{stem}_before.png")
        before = view.image.evaluate("img => img.src")
        move = lecture.move(view, control, timeout=10.0)
        view.image.screenshot(path=artifacts / f"{stem}_after.png")
        assert move.changed, f"{student}: moving {control.label!r} did not change the figure of {view.name}"
        assert view.image.evaluate("img => img.src") != before
        TIMINGS[f"slider to new figure, {student} (s)"] = round(move.seconds, 3)
        lecture.page.screenshot(path=artifacts / f"{student}_lecture_04.png")
    finally:
        lecture.close()


def _the_assignment_goes_round_the_exchange(hub, artifacts):
    course = hub.home(INSTRUCTOR) / "course"
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    notebooks = sorted(path.name for path in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    for name in notebooks:
        shutil.copy(SOLUTIONS / name, source / name)
    students = " ".join(STUDENTS)
    _run(hub, INSTRUCTOR, f"cd ~/course && for s in {students}; do nbgrader db student add $s || exit 1; done"
                          f" && nbgrader generate_assignment {ASSIGNMENT} && nbgrader release_assignment {ASSIGNMENT}")
    correct = {grade_id: solution_source(SOLUTIONS / EXERCISE, grade_id)
               for grade_id in answer_cells(SOLUTIONS / EXERCISE)}
    for student in STUDENTS:
        _run(hub, student, f"cd ~ && nbgrader fetch_assignment {ASSIGNMENT}")
        fetched = hub.home(student) / ASSIGNMENT
        assert sorted(p.name for p in fetched.glob("*.ipynb")) == notebooks
        # The student's answers, saved into the fetched notebook as the editor would.
        answer(fetched / EXERCISE, fetched / EXERCISE,
               {**correct, **{grade_id: WRONG[grade_id] for grade_id in WRONG_ANSWERS[student]}})
        _run(hub, student, f"cd ~ && nbgrader submit {ASSIGNMENT}")
    _run(hub, INSTRUCTOR, f"cd ~/course && nbgrader collect {ASSIGNMENT}")
    # Each submission is filed under the student's hub login, though all share one Unix user.
    assert sorted(p.name for p in (course / "submitted").iterdir()) == sorted(STUDENTS)
    start = time.perf_counter()
    _run(hub, INSTRUCTOR, f"cd ~/course && nbgrader autograde {ASSIGNMENT}", timeout=600)
    TIMINGS[f"autograde {len(STUDENTS)} students x {len(notebooks)} notebooks (s)"] = round(
        time.perf_counter() - start, 2)
    _run(hub, INSTRUCTOR, "cd ~/course && nbgrader export --to grades.csv")
    with open(course / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    shutil.copy(course / "grades.csv", artifacts / "grades.csv")
    points = check_points(SOLUTIONS / EXERCISE)
    expected = {student: sum(value for grade_id, value in points.items()
                             if grade_id.removeprefix("check_") not in WRONG_ANSWERS[student])
                for student in STUDENTS}
    assert expected["alice"] == sum(points.values()) and 0 < expected["bob"] < expected["alice"]
    assert {s: float(rows[s]["score"]) for s in STUDENTS} == pytest.approx(expected)
    TIMINGS["exported scores"] = {s: (rows[s]["score"], rows[s]["max_score"]) for s in STUDENTS}


def _the_hub_stops_its_proxy_every_server_and_kernel(hub, artifacts):
    running = processes_under(hub.root)
    servers = hub.server_pids()
    assert hub.process.pid in running and set(servers.values()) <= set(running)
    # The hub's own measure of each server start (spawn to first answer).
    for user, seconds in re.findall(r"User (\S+) took ([\d.]+) seconds to start", hub.log(tail=10**7)):
        TIMINGS[f"server start, {user} (s, hub log)"] = round(float(seconds), 2)
    TIMINGS["processes (hub, proxy, servers, kernels)"] = len(running)
    TIMINGS["memory of those processes (MB)"] = round(rss_mb(running), 0)
    start = time.perf_counter()
    hub.stop()
    TIMINGS["stop (s)"] = round(time.perf_counter() - start, 2)
    TIMINGS["total, hub start to stop (s)"] = round(time.perf_counter() - hub.started_at, 1)
    (artifacts / "timings.json").write_text(json.dumps(TIMINGS, indent=1, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    print("JupyterHub class:", json.dumps(TIMINGS, indent=1, ensure_ascii=False))
    deadline = time.monotonic() + 10
    while processes_under(hub.root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert hub.process.poll() is not None
    assert processes_under(hub.root) == {}, "still running after the hub stopped"


def test_a_class_on_jupyterhub(hub, contexts, artifacts):
    """The whole story in one test: its steps share one hub and one browser,
    so they must run in order in one process, whatever the test scheduler does."""
    _everyone_logs_in_through_the_hub(hub, contexts, artifacts)
    for student in STUDENTS:
        _a_student_moves_a_slider_of_lecture_04(hub, contexts, artifacts, student)
    _the_assignment_goes_round_the_exchange(hub, artifacts)
    for context in contexts.values():  # the browser's connections end before the servers do
        context.close()
    _the_hub_stops_its_proxy_every_server_and_kernel(hub, artifacts)
