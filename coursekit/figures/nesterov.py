"""Figures of the lecture on Nesterov momentum (section 8.3.3, claims C19, C20).

Each function takes a result of :mod:`coursekit.experiments.nesterov` and
returns a :class:`~coursekit.plotting.Drawn`, which unpacks as
``(fig, ax)`` or ``(fig, axes)`` and names its lines (listed in each
docstring).

>>> import matplotlib.pyplot as plt
>>> from coursekit.experiments import nesterov
>>> drawn = interim_points_figure(nesterov.interim_points(steps=2))
>>> fig, axes = drawn
>>> drawn.lines["nesterov path"].get_xydata().shape, len(axes)
((3, 2), 2)
>>> plt.close(fig)
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance
from ..experiments.nesterov import (
    BatchRates,
    ChangingLR,
    InterimPoints,
    StochasticRates,
    StronglyConvex,
)
from ..plotting import FIGSIZE, PALETTE, Drawn, contour_paths, learning_curves

__all__ = ["batch_rates_figure", "changing_lr_figure", "interim_points_figure",
           "stochastic_rates_figure", "strongly_convex_figure"]



def interim_points_figure(result: InterimPoints) -> Drawn:
    """Two panels on the canyon: where momentum (eq. 8.15) and Nesterov (eq. 8.21) take g.

    Each panel shows the path θ_0..θ_K, the look-ahead θ_k → θ_k + α v_k
    (dashed), the interim point (open diamond) and the step −ε g drawn from
    the point where g was evaluated (arrows): θ_k for momentum, the interim
    point for Nesterov (Algorithm 8.3).

    Lines: ``"<name> path"``, ``"<name> start"``, ``"<name> end"``,
    ``"<name> interim points"`` and ``"<name> gradient points"`` for
    ``"momentum"`` (left) and ``"nesterov"`` (right).
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    check_instance("result", result, InterimPoints)
    fig, axes = plt.subplots(1, 2, figsize=(FIGSIZE[0] * 1.8, FIGSIZE[1] * 1.15),
                             layout="constrained", sharey=True)
    every = np.concatenate([result.theta["momentum"], result.theta["nesterov"],
                            result.interim["momentum"], result.interim["nesterov"]])
    lo, hi = every.min(axis=0), every.max(axis=0)
    # Show the minimum too, so that the closed contours around it draw the canyon as
    # a long narrow ellipse; framing only the five steps would stretch θ_1 so much that
    # the contours look like parallel lines.
    star = result.problem.minimizer
    lo, hi = np.minimum(lo, star), np.maximum(hi, star)
    pad = 0.12 * (hi - lo)
    extent = (lo[0] - pad[0], hi[0] + 2 * pad[0], lo[1] - pad[1], hi[1] + pad[1])
    titles = {"momentum": "momentum (Algorithm 8.2): g at θ",
              "nesterov": "Nesterov (Algorithm 8.3): g at θ + αv"}
    lines = {}
    for ax, name, color in zip(axes, ("momentum", "nesterov"), (PALETTE[0], PALETTE[1])):
        theta = result.theta[name]
        interim = result.interim[name]
        point = result.grad_point[name]
        step = -result.lr * result.grad[name]
        path = contour_paths(result.problem, theta, ax=ax, extent=extent, levels=16).paths[0]
        for artist in (path.line, path.start, path.end):
            artist.set_color(color)
        path.line.set_label("path θ_k (k labelled)")
        for k in range(len(interim)):
            ax.plot([theta[k, 0], interim[k, 0]], [theta[k, 1], interim[k, 1]],
                    linestyle="--", color="0.35", linewidth=1.0, zorder=3)
            ax.annotate("", xy=point[k] + step[k], xytext=point[k],
                        arrowprops=dict(arrowstyle="-|>", color=PALETTE[2], linewidth=1.6), zorder=5)
            ax.text(theta[k, 0], theta[k, 1], f" {k}", fontsize=8, va="bottom", zorder=6)
        lines.update({f"{name} path": path.line, f"{name} start": path.start, f"{name} end": path.end})
        (lines[f"{name} interim points"],) = ax.plot(
            interim[:, 0], interim[:, 1], linestyle="none", marker="D", markersize=6,
            markerfacecolor="white", markeredgecolor="black", zorder=4)
        (lines[f"{name} gradient points"],) = ax.plot(point[:, 0], point[:, 1], linestyle="none",
                                                      marker="o", markersize=4, color=PALETTE[2], zorder=6)
        ax.set_title(titles[name], fontsize="medium")
        handles = [
            path.line,
            Line2D([], [], color="0.35", linestyle="--", label="look-ahead θ_k → θ_k + αv_k"),
            Line2D([], [], linestyle="none", marker="D", markerfacecolor="white",
                   markeredgecolor="black", label="interim point θ_k + αv_k"),
            Line2D([], [], color=PALETTE[2], marker=">", label="−ε g, drawn where g is taken"),
        ]
        ax.legend(handles=handles, fontsize="x-small", loc="lower right", framealpha=0.9)
    axes[1].set_ylabel("")
    fig.suptitle(f"Momentum takes its gradient at θ, Nesterov at the look-ahead point θ + αv "
                 f"(ε = {result.lr:g}, α = {result.momentum:g})")
    return Drawn(fig, tuple(axes), lines)


