"""Figures for lecture 03: convergence rates and the cost of an update (section 8.3.1).

Each function takes a result from :mod:`coursekit.experiments.rates` and
returns a :class:`~coursekit.plotting.Drawn`, which unpacks as
``(fig, ax)`` or ``(fig, axes)`` and names its lines; nothing is shown here.

>>> from coursekit.experiments import rates
>>> import matplotlib.pyplot as plt
>>> drawn = work_figure(rates.work_per_update(sizes=(100, 1000, 10_000)))
>>> fig, ax = drawn
>>> ax.get_xscale(), drawn.lines["gd"].get_ydata().tolist()
('log', [100, 1000, 10000])
>>> plt.close(fig)
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance
from ..experiments.rates import (
    ConvexRateResult,
    GrowingBatchResult,
    OnePassResult,
    StatisticalFloorResult,
    StronglyConvexRateResult,
    WorkResult,
)
from ..plotting import FIGSIZE, PALETTE, Drawn

__all__ = [
    "floor_figure",
    "growing_batch_figure",
    "one_pass_figure",
    "rates_figure",
    "work_figure",
]


def _reference(ax, k: np.ndarray, anchor_k: float, anchor_value: float, power: float,
               label: str, color: str = "0.4"):
    """A dashed line C·k^power through (anchor_k, anchor_value)."""
    (line,) = ax.plot(k, anchor_value * (k / anchor_k) ** power, linestyle="--", color=color,
                      linewidth=1.2, label=label)
    return line


def _window_span(ax, window) -> None:
    ax.axvspan(window[0], window[1], color="0.92", zorder=0, label="fit window")


def rates_figure(convex: ConvexRateResult, strong: StronglyConvexRateResult) -> Drawn:
    """Two log-log panels: the convex rate split into bias and noise, and the strongly convex rate.

    Left (ε_k = ε_0/√k): the whole excess error J(θ̄_k) − J* of the averaged
    iterate at each σ, its bias term (the run without noise) and its noise term
    at the largest σ (solid: averaged iterate, dotted: last iterate), and a
    k^(−1/2) reference. Right (ε_k = 1/(μ(k + k_0))): the excess error J(θ_k) − J*,
    its bias and noise terms, the two control schedules, and a k^(−1)
    reference; the controls include ε_0/√k with the averaged iterate. The grey
    band is the window of the fitted slopes (in the legends).

    Lines: ``"total"`` (one per σ), ``"bias"``, ``"bias last"``, ``"noise"``,
    ``"noise last"``, ``"noise expected"`` (the exact expectation of the averaged
    iterate's noise term), ``"noise shaped"`` (the same with a noise covariance ∝ diag(λ_i),
    the control for the isotropic noise), ``"convex reference"`` on the left; ``"strong"``,
    ``"strong bias"``, ``"strong noise"``, ``"controls"`` (one per control) and
    ``"strong reference"`` on the right.
    """
    import matplotlib.pyplot as plt

    check_instance("convex", convex, ConvexRateResult)
    check_instance("strong", strong, StronglyConvexRateResult)
    fig, axes = plt.subplots(1, 2, figsize=(FIGSIZE[0] * 1.9, FIGSIZE[1] * 1.35),
                             layout="constrained")
    lines = {}
    ax = axes[0]
    k = convex.steps[1:]
    _window_span(ax, convex.window)
    total = []
    for j, sigma in enumerate(convex.noise):
        total += ax.plot(k, convex.total_average[1:, j], color=PALETTE[j], linewidth=1.6,
                         label=f"whole, σ = {sigma:g} (slope {convex.slope_total_average[j]:.2f})")
    lines["total"] = tuple(total)
    (lines["bias"],) = ax.plot(k, convex.bias_average[1:], color=PALETTE[6], linewidth=1.4,
                               label=f"bias: σ = 0 run (slope {convex.slope_bias_average:.2f})")
    (lines["bias last"],) = ax.plot(k, convex.bias_last[1:], color=PALETTE[6], linewidth=1.0,
                                    linestyle=":", label="bias, last iterate")
    j = len(convex.noise) - 1
    sigma = convex.noise[j]
    (lines["noise"],) = ax.plot(k, convex.noise_average[1:, j], color=PALETTE[2], linewidth=1.4,
                                label=f"noise term, σ = {sigma:g} "
                                      f"(slope {convex.slope_noise_average[j]:.2f})")
    (lines["noise last"],) = ax.plot(k, convex.noise_last[1:, j], color=PALETTE[2], linewidth=1.0,
                                     linestyle=":", label="noise term, last iterate")
    (lines["noise expected"],) = ax.plot(
        k, convex.expected_noise_average[1:, j], color=PALETTE[3], linewidth=1.2, linestyle="--",
        label=f"noise term, exact expectation (slope {convex.slope_expected_noise_average:.2f})")
    (lines["noise shaped"],) = ax.plot(
        k, convex.shaped_noise_average[1:], color=PALETTE[5], linewidth=1.2, linestyle="-.",
        label=f"noise term if its covariance ∝ λ_i, same trace, exact "
              f"(slope {convex.slope_shaped_noise_average:.2f})")
    lo = convex.window[0]
    i0 = int(np.searchsorted(convex.steps, lo))
    lines["convex reference"] = _reference(ax, k, lo, 1.6 * convex.total_average[i0, -1], -0.5,
                                           "reference ∝ k^(−1/2)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("excess error J(θ̄_k) − J* (averaged iterate)")
    ax.set_title(f"Convex, ε_k = {convex.lr0:g}/√k, isotropic noise: bias O(1/√k), noise term "
                 "flatter;\nnoise ∝ λ_i: much steeper (averaged iterate)", fontsize="medium")
    ax.legend(fontsize="x-small", loc="lower left", framealpha=0.9)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[1]
    k = strong.steps[1:]
    _window_span(ax, strong.window)
    (lines["strong"],) = ax.plot(
        k, strong.excess[1:], color=PALETTE[2], linewidth=1.8,
        label=f"ε_k = 1/(μ(k + k0)), whole (slope {strong.slope:.2f})")
    (lines["strong bias"],) = ax.plot(k, strong.bias[1:], color=PALETTE[6], linewidth=1.2,
                                      label=f"  its bias: σ = 0 run (slope {strong.slope_bias:.2f})")
    (lines["strong noise"],) = ax.plot(
        k, strong.noise_term[1:], color=PALETTE[5], linewidth=1.2, linestyle="--",
        label=f"  its noise term, on top (slope {strong.slope_noise:.2f})")
    controls = []
    colors = (PALETTE[3], PALETTE[4], PALETTE[0], PALETTE[1])
    for j, label in enumerate(strong.control_labels):
        controls += ax.plot(k, strong.control_excess[1:, j], color=colors[j % len(colors)],
                            linewidth=1.4,
                            label=f"control {label} (slope {strong.control_slopes[j]:.2f})")
    lines["controls"] = tuple(controls)
    lo = strong.window[0]
    i0 = int(np.searchsorted(strong.steps, lo))
    lines["strong reference"] = _reference(ax, k, lo, 0.5 * strong.excess[i0], -1.0,
                                           "reference ∝ k^(−1)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("excess error J − J* (last iterate unless averaged)")
    ax.set_title(f"Strongly convex (μ = {strong.mu:g}), O(1/k): the last iterate needs "
                 "ε_k ≈ 1/(μk),\nthe average of ε_0/√k does not", fontsize="medium")
    ax.legend(fontsize="x-small", loc="lower left", framealpha=0.9)
    ax.grid(True, which="major", alpha=0.3)
    return Drawn(fig, tuple(axes), lines)


def work_figure(work: WorkResult) -> Drawn:
    """Examples touched per update against n, log-log: flat for SGD, linear for batch GD.

    Lines: ``"sgd"`` and ``"gd"``.
    """
    import matplotlib.pyplot as plt

    check_instance("work", work, WorkResult)
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    (sgd,) = ax.plot(work.sizes, work.sgd_examples_per_update, marker="o", color=PALETTE[0],
                     label=f"SGD, m = {work.batch_size} (slope {work.sgd_slope:.2f})")
    (gd,) = ax.plot(work.sizes, work.gd_examples_per_update, marker="s", color=PALETTE[1],
                    label=f"batch gradient descent (slope {work.gd_slope:.2f})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training-set size n (examples)")
    ax.set_ylabel("examples touched per update")
    ax.set_title("An SGD update costs the same for any n; a batch update grows with n")
    ax.legend(fontsize="small")
    ax.grid(True, which="major", alpha=0.3)
    return Drawn(fig, ax, {"sgd": sgd, "gd": gd})


def one_pass_figure(one: OnePassResult) -> Drawn:
    """One-pass SGD against examples seen: test loss (left) and excess error (right).

    Left, linear y: the test loss, the tolerance threshold, the noise level
    σ²/2 and the test set's own loss at θ_true. Right, log-log: the excess
    error ½‖θ − θ_true‖² with the rate σ²d/(2k). Both panels mark where the
    test loss enters its tolerance and one epoch.

    Lines: ``"test error"``, ``"threshold"``, ``"noise level"``, ``"test floor"``,
    ``"tolerance reached"``, ``"one epoch"`` (left); ``"excess"``, ``"rate"``,
    ``"excess tolerance reached"`` (right).
    """
    import matplotlib.pyplot as plt

    check_instance("one", one, OnePassResult)
    keep = one.examples > 0
    x = one.examples[keep]
    fig, axes = plt.subplots(1, 2, figsize=(FIGSIZE[0] * 1.9, FIGSIZE[1] * 1.2),
                             layout="constrained")
    lines = {}
    ax = axes[0]
    (lines["test error"],) = ax.plot(x, one.test_loss[keep], color=PALETTE[0], linewidth=1.4,
                                     label=f"one-pass SGD, m = {one.batch_size}: test loss")
    lines["threshold"] = ax.axhline(one.threshold, color=PALETTE[1], linestyle="--", linewidth=1.2,
                                    label=f"final test loss × {1 + one.tolerance:g}")
    lines["noise level"] = ax.axhline(one.noise_floor, color="0.4", linestyle=":", linewidth=1.2,
                                      label="noise level σ²/2 (population)")
    lines["test floor"] = ax.axhline(one.test_floor, color=PALETTE[2], linestyle="-.",
                                     linewidth=1.2, label="test set's own loss at θ_true")
    lines["tolerance reached"] = ax.axvline(
        one.examples_to_tolerance, color=PALETTE[3], linewidth=1.2,
        label=f"test loss within tolerance: {one.examples_to_tolerance:,} examples")
    lines["one epoch"] = ax.axvline(one.n, color="0.2", linewidth=1.2, linestyle="-.",
                                    label=f"one epoch: n = {one.n:,}")
    ax.set_xscale("log")
    ax.set_ylim(one.noise_floor - 0.02 * one.noise_floor, one.noise_floor * 1.12)
    ax.set_xlabel("examples seen")
    ax.set_ylabel("test loss (½ squared error)")
    ax.set_title(f"Test loss: within {one.tolerance:.0%} after {one.epoch_fraction:.1%} of an epoch",
                 fontsize="medium")
    ax.legend(fontsize="x-small", framealpha=0.9)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[1]
    (lines["excess"],) = ax.plot(x, one.excess[keep], color=PALETTE[0], linewidth=1.4,
                                 label="one-pass SGD: excess error ½‖θ − θ_true‖²")
    (lines["rate"],) = ax.plot(x, 2.0 * one.noise_floor * one.dim / (2.0 * x), color="0.3",
                               linestyle="--", linewidth=1.2, label="σ²d/(2k)")
    ax.axvline(one.examples_to_tolerance, color=PALETTE[3], linewidth=1.2,
               label="test loss within tolerance")
    lines["excess tolerance reached"] = ax.axvline(
        one.examples_to_excess_factor, color=PALETTE[4], linewidth=1.2, linestyle="--",
        label=f"excess within {one.excess_factor:g}× its final value: "
              f"{one.examples_to_excess_factor:,} examples")
    ax.axvline(one.n, color="0.2", linewidth=1.2, linestyle="-.", label="one epoch")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("examples seen k")
    ax.set_ylabel("excess error ½‖θ − θ_true‖²")
    ax.set_title("Excess error: still falling like 1/k at the end of the pass", fontsize="medium")
    ax.legend(fontsize="x-small", framealpha=0.9, loc="lower left")
    ax.grid(True, which="major", alpha=0.3)
    return Drawn(fig, tuple(axes), lines)


def floor_figure(floor: StatisticalFloorResult) -> Drawn:
    """Excess error against examples seen: tuned SGD, tuned batch GD and the rate σ²d/(2k).

    Lines: ``"sgd"`` (minibatches drawn with replacement), ``"sgd permutation"``
    (one random permutation: each example once), ``"statistical rate"`` (σ²d/(2k)),
    ``"gd"``, ``"gd start"`` (batch GD before its first update) and ``"least squares"``.
    """
    import matplotlib.pyplot as plt

    check_instance("floor", floor, StatisticalFloorResult)
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    keep = floor.sgd_examples > 0
    k = floor.sgd_examples[keep]
    lines = {}
    c = floor.sgd_constant
    (lines["sgd"],) = ax.plot(
        k, floor.sgd_excess[keep, 0], color=PALETTE[0], linewidth=1.6,
        label=f"one-pass SGD, with replacement, ε_t = {c[0]:g}/(t + {floor.offset:g})")
    (lines["sgd permutation"],) = ax.plot(
        k, floor.sgd_excess[keep, 1], color=PALETTE[3], linewidth=1.6, linestyle="--",
        label=f"one-pass SGD, one permutation, ε_t = {c[1]:g}/(t + {floor.offset:g})")
    (lines["statistical rate"],) = ax.plot(k, floor.floor[keep], color="0.3", linestyle="--",
                                           linewidth=1.2, label="σ²d/(2k): Cramér–Rao, minimax")
    gd_keep = floor.gd_examples > 0
    (lines["gd"],) = ax.plot(floor.gd_examples[gd_keep], floor.gd_excess[gd_keep], color=PALETTE[1],
                             marker="s", markersize=4, linewidth=1.2,
                             label=f"batch GD, ε = {floor.gd_lr:g} (best of grid; one point "
                                   "per epoch)")
    lines["gd start"] = ax.axhline(floor.gd_excess[0], color=PALETTE[1], linewidth=0.8, linestyle=":",
                                   label="batch GD before its first update")
    lines["least squares"] = ax.axhline(floor.ols_excess, color=PALETTE[2], linewidth=1.2,
                                        linestyle="-.",
                                        label=f"least-squares fit on all n = {floor.n:,} examples")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("examples seen k")
    ax.set_ylabel("excess error ½‖θ − θ_true‖²")
    ax.set_title(f"O(1/k): SGD (m = {floor.batch_size}, best c of grid, {floor.repeats} seeds) "
                 "and batch GD, at equal examples", fontsize="medium")
    # Upper right, below batch GD's starting level: the only corner no curve crosses.
    ax.legend(fontsize="x-small", framealpha=0.9, loc="upper right", bbox_to_anchor=(1.0, 0.9))
    ax.grid(True, which="major", alpha=0.3)
    return Drawn(fig, ax, lines)


def growing_batch_figure(growing: GrowingBatchResult) -> Drawn:
    """Training excess loss against examples seen for the four minibatch policies.

    Lines: ``"excess"`` (one per policy of ``growing.labels``), ``"switch"``
    (where the growing minibatch reaches n) and ``"budgets"`` (one vertical
    line per budget of ``growing.budgets``).
    """
    import matplotlib.pyplot as plt

    check_instance("growing", growing, GrowingBatchResult)
    fig, ax = plt.subplots(figsize=(FIGSIZE[0] * 1.2, FIGSIZE[1] * 1.2), layout="constrained")
    styles = ((None, "-", PALETTE[0]), ("o", "-", PALETTE[2]), (None, "--", PALETTE[3]),
              ("s", "-", PALETTE[1]))
    excess = []
    for j, label in enumerate(growing.labels):
        ex = growing.examples[j]
        keep = ex > 0
        marker, style, color = styles[j % len(styles)]
        excess += ax.plot(ex[keep], growing.excess[j][keep], color=color, linewidth=1.5,
                          linestyle=style, marker=marker, markersize=2.5,
                          label=f"{label}, ε = {growing.best_lr[j]:.3g}")
    budgets = [ax.axvline(budget, color="0.85", linewidth=0.8, zorder=0) for budget in growing.budgets]
    switch = ax.axvline(growing.switch_examples, color=PALETTE[2], linewidth=0.9, linestyle=":",
                        label=f"m_k reaches n after {growing.switch_update} updates")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("examples seen")
    ax.set_ylabel("training excess loss J(θ) − J*")
    ax.set_title("A growing minibatch; each policy at its ε tuned for the whole budget",
                 fontsize="medium")
    ax.legend(fontsize="x-small", framealpha=0.9, loc="lower left")
    ax.grid(True, which="major", alpha=0.3)
    return Drawn(fig, ax, {"excess": tuple(excess), "switch": switch, "budgets": tuple(budgets)})
