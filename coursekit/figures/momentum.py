"""Figures of the momentum lecture (section 8.3.2, eq. 8.17, Figure 8.5).

Each function takes a result of :mod:`coursekit.experiments.momentum` and
returns a :class:`~coursekit.plotting.Drawn`, which unpacks as
``(fig, ax)`` or ``(fig, axes)`` and names its lines (listed in each
docstring); nothing reads notebook state.

>>> import matplotlib.pyplot as plt
>>> from coursekit.experiments import momentum
>>> drawn = damping_figure(momentum.damping_modes(steps=10))
>>> drawn.lines["critically damped"].get_ydata()[:2].round(4).tolist()
[1.0, 0.9]
>>> plt.close(drawn.fig)
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance
from ..experiments.momentum import (
    CanyonRace,
    DampingModes,
    MomentumSchedules,
    RateMap,
    TerminalVelocity,
)
from ..plotting import FIGSIZE, PALETTE, Drawn, contour_paths, learning_curves

__all__ = [
    "canyon_figure",
    "damping_figure",
    "rate_map_figure",
    "schedules_figure",
    "terminal_velocity_figure",
]



def _plt():
    import matplotlib.pyplot as plt

    return plt


def terminal_velocity_figure(result: TerminalVelocity) -> Drawn:
    """‖v_k‖(1 − α)/(ε‖g‖) against k (log axis), with 1 − α^k dashed (eq. 8.17).

    A dotted line marks 99% of the terminal velocity, and a dot the first
    k at which each curve stays above it.

    Lines: ``"measured"`` and ``"1 − α^k"`` (one per α, in the order of
    ``result.momenta``) and ``"99%"``.
    """
    check_instance("result", result, TerminalVelocity)
    plt = _plt()
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    k = result.k[1:]
    measured, predicted = [], []
    for j, alpha in enumerate(result.momenta):
        colour = PALETTE[j % len(PALETTE)]
        measured += ax.plot(k, result.ratio[1:, j], color=colour, linewidth=2.2, alpha=0.6,
                            label=f"α = {alpha:g}: measured (× {1 / (1 - alpha):.0f} at the end)")
        predicted += ax.plot(k, result.predicted[1:, j], color=colour, linestyle="--", linewidth=1.0,
                             label=f"α = {alpha:g}: 1 − α^k")
        hit = int(result.steps_to_99[j])
        if hit > 0:
            ax.plot([hit], [result.ratio[hit, j]], marker="o", color=colour, markeredgecolor="black",
                    linestyle="none", zorder=4)
            ax.annotate(f"k = {hit}", (hit, 0.99), xytext=(4, -16), textcoords="offset points",
                        color=colour, fontsize="small")
    target = ax.axhline(0.99, color="0.4", linestyle=":", linewidth=1.0, label="99% of terminal velocity")
    ax.set_xscale("log")
    ax.set_xlim(1, k[-1])
    ax.set_ylim(0.0, 1.05)
    ax.set_xlabel("iteration k")
    ax.set_ylabel("‖v_k‖ (1 − α) / (ε‖g‖)")
    ax.set_title("Under a constant gradient, ‖v_k‖ → ε‖g‖/(1 − α) as 1 − α^k")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="x-small", loc="lower right", framealpha=0.9)
    return Drawn(fig, ax, {"measured": tuple(measured), "1 − α^k": tuple(predicted), "99%": target})


def canyon_figure(result: CanyonRace) -> Drawn:
    """Figure 8.5: the two paths on the canyon (left) and J − J* against k (right).

    Lines: ``"gd path"``, ``"momentum path"`` (left), ``"gd"``,
    ``"momentum"`` (J − J*, right) and ``"tol"``.
    """
    check_instance("result", result, CanyonRace)
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.0), layout="constrained",
                             gridspec_kw={"width_ratios": [1.6, 1.0]})
    gd_label = f"gradient descent, ε = {result.gd_lr:.3g}"
    m_label = f"momentum, ε = {result.lr:.3g}, α = {result.momentum:.3g}"
    x0, y0 = result.gd_path[0]
    span = max(abs(x0), 1e-12)
    height = 1.3 * max(np.nanmax(np.abs(result.gd_path[:, 1])), np.nanmax(np.abs(result.momentum_path[:, 1])))
    paths = contour_paths(result.problem, [result.gd_path, result.momentum_path], [gd_label, m_label],
                          ax=axes[0], extent=(-1.15 * span, 0.6 * span, -height, height), levels=14).paths
    axes[0].set_title(f"Canyon κ = {result.problem.condition_number:g}: GD zig-zags across, momentum runs along")
    axes[0].legend(fontsize="x-small", loc="lower right", framealpha=0.9)
    gd, momentum = learning_curves(
        result.steps, np.stack([result.gd_excess, result.momentum_excess], axis=1),
        [f"GD: {result.gd_steps} steps to tol", f"momentum: {result.momentum_steps} steps to tol"],
        ax=axes[1]).lines.values()
    tol = axes[1].axhline(result.tol, color="0.4", linestyle=":", linewidth=1.0)
    top = np.nanmax(np.concatenate([result.gd_excess, result.momentum_excess]))
    axes[1].set_ylim(result.tol * 1e-4, 10.0 * top)  # the race ends at tol: no need to show 1e-50
    axes[1].annotate(f"tol = {result.tol:g}", (result.steps[-1], result.tol), xytext=(-60, 4),
                     textcoords="offset points", fontsize="small", color="0.3")
    axes[1].set_title(f"{result.ratio:.1f}× fewer iterations with momentum")
    return Drawn(fig, tuple(axes), {"gd path": paths[gd_label].line, "momentum path": paths[m_label].line,
                                    "gd": gd, "momentum": momentum, "tol": tol})


def rate_map_figure(result: RateMap, *, ax=None) -> Drawn:
    """Heat map of the rate ρ over (ε·L, α), the stability boundary and the optima.

    Colour is ρ from the optimum ρ* (darkest) to 1; the unstable region
    (ρ ≥ 1) is grey. The white line is ε·L = 2 + 2α.

    Lines: ``"boundary"``, ``"optimum"`` and ``"best gd"`` (markers).
    """
    check_instance("result", result, RateMap)
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.4, 4.6), layout="constrained")
    else:
        fig = ax.figure
    image = draw_rate_image(ax, result)
    fig.colorbar(image, ax=ax, label="rate ρ per step (lower is faster)", extend="max")
    lines = {}
    (lines["boundary"],) = ax.plot(result.boundary_lr_L, result.boundary_momenta, color="white",
                                   linewidth=2.0, label="stability boundary ε·L = 2 + 2α")
    (lines["optimum"],) = ax.plot(
        [result.best_lr_L], [result.best_momentum], marker="*", markersize=15, color=PALETTE[7],
        markeredgecolor="black", linestyle="none",
        label=f"optimum: ε·L = {result.best_lr_L:.3f}, α = {result.best_momentum:.3f}, ρ = {result.best_rate:.4f}")
    (lines["best gd"],) = ax.plot(
        [result.gd_lr_L], [0.0], marker="o", markersize=9, color=PALETTE[1], markeredgecolor="black",
        linestyle="none", clip_on=False,
        label=f"best GD (α = 0): ε·L = {result.gd_lr_L:.3f}, ρ = {result.gd_rate:.4f}")
    ax.set_xlabel("learning rate × largest eigenvalue, ε·L")
    ax.set_ylabel("momentum α")
    ax.set_title(f"κ = {result.condition_number:g}: momentum's best rate {result.best_rate:.3f} "
                 f"beats GD's {result.gd_rate:.3f}")
    ax.legend(fontsize="x-small", loc="lower left", framealpha=0.9)
    return Drawn(fig, ax, lines)


def draw_rate_image(ax, result: RateMap):
    """The ``imshow`` of a rate map into ``ax`` (used by the figure and the explorer)."""
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis"].with_extremes(over="0.75")
    return ax.imshow(result.rate, origin="lower", aspect="auto", cmap=cmap,
                     norm=mpl.colors.Normalize(vmin=result.best_rate, vmax=1.0),
                     extent=(result.lr_L[0], result.lr_L[-1], result.momenta[0], result.momenta[-1]),
                     interpolation="nearest")


def damping_figure(result: DampingModes) -> Drawn:
    """θ_k along one direction for an over-, critically and under-damped α.

    Lines: one per setting, named by ``result.labels`` (``"over-damped"``,
    ``"critically damped"``, ``"under-damped"``).
    """
    check_instance("result", result, DampingModes)
    plt = _plt()
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    lines = {}
    for j, (label, alpha) in enumerate(zip(result.labels, result.momenta)):
        (lines[label],) = ax.plot(result.steps, result.theta[:, j], color=PALETTE[j], marker="o",
                                  markersize=2.5, linewidth=1.4,
                                  label=f"{label}: α = {alpha:.3f}, ρ = {result.rate_theory[j]:.3f}")
    ax.axhline(0.0, color="0.4", linewidth=0.8)
    ax.set_xlabel("iteration k")
    ax.set_ylabel("θ_k along the eigen-direction (θ* = 0)")
    ax.set_title(f"ελ = {result.lr * result.curvature:g}: critical damping α = (1 − √(ελ))² "
                 "converges fastest")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", framealpha=0.9)
    return Drawn(fig, ax, lines)


def schedules_figure(result: MomentumSchedules) -> Drawn:
    """Left: mean J − J* of the four schedule settings. Right: the schedules.

    Lines: ``"excess"`` (one per setting, in the order of ``result.labels``),
    ``"α_k"`` and ``"ε_k/ε_1"`` (one per distinct schedule, in the order drawn).
    """
    check_instance("result", result, MomentumSchedules)
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.0), layout="constrained",
                             gridspec_kw={"width_ratios": [1.6, 1.0]})
    excess = learning_curves(result.steps, result.excess,
                             [f"({j + 1}) {label}" for j, label in enumerate(result.labels)],
                             ax=axes[0], ylabel=f"J(θ_k) − J* (mean of {result.repeats} runs)")
    axes[0].set_title("Shrinking ε lowers the floor; raising α at fixed ε raises it")
    k = np.maximum(result.steps, 1)
    # Only the distinct schedules: several settings share their α or their ε schedule.
    curves = {}
    for j in range(len(result.labels)):
        for name, values in (("α_k", result.momentum_values[:, j]),
                             ("ε_k/ε_1", result.lr_values[:, j] / result.lr_values[0, j])):
            curves.setdefault((name, values.tobytes()), (name, values, []))[2].append(str(j + 1))
    drawn = {"α_k": [], "ε_k/ε_1": []}
    for i, (name, values, members) in enumerate(curves.values()):
        drawn[name] += axes[1].plot(k, values, color=PALETTE[(4, 5, 6, 3)[i % 4]], linewidth=1.8,
                                    linestyle="-" if name == "α_k" else "--",
                                    label=f"{name} (settings {', '.join(members)})")
    axes[1].set_xlabel("iteration k")
    axes[1].set_ylabel("α_k and ε_k/ε_1")
    axes[1].set_title("The schedules (eq. 8.14, τ = ramp length)")
    axes[1].set_ylim(-0.05, 1.1)
    axes[1].grid(True, alpha=0.3)
    axes[1].legend(fontsize="x-small", framealpha=0.9, loc="center right")
    return Drawn(fig, tuple(axes), {"excess": tuple(excess.lines.values()),
                                    **{name: tuple(lines) for name, lines in drawn.items()}})