def batch_rates_figure(result: BatchRates) -> Drawn:
    """Excess loss against k on log-log axes, with the fitted slopes in the legend (C20).

    Lines: one per method, named by ``result.labels`` (``"gradient descent"``,
    ``"Nesterov, constant α"``, ``"Nesterov, α_k = (k−1)/(k+2)"``), and
    ``"fits"``: the fitted C/k, C/k and C/k² in the same order.
    """
    check_instance("result", result, BatchRates)
    keep = result.steps >= 1
    labels = [f"{label}: slope {s:.3f}" for label, s in zip(result.labels, result.slopes)]
    curves = learning_curves(
        result.steps[keep], result.excess[keep], labels, log_x=True, ylabel="J(θ_k) − J*",
        title="Batch gradients, convex (singular H): α_k = (k−1)/(k+2) gives O(1/k²),\n"
              "constant α only O(1/k) with a smaller constant",
    )
    fig, ax = curves
    lines = dict(zip(result.labels, curves.lines.values()))
    ax.axvspan(result.k_min, result.k_max, color="0.9", zorder=0, label="fit window")
    k = np.geomspace(result.k_min, result.k_max, 50)
    fits = []
    for j, power in enumerate((1.0, 1.0, 2.0)):
        fits += ax.plot(k, result.constants[j] / k**power, color="black", linestyle=":", linewidth=1.0,
                        label="C/k and C/k² fits" if j == 0 else "_nolegend_")
    lines["fits"] = tuple(fits)
    ax.legend(fontsize="small", framealpha=0.9, loc="lower left")
    return Drawn(fig, ax, lines)


def stochastic_rates_figure(result: StochasticRates) -> Drawn:
    """Seed-averaged excess loss of SGD, momentum and Nesterov, with the 10-90% seed band (C20).

    Lines: one per method, named by ``result.labels`` (``"SGD"``,
    ``"momentum"``, ``"Nesterov"``).
    """
    check_instance("result", result, StochasticRates)
    keep = result.steps >= 1
    steps = result.steps[keep]
    labels = [f"{label}: slope {s:.2f} ± {se:.2f}"
              for label, s, se in zip(result.labels, result.slopes, result.slope_se)]
    curves = learning_curves(
        steps, result.mean_excess[keep], labels, log_x=True,
        ylabel=f"J(θ_k) − J*, mean over {result.repeats} seeds",
        title="Noisy gradients: SGD, momentum and Nesterov all decay like 1/k;\n"
              "the look-ahead gives no acceleration",
    )
    fig, ax = curves
    low, high = np.percentile(result.excess[keep], [10, 90], axis=1)
    for j in range(3):
        ax.fill_between(steps, low[:, j], high[:, j], color=PALETTE[j], alpha=0.15, linewidth=0)
    ax.axvspan(result.k_min, result.k_max, color="0.9", zorder=0)
    ax.legend(fontsize="small", framealpha=0.9, loc="lower left")
    return Drawn(fig, ax, dict(zip(result.labels, curves.lines.values())))


