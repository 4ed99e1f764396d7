"""Update latency of every explorer of the lectures, in the kernel (no browser).

Each explorer is built exactly as its lecture builds it (:data:`EXPLORERS`
holds the notebook's own code; ``tests/test_benchmarks.py`` checks that it
still matches), with matplotlib's Agg backend, as under ``%matplotlib
inline``. Each control is then moved ``moves`` times and each move timed
from setting the control's value to the end of the explorer's work, in two
columns:

* **as done**: what the explorer really does to produce its next image:
  the update callback, the Agg render (blitting the moving artists onto the
  kept background where the explorer declares them) and the PNG encode
  into its ``ipywidgets.Image``;
* **full draw**: the same with a full ``canvas.draw()`` of the whole figure
  forced on every move (the kept background is dropped first), i.e. the
  cost without blitting.

The two kinds of move alternate on one walk over the control's values, so
both see the same mix of cached and new results. Sliders step one grid
position at a time away from the start, first up to the top, then down from
the start, bouncing at the ends when the grid is shorter than the walk;
dropdowns and toggle buttons cycle through their options. Results already
computed (the explorers cache them) are hit only where the walk revisits a
value, as they would be for a student. Targets, on "as done": median ≤ 50 ms,
p95 ≤ 100 ms.

:func:`measure_latency` times one control of an explorer already built (in
a notebook, say) from the explorer's own records: the update and the Agg
render, without the PNG encode. Unit tests never assert a time; speed is
measured here only.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

__all__ = [
    "EXPLORERS",
    "MEDIAN_MS",
    "P95_MS",
    "ExplorerCase",
    "LatencyRow",
    "build",
    "control_walk",
    "measure_explorer",
    "measure_latency",
]

MEDIAN_MS = 50.0
P95_MS = 100.0


@dataclass(frozen=True)
class ExplorerCase:
    """An explorer as a lecture creates it: the lecture, the setup code it needs, the call."""

    lecture: str   # notebook file name
    setup: str     # statements from the notebook that the call needs
    call: str      # the expression of the notebook's explorer cell

    @property
    def name(self) -> str:
        return self.call.split("(", 1)[0].rsplit(".", 1)[-1]


# The notebooks' own code (lecture 00 shows lecture 01's explorer: not repeated).
EXPLORERS = (
    ExplorerCase("01_sgd_and_learning_rate_decay.ipynb",
                 "from coursekit.explorers import decay as decay_explorers",
                 "decay_explorers.schedule_explorer()"),
    ExplorerCase("02_tuning_the_learning_rate.ipynb",
                 "from coursekit.experiments import tuning\n"
                 "from coursekit.explorers import tuning as tuning_explorers\n"
                 "sweep = tuning.sweep_initial_rate()",
                 "tuning_explorers.learning_rate_explorer(sweep)"),
    ExplorerCase("04_momentum.ipynb",
                 "from coursekit.explorers import momentum as momentum_explorers",
                 "momentum_explorers.canyon_explorer(lr=2.0 / 51.0, momentum=0.643, condition_number=50.0)"),
    ExplorerCase("04_momentum.ipynb",
                 "from coursekit.explorers import momentum as momentum_explorers",
                 "momentum_explorers.rate_map_explorer(lr_L=2.0, momentum=0.5, condition_number=100.0)"),
    ExplorerCase("05_momentum_as_physics.ipynb",
                 "from coursekit.explorers import physics as physics_explorers",
                 "physics_explorers.drag_explorer()"),
    ExplorerCase("06_nesterov_momentum.ipynb",
                 "from coursekit.explorers import nesterov as nesterov_explorers",
                 "nesterov_explorers.canyon_explorer()"),
    ExplorerCase("07_parameter_initialization.ipynb",
                 "from coursekit.explorers import initialization as init_explorers",
                 "init_explorers.activation_explorer()"),
)


@dataclass
class LatencyRow:
    """Latencies of one control of one explorer, in seconds."""

    case: ExplorerCase
    control: str            # the control's name in explorer.controls
    kind: str               # "log slider", "slider", "int slider", "dropdown", "toggle"
    as_done: np.ndarray     # (moves,)
    full_draw: np.ndarray   # (moves,)
    blits: bool             # the explorer keeps a background and blits

    @property
    def label(self) -> str:
        return f"{self.case.lecture[:2]} {self.case.name}: {self.control} ({self.kind})"

    def stats_ms(self) -> tuple[float, float, float, float]:
        """Median and p95 of "as done", then of "full draw", in ms."""
        return tuple(1e3 * float(f(x)) for x in (self.as_done, self.full_draw)
                     for f in (np.median, lambda a: np.percentile(a, 95)))


def build(case: ExplorerCase):
    """Run the case's setup and call, as the notebook does; returns the Explorer."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # what the inline backend draws with
    namespace: dict = {}
    exec(compile(case.setup, f"<{case.lecture} setup>", "exec"), namespace)
    return eval(compile(case.call, f"<{case.lecture} explorer>", "eval"), namespace)


def _kind(widget) -> str:
    import ipywidgets

    if isinstance(widget, ipywidgets.FloatLogSlider):
        return "log slider"
    if isinstance(widget, ipywidgets.IntSlider):
        return "int slider"
    if isinstance(widget, ipywidgets.FloatSlider):
        return "slider"
    if isinstance(widget, ipywidgets.ToggleButtons):
        return "toggle"
    if isinstance(widget, ipywidgets.Dropdown):
        return "dropdown"
    raise TypeError(f"no walk for a {type(widget).__name__}")


