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
    NoisyGradients,
    RateMap,
    RootCases,
    TerminalVelocity,
)
from ..plotting import FIGSIZE, PALETTE, Drawn, contour_paths, learning_curves

__all__ = [
    "canyon_figure",
    "damping_figure",
    "noisy_gradients_figure",
    "rate_map_figure",
    "roots_figure",
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
                            label=f"α = {alpha:g}: measured; limit ε‖g‖/(1 − α) = {1 / (1 - alpha):.0f} ε‖g‖")
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
    # The paths end at θ* = 0: nothing to show right of it beyond a small margin.
    paths = contour_paths(result.problem, [result.gd_path, result.momentum_path], [gd_label, m_label],
                          ax=axes[0], extent=(-1.1 * span, 0.12 * span, -height, height), levels=14).paths
    # GD's zig-zag covers the whole width: draw it thin and light, momentum on top of it.
    paths[gd_label].line.set(linewidth=0.7, alpha=0.55, markersize=2.0, zorder=2)
    paths[m_label].line.set(linewidth=2.0, markersize=3.0, zorder=4)
    axes[0].set_xlabel("θ₁ (along the canyon)")
    axes[0].set_ylabel("θ₂ (across)")
    axes[0].set_title(f"Canyon κ = {result.problem.condition_number:g}: both swing across; momentum's swings "
                      f"die {result.momentum_across_shrink:.3f}/step vs {result.gd_across_shrink:.3f}",
                      fontsize="medium")
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
        fig, ax = plt.subplots(figsize=(6.4, 5.6), layout="constrained")
    else:
        fig = ax.figure
    image = draw_rate_image(ax, result)
    fig.colorbar(image, ax=ax, label="rate ρ per step (lower is faster)", extend="max")
    lines = {}
    import matplotlib.patheffects as pe

    # White on the map, with a dark outline so that it also shows in the legend's white box.
    (lines["boundary"],) = ax.plot(result.boundary_lr_L, result.boundary_momenta, color="white",
                                   linewidth=2.0, label="stability boundary ε·L = 2 + 2α",
                                   path_effects=[pe.Stroke(linewidth=3.6, foreground="black"), pe.Normal()])
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
    # α = 0 lies on the lower edge: leave room below it so the GD marker is whole.
    ax.set_ylim(-0.04, result.momenta[-1])
    # Below the axes, so that the map (its lower left included) stays visible.
    ax.legend(fontsize="x-small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1, framealpha=0.9)
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
    """Mean J − J* of the schedule settings: constant ε (left), ε shrunk (middle); the schedules (right).

    Colour: the final α; solid: constant α, dashed: the ramp to it. Dotted
    (left): the closed-form floor of a constant ε at each final α.

    Lines: ``"excess"`` (one per setting, in the order of ``result.labels``),
    ``"α_k"`` and ``"ε_k/ε_1"`` (one per distinct schedule, in the order drawn).
    """
    check_instance("result", result, MomentumSchedules)
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(13.0, 4.2), layout="constrained",
                             gridspec_kw={"width_ratios": [1.2, 1.2, 1.0]})
    finals = list(dict.fromkeys(result.final_momentum.tolist()))
    colour = {a: PALETTE[(0, 1, 2, 3)[i % 4]] for i, a in enumerate(finals)}
    excess = [None] * len(result.labels)
    for ax, shrink in zip(axes[:2], (False, True)):
        for j in np.flatnonzero(result.shrink == shrink):
            a = result.final_momentum[j]
            (excess[j],) = ax.plot(result.steps, result.excess[:, j], color=colour[a],
                                   linestyle="--" if result.ramped[j] else "-", linewidth=1.4,
                                   label=(f"α {result.momentum_start:g} → {a:g}" if result.ramped[j]
                                          else f"constant α = {a:g}"))
        ax.set_yscale("log")
        ax.set_xlabel("iteration k")
        ax.grid(True, alpha=0.3)
        ax.set_title("ε shrunk to 1% over τ (eq. 8.14)" if shrink else "constant ε", fontsize="medium")
    for a in finals:
        j = result.index(shrink=False, final_momentum=a, ramped=False)
        axes[0].axhline(result.floor_theory[j], color=colour[a], linestyle=":", linewidth=1.0)
    axes[0].set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} runs)")
    # Below the axes: inside, the legend would hide the ramps' early curves.
    axes[0].legend(fontsize="x-small", framealpha=0.9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
                   title="dotted: closed-form floor", title_fontsize="x-small")
    axes[1].legend(fontsize="x-small", framealpha=0.9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
    k = np.maximum(result.steps, 1)
    # Only the distinct schedules: several settings share their α or their ε schedule.
    curves = {}
    for j in range(len(result.labels)):
        for name, values in (("α_k", result.momentum_values[:, j]),
                             ("ε_k/ε_1", result.lr_values[:, j] / result.lr_values[0, j])):
            curves.setdefault((name, values.tobytes()), (name, values, []))[2].append(str(j + 1))
    drawn = {"α_k": [], "ε_k/ε_1": []}
    # ε_k/ε_1 on its own right-hand axis, scaled so that its constant 1 sits mid-height
    # and does not hide the α = 0.99 line at the top.
    lr_axis = axes[2].twinx()
    lr_axis.set_ylim(-0.05, 2.2)
    lr_axis.set_ylabel("ε_k/ε_1 (grey, right axis)")
    for name, values, members in curves.values():
        # α_k in the colour of its final α (solid: constant, dash-dot: ramp); ε_k in grey.
        ramp = values[0] != values[-1]
        style = dict(color=colour.get(float(values[-1]), "0.3"), linestyle="-." if ramp else "-") \
            if name == "α_k" else dict(color="0.35", linestyle="--" if values[-1] < values[0] else ":")
        drawn[name] += (axes[2] if name == "α_k" else lr_axis).plot(
            k, values, linewidth=1.8, label=f"{name}: {values[0]:.2g} → {values[-1]:.2g}", **style)
    axes[2].set_xlabel("iteration k")
    axes[2].set_ylabel("α_k (left axis)")
    axes[2].set_title(f"The schedules (eq. 8.14, τ = {result.tau})", fontsize="medium")
    axes[2].set_ylim(-0.05, 1.1)
    axes[2].grid(True, alpha=0.3)
    every = drawn["α_k"] + drawn["ε_k/ε_1"]
    axes[2].legend(every, [line.get_label() for line in every], fontsize="x-small", framealpha=0.9,
                   loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1)
    fig.suptitle(f"Same final α: a ramp changes the loss at k = {int(result.steps[-1])} far less than shrinking ε; "
                 "a larger final α raises the floor", fontsize="medium")
    return Drawn(fig, tuple(axes), {"excess": tuple(excess),
                                    **{name: tuple(lines) for name, lines in drawn.items()}})


def roots_figure(result: RootCases) -> Drawn:
    """x_k along one direction: real positive roots (left) against real negative roots (right).

    Left: the cases whose roots are real and positive (x creeps to 0 from one
    side) and the complex case (x oscillates slowly). Right: real negative
    roots (x changes sign at every step). Lines: one per case, named by
    ``result.labels``.
    """
    check_instance("result", result, RootCases)
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.0), layout="constrained", sharey=True)
    lines = {}
    for j, label in enumerate(result.labels):
        ax = axes[1] if result.kinds[j] == "real negative" else axes[0]
        roots = result.roots[j]
        shown = ", ".join(f"{z.real:+.3f}" if abs(z.imag) < 1e-6 else f"{z.real:+.2f}{z.imag:+.2f}i"
                          for z in roots)
        (lines[label],) = ax.plot(result.steps, result.theta[:, j], color=PALETTE[j % len(PALETTE)], marker="o",
                                  markersize=3, linewidth=1.2, label=f"{label}: roots {shown}")
    for ax, title in zip(axes, ("Real positive roots: x creeps to 0 (complex: slow swings)",
                                "Real negative roots: x changes sign at every step")):
        ax.axhline(0.0, color="0.4", linewidth=0.8)
        ax.set_xlabel("iteration k")
        ax.set_title(title, fontsize="medium")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="x-small", framealpha=0.9, loc="lower right")
    axes[0].set_ylabel("x_k along the eigen-direction (x* = 0)")
    return Drawn(fig, tuple(axes), lines)