def changing_lr_figure(result: ChangingLR) -> Drawn:
    """|library − book| per step when lr_k changes, for α = μ and for α_k = μ·lr_k/lr_{k−1}.

    Lines: ``"momentum naive"``, ``"momentum corrected"``, ``"nesterov naive"``,
    ``"nesterov corrected"`` (the fields of ``result``) and ``"lr changes"``
    (the vertical lines, in time order).
    """
    check_instance("result", result, ChangingLR)
    curves = np.column_stack([result.momentum_naive, result.momentum_corrected,
                              result.nesterov_naive, result.nesterov_corrected])
    labels = ["momentum, α = μ", "momentum, α_k = μ·lr_k/lr_(k−1)",
              "Nesterov, α = μ", "Nesterov, α_k = μ·lr_k/lr_(k−1)"]
    # Exact agreement (0) cannot be drawn on a log axis: show it at the rounding level.
    drawn = learning_curves(
        result.steps, np.maximum(curves, 1e-17), labels,
        ylabel="max |θ − θ_book|, |v − v_book|",
        title="Changing lr: PyTorch momentum = the book with α_k = μ·lr_k/lr_(k−1);\n"
              "PyTorch Nesterov matches the book with neither α",
    )
    fig, ax = drawn
    names = ("momentum naive", "momentum corrected", "nesterov naive", "nesterov corrected")
    lines = dict(zip(names, drawn.lines.values()))
    # lrs[j + 1] != lrs[j]: update k = j + 2 is the first with the new rate.
    lines["lr changes"] = tuple(
        ax.axvline(k, color="0.5", linestyle=":", linewidth=1.0,
                   label="lr changes" if i == 0 else "_nolegend_")
        for i, k in enumerate(np.flatnonzero(np.diff(result.lrs) != 0) + 2))
    ax.set_ylim(1e-18, 1.0)
    ax.legend(fontsize="small", framealpha=0.9, loc="center right")
    return Drawn(fig, ax, lines)


def strongly_convex_figure(result: StronglyConvex) -> Drawn:
    """J(θ_k) − J* of heavy ball and Nesterov on the Lessard-Recht-Packard cost (left) and on
    the quadratic with the same L and μ (right), with Nesterov's guarantee
    (J(θ_0) − J* + ½μ‖θ_0 − θ*‖²)(1 − 1/√κ′)^k (Nesterov, 2004, Thm 2.2.3) dotted, κ′ = L′/μ with
    the smoothness constant L′ = ``result.nesterov_L`` of Nesterov's step.

    Lines: ``"<problem>, <method>"`` for problem in ``result.problems`` and
    method in ``result.labels``, and ``"<problem>, 1 − 1/√κ"`` (the bound).
    """
    import matplotlib.pyplot as plt

    check_instance("result", result, StronglyConvex)
    fig, axes = plt.subplots(1, 2, figsize=(FIGSIZE[0] * 1.8, FIGSIZE[1]), layout="constrained",
                             sharey=True)
    lines = {}
    for i, (ax, name) in enumerate(zip(axes, result.problems)):
        for j, (method, style) in enumerate(zip(result.labels, ("-", "--"))):
            (lines[f"{name}, {method}"],) = ax.semilogy(
                result.steps, result.excess[:, i, j], linestyle=style, color=PALETTE[j], label=method)
        (lines[f"{name}, 1 − 1/√κ"],) = ax.semilogy(
            result.steps, result.excess_bound[:, i], color="0.4", linestyle=":",
            label=f"Nesterov's bound, ∝ (1 − 1/√κ′)^k, κ′ = L′/μ = {result.nesterov_L / result.mu:g}")
        ax.set_xlabel("iteration k")
        ax.set_title(f"{name} (L = {result.L:g}, μ = {result.mu:g})", fontsize="medium")
        ax.legend(fontsize="small", framealpha=0.9, loc="lower left")
    positive = result.excess[result.excess > 0]
    axes[0].set_ylim(positive.min() / 10, 10 * result.excess_bound.max())
    axes[0].set_ylabel("J(θ_k) − J*")
    fig.suptitle("Heavy ball at its quadratic-optimal (ε, α) cycles on a non-quadratic cost; "
                 "Nesterov converges on both, below its guarantee")
    return Drawn(fig, tuple(axes), lines)
