"""Every lecture in JupyterLab in chromium: runs clean, shows its explorers, and
every control of every explorer redraws the figure.

Run only these with ``python -m pytest tests/browser``. They skip without
playwright or /usr/bin/chromium (and fail instead with
``COURSE_REQUIRE_BROWSER=1``). Screenshots of each explorer before and after
each move are written to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import pytest

from .harness import slug

#: A move must show the new figure within this many seconds.
MOVE_SECONDS = 2.0
#: An explorer's image must be at least this large on screen (CSS pixels).
MIN_WIDTH, MIN_HEIGHT = 300, 150


def test_runs_without_errors(lecture):
    errors = lecture.page.errors()
    assert errors == [], f"{lecture.name}:\n" + "\n".join(errors)
    for warning in lecture.page.warnings():  # allowed, but shown with -rA or on failure
        print(f"{lecture.name}: stderr: {warning}")
    assert lecture.page.console_errors == [], f"uncaught errors in the page: {lecture.page.console_errors}"


def test_no_notification_pops_up(lecture, artifacts):
    lecture.page.page.screenshot(path=artifacts / f"{lecture.stem}_page.png")
    assert lecture.page.notifications() == []


def test_every_explorer_is_rendered(lecture):
    views = lecture.page.explorers(lecture.expected)
    expected = sum(len(factories) for factories in lecture.expected.values())
    assert len(views) == expected, (
        f"{lecture.name} creates {expected} explorers ({lecture.expected}), the page shows {len(views)}"
    )
    assert sorted({view.cell for view in views}) == sorted(lecture.expected)
    for view in views:
        view.image.scroll_into_view_if_needed()
        assert view.image.is_visible(), f"{view.name}: image not visible"
        box = view.image.bounding_box()
        assert box["width"] >= MIN_WIDTH and box["height"] >= MIN_HEIGHT, f"{view.name}: image {box}"
        natural = view.image.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
        assert natural[0] and natural[1] >= MIN_WIDTH and natural[2] >= MIN_HEIGHT, (
            f"{view.name}: image not loaded or too small: {natural}"
        )
        assert view.controls, f"{view.name}: no controls found"


def test_every_control_redraws_the_figure(lecture, artifacts):
    views = lecture.page.explorers(lecture.expected)
    if not views:
        pytest.skip(f"{lecture.name} has no explorer")
    failures, stems = [], set()
    for view in views:
        for control in view.controls:
            stem = f"{lecture.stem}_{view.name}_{slug(control.label)}"
            stem = stem if stem not in stems else f"{stem}-{len(stems)}"
            stems.add(stem)
            view.image.scroll_into_view_if_needed()
            before = view.image.screenshot(path=artifacts / f"{stem}_before.png", animations="disabled")
            # Sliders: three steps, so that the change is visible in the screenshots.
            move = lecture.page.move(view, control, times=3, timeout=MOVE_SECONDS)
            after = view.image.screenshot(path=artifacts / f"{stem}_after.png", animations="disabled")
            what = f"{view.name} / {control.kind} {control.label!r}"
            if not move.changed:
                failures.append(f"{what}: the image did not change within {MOVE_SECONDS} s")
            elif move.seconds > MOVE_SECONDS:
                failures.append(f"{what}: the new image took {move.seconds:.2f} s")
            elif after == before:
                failures.append(f"{what}: the image source changed but the screenshots are identical")
    assert failures == [], f"{lecture.name}:\n" + "\n".join(failures)


def test_the_browser_benchmark_times_key_presses(lecture):
    """benchmarks/browser.py on this page: two single steps, each timed and each shown."""
    from benchmarks.browser import pick_control, time_moves

    views = lecture.page.explorers(lecture.expected)
    if not views:
        pytest.skip(f"{lecture.name} has no explorer")
    seconds = time_moves(lecture.page, views[0], pick_control(views[0]), moves=2, timeout=MOVE_SECONDS)
    assert seconds.shape == (2,)
    assert ((seconds > 0) & (seconds < MOVE_SECONDS)).all(), seconds