def noisy_gradients_figure(result: NoisyGradients) -> Drawn:
    """Mean J − J* with noisy gradients: same ε, same ε/(1 − α), large ε/(1 − α) (one panel each).

    Solid: with noise; dashed: the same setting without noise (σ = 0, the
    deterministic part); dotted: the closed-form floor. A diverged setting
    is named in the legend, not drawn. Lines: ``"same ε"``, ``"same ε/(1 − α)"``
    and ``"large ε/(1 − α)"`` (the noisy curves of the stable settings, in the
    order of ``result.labels``), and ``"noise-free"`` (all dashed curves).
    """
    check_instance("result", result, NoisyGradients)
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(14.0, 4.4), layout="constrained", sharey=True)
    drawn, clean = {}, []
    for ax, group in zip(axes, ("same ε", "same ε/(1 − α)", "large ε/(1 − α)")):
        members = [j for j, g in enumerate(result.groups) if g == group]
        lines = []
        for c, j in enumerate(members):
            colour = PALETTE[c % len(PALETTE)]
            name = f"{result.labels[j].split(': ')[1]}, ε = {result.lr[j]:g}"
            if result.diverged[j]:
                ax.plot([], [], color=colour, marker="x", linestyle="none", label=f"{name}: diverged")
                continue
            lines += ax.plot(result.steps, result.excess[:, j], color=colour, linewidth=1.4, label=name)
            clean += ax.plot(result.steps, result.noise_free[:, j], color=colour, linestyle="--", linewidth=1.0)
            ax.axhline(result.floor_theory[j], color=colour, linestyle=":", linewidth=1.2)
        drawn[group] = tuple(lines)
        ax.set_yscale("log")
        ax.set_ylim(1e-4, 30.0)  # the noise-free curves go on falling below: the floors are the point
        ax.set_xlabel("iteration k")
        ax.grid(True, alpha=0.3)
        ax.set_title(group, fontsize="medium")
        ax.legend(fontsize="x-small", framealpha=0.9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1)
    axes[0].set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} runs)")
    fig.suptitle("Solid: with noise; dashed: the same setting without noise; dotted: closed-form floor",
                 fontsize="medium")
    return Drawn(fig, tuple(axes), {**drawn, "noise-free": tuple(clean)})
