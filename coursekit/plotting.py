"""The two figures every lecture draws: learning curves and paths on contours.

Each helper takes the data it plots, draws into a new figure (or into the
``ax`` it is given) and returns ``(fig, ax)``. Nothing here reads notebook
state or calls ``plt.show()``: the notebook decides when to display.

Colours come from :data:`PALETTE`, the colour-blind-safe palette of Okabe &
Ito (2008, "Color universal design"), in one fixed order so that the same
setting keeps the same colour from figure to figure. matplotlib is imported
on the first call, so ``import coursekit`` stays quick.

>>> import numpy as np
>>> import matplotlib.pyplot as plt
>>> fig, ax = learning_curves(np.arange(4), np.array([1.0, 0.5, 0.25, 0.125]), ["GD"])
>>> ax.get_lines()[0].get_label(), ax.get_yscale()
('GD', 'log')
>>> plt.close(fig)
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_bool, check_finite, check_int
from .problems.base import Problem

__all__ = ["FIGSIZE", "PALETTE", "contour_paths", "learning_curves"]

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
    (fig, ax)
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
    colors = _check_colors(colors, n_curves)

    fig, ax = _new_axes(ax)
    for j in range(n_curves):
        column = values[:, j]
        finite = np.flatnonzero(np.isfinite(column))
        diverged = not np.isfinite(column[-1])
        label = "_nolegend_" if labels is None else labels[j] + (_DIVERGED if diverged else "")
        style = {}
        if diverged and finite.size:
            # A cross where the run was last seen alive.
            style = dict(marker="x", markevery=[int(finite[-1])], markersize=7, markeredgewidth=1.5)
        ax.plot(steps, column, color=colors[j], linewidth=1.5, label=label, **style)

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
    return fig, ax


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
    gradient descent zig-zags across it while momentum travels along it.
    Each path is a line through its iterates (small dots when ``markers``),
    its start θ_0 is a square, its last finite iterate a circle, and the
    minimizer θ* is a star when the problem knows it. Equal aspect is not forced, so a long thin canyon
    still fills the figure.

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
    (fig, ax)
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
    for i, path in enumerate(path_list):
        label = "_nolegend_" if labels is None else labels[i]
        (line,) = ax.plot(path[:, 0], path[:, 1], color=colors[i], linewidth=1.3,
                          marker="o" if markers else None, markersize=2.5, label=label, zorder=3)
        handles.append(line)
        ax.plot(path[0, 0], path[0, 1], linestyle="none", marker="s", markersize=7,
                color=colors[i], markeredgecolor="black", label="_start", zorder=4)
        finite = np.flatnonzero(np.isfinite(path).all(axis=1))
        if finite.size > 1:
            last = path[finite[-1]]
            ax.plot(last[0], last[1], linestyle="none", marker="o", markersize=6,
                    color=colors[i], markeredgecolor="black", label="_end", zorder=4)
    if labels is not None:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], linestyle="none", marker="s", markersize=7,
                              color="white", markeredgecolor="black", label="start θ₀"))
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=6,
                              color="white", markeredgecolor="black", label="last iterate"))
    if minimizer is not None:
        star = ax.plot(minimizer[0], minimizer[1], linestyle="none", marker="*", markersize=14,
                       color="#F0E442", markeredgecolor="black", label="θ*", zorder=5)
        handles.extend(star)

    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("θ₁")
    ax.set_ylabel("θ₂")
    if title is not None:
        ax.set_title(title)
    if labels is not None:
        ax.legend(handles=handles, fontsize="small", framealpha=0.9)
    return fig, ax
