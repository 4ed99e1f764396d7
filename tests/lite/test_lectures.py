"""Every lecture in the JupyterLite site, in chromium, with no network.

The default site is served on 127.0.0.1; the Pyodide CDN's files are
answered from the local, sha256-verified copies and every other outside
request is aborted. Per lecture: run all cells without an error, show every
explorer, and move one control of each explorer to a new image. Screenshots
go to ``test-artifacts/lite/``.
"""

from __future__ import annotations


from benchmarks.browser import pick_control
from tests.browser.harness import slug

#: Seconds a move may take to show a new image here (the latency targets are the benchmark's).
MOVE_SECONDS = 10.0
MIN_WIDTH, MIN_HEIGHT = 300, 150


def test_runs_all_cells_without_errors(lecture, artifacts):
    lecture.page.page.screenshot(path=artifacts / f"{lecture.stem}_page.png")
    print(f"{lecture.name}: run all in {lecture.seconds:.1f} s")
    errors = lecture.page.errors()
    assert errors == [], f"{lecture.name}:\n" + "\n".join(errors)
    for warning in lecture.page.warnings():
        print(f"{lecture.name}: stderr: {warning}")
    assert lecture.page.console_errors == [], f"uncaught errors in the page: {lecture.page.console_errors}"
    # The install cell ran first and took coursekit from the site's own index.
    setup = lecture.page.cells()[0]
    assert "pip install" in "".join(setup["source"]) and setup["execution_count"] == 1


def test_every_explorer_is_rendered(lecture):
    views = lecture.page.explorers(lecture.expected)
    expected = sum(len(factories) for factories in lecture.expected.values())
    assert len(views) == expected, (
        f"{lecture.name} creates {expected} explorers ({lecture.expected}), the page shows {len(views)}"
    )
    for view in views:
        view.image.scroll_into_view_if_needed()
        natural = view.image.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
        assert natural[0] and natural[1] >= MIN_WIDTH and natural[2] >= MIN_HEIGHT, (
            f"{view.name}: image not loaded or too small: {natural}"
        )
        assert view.controls, f"{view.name}: no controls found"


def test_one_control_of_each_explorer_changes_its_image(lecture, artifacts):
    views = lecture.page.explorers(lecture.expected)
    assert len(views) == sum(len(factories) for factories in lecture.expected.values())
    failures = []
    for number, view in enumerate(views):
        control = pick_control(view)
        stem = f"{lecture.stem}_{number}_{view.name}_{slug(control.label)}"
        view.image.scroll_into_view_if_needed()
        before = view.image.screenshot(path=artifacts / f"{stem}_before.png", animations="disabled")
        move = lecture.page.move(view, control, times=3, timeout=MOVE_SECONDS)
        after = view.image.screenshot(path=artifacts / f"{stem}_after.png", animations="disabled")
        what = f"{view.name} / {control.kind} {control.label!r}"
        if not move.changed:
            failures.append(f"{what}: the image did not change within {MOVE_SECONDS} s")
        elif after == before:
            failures.append(f"{what}: the image source changed but the screenshots are identical")
        else:
            print(f"{lecture.name}: {what}: new image {1e3 * move.seconds:.0f} ms after the key press")
    assert failures == [], f"{lecture.name}:\n" + "\n".join(failures)


def test_nothing_reached_the_network(lecture, pins):
    network = lecture.page.network
    assert network.reached_network() == [], f"requests that left 127.0.0.1: {network.reached_network()}"
    # The only outside host asked for is the Pyodide CDN, and every such request was answered locally.
    cdn = pins["pyodide"]["cdn"]
    assert network.requested and all(url.startswith(cdn) for url in network.requested), network.requested
    assert network.blocked == []
