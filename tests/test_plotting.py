"""Plotting: the drawn data are the input data, labels, scales, limits, no leaks."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from coursekit import optimizers as O  # noqa: E402
from coursekit.plotting import FIGSIZE, PALETTE, contour_paths, learning_curves  # noqa: E402
from coursekit.problems import Quadratic, canyon  # noqa: E402
from coursekit.problems.base import Problem  # noqa: E402
from coursekit.runner import run  # noqa: E402


pytestmark = pytest.mark.usefixtures("strict_and_leak_free")


def render(fig) -> None:
    """Draw the whole figure to PNG: layout, log scales and legends all run."""
    fig.savefig(io.BytesIO(), format="png", dpi=40)


def curve_lines(ax):
    return [line for line in ax.get_lines() if not line.get_label().startswith("_start")]


class Ring(Problem):
    """J(θ) = (‖θ‖² − 1)²: a 2-D cost whose minimizer is a circle, so unknown as a point."""

    name = "ring"
    dim = 2

    def _loss(self, theta):
        return (np.sum(theta * theta, axis=-1) - 1.0) ** 2


# --------------------------------------------------------------------------
# learning_curves
# --------------------------------------------------------------------------


def test_learning_curves_draw_exactly_the_input_columns():
    rng = np.random.default_rng(0)
    steps = np.arange(0, 50, 2)
    values = rng.uniform(0.1, 10.0, size=(steps.size, 3))
    fig, ax = learning_curves(steps, values, ["a", "b", "c"])
    lines = ax.get_lines()
    assert len(lines) == 3
    for j, line in enumerate(lines):
        np.testing.assert_array_equal(line.get_xdata(), steps)
        np.testing.assert_array_equal(line.get_ydata(), values[:, j])
        assert to_hex(line.get_color()) == to_hex(PALETTE[j])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "c"]
    assert tuple(fig.get_size_inches()) == FIGSIZE
    render(fig)
    plt.close(fig)


def test_learning_curves_mark_diverged_runs():
    steps = np.arange(6)
    values = np.array([
        [1.0, 1.0, 1.0],
        [0.5, 4.0, 2.0],
        [0.25, 16.0, 4.0],
        [0.125, np.nan, 8.0],
        [0.0625, np.nan, np.inf],
        [0.03125, np.nan, np.inf],
    ])
    drawn = learning_curves(steps, values, ["fine", "nan", "inf"])
    fig, ax = drawn
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["fine", "nan (diverged)", "inf (diverged)"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == labels
    # Named by the label as given, without the " (diverged)" the legend adds.
    fine, nan_line, inf_line = (drawn.lines[name] for name in ("fine", "nan", "inf"))
    assert ax.get_lines() == [fine, nan_line, inf_line]
    np.testing.assert_array_equal(nan_line.get_ydata(), values[:, 1])  # NaN kept: the line ends
    assert fine.get_marker() in ("None", None, "")
    assert nan_line.get_marker() == "x" and list(nan_line.get_markevery()) == [2]
    assert inf_line.get_marker() == "x" and list(inf_line.get_markevery()) == [3]
    render(fig)
    plt.close(fig)


def test_learning_curves_of_a_real_run_label_the_diverged_setting():
    lrs = np.array([0.005, 0.02, 0.041])  # 2/L = 0.04: the last one diverges
    result = run(canyon(50.0), O.sgd(lrs), [-1.0, 1.0], steps=300)
    labels = [f"lr={lr:g}" for lr in lrs]
    fig, ax = learning_curves(result.steps, result.loss, labels)
    expected = [lab + (" (diverged)" if d else "") for lab, d in zip(labels, result.diverged)]
    assert [line.get_label() for line in ax.get_lines()] == expected
    assert expected[-1].endswith("(diverged)") and not expected[0].endswith("(diverged)")
    render(fig)
    plt.close(fig)


def test_learning_curves_scales_and_labels():
    steps, values = np.arange(1, 11), 1.0 / np.arange(1, 11)
    fig, ax = learning_curves(steps, values)
    assert (ax.get_yscale(), ax.get_xscale()) == ("log", "linear")
    assert ax.get_xlabel() == "iteration k" and ax.get_ylabel() == "J(θ_k) − J*"
    assert ax.get_legend() is None  # no labels, no legend
    plt.close(fig)
    fig, ax = learning_curves(steps, values, "one", log_y=False, log_x=True, title="T",
                              xlabel="examples", ylabel="loss", colors=["red"])
    assert (ax.get_yscale(), ax.get_xscale()) == ("linear", "log")
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("T", "examples", "loss")
    (line,) = ax.get_lines()
    assert to_hex(line.get_color()) == "#ff0000" and line.get_label() == "one"
    plt.close(fig)


def test_learning_curves_with_zeros_on_log_axes_draw_without_warnings():
    steps = np.arange(0, 5)
    values = np.array([1.0, 0.1, 0.0, 0.01, 0.0])  # exact convergence: J − J* = 0
    drawn = learning_curves(steps, values, log_x=True)
    render(drawn.fig)
    assert list(drawn.lines) == [0]  # without labels, curves are named by their column
    np.testing.assert_array_equal(drawn.lines[0].get_ydata(), values)
    plt.close(drawn.fig)


def test_learning_curves_draw_into_a_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    steps = np.arange(5)
    got_fig, got_ax = learning_curves(steps, 2.0 ** -steps, ["x"], ax=right)
    assert got_fig is fig and got_ax is right
    assert len(right.get_lines()) == 1 and len(left.get_lines()) == 0
    assert plt.get_fignums() == [fig.number]  # no new figure
    plt.close(fig)


def test_learning_curves_do_not_change_their_inputs():
    steps = np.arange(4)
    values = np.array([[1.0, 2.0], [0.5, np.nan], [0.2, np.nan], [0.1, np.nan]])
    labels = ["a", "b"]
    copies = steps.copy(), values.copy(), list(labels)
    fig, _ = learning_curves(steps, values, labels)
    plt.close(fig)
    np.testing.assert_array_equal(steps, copies[0])
    np.testing.assert_array_equal(values, copies[1])
    assert labels == copies[2]


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((np.arange(4), np.ones((4, 2, 2))), {}, ValueError,
         r"values must have shape \(R,\) or \(R, C\) with R = len\(steps\) = 4, got shape \(4, 2, 2\)"),
        ((np.arange(4), np.ones(5)), {}, ValueError, r"R = len\(steps\) = 4, got shape \(5,\)"),
        ((np.ones((2, 2)), np.ones(2)), {}, ValueError, r"steps must be a non-empty 1-D array"),
        ((np.arange(4), np.ones((4, 2)), ["a"]), {}, ValueError,
         r"labels must hold one label per curve \(2\), got 1"),
        ((np.arange(4), np.ones((4, 2)), ["a", 3]), {}, TypeError, r"labels must be strings, got int 3"),
        ((np.arange(4), np.ones((4, 2)), ["a", "a"]), {}, ValueError,
         r"labels must be distinct, so that each names one artist, got \['a', 'a'\]"),
        ((np.arange(4), np.ones((4, 2))), {"colors": ["red"]}, ValueError,
         r"colors must hold at least one colour per curve \(2\), got 1"),
        ((np.arange(4), np.ones(4)), {"ax": "axes"}, TypeError, r"ax must be a matplotlib Axes, got str"),
    ],
)
def test_learning_curves_validation_creates_no_figure(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        learning_curves(*args, **kwargs)
    assert plt.get_fignums() == []


# --------------------------------------------------------------------------
# contour_paths
# --------------------------------------------------------------------------


def canyon_paths(steps=60):
    problem = canyon(50.0)
    result = run(problem, O.momentum(np.array([0.035, 0.035]), np.array([0.0, 0.5])),
                 [-1.0, 1.0], steps=steps, keep_path=True)
    return problem, result


def test_contour_paths_draw_each_path_exactly():
    problem, result = canyon_paths()
    drawn = contour_paths(problem, result.theta, ["GD", "momentum"])
    fig, ax = drawn
    assert list(drawn.paths) == ["GD", "momentum"]
    for j, label in enumerate(["GD", "momentum"]):
        path = drawn.paths[label]
        assert path.line.get_label() == label and path.line in ax.get_lines()
        np.testing.assert_array_equal(path.line.get_xdata(), result.theta[:, j, 0])
        np.testing.assert_array_equal(path.line.get_ydata(), result.theta[:, j, 1])
        assert path.line.get_marker() == "o"
        assert path.start.get_xydata().tolist() == [result.theta[0, j].tolist()]
        assert path.end.get_xydata().tolist() == [result.theta[-1, j].tolist()]
        assert path.start.get_color() == path.end.get_color() == path.line.get_color()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["GD", "momentum", "start θ₀", "last iterate", "θ*"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("θ₁", "θ₂")
    assert ax.get_aspect() == "auto"  # equal aspect is not forced
    render(fig)
    plt.close(fig)


def test_contour_paths_limits_are_the_box_around_paths_and_minimizer_with_margin():
    problem, result = canyon_paths()
    fig, ax = contour_paths(problem, result.theta)
    points = np.concatenate([result.theta.reshape(-1, 2), [[0.0, 0.0]]])
    lo, hi = points.min(axis=0), points.max(axis=0)
    margin = 0.1 * (hi - lo)
    np.testing.assert_allclose(ax.get_xlim(), [lo[0] - margin[0], hi[0] + margin[0]], rtol=1e-12)
    np.testing.assert_allclose(ax.get_ylim(), [lo[1] - margin[1], hi[1] + margin[1]], rtol=1e-12)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert np.all((points[:, 0] > x0) & (points[:, 0] < x1))
    assert np.all((points[:, 1] > y0) & (points[:, 1] < y1))
    plt.close(fig)


def test_contour_paths_start_end_and_minimizer_markers():
    problem, result = canyon_paths(30)
    path = result.theta[:, 0]
    drawn = contour_paths(problem, path, ["GD"], markers=False)
    gd = drawn.paths["GD"]
    assert gd.line.get_marker() in ("None", None, "")
    assert gd.start.get_marker() == "s" and gd.start.get_xydata().tolist() == [path[0].tolist()]
    assert gd.end.get_marker() == "o" and gd.end.get_xydata().tolist() == [path[-1].tolist()]
    star = drawn.minimizer
    assert star.get_label() == "θ*"
    assert star.get_marker() == "*" and star.get_xydata().tolist() == [[0.0, 0.0]]
    plt.close(drawn.fig)


@pytest.mark.parametrize("diverged_at", [1, 2, 5])
def test_contour_paths_name_the_artists_of_a_diverged_run(diverged_at):
    # A run stores NaN from the step it diverged at (coursekit.runner.RunResult).
    problem, result = canyon_paths(8)
    steady = result.theta[:, 0]
    path = result.theta[:, 1].copy()
    path[diverged_at:] = np.nan
    drawn = contour_paths(problem, [path, steady], ["diverged", "steady"], extent=(-2, 2, -2, 2))
    diverged = drawn.paths["diverged"]
    np.testing.assert_array_equal(diverged.line.get_xydata(), path)
    assert diverged.start.get_xydata().tolist() == [[-1.0, 1.0]]
    # The end marker is the last finite iterate, or empty when that is θ_0.
    expected_end = path[diverged_at - 1 : diverged_at] if diverged_at > 1 else np.empty((0, 2))
    np.testing.assert_array_equal(diverged.end.get_xydata().reshape(-1, 2), expected_end)
    # The other path keeps its own artists whatever happened to the first.
    np.testing.assert_array_equal(drawn.paths["steady"].line.get_xydata(), steady)
    assert drawn.paths["steady"].end.get_xydata().tolist() == [steady[-1].tolist()]
    render(drawn.fig)
    plt.close(drawn.fig)


def test_contour_paths_of_a_real_run_that_diverges_at_its_first_step():
    # ε = 1e307 overflows θ_1: the runner stores NaN from k = 1, the other setting runs on.
    problem = canyon(50.0)
    result = run(problem, O.momentum(np.array([1e307, 0.01]), 0.5), [-1.0, 1.0], steps=5,
                 keep_path=True)
    assert result.diverged_at.tolist() == [1, -1]
    drawn = contour_paths(problem, result.theta, ["overflow", "ε = 0.01"])
    assert drawn.paths["overflow"].start.get_xydata().tolist() == [[-1.0, 1.0]]
    assert drawn.paths["overflow"].end.get_xydata().size == 0
    np.testing.assert_array_equal(drawn.paths["ε = 0.01"].line.get_xydata(), result.theta[:, 1])
    assert drawn.paths["ε = 0.01"].end.get_xydata().tolist() == [result.theta[-1, 1].tolist()]
    render(drawn.fig)
    plt.close(drawn.fig)


def test_path_artists_set_path_moves_line_start_and_end():
    problem, result = canyon_paths(10)
    drawn = contour_paths(problem, result.theta[:, 0])
    first = drawn.paths[0]  # without labels, paths are named by their index
    new = np.array([[0.5, 0.5], [0.2, -0.1], [np.inf, 0.0]])
    first.set_path(new)
    np.testing.assert_array_equal(first.line.get_xydata(), new)
    assert first.start.get_xydata().tolist() == [[0.5, 0.5]]
    assert first.end.get_xydata().tolist() == [[0.2, -0.1]]
    first.set_path(new[:1])
    assert first.end.get_xydata().size == 0
    plt.close(drawn.fig)


def test_contour_paths_list_of_paths_of_different_lengths_and_given_extent():
    problem = canyon(10.0)
    paths = [np.array([[1.0, 1.0], [0.5, -0.5], [0.2, 0.1]]), np.array([[-1.0, 0.5], [-0.2, 0.0]])]
    fig, ax = contour_paths(problem, paths, ["a", "b"], extent=(-2.0, 2.0, -1.5, 1.5), levels=7)
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.5, 1.5)
    by_label = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(by_label["a"].get_xydata(), paths[0])
    np.testing.assert_array_equal(by_label["b"].get_xydata(), paths[1])
    (contours,) = ax.collections
    levels = np.asarray(contours.levels)
    assert levels.size == 7 and np.all(np.diff(levels) > 0)
    # Within the range of J over the box: J* = 0 at θ*, ½(4 + 10·2.25) at a corner.
    assert levels[0] > 0.0 and levels[-1] < 0.5 * (4.0 + 10.0 * 2.25)
    # Geometric spacing: a constant ratio between successive distances to the lowest level.
    gaps = np.diff(levels)
    np.testing.assert_allclose(gaps[1:] / gaps[:-1], gaps[1] / gaps[0], rtol=1e-9)
    plt.close(fig)


def test_contour_paths_explicit_levels_are_used_as_given():
    problem, result = canyon_paths(20)
    fig, ax = contour_paths(problem, result.theta[:, 1], levels=[0.01, 0.1, 1.0, 10.0])
    np.testing.assert_array_equal(ax.collections[0].levels, [0.01, 0.1, 1.0, 10.0])
    plt.close(fig)


def test_contour_paths_without_a_known_minimizer_and_into_a_given_axes():
    problem = Ring()
    path = np.array([[0.1, 0.2], [0.5, 0.6], [0.6, 0.75]])
    fig, (left, right) = plt.subplots(1, 2)
    drawn = contour_paths(problem, path, ax=left)
    got_fig, got_ax = drawn
    assert got_fig is fig and got_ax is left and drawn.minimizer is None
    assert "θ*" not in [line.get_label() for line in left.get_lines()]
    assert len(right.get_lines()) == 0 and plt.get_fignums() == [fig.number]
    render(fig)
    plt.close(fig)


def test_contour_paths_do_not_change_their_inputs():
    problem, result = canyon_paths(10)
    theta = result.theta.copy()
    fig, _ = contour_paths(problem, result.theta, ["a", "b"])
    plt.close(fig)
    np.testing.assert_array_equal(result.theta, theta)


@pytest.mark.parametrize(
    ("problem", "paths", "kwargs", "error", "message"),
    [
        (Quadratic([1.0, 2.0, 3.0]), np.zeros((3, 3)), {}, ValueError,
         r"contour_paths needs a 2-D problem \(problem.dim == 2\), got dim = 3"),
        ("canyon", np.zeros((3, 2)), {}, TypeError, r"problem must be a coursekit Problem, got str"),
        (canyon(), np.zeros((3, 3)), {}, ValueError,
         r"each path must have shape \(R, 2\) with R >= 1, path 0 has shape \(3, 3\)"),
        (canyon(), np.zeros(3), {}, ValueError, r"paths must be an array of shape \(R, 2\) or \(R, P, 2\)"),
        (canyon(), [], {}, ValueError, r"paths must hold at least one path, got none"),
        (canyon(), np.zeros((3, 2)), {"labels": ["a", "b"]}, ValueError,
         r"labels must hold one label per path \(1\), got 2"),
        (canyon(), np.zeros((3, 2, 2)), {"labels": ["a", "a"]}, ValueError,
         r"labels must be distinct"),
        (canyon(), np.zeros((3, 2)), {"extent": (1.0, 0.0, 0.0, 1.0)}, ValueError,
         r"extent must be \(theta1_min, theta1_max, theta2_min, theta2_max\) with min < max"),
        (canyon(), np.zeros((3, 2)), {"levels": 0}, ValueError, r"levels must be an integer in \[1, inf\], got 0"),
        (canyon(), np.zeros((3, 2)), {"levels": [1.0, 0.5]}, ValueError, r"levels must be an integer >= 1 or an increasing"),
        (canyon(), np.full((3, 2), np.nan), {}, ValueError, r"paths hold no finite point"),
        (Ring(), np.full((3, 2), np.nan), {}, ValueError, r"paths hold no finite point: pass extent"),
    ],
)
def test_contour_paths_validation_creates_no_figure(problem, paths, kwargs, error, message):
    with pytest.raises(error, match=message):
        contour_paths(problem, paths, **kwargs)
    assert plt.get_fignums() == []


def test_palette_is_distinct_colours():
    assert len(set(PALETTE)) == len(PALETTE) >= 6
    assert all(to_hex(c) == c.lower() for c in PALETTE)