def control_walk(widget, moves: int) -> list:
    """``moves`` values for ``widget``, each different from the one before (see module doc).

    >>> import ipywidgets
    >>> control_walk(ipywidgets.IntSlider(value=3, min=1, max=5), 6)
    [4, 5, 2, 1, 2, 3]
    >>> control_walk(ipywidgets.ToggleButtons(options=["tanh", "relu"], value="tanh"), 3)
    ['relu', 'tanh', 'relu']
    """
    kind = _kind(widget)
    if kind in ("dropdown", "toggle"):
        options = [option[1] if isinstance(option, tuple) else option for option in widget.options]
        start = options.index(widget.value)
        return [options[(start + i) % len(options)] for i in range(1, moves + 1)]
    if kind == "log slider":
        n = round((widget.max - widget.min) / widget.step)
        grid = [widget.base ** (widget.min + k * widget.step) for k in range(n + 1)]
        current = float(np.log(widget.value) / np.log(widget.base))
        start = round((current - widget.min) / widget.step)
    else:
        n = round((widget.max - widget.min) / widget.step)
        grid = [widget.min + k * widget.step for k in range(n + 1)]
        if kind == "int slider":
            grid = [int(v) for v in grid]
        start = round((widget.value - widget.min) / widget.step)
    start = min(max(start, 0), n)
    # Up from the start, then down from it; then back and forth over the whole grid.
    order = list(range(start + 1, n + 1)) + list(range(start - 1, -1, -1))
    bounce = list(range(1, n + 1)) + list(range(n - 1, -1, -1))
    positions, previous = [], start
    for index in order + bounce * (moves // max(len(bounce), 1) + 1):
        if index != previous:
            positions.append(index)
            previous = index
        if len(positions) == moves:
            break
    return [grid[k] for k in positions]


def _clear_module_caches() -> None:
    """Forget results cached at module level by earlier explorers (a cold start)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("coursekit.explorers."):
            for value in vars(module).values():
                if callable(value) and hasattr(value, "cache_clear"):
                    value.cache_clear()


def measure_explorer(case: ExplorerCase, moves: int = 30, controls=None) -> list[LatencyRow]:
    """Move each control (or those named in ``controls``) 2 × ``moves`` times; one row per control.

    Moves alternate between "as done" and "full draw" (see the module doc).
    A failed update raises RuntimeError.
    """
    explorer = build(case)
    _clear_module_caches()
    rows = []
    try:
        names = list(explorer.controls) if controls is None else list(controls)
        for name in names:
            widget = explorer.controls[name]
            times = {False: [], True: []}
            for i, value in enumerate(control_walk(widget, 2 * moves)):
                full = bool(i % 2)
                if full:
                    explorer.renderer.forget_background()  # the next render is a full canvas.draw()
                before = explorer.n_updates
                start = time.perf_counter()
                widget.value = value
                elapsed = time.perf_counter() - start
                if explorer.n_updates == before:
                    raise RuntimeError(f"{case.name}: setting {name} = {value!r} did not update the figure")
                if explorer.last_error is not None:
                    raise RuntimeError(f"{case.name}: update for {name} = {value!r} failed") \
                        from explorer.last_error
                times[full].append(elapsed)
            rows.append(LatencyRow(case, name, _kind(widget), np.array(times[False]), np.array(times[True]),
                                   blits=explorer.renderer.blits))
    finally:
        explorer.close()
    return rows


def measure_latency(explorer, control, values) -> np.ndarray:
    """Move one control through ``values`` and return the latency of each move, in seconds.

    Each latency is the time from the change of the control until the figure
    is drawn with Agg, as the explorer records it with ``measure`` on: the
    callback plus the render the explorer really does (blitted when it
    declares its ``animated`` artists, a full draw otherwise), without the
    PNG encoding. The control is set back to its starting value afterwards
    (one more update, not measured). Every value must change the control,
    including the first.

    Parameters
    ----------
    explorer : coursekit.widgets.Explorer
    control : str or widget
        A name in ``explorer.controls``, or the widget itself.
    values : sequence
        The values to visit in turn, e.g. 30 values for a median and a p95.

    Returns
    -------
    ndarray, shape (len(values),)
    """
    from coursekit.widgets import Explorer

    if not isinstance(explorer, Explorer):
        raise TypeError(f"explorer must be an Explorer, got {type(explorer).__name__}")
    if explorer.closed:
        raise RuntimeError("the explorer is closed: there is nothing to measure")
    if isinstance(control, str):
        if control not in explorer.controls:
            raise ValueError(f"control must be one of {list(explorer.controls)}, got {control!r}")
        name = control
    else:
        matches = [n for n, widget in explorer.controls.items() if widget is control]
        if not matches:
            raise ValueError(
                f"control must be a name or a widget of this explorer ({list(explorer.controls)}), "
                f"got {type(control).__name__}"
            )
        name = matches[0]
    widget = explorer.controls[name]
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one value, got none")

    start_value, measure = widget.value, explorer.measure
    explorer.measure = True
    latencies = np.empty(len(values))
    try:
        for i, value in enumerate(values):
            before = explorer.n_updates
            widget.value = value
            passes = explorer.n_updates - before
            if passes == 0:
                raise ValueError(
                    f"values[{i}] = {value!r} did not change {name} (it is {widget.value!r}): "
                    "each value must differ from the one before and lie within the control's range"
                )
            if explorer.last_error is not None:
                raise RuntimeError(f"the update for {name} = {value!r} failed") from explorer.last_error
            latencies[i] = sum(list(explorer.latencies)[-passes:])
    finally:
        explorer.measure = measure
        widget.value = start_value
    return latencies
