"""Explorers: one update per change, artists moved in place, errors shown, draws counted.

The explorer under test is the one a lecture on momentum would build: the
canyon of Figure 8.5 (κ = 50), a momentum path drawn once by
``contour_paths``, and an update that re-runs ``coursekit.run`` and calls
``line.set_data``. Oracles: a plain loop of Algorithm 8.2, the pixels of a
fresh Agg draw, a constrained layout computed on an identical new figure,
and counters of calls (of the update, of full canvas draws). Timings are
measured by ``python -m benchmarks``, not here.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import ipywidgets
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import traitlets  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402
from matplotlib.backend_bases import ResizeEvent  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine, PlaceHolderLayoutEngine  # noqa: E402
from PIL import Image  # noqa: E402

from coursekit import momentum, run, sgd  # noqa: E402
from coursekit.plotting import contour_paths  # noqa: E402
from coursekit.problems import canyon  # noqa: E402
from coursekit.widgets import Explorer, cached, log_slider  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROBLEM = canyon(50.0)
THETA0 = (-1.0, 1.0)
EXTENT = (-1.3, 1.3, -1.3, 1.3)
LR0, MOMENTUM0 = 0.02, 0.9


pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def momentum_path(lr, momentum_value):
    return run(PROBLEM, momentum(lr, momentum_value), list(THETA0), steps=100, keep_path=True).theta


def loop_path(lr, momentum_value, steps=100):
    """Algorithm 8.2 written out: v ← αv − ε∇J(θ), θ ← θ + v, with ∇J(θ) = (θ₁, 50 θ₂)."""
    theta, velocity = np.array(THETA0), np.zeros(2)
    path = [theta.copy()]
    for _ in range(steps):
        velocity = momentum_value * velocity - lr * np.array([1.0, 50.0]) * theta
        theta = theta + velocity
        path.append(theta.copy())
    return np.array(path)


def lr_slider(value=LR0):
    return log_slider("learning rate ε", 1e-3, 3e-2, value)


def momentum_slider(value=MOMENTUM0):
    return ipywidgets.FloatSlider(value=value, min=0.0, max=0.95, step=0.01, description="momentum α")


class CanyonExplorer:
    """The explorer of the lecture, with a record of every call of its update."""

    def __init__(self, fail_above=None, blit=False, **explorer_kwargs):
        self.calls = []
        self.fail_above = fail_above
        with plt.ioff():
            drawn = contour_paths(PROBLEM, momentum_path(LR0, MOMENTUM0), extent=EXTENT)
        self.fig, self.ax = drawn
        self.line = drawn.paths[0].line
        self.lr, self.momentum = lr_slider(), momentum_slider()
        if blit:
            explorer_kwargs["animated"] = {"path": self.line}
        self.explorer = Explorer({"lr": self.lr, "momentum": self.momentum}, self.fig, self.update,
                                 **explorer_kwargs)

    def update(self, values):
        self.calls.append(dict(values))
        if self.fail_above is not None and values["lr"] > self.fail_above:
            raise ValueError(f"lr = {values['lr']} is above {self.fail_above} in this demo")
        path = momentum_path(values["lr"], values["momentum"])
        self.line.set_data(path[:, 0], path[:, 1])


@pytest.fixture
def canyon_explorer():
    made = CanyonExplorer()
    yield made
    made.explorer.close()


def line_path(line):
    return np.column_stack([line.get_xdata(), line.get_ydata()])


def count_full_draws(canvas) -> list:
    """Record every full ``canvas.draw()`` from now on (a blitted update makes none)."""
    draws, draw = [], canvas.draw

    def counting_draw(*args, **kwargs):
        draws.append(1)
        return draw(*args, **kwargs)

    canvas.draw = counting_draw
    return draws


# --------------------------------------------------------------------------
# Updates
# --------------------------------------------------------------------------


def test_initial_update_runs_once_with_the_initial_values(canyon_explorer):
    assert canyon_explorer.explorer.status.layout.display == "none" and canyon_explorer.explorer.last_error is None
    assert canyon_explorer.calls == [{"lr": LR0, "momentum": MOMENTUM0}]
    assert canyon_explorer.explorer.n_updates == 1
    assert canyon_explorer.explorer.values == {"lr": LR0, "momentum": MOMENTUM0}


def test_moving_a_slider_draws_exactly_the_path_of_the_new_run(canyon_explorer):
    made = canyon_explorer
    made.lr.value = 0.011
    drawn = line_path(made.line)
    assert np.array_equal(drawn, momentum_path(0.011, MOMENTUM0))
    np.testing.assert_allclose(drawn, loop_path(0.011, MOMENTUM0), rtol=1e-12, atol=1e-15)
    made.momentum.value = 0.5
    assert np.array_equal(line_path(made.line), momentum_path(0.011, 0.5))
    np.testing.assert_allclose(line_path(made.line), loop_path(0.011, 0.5), rtol=1e-12, atol=1e-15)


def test_exactly_one_update_per_change_with_all_current_values(canyon_explorer):
    made = canyon_explorer
    made.lr.value = 0.005
    made.momentum.value = 0.3
    made.momentum.value = 0.3  # no change: no update
    made.lr.value = 0.007
    assert made.calls[1:] == [
        {"lr": 0.005, "momentum": MOMENTUM0},
        {"lr": 0.005, "momentum": 0.3},
        {"lr": 0.007, "momentum": 0.3},
    ]
    assert made.explorer.n_updates == 4


def test_set_changes_several_controls_with_a_single_update(canyon_explorer):
    made = canyon_explorer
    made.explorer.set(lr=0.004, momentum=0.6)
    assert made.calls[1:] == [{"lr": 0.004, "momentum": 0.6}]
    assert np.array_equal(line_path(made.line), momentum_path(0.004, 0.6))
    made.explorer.set(lr=0.004)  # unchanged: nothing to redraw
    assert len(made.calls) == 2


def test_set_rejects_unknown_controls_before_changing_anything(canyon_explorer):
    made = canyon_explorer
    with pytest.raises(TypeError, match=r"unknown controls \['learning_rate'\]; the controls are \['lr', 'momentum'\]"):
        made.explorer.set(lr=0.004, learning_rate=0.1)
    assert made.lr.value == LR0 and len(made.calls) == 1


def test_set_still_shows_the_changes_made_before_a_control_rejects_its_value(canyon_explorer):
    made = canyon_explorer
    with pytest.raises(traitlets.TraitError):
        made.explorer.set(lr=0.004, momentum="fast")
    assert made.calls[1:] == [{"lr": 0.004, "momentum": MOMENTUM0}]


def test_updates_move_the_same_artists_and_create_no_figure(canyon_explorer, monkeypatch):
    made = canyon_explorer
    created = []
    original_init = Figure.__init__

    def counting_init(self, *args, **kwargs):
        created.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "__init__", counting_init)
    figures, lines, children = plt.get_fignums(), ax_lines(made.ax), len(made.ax.get_children())
    for lr in (0.003, 0.009, 0.027):
        made.lr.value = lr
    made.explorer.set(momentum=0.2)
    assert created == []
    assert plt.get_fignums() == figures
    assert ax_lines(made.ax) == lines and made.line in made.ax.get_lines()
    assert len(made.ax.get_children()) == children
    assert made.explorer.figure is made.fig and made.fig.axes == [made.ax]


def ax_lines(ax):
    return [id(line) for line in ax.get_lines()]


def test_the_callback_receives_a_copy_and_the_controls_dict_is_not_changed():
    controls = {"lr": lr_slider()}
    frozen = dict(controls)
    with plt.ioff():
        fig, _ = plt.subplots()

    def careless(values):
        values["lr"] = 99.0

    explorer = Explorer(controls, fig, careless)
    controls["lr"].value = 0.01
    assert explorer.values == {"lr": 0.01}
    assert controls == frozen and list(explorer.controls) == ["lr"]
    explorer.close()


def test_a_control_set_by_the_callback_gives_one_more_pass_not_a_nested_update():
    a = ipywidgets.FloatSlider(value=0.0, min=0.0, max=1.0)
    b = ipywidgets.FloatSlider(value=0.0, min=0.0, max=1.0)
    calls, depth = [], [0]
    with plt.ioff():
        fig, _ = plt.subplots()

    def update(values):
        depth[0] += 1
        calls.append((dict(values), depth[0]))
        if values["a"] > 0.5:
            b.value = 1.0  # a linked control: shown by a second pass
        depth[0] -= 1

    explorer = Explorer({"a": a, "b": b}, fig, update)
    a.value = 0.8
    assert calls[1:] == [({"a": 0.8, "b": 0.0}, 1), ({"a": 0.8, "b": 1.0}, 1)]
    assert explorer.last_error is None
    explorer.close()


def test_a_callback_that_keeps_changing_the_controls_is_stopped_and_reported():
    a = ipywidgets.IntSlider(value=0, min=0, max=100)
    with plt.ioff():
        fig, _ = plt.subplots()

    def update(values):
        if values["a"] > 0:
            a.value = values["a"] % 50 + 1

    explorer = Explorer({"a": a}, fig, update)
    a.value = 1
    assert explorer.n_updates == 1 + 5
    assert isinstance(explorer.last_error, RuntimeError)
    assert "kept changing the controls" in explorer.status.value
    explorer.close()


# --------------------------------------------------------------------------
# Errors in the callback
# --------------------------------------------------------------------------


def test_a_failing_update_is_shown_and_kept_and_the_next_good_one_clears_it():
    made = CanyonExplorer(fail_above=0.025)
    explorer = made.explorer
    image, path, n_latencies = bytes(explorer.view.value), line_path(made.line), len(explorer.latencies)
    made.lr.value = 0.028
    assert isinstance(explorer.last_error, ValueError)
    assert "lr = 0.028 is above 0.025 in this demo" in str(explorer.last_error)
    assert "ValueError: lr = 0.028 is above 0.025 in this demo" in explorer.status.value
    assert explorer.status.layout.display is None  # visible
    assert bytes(explorer.view.value) == image  # the last good figure stays
    assert np.array_equal(line_path(made.line), path)
    assert len(explorer.latencies) == n_latencies and explorer.n_updates == 2

    made.lr.value = 0.01
    assert explorer.last_error is None and explorer.status.value == ""
    assert explorer.status.layout.display == "none"
    assert np.array_equal(line_path(made.line), momentum_path(0.01, MOMENTUM0))
    assert bytes(explorer.view.value) != image
    explorer.close()


def test_the_error_message_is_escaped_in_the_status_line():
    a = ipywidgets.IntSlider(value=0)
    with plt.ioff():
        fig, _ = plt.subplots()

    def update(values):
        if values["a"]:
            raise KeyError("<b>not bold</b> & co")

    explorer = Explorer({"a": a}, fig, update)
    a.value = 1
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; co" in explorer.status.value
    assert "<b>" not in explorer.status.value
    explorer.close()


def test_a_failing_initial_update_raises():
    a = ipywidgets.IntSlider(value=0)
    with plt.ioff():
        fig, _ = plt.subplots()

    def update(values):
        raise ZeroDivisionError("no figure yet")

    with pytest.raises(ZeroDivisionError, match="no figure yet"):
        Explorer({"a": a}, fig, update)
    plt.close(fig)


# --------------------------------------------------------------------------
# Display: image mode under Agg, layout, widget tree
# --------------------------------------------------------------------------


def decode_png(data: bytes) -> np.ndarray:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def test_image_mode_shows_exactly_the_current_drawing(canyon_explorer):
    made = canyon_explorer
    explorer = made.explorer
    assert explorer.mode == "image" and isinstance(explorer.view, ipywidgets.Image)
    made.lr.value = 0.006
    shown = decode_png(bytes(explorer.view.value))
    made.fig.canvas.draw()  # an independent fresh draw of the same state
    assert np.array_equal(shown, np.asarray(made.fig.canvas.buffer_rgba()))
    width, height = made.fig.canvas.get_width_height()
    assert shown.shape == (height, width, 4)


def _full_draw_with_animated_on_top(fig, animated):
    """Pixels of an independent full draw, with ``animated`` drawn last in their order.

    A blitted update draws its artists over the finished background (over
    spines and markers too); raising their z-order makes an ordinary full draw
    paint in that same order, so the two must agree pixel for pixel.
    """
    saved = [(artist.get_animated(), artist.get_zorder()) for artist in animated]
    for i, artist in enumerate(animated):
        artist.set_animated(False)
        artist.set_zorder(1e6 + i)
    try:
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba()).copy()
    finally:
        for artist, (was_animated, zorder) in zip(animated, saved):
            artist.set_animated(was_animated)
            artist.set_zorder(zorder)


def test_blitting_shows_the_same_pixels_as_a_full_draw():
    made = CanyonExplorer(blit=True)  # the moving line is declared: updates are blitted
    try:
        assert made.explorer.renderer.blits and made.line.get_animated()
        assert made.explorer.artists == {"path": made.line}
        for lr in (0.006, 0.015, 0.0025):
            draws = count_full_draws(made.fig.canvas)
            made.lr.value = lr
            assert draws == []  # the kept background restored, not redrawn
            shown = decode_png(bytes(made.explorer.view.value))
            assert np.array_equal(shown, _full_draw_with_animated_on_top(made.fig, [made.line]))
            assert np.array_equal(line_path(made.line), momentum_path(lr, MOMENTUM0))
    finally:
        made.explorer.close()
    assert not made.line.get_animated()  # close gives the artist back to ordinary draws


def test_blitting_redraws_the_background_when_an_update_rescales_the_axes():
    with plt.ioff():
        fig, ax = plt.subplots()
    (line,) = ax.plot([0.0, 1.0], [0.0, 1.0])
    scale = ipywidgets.FloatSlider(value=1.0, min=0.5, max=8.0, description="scale")

    def update(values):
        line.set_ydata([0.0, values["scale"]])
        ax.set_ylim(0.0, max(1.0, values["scale"]))  # the tick labels change with it

    explorer = Explorer({"scale": scale}, fig, update, animated=[line])
    try:
        draws = count_full_draws(fig.canvas)
        scale.value = 0.75  # limits unchanged: blitted
        assert draws == []
        scale.value = 6.0  # new limits: the background is drawn again, and still right
        assert draws == [1]
        expected = _full_draw_with_animated_on_top(fig, [line])
        assert np.array_equal(decode_png(bytes(explorer.view.value)), expected)
    finally:
        explorer.close()


def test_animated_must_hold_artists_of_the_figure(small_figure):
    fig, update = small_figure, (lambda values: None)
    with plt.ioff():
        other, other_ax = plt.subplots()
    (foreign,) = other_ax.plot([0.0, 1.0])
    for bad in ([foreign], ["line"]):
        with pytest.raises(ValueError, match=r"animated\[0\] must be an artist of this figure"):
            Explorer({"x": ipywidgets.FloatSlider()}, fig, update, animated=bad)
    with pytest.raises(ValueError, match=r"animated\['path'\] must be an artist of this figure"):
        Explorer({"x": ipywidgets.FloatSlider()}, fig, update, animated={"path": foreign})
    plt.close(other)


def test_declared_artists_are_blitted_and_the_rest_drawn_once():
    """Blitting draws only the declared artists; without them every move is a full draw
    (how much faster blitting is, ``python -m benchmarks`` measures)."""
    with plt.ioff():
        fig, axes = plt.subplots(2, 1, figsize=(7.0, 5.6), layout="constrained")
    k = np.arange(1.0, 1001.0)
    lines = {}
    for name, ax in zip(("top", "bottom"), axes):
        (lines[name],) = ax.loglog(k, 1.0 / k, label="1/k")
        ax.set(xlabel="iteration k", ylabel="J", title="two log panels")
        ax.legend()

    def power():
        return ipywidgets.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.01, description="p")

    def update(values):
        for line in lines.values():
            line.set_ydata(k ** -values["p"])

    drawn = {}
    for blit in (True, False):
        explorer = Explorer({"p": power()}, fig, update, animated=lines if blit else ())
        draws = count_full_draws(fig.canvas)
        for p in (0.6, 0.9, 1.2):
            explorer.controls["p"].value = p
        assert explorer.renderer.blits is blit and explorer.n_updates == 4
        assert explorer.artists == (lines if blit else {})
        assert np.array_equal(lines["bottom"].get_ydata(), k ** -1.2)
        explorer.close()
        drawn[blit] = len(draws)
    assert drawn == {True: 0, False: 3}


def test_image_mode_takes_the_figure_over_from_pyplot(canyon_explorer):
    # The inline backend shows every figure pyplot still holds at the end of
    # a later cell: the explorer's figure must not be among them.
    assert canyon_explorer.fig.number not in plt.get_fignums()


def test_a_figure_without_a_backend_canvas_gets_an_agg_canvas():
    fig = Figure()
    (line,) = fig.add_subplot().plot([0.0, 1.0])
    a = ipywidgets.FloatSlider(value=0.0, min=-1.0, max=1.0)
    explorer = Explorer({"a": a}, fig, lambda v: line.set_ydata([0.0, v["a"]]))
    assert isinstance(fig.canvas, FigureCanvasAgg)
    assert bytes(explorer.view.value).startswith(b"\x89PNG\r\n\x1a\n")
    explorer.close()


def test_the_widget_holds_controls_status_and_view_and_a_cell_displays_it(canyon_explorer):
    explorer = canyon_explorer.explorer
    controls_box, status, view = explorer.widget.children
    assert list(controls_box.children) == [canyon_explorer.lr, canyon_explorer.momentum]
    assert status is explorer.status and view is explorer.view
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.widget.model_id
    assert bundle["text/plain"] == "Explorer(controls=['lr', 'momentum'], mode='image', updates=1)"


def constrained_positions(size=None):
    """Axes position of the same figure laid out by constrained layout from scratch."""
    with plt.ioff():
        fig, ax = contour_paths(PROBLEM, momentum_path(LR0, MOMENTUM0), extent=EXTENT)
    if size is not None:
        fig.set_size_inches(size)
    fig.canvas.draw()
    bounds = ax.get_position().bounds
    plt.close(fig)
    return bounds


def test_frozen_layout_keeps_the_constrained_positions_and_redoes_them_on_resize(canyon_explorer):
    made = canyon_explorer
    assert isinstance(made.fig.get_layout_engine(), PlaceHolderLayoutEngine)
    np.testing.assert_allclose(made.ax.get_position().bounds, constrained_positions(), rtol=1e-12)
    made.lr.value = 0.004
    np.testing.assert_allclose(made.ax.get_position().bounds, constrained_positions(), rtol=1e-12)

    made.fig.set_size_inches(8.0, 5.0)
    made.fig.canvas.callbacks.process("resize_event", ResizeEvent("resize_event", made.fig.canvas))
    np.testing.assert_allclose(made.ax.get_position().bounds, constrained_positions((8.0, 5.0)), rtol=1e-12)


def test_close_gives_the_layout_engine_back_and_unfrozen_explorers_keep_it():
    made = CanyonExplorer()
    made.explorer.close()
    assert isinstance(made.fig.get_layout_engine(), ConstrainedLayoutEngine)
    made = CanyonExplorer(freeze_layout=False)
    assert isinstance(made.fig.get_layout_engine(), ConstrainedLayoutEngine)
    made.explorer.close()


def test_close_stops_updates_and_closes_every_widget():
    made = CanyonExplorer()
    explorer = made.explorer
    widgets = [explorer.widget, explorer.status, explorer.view, made.lr, made.momentum,
               explorer.widget.children[0]]
    explorer.close()
    explorer.close()  # twice is harmless
    assert all(widget.comm is None for widget in widgets)
    made.lr.value = 0.005
    assert explorer.n_updates == 1
    assert explorer.closed
    with pytest.raises(RuntimeError, match="explorer is closed"):
        explorer.set(lr=0.004)


# --------------------------------------------------------------------------
# Latency
# --------------------------------------------------------------------------


def test_latencies_are_recorded_per_successful_update_and_bounded():
    made = CanyonExplorer(max_latencies=5)
    explorer = made.explorer
    assert len(explorer.latencies) == 1
    for lr in (0.002, 0.004, 0.008):
        made.lr.value = lr
    assert len(explorer.latencies) == 4
    for lr in (0.003, 0.005, 0.009, 0.011):
        made.lr.value = lr
    assert len(explorer.latencies) == 5 and explorer.n_updates == 8
    assert all(t > 0.0 for t in explorer.latencies)
    explorer.close()


# --------------------------------------------------------------------------
# cached
# --------------------------------------------------------------------------


def test_moving_one_slider_recomputes_only_what_depends_on_it():
    calls = {"sgd": [], "momentum": []}

    @cached
    def sgd_path(lr):
        calls["sgd"].append(lr)
        return run(PROBLEM, sgd(lr), list(THETA0), steps=60, keep_path=True).theta

    @cached
    def heavy_ball_path(lr, momentum_value):
        calls["momentum"].append((lr, momentum_value))
        return momentum_path(lr, momentum_value)

    with plt.ioff():
        drawn = contour_paths(PROBLEM, [sgd_path(LR0), heavy_ball_path(LR0, MOMENTUM0)], ["SGD", "momentum"],
                              extent=EXTENT)
    fig = drawn.fig
    sgd_line, momentum_line = drawn.paths["SGD"].line, drawn.paths["momentum"].line

    def update(values):
        sgd_line.set_data(*sgd_path(values["lr"]).T)
        momentum_line.set_data(*heavy_ball_path(values["lr"], values["momentum"]).T)

    lr, beta = lr_slider(), momentum_slider()
    explorer = Explorer({"lr": lr, "momentum": beta}, fig, update)
    beta.value = 0.5
    beta.value = 0.7
    assert calls["sgd"] == [LR0]
    lr.value = 0.01
    beta.value = 0.5
    lr.value = LR0  # back to a setting seen before: nothing to compute
    assert calls["sgd"] == [LR0, 0.01]
    assert calls["momentum"] == [(LR0, MOMENTUM0), (LR0, 0.5), (LR0, 0.7), (0.01, 0.7), (0.01, 0.5)]
    assert np.array_equal(line_path(momentum_line), momentum_path(LR0, 0.5))
    explorer.close()


def test_cached_keeps_the_last_maxsize_results():
    calls = []

    @cached(maxsize=2)
    def double(x):
        calls.append(x)
        return 2 * x

    assert [double(x) for x in (1, 2, 1, 3, 2, 1)] == [2, 4, 2, 6, 4, 2]
    # LRU with room for 2: 1, 2 miss; 1 hits; 3 evicts 2; 2 evicts 1; 1 evicts 3.
    assert calls == [1, 2, 3, 2, 1]
    assert double.cache_info().hits == 1 and double.cache_info().maxsize == 2
    double.cache_clear()
    double(1)
    assert calls == [1, 2, 3, 2, 1, 1]


def test_cached_results_are_read_only_and_shared():
    @cached
    def result(lr):
        return run(PROBLEM, sgd(lr), list(THETA0), steps=5, keep_path=True)

    @cached
    def pair(x):
        return np.full(3, x), [np.zeros(2)], {"a": np.ones(1)}

    first = result(0.01)
    assert result(0.01) is first
    assert not first.theta.flags.writeable and not first.loss.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        first.loss[0] = 0.0
    arrays = pair(1.0)
    assert not arrays[0].flags.writeable
    assert not arrays[1][0].flags.writeable and not arrays[2]["a"].flags.writeable


def test_cached_rejects_unhashable_arguments_and_does_not_cache_errors():
    calls = []

    @cached
    def norm(v):
        calls.append(v)
        if v == (0.0, 0.0):
            raise ZeroDivisionError("zero vector")
        return float(np.hypot(*v))

    with pytest.raises(TypeError, match=r"norm is cached, so its arguments must be hashable .*unhashable type: 'list'"):
        norm([3.0, 4.0])
    assert calls == []
    assert norm((3.0, 4.0)) == 5.0
    for _ in range(2):
        with pytest.raises(ZeroDivisionError):
            norm((0.0, 0.0))
    assert calls == [(3.0, 4.0), (0.0, 0.0), (0.0, 0.0)]
    assert norm.__name__ == "norm"


def test_cached_validates_its_arguments():
    with pytest.raises(TypeError, match="cached needs a function, got int 3"):
        cached(3)
    with pytest.raises(ValueError, match=r"maxsize must be an integer in \[1, inf\], got 0"):
        cached(lambda x: x, maxsize=0)
    with pytest.raises(TypeError, match="maxsize must be an integer, got float 2.5"):
        cached(maxsize=2.5)(lambda x: x)


# --------------------------------------------------------------------------
# log_slider
# --------------------------------------------------------------------------


def test_log_slider_covers_the_range_in_equal_log_steps():
    slider = log_slider("learning rate ε", 1e-4, 1.0, 0.01, steps=80, readout_format=".2e")
    assert isinstance(slider, ipywidgets.FloatLogSlider)
    assert slider.value == 0.01 and slider.base == 10.0
    # 0.01 halves the range in log10, so 80 equal steps reach both ends exactly.
    assert slider.min == pytest.approx(-4.0, abs=1e-15) and slider.max == pytest.approx(0.0, abs=1e-15)
    assert slider.step == pytest.approx(4.0 / 80, rel=1e-12)
    assert slider.continuous_update is True and slider.readout_format == ".2e"
    assert slider.description == "learning rate ε"


@settings(max_examples=60, deadline=None)
@given(
    low_exp=st.floats(-8.0, 4.0),
    span=st.floats(1e-3, 8.0),
    where=st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 1e-9, 0.5, 1.0 - 1e-9, 1.0])),
    steps=st.integers(10, 120),
)
def test_log_slider_puts_the_value_on_its_grid_inside_the_range(low_exp, span, where, steps):
    """The front end snaps a value to the grid when it shows the slider: the value
    must already be a grid point, or the explorer would start somewhere else."""
    low = 10.0**low_exp
    high = low * 10.0**span
    value = min(high, max(low, low * (high / low) ** where))
    slider = log_slider("x", low, high, value, steps=steps)
    assert slider.value == value
    position = (np.log10(value) - slider.min) / slider.step
    assert abs(position - round(position)) < 1e-6
    assert steps // 2 - 1e-6 <= (slider.max - slider.min) / slider.step <= 2 * steps + 1e-6
    # Inside [low, high] (to a rounding error where value is an end: keeping the
    # value exactly comes first), leaving out less than one step in all.
    assert low * (1 - 1e-14) <= 10.0**slider.min and 10.0**slider.max <= high * (1 + 1e-14)
    left_out = (slider.min - np.log10(low)) + (np.log10(high) - slider.max)
    assert left_out < slider.step
    slider.value = high  # clamped to the last grid point, never beyond high
    assert slider.value <= high * (1 + 1e-14)
    slider.close()


def test_log_slider_with_round_numbers_reaches_both_ends():
    slider = log_slider("ε_τ / ε0", 1e-3, 1.0, 0.01)  # the value splits the decades 1 : 2
    assert 10.0**slider.min == pytest.approx(1e-3, rel=1e-12)
    assert 10.0**slider.max == pytest.approx(1.0, rel=1e-12)
    assert (slider.max - slider.min) / slider.step == pytest.approx(60.0)


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        (("ε", 0.0, 1.0, 0.5), {}, ValueError, r"low must be in \(0, inf\), got 0.0"),
        (("ε", -1e-3, 1.0, 0.5), {}, ValueError, r"low must be in \(0, inf\), got -0.001"),
        (("ε", 1.0, 0.5, 0.7), {}, ValueError, r"high must be greater than low = 1.0, got 0.5"),
        (("ε", 1e-3, 1.0, 2.0), {}, ValueError, r"value must be in \[0.001, 1.0\], got 2.0"),
        (("ε", 1e-3, 1.0, 1e-4), {}, ValueError, r"value must be in \[0.001, 1.0\], got 0.0001"),
        (("ε", float("nan"), 1.0, 0.5), {}, ValueError, r"low must be in \(0, inf\), got nan"),
        (("ε", 1e-3, float("inf"), 0.5), {}, ValueError, r"high must be finite, got inf"),
        (("ε", [1e-3, 1e-2], 1.0, 0.5), {}, ValueError, r"low must be a single number, got an array of shape \(2,\)"),
        (("ε", "small", 1.0, 0.5), {}, TypeError, r"low must be a real number or array, got str 'small'"),
        (("ε", 1e-3, 1.0, 0.5), {"steps": 0}, ValueError, r"steps must be an integer in \[1, inf\], got 0"),
        (("ε", 1e-3, 1.0, 0.5), {"steps": 2.5}, TypeError, r"steps must be an integer, got float 2.5"),
        ((3, 1e-3, 1.0, 0.5), {}, TypeError, r"description must be a string, got int 3"),
        (("ε", 1e-3, 1.0, 0.5), {"readout_format": None}, TypeError, r"readout_format must be a non-empty format string"),
    ],
)
def test_log_slider_rejects_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        log_slider(*args, **kwargs)


# --------------------------------------------------------------------------
# Explorer arguments
# --------------------------------------------------------------------------


@pytest.fixture
def small_figure():
    with plt.ioff():
        fig, _ = plt.subplots()
    yield fig
    plt.close(fig)


def test_explorer_rejects_bad_arguments(small_figure):
    fig = small_figure
    a = ipywidgets.FloatSlider()
    cases = [
        (([("a", a)], fig, print), {}, TypeError, "controls must be a dict of name -> widget, got list"),
        (({}, fig, print), {}, ValueError, "controls must hold at least one control, got none"),
        (({"not a name": a}, fig, print), {}, ValueError, "control names must be Python identifiers, got 'not a name'"),
        (({"lambda": a}, fig, print), {}, ValueError, "control names must be Python identifiers, got 'lambda'"),
        (({"go": ipywidgets.Button()}, fig, print), {}, TypeError, r"controls\['go'\] must be an ipywidgets value widget"),
        (({"a": a, "b": a}, fig, print), {}, ValueError, r"controls\['b'\] is the same widget as controls\['a'\]"),
        (({"a": a}, fig.axes[0], print), {}, TypeError, "figure must be a matplotlib Figure, got Axes"),
        (({"a": a}, fig, "update"), {}, TypeError, "update must be a function of the values dict, got str"),
        (({"a": a}, fig, print), {"measure": 1}, TypeError, "measure must be True or False, got int 1"),
        (({"a": a}, fig, print), {"freeze_layout": None}, TypeError, "freeze_layout must be True or False, got NoneType None"),
        (({"a": a}, fig, print), {"max_latencies": 0}, ValueError, r"max_latencies must be an integer in \[1, inf\], got 0"),
    ]
    for args, kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            Explorer(*args, **kwargs)


# --------------------------------------------------------------------------
# Packaging: optional dependency, ipympl
# --------------------------------------------------------------------------


def test_a_missing_ipywidgets_gives_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` fail
    spec = importlib.util.spec_from_file_location("coursekit._widgets_probe", ROOT / "coursekit" / "widgets.py")
    module = importlib.util.module_from_spec(spec)
    with pytest.raises(ImportError, match=r'course extra: run pip install -e "\.\[course\]"'):
        spec.loader.exec_module(module)


def run_python(code: str, **env) -> str:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=environment, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_coursekit_does_not_import_the_widgets():
    out = run_python("""
        import sys
        import coursekit
        print("ipywidgets" in sys.modules, "coursekit.widgets" in sys.modules)
    """)
    assert out.split() == ["False", "False"]


IPYMPL_SCRIPT = """
    import json
    import warnings
    import ipywidgets
    import matplotlib.pyplot as plt
    from coursekit.widgets import Explorer

    assert plt.get_backend() == "module://ipympl.backend_nbagg", plt.get_backend()
    with plt.ioff():
        # ipympl 0.10's toolbar warns of a traitlets deprecation here: not ours.
        fig, ax = plt.subplots(layout="constrained")
    warnings.simplefilter("error")
    (line,) = ax.plot([0.0, 1.0], [0.0, 0.0])
    counts = {"draw_idle": 0, "draw": 0}
    canvas = fig.canvas
    draw_idle, draw = canvas.draw_idle, canvas.draw

    def counting_draw_idle():
        counts["draw_idle"] += 1
        draw_idle()

    def counting_draw():
        counts["draw"] += 1
        draw()

    canvas.draw_idle, canvas.draw = counting_draw_idle, counting_draw
    slider = ipywidgets.FloatSlider(value=0.0, min=-1.0, max=1.0)
    explorer = Explorer({"y": slider}, fig, lambda v: line.set_ydata([0.0, v["y"]]))
    for y in (0.25, 0.5, -0.5):
        slider.value = y
    idle_moves = dict(counts)
    explorer.measure = True
    slider.value = 0.75
    report = {
        "canvas_is_widget": isinstance(canvas, ipywidgets.DOMWidget),
        "mode": explorer.mode,
        "view_is_canvas": explorer.view is canvas,
        "canvas_in_widget": explorer.widget.children[2] is canvas,
        "figure_still_in_pyplot": plt.get_fignums() == [fig.number],
        "idle_moves": idle_moves,
        "measured_move": {k: counts[k] - idle_moves[k] for k in counts},
        "ydata": [float(v) for v in line.get_ydata()],
    }
    explorer.close()
    report["closed"] = plt.get_fignums() == [] and canvas.comm is None
    print(json.dumps(report))
"""


@pytest.mark.skipif(importlib.util.find_spec("ipympl") is None, reason="ipympl is not installed")
def test_with_ipympl_the_canvas_is_the_view_and_updates_call_draw_idle():
    # In a fresh interpreter: importing ipympl switches the backend of the
    # whole process, which must not happen to the other tests.
    out = run_python(IPYMPL_SCRIPT, MPLBACKEND="module://ipympl.backend_nbagg")
    report = json.loads(out.strip().splitlines()[-1])
    assert report == {
        "canvas_is_widget": True,
        "mode": "canvas",
        "view_is_canvas": True,
        "canvas_in_widget": True,
        "figure_still_in_pyplot": True,
        "idle_moves": {"draw_idle": 4, "draw": 0},  # the initial update and three moves
        "measured_move": {"draw_idle": 0, "draw": 1},  # measure: one synchronous draw instead
        "ydata": [0.0, 0.75],
        "closed": True,
    }
