"""The benchmark code runs and measures what it says (``python -m benchmarks``).

The timings themselves depend on the machine and are not asserted; what is
asserted: a smoke run prints every part and leaves the notebooks alone, the
explorer cases are the notebooks' own code, the walks over the controls
are valid, the "full draw" column really draws the whole figure, and
``measure_latency`` times exactly the moves it is given.
"""

from __future__ import annotations

import doctest
import json
import re
import time
from pathlib import Path

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import benchmarks.explorers
from benchmarks.__main__ import main
from benchmarks.explorers import EXPLORERS, build, control_walk, measure_explorer, measure_latency
from coursekit.widgets import Explorer
from benchmarks.notebooks import lectures
from tests.browser.harness import explorer_cells

ROOT = Path(__file__).resolve().parents[1]


def _code_cells(lecture: str) -> list[str]:
    cells = json.loads((ROOT / "notebooks" / lecture).read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_smoke_run_prints_every_part_and_leaves_the_notebooks_alone(capsys):
    before = {path: path.read_bytes() for path in lectures()}
    start = time.perf_counter()
    status = main(["--smoke", "--skip-browser"])
    wall = time.perf_counter() - start
    out = capsys.readouterr().out
    assert status == 0  # a smoke run judges no target
    for header in ("(a)-(c) coursekit core", "(d) lecture notebooks", "(e) explorers in the kernel, 3 moves"):
        assert header in out
    assert "(f) browser" not in out
    assert "Smoke run" in out
    # Every timing row holds a positive number with its unit.
    (row,) = [line for line in out.splitlines() if line.startswith("(d) 00_course_map")]
    # Executing a notebook is part of the whole run.
    assert 0.0 < float(row.split()[2]) < wall and row.split()[3] == "s"
    explorer_rows = [line for line in out.splitlines() if line.startswith("(e) 01 schedule_explorer")]
    assert len(explorer_rows) == 1
    values = [float(x) for x in re.findall(r"([0-9.]+) ms", explorer_rows[0])]
    assert len(values) == 5 and all(v > 0 for v in values[:4])  # 4 timings, then the target's 100 ms
    assert {path: path.read_bytes() for path in lectures()} == before


def test_only_rejects_unknown_parts(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--only", "core,gpu"])
    assert exit_info.value.code == 2
    assert "comma-separated subset of core,notebooks,explorers,browser,lite, got 'core,gpu'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--moves", "0"])
    assert "--moves must be at least 1, got 0" in capsys.readouterr().err


def test_explorer_cases_are_the_notebooks_code():
    covered = {}
    for case in EXPLORERS:
        cells = _code_cells(case.lecture)
        explorer_sources = [cells[i] for i in explorer_cells(ROOT / "notebooks" / case.lecture)]
        assert any(_squash(case.call) in _squash(source) for source in explorer_sources), case.call
        for line in case.setup.splitlines():
            assert any(line in source.splitlines() for source in cells), f"{case.lecture}: {line!r}"
        covered.setdefault(case.lecture, []).append(case.name)
    # Every explorer of every lecture is benchmarked (lecture 00 repeats lecture 01's).
    for path in lectures():
        factories = [name for names in explorer_cells(path).values() for name in names]
        if path.name.startswith("00_"):
            assert factories == ["schedule_explorer"] and "01_sgd_and_learning_rate_decay.ipynb" in covered
            continue
        assert sorted(covered.get(path.name, [])) == sorted(factories), path.name


@pytest.mark.parametrize(
    "widget",
    [
        ipywidgets.IntSlider(value=3, min=1, max=5),
        ipywidgets.IntSlider(value=10, min=10, max=300, step=10),
        ipywidgets.FloatSlider(value=0.5, min=0.0, max=0.99, step=0.01),
        ipywidgets.FloatLogSlider(value=1.0, base=10.0, min=-2.0, max=2.0, step=0.05),
        ipywidgets.Dropdown(options=["a", "b", "c"], value="c"),
        ipywidgets.ToggleButtons(options=["tanh", "relu"], value="tanh"),
    ],
    ids=["int-short", "int-stepped", "float", "log", "dropdown", "toggle"],
)
def test_control_walk_changes_the_value_on_every_move_within_the_grid(widget):
    start = widget.value
    values = control_walk(widget, 40)
    assert len(values) == 40
    assert all(a != b for a, b in zip([start] + values, values))
    if isinstance(widget, (ipywidgets.Dropdown, ipywidgets.ToggleButtons)):
        assert set(values) <= set(widget.options)
        return
    if isinstance(widget, ipywidgets.FloatLogSlider):
        positions = (np.log10(values) - widget.min) / widget.step
    else:
        positions = (np.array(values) - widget.min) / widget.step
        assert all(widget.min <= v <= widget.max for v in values)
    np.testing.assert_allclose(positions, np.round(positions), atol=1e-9)
    assert positions.min() >= -1e-9 and positions.max() <= round((widget.max - widget.min) / widget.step) + 1e-9
    # As many distinct values as the grid allows before any repeats.
    n_grid = round((widget.max - widget.min) / widget.step) + 1
    first = values[: min(40, n_grid - 1)]
    assert len(set(first)) == len(first)


