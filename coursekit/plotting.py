"""The two figures every lecture draws: learning curves and paths on contours.

Each helper takes the data it plots, draws into a new figure (or into the
``ax`` it is given) and returns what it drew: a small record that unpacks
as ``(fig, ax)`` and also names its artists, so that a caller (an
explorer's update, a test) moves or checks "the momentum path" rather than
"the fourth line". Nothing here reads notebook state or calls
``plt.show()``: the notebook decides when to display.

Colours come from :data:`PALETTE`, the colour-blind-safe palette of Okabe &
Ito (2008, "Color universal design"), in one fixed order so that the same
setting keeps the same colour from figure to figure. matplotlib is imported
on the first call, so ``import coursekit`` stays quick.

>>> import numpy as np
>>> import matplotlib.pyplot as plt
>>> drawn = learning_curves(np.arange(4), np.array([1.0, 0.5, 0.25, 0.125]), ["GD"])
>>> drawn.lines["GD"].get_ydata().tolist(), drawn.ax.get_yscale()
([1.0, 0.5, 0.25, 0.125], 'log')
>>> fig, ax = drawn
>>> plt.close(fig)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_bool, check_finite, check_int
from .problems.base import Problem

__all__ = [
    "FIGSIZE",
    "PALETTE",
    "ContourPaths",
    "Drawn",
    "PathArtists",
    "contour_paths",
    "learning_curves",
]

#: Okabe–Ito colours; yellow, the hardest to see on white, comes last.
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)

#: Default figure size in inches: small enough to keep notebooks light.
FIGSIZE = (6.4, 4.0)

_DIVERGED = " (diverged)"


@dataclass(frozen=True)
class Drawn:
    """What a figure helper drew: the figure, its axes and its lines by name.

    It unpacks as ``(fig, ax)`` (``fig, axes = ...`` for several panels), so
    ``fig, ax = helper(...)`` reads as usual. Every helper here and in
    :mod:`coursekit.figures` returns one; its docstring lists the names.

    fig : Figure
    ax : Axes, or a tuple of Axes for a figure of several panels
    lines : dict   name → Line2D, or name → tuple of Line2D with one line per
                   column of the plotted result, in the result's order
    """

    fig: object
    ax: object
    lines: dict

    def __iter__(self):
        return iter((self.fig, self.ax))


@dataclass(frozen=True)
class PathArtists:
    """The three artists of one path drawn by :func:`contour_paths`.

    line : Line2D     θ_0, θ_1, ... joined (dots at the iterates with ``markers``)
    start : Line2D    the square at θ_0
    end : Line2D      the circle at the last finite iterate; empty when that
                      iterate is θ_0 (a path of one point, or one that
                      diverged at its first step)
    """

    line: object
    start: object
    end: object

    def set_path(self, path) -> None:
        """Move all three artists to a new path θ_0..θ_K, shape (R, 2) (an explorer's update)."""
        path = np.asarray(path, dtype=float)
        self.line.set_data(path[:, 0], path[:, 1])
        self.start.set_data(path[:1, 0], path[:1, 1])
        end = _end_point(path)
        self.end.set_data(end[:, 0], end[:, 1])


@dataclass(frozen=True)
class ContourPaths:
    """What :func:`contour_paths` drew; unpacks as ``(fig, ax)``.

    paths : dict               one :class:`PathArtists` per path, in the order
                               given, keyed by its label, or by its index 0,
                               1, ... without labels
    minimizer : Line2D or None the star at θ* (None when the problem does not know θ*)
    """

    fig: object
    ax: object
    paths: dict
    minimizer: object = None

    def __iter__(self):
        return iter((self.fig, self.ax))


def _end_point(path: np.ndarray) -> np.ndarray:
    """The last finite iterate as shape (1, 2); shape (0, 2) when that is θ_0 or there is none.

    A run that diverges stores NaN from the step it diverged at, so its
    last finite iterate is where it was last seen alive.
    """
    finite = np.flatnonzero(np.isfinite(path).all(axis=1))
    return path[finite[-1:]] if finite.size > 1 else path[:0]


def _keys(labels, n: int) -> list:
    """Keys of the artist mapping: the labels (distinct), or 0..n−1 without labels."""
    if labels is None:
        return list(range(n))
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels must be distinct, so that each names one artist, got {labels}")
    return labels


def _new_axes(ax):
    # pyplot is imported on first use, not with the package: it takes longer
    # to import than all of the numerics, which never need it.
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        return fig, ax
    if not isinstance(ax, plt.Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    return ax.figure, ax


def _check_labels(labels, n: int, what: str):
    """None, or one string per curve (a single string is allowed for one curve)."""
    if labels is None:
        return None
    if isinstance(labels, str):
        labels = [labels]
    labels = list(labels)
    if len(labels) != n:
        raise ValueError(f"labels must hold one label per {what} ({n}), got {len(labels)}")
    for label in labels:
        if not isinstance(label, str):
            raise TypeError(f"labels must be strings, got {type(label).__name__} {label!r}")
    return labels


def _check_colors(colors, n: int):
    if colors is None:
        return [PALETTE[i % len(PALETTE)] for i in range(n)]
    colors = [colors] if isinstance(colors, str) else list(colors)
    if len(colors) < n:
        raise ValueError(f"colors must hold at least one colour per curve ({n}), got {len(colors)}")
    return colors[:n]


def learning_curves(
    steps,
    values,
    labels=None,
    *,
    ax=None,
    log_y: bool = True,
    log_x: bool = False,
    title: str | None = None,
    xlabel: str = "iteration k",
    ylabel: str = "J(θ_k) − J*",
    colors=None,
):
    """One line per curve of ``values`` against ``steps``.

    A curve that ends in NaN or ±inf (a diverged run, see
    :func:`coursekit.runner.run`) is drawn up to its last finite record,
    which is marked with a cross, and its legend label gets " (diverged)".
    Non-positive values are left out on a logarithmic axis rather than
    clipped.

    Parameters
    ----------
    steps : array_like, shape (R,)
        The x values, e.g. ``RunResult.steps`` or ``examples_seen``.
    values : array_like, shape (R,) or (R, C)
        One curve per column, e.g. ``RunResult.loss``.
    labels : sequence of C str, optional
        Legend labels. Without labels, no legend is drawn.
    ax : matplotlib Axes, optional
        Draw into this Axes instead of a new figure.
    log_y, log_x : bool
        Logarithmic axes (default: log y, linear x).
    colors : sequence of colours, optional
        Default: :data:`PALETTE` in order.

    Returns
    -------
    Drawn
        Unpacks as ``(fig, ax)``; ``.lines[label]`` is the Line2D of a curve
        (``.lines[j]`` for column j without labels).
    """
    steps = check_finite("steps", steps)
    if steps.ndim != 1 or steps.size == 0:
        raise ValueError(f"steps must be a non-empty 1-D array, got shape {steps.shape}")
    values = as_float_array("values", values)
    if values.ndim not in (1, 2) or values.shape[0] != steps.size:
        raise ValueError(
            f"values must have shape (R,) or (R, C) with R = len(steps) = {steps.size}, "
            f"got shape {values.shape}; reshape a larger batch to (R, -1) first"
        )
    if values.ndim == 1:
        values = values[:, None]
    n_curves = values.shape[1]
    labels = _check_labels(labels, n_curves, "curve")
    keys = _keys(labels, n_curves)
    colors = _check_colors(colors, n_curves)

    fig, ax = _new_axes(ax)
    lines = {}
    for j in range(n_curves):
        column = values[:, j]
        finite = np.flatnonzero(np.isfinite(column))
        diverged = not np.isfinite(column[-1])
        label = "_nolegend_" if labels is None else labels[j] + (_DIVERGED if diverged else "")
        style = {}
        if diverged and finite.size:
            # A cross where the run was last seen alive.
            style = dict(marker="x", markevery=[int(finite[-1])], markersize=7, markeredgewidth=1.5)
        (lines[keys[j]],) = ax.plot(steps, column, color=colors[j], linewidth=1.5, label=label,
                                    **style)

    if log_y:
        ax.set_yscale("log", nonpositive="mask")
    if log_x:
        ax.set_xscale("log", nonpositive="mask")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    if labels is not None:
        ax.legend(fontsize="small", framealpha=0.9)
    return Drawn(fig, ax, lines)


def _split_paths(paths) -> list[np.ndarray]:
    """A list of (R_i, 2) arrays from one of the accepted layouts."""
    if isinstance(paths, np.ndarray):
        arr = as_float_array("paths", paths)
        if arr.ndim == 2:
            candidates = [arr]
        elif arr.ndim == 3:  # RunResult.theta of a run with one batch axis: (R, P, 2)
            candidates = [arr[:, j] for j in range(arr.shape[1])]
        else:
            raise ValueError(
                "paths must be an array of shape (R, 2) or (R, P, 2), or a list of "
                f"(R_i, 2) arrays, got shape {arr.shape}"
            )
    else:
        try:
            candidates = [as_float_array("paths", p) for p in paths]
        except TypeError:
            raise TypeError(
                f"paths must be an array or a list of arrays, got {type(paths).__name__}"
            ) from None
    if not candidates:
        raise ValueError("paths must hold at least one path, got none")
    for i, path in enumerate(candidates):
        if path.ndim != 2 or path.shape[1] != 2 or path.shape[0] == 0:
            raise ValueError(f"each path must have shape (R, 2) with R >= 1, path {i} has shape {path.shape}")
    return candidates


def _default_extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """The box around ``points`` with a 10% margin on each side."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    span = hi - lo
    # A path along one axis has zero span on the other: borrow the larger span.
    fallback = span.max() if span.max() > 0 else 1.0
    span = np.where(span > 0, span, fallback)
    lo, hi = lo - 0.1 * span, hi + 0.1 * span
    return float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])


def _check_extent(extent) -> tuple[float, float, float, float]:
    arr = check_finite("extent", extent)
    if arr.shape != (4,) or not (arr[0] < arr[1] and arr[2] < arr[3]):
        raise ValueError(
            "extent must be (theta1_min, theta1_max, theta2_min, theta2_max) with min < max, "
            f"got {arr.tolist() if arr.ndim else arr}"
        )
    return tuple(float(x) for x in arr)


def _check_levels(levels):
    """An int n ≥ 1, or an increasing 1-D array of loss values."""
    if isinstance(levels, (int, np.integer)) and not isinstance(levels, (bool, np.bool_)):
        return check_int("levels", levels, low=1)
    arr = check_finite("levels", levels)
    if arr.ndim != 1 or arr.size == 0 or np.any(np.diff(arr) <= 0):
        raise ValueError(
            f"levels must be an integer >= 1 or an increasing 1-D array of loss values, got {levels!r}"
        )
    return arr


def _contour_levels(levels, z: np.ndarray) -> np.ndarray:
    """Levels z_min + (z_max − z_min)·10^(−3 + 3i/n), i = 0..n−1, on the grid's range.

    Geometric spacing: on a quadratic the level set J = J* + c is an ellipse
    of size ∝ √c, so the ellipses shrink by a constant factor towards θ* and
    the floor of a narrow valley is drawn as clearly as its walls.
    """
    if not isinstance(levels, int):
        return levels
    z_min, z_max = float(z.min()), float(z.max())
    if not z_max > z_min:
        return np.array([z_min])
    return z_min + (z_max - z_min) * np.geomspace(1e-3, 1.0, levels + 1)[:-1]


def contour_paths(
    problem,
    paths,
    labels=None,
    *,
    ax=None,
    extent=None,
    levels=20,
    title: str | None = None,
    markers: bool = True,
):
    """Optimizer paths θ_0, θ_1, ... drawn over the contour lines of a 2-D cost J.

    The picture of Figure 8.5 (section 8.3.2): on a long narrow valley,
    both methods swing across it, and momentum's swings die out faster
    while it moves along the floor.
    Each path is a line through its iterates (small dots when ``markers``),
    its start θ_0 is a square, its last finite iterate a circle, and the
    minimizer θ* is a star when the problem knows it. Equal aspect is not
    forced, so a long thin canyon still fills the figure.

    Parameters
    ----------
    problem : Problem with ``dim == 2``
        J is evaluated on a 200 × 200 grid in one call to ``problem.loss``.
    paths : array (R, 2), array (R, P, 2) or list of (R_i, 2) arrays
        θ_k per record, e.g. ``RunResult.theta`` of a run with
        ``keep_path=True`` (shape (R, 2), or (R, P, 2) for P settings).
    labels : sequence of str, optional
        One legend label per path. Without labels, no legend is drawn.
    extent : (θ1_min, θ1_max, θ2_min, θ2_max), optional
        Default: the box around all path points (and θ*) with a 10% margin.
    levels : int or increasing array
        The number n of contour levels, placed at z_min + (z_max − z_min)·10^(−3+3i/n),
        i = 0..n−1, over the range of J on the grid (geometric spacing, so
        the level sets near θ* are drawn too); or the loss values themselves.

    Returns
    -------
    ContourPaths
        Unpacks as ``(fig, ax)``; ``.paths[label]`` holds the line, start and
        end markers of a path (:class:`PathArtists`, keyed by index without
        labels), ``.minimizer`` the star at θ*.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from coursekit.problems import canyon
    >>> path = np.array([[-1.0, 0.5], [-0.9, -0.3], [np.nan, np.nan]])  # diverged at step 2
    >>> drawn = contour_paths(canyon(10.0), path, ["momentum"])
    >>> momentum = drawn.paths["momentum"]
    >>> momentum.start.get_xydata().tolist(), momentum.end.get_xydata().tolist()
    ([[-1.0, 0.5]], [[-0.9, -0.3]])
    >>> momentum.set_path(path[:1])  # one point: its start, and no end marker
    >>> momentum.end.get_xydata().tolist()
    []
    >>> plt.close(drawn.fig)
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a coursekit Problem, got {type(problem).__name__}")
    if problem.dim != 2:
        raise ValueError(
            f"contour_paths needs a 2-D problem (problem.dim == 2), got dim = {problem.dim} "
            f"for {problem.name!r}"
        )
    path_list = _split_paths(paths)
    labels = _check_labels(labels, len(path_list), "path")
    keys = _keys(labels, len(path_list))
    markers = check_bool("markers", markers)

    levels = _check_levels(levels)
    minimizer = None if problem.minimizer is None else np.asarray(problem.minimizer, dtype=float)
    if extent is None:
        points = np.concatenate([p[np.isfinite(p).all(axis=1)] for p in path_list])
        if points.size == 0:
            raise ValueError("paths hold no finite point: pass extent to choose the region")
        if minimizer is not None:
            points = np.concatenate([points, minimizer[None, :]])
        extent = _default_extent(points)
    else:
        extent = _check_extent(extent)

    fig, ax = _new_axes(ax)
    grid1 = np.linspace(extent[0], extent[1], 200)
    grid2 = np.linspace(extent[2], extent[3], 200)
    mesh1, mesh2 = np.meshgrid(grid1, grid2)
    z = problem.loss(np.stack([mesh1, mesh2], axis=-1))
    ax.contour(mesh1, mesh2, z, levels=_contour_levels(levels, z), colors="0.65",
               linewidths=0.8, zorder=1)

    colors = _check_colors(None, len(path_list))
    handles = []
    drawn_paths = {}
    for i, path in enumerate(path_list):
        label = "_nolegend_" if labels is None else labels[i]
        (line,) = ax.plot(path[:, 0], path[:, 1], color=colors[i], linewidth=1.3,
                          marker="o" if markers else None, markersize=2.5, label=label, zorder=3)
        handles.append(line)
        (start,) = ax.plot(path[:1, 0], path[:1, 1], linestyle="none", marker="s", markersize=7,
                           color=colors[i], markeredgecolor="black", label="_start", zorder=4)
        # Always made, possibly empty, so that every path has its three artists.
        end_point = _end_point(path)
        (end,) = ax.plot(end_point[:, 0], end_point[:, 1], linestyle="none", marker="o",
                         markersize=6, color=colors[i], markeredgecolor="black", label="_end",
                         zorder=4)
        drawn_paths[keys[i]] = PathArtists(line, start, end)
    if labels is not None:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], linestyle="none", marker="s", markersize=7,
                              color="white", markeredgecolor="black", label="start θ₀"))
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=6,
                              color="white", markeredgecolor="black", label="last iterate"))
    star = None
    if minimizer is not None:
        (star,) = ax.plot(minimizer[0], minimizer[1], linestyle="none", marker="*", markersize=14,
                          color="#F0E442", markeredgecolor="black", label="θ*", zorder=5)
        handles.append(star)

    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    if title is not None:
        ax.set_title(title)
    if labels is not None:
        ax.legend(handles=handles, fontsize="small", framealpha=0.9)
    return ContourPaths(fig, ax, drawn_paths, star)