def test_walk_module_doctests():
    result = doctest.testmod(benchmarks.explorers, verbose=False)
    assert result.attempted > 0 and result.failed == 0


def test_full_draw_column_draws_the_whole_figure(monkeypatch):
    """As done, a blitting explorer never calls canvas.draw(); forced, it does once per move."""
    draws = []
    original = FigureCanvasAgg.draw

    def counting_draw(self, *args, **kwargs):
        draws.append(time.perf_counter())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FigureCanvasAgg, "draw", counting_draw)
    case = next(c for c in EXPLORERS if c.name == "canyon_explorer" and c.lecture.startswith("04"))
    explorer = build(case)
    try:
        assert explorer.renderer.blits, "the canyon explorer is expected to blit"
        widget = explorer.controls["momentum"]
        draws.clear()
        widget.value = 0.5
        widget.value = 0.6
        assert draws == []  # blitting: the kept background is reused
    finally:
        explorer.close()

    draws.clear()
    start = time.perf_counter()
    (row,) = measure_explorer(case, moves=3, controls=["momentum"])
    wall = time.perf_counter() - start
    assert row.control == "momentum" and row.kind == "slider" and row.blits
    assert row.as_done.shape == row.full_draw.shape == (3,)
    assert (row.as_done > 0).all() and (row.full_draw > 0).all()
    assert row.as_done.sum() + row.full_draw.sum() < wall
    # One full draw when the explorer is built (its first image), then one per forced move.
    assert len(draws) == 1 + 3


# -- measure_latency: one control, the explorer's own records ---------------------------


class SlopeExplorer:
    """A line whose slope follows a slider, with a record of the update's calls."""

    def __init__(self, fail_above=None):
        self.calls = []
        self.fail_above = fail_above
        with plt.ioff():
            fig, ax = plt.subplots()
        (self.line,) = ax.plot([0.0, 1.0], [0.0, 1.0])
        self.slope = ipywidgets.FloatSlider(value=1.0, min=-2.0, max=2.0, step=0.01)
        self.shift = ipywidgets.FloatSlider(value=0.0, min=-1.0, max=1.0, step=0.01)
        self.explorer = Explorer({"slope": self.slope, "shift": self.shift}, fig, self.update,
                                 animated={"line": self.line})

    def update(self, values):
        self.calls.append(values["slope"])
        if self.fail_above is not None and values["slope"] > self.fail_above:
            raise ValueError(f"slope = {values['slope']} is above {self.fail_above} in this demo")
        self.line.set_ydata([values["shift"], values["shift"] + values["slope"]])


@pytest.fixture
def slope_explorer(strict_and_leak_free):
    made = SlopeExplorer()
    yield made
    made.explorer.close()


def test_measure_latency_times_each_move_and_restores_the_control(slope_explorer):
    made = slope_explorer
    explorer = made.explorer
    values = np.linspace(-1.5, 1.5, 12)
    latencies = measure_latency(explorer, "slope", values)
    assert latencies.shape == (12,) and np.all(latencies > 0.0)
    # The 12 moves and the move back to the start were all updates, in order.
    assert made.calls[-13:] == list(values) + [1.0]
    assert np.array_equal(latencies, np.array(list(explorer.latencies)[-13:-1]))
    assert made.slope.value == 1.0 and explorer.measure is False
    assert list(made.line.get_ydata()) == [0.0, 1.0]


def test_measure_latency_accepts_the_widget_itself(slope_explorer):
    made = slope_explorer
    assert measure_latency(made.explorer, made.shift, [0.1, 0.2]).shape == (2,)
    assert made.shift.value == 0.0


def test_measure_latency_rejects_bad_arguments(slope_explorer):
    made = slope_explorer
    explorer = made.explorer
    with pytest.raises(TypeError, match="explorer must be an Explorer, got dict"):
        measure_latency({}, "slope", [0.5])
    with pytest.raises(ValueError, match=r"control must be one of \['slope', 'shift'\], got 'alpha'"):
        measure_latency(explorer, "alpha", [0.5])
    with pytest.raises(ValueError, match="control must be a name or a widget of this explorer"):
        measure_latency(explorer, ipywidgets.FloatSlider(), [0.5])
    with pytest.raises(ValueError, match="values must hold at least one value"):
        measure_latency(explorer, "slope", [])
    with pytest.raises(ValueError, match=r"values\[1\] = 0.5 did not change slope"):
        measure_latency(explorer, "slope", [0.5, 0.5])
    assert made.slope.value == 1.0 and explorer.measure is False


def test_measure_latency_refuses_a_failing_update_and_a_closed_explorer(strict_and_leak_free):
    made = SlopeExplorer(fail_above=1.5)
    with pytest.raises(RuntimeError, match="the update for slope = 1.8 failed") as info:
        measure_latency(made.explorer, "slope", [0.5, 1.8])
    assert isinstance(info.value.__cause__, ValueError)
    assert made.slope.value == 1.0 and made.explorer.last_error is None
    made.explorer.close()
    with pytest.raises(RuntimeError, match="the explorer is closed"):
        measure_latency(made.explorer, "slope", [0.5])
