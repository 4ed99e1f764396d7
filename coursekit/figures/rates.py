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
from ..plotting import FIGSIZE, PALETTE, Drawn, learning_curves

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
    """Two log-log panels: O(1/√k) for averaged convex SGD, O(1/k) for strongly convex SGD.

    Left: J(θ̄_k) − J* for each noise level σ (solid) and the last iterate
    J(θ_k) − J* (dotted), with a k^(−1/2) reference. Right: J(θ_k) − J* of
    SGD with ε_k = 1/(μ(k + τ)) and a k^(−1) reference. The grey band is the
    window of the fitted slopes (printed in the legend).

    Lines: ``"average"`` and ``"last"`` (one per σ of ``convex.noise``) and
    ``"convex reference"`` on the left; ``"strong"`` and ``"strong
    reference"`` on the right.
    """
    import matplotlib.pyplot as plt

    check_instance("convex", convex, ConvexRateResult)
    check_instance("strong", strong, StronglyConvexRateResult)
    fig, axes = plt.subplots(1, 2, figsize=(FIGSIZE[0] * 1.8, FIGSIZE[1] * 1.1),
                             layout="constrained")
    ax = axes[0]
    k = convex.steps[1:]
    _window_span(ax, convex.window)
    average, last = [], []
    for j, sigma in enumerate(convex.noise):
        color = PALETTE[j]
        average += ax.plot(k, convex.average_excess[1:, j], color=color, linewidth=1.6,
                           label=f"averaged θ̄_k, σ = {sigma:g} (slope {convex.slope_average[j]:.2f})")
        last += ax.plot(k, convex.last_excess[1:, j], color=color, linewidth=1.0, linestyle=":",
                        label=f"last θ_k, σ = {sigma:g} (slope {convex.slope_last[j]:.2f})")
    lo = convex.window[0]
    i0 = int(np.searchsorted(convex.steps, lo))
    convex_reference = _reference(ax, k, lo, 2.0 * convex.average_excess[i0, 0], -0.5,
                                  "reference ∝ k^(−1/2)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("excess error J − J*")
    ax.set_title(f"Convex, ε_k = {convex.lr0:g}/√k + averaging: O(1/√k)")
    ax.legend(fontsize="x-small", loc="lower left", framealpha=0.9)
    ax.grid(True, which="major", alpha=0.3)

    ax = axes[1]
    k = strong.steps[1:]
    _window_span(ax, strong.window)
    (strong_line,) = ax.plot(k, strong.excess[1:], color=PALETTE[2], linewidth=1.6,
                             label=f"SGD, ε_k = 1/(μ(k+τ)) (slope {strong.slope:.2f})")
    lo = strong.window[0]
    i0 = int(np.searchsorted(strong.steps, lo))
    strong_reference = _reference(ax, k, lo, 2.0 * strong.excess[i0], -1.0, "reference ∝ k^(−1)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("excess error J(θ_k) − J*")
    ax.set_title(f"Strongly convex (μ = {strong.mu:g}): O(1/k)")
    ax.legend(fontsize="x-small", loc="lower left", framealpha=0.9)
    ax.grid(True, which="major", alpha=0.3)
    return Drawn(fig, tuple(axes), {
        "average": tuple(average), "last": tuple(last), "convex reference": convex_reference,
        "strong": strong_line, "strong reference": strong_reference,
    })


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
    """Test error of one-pass SGD against examples seen, with the tolerance band and one epoch.

    Lines: ``"test error"``, ``"threshold"`` and ``"noise level"`` (horizontal),
    ``"tolerance reached"`` and ``"one epoch"`` (vertical).
    """
    check_instance("one", one, OnePassResult)
    keep = one.examples > 0
    curve = learning_curves(one.examples[keep], one.test_loss[keep],
                            [f"one-pass SGD, m = {one.batch_size}"], log_x=True, log_y=False,
                            xlabel="examples seen", ylabel="test error (½ squared error)")
    fig, ax = curve
    lines = {"test error": next(iter(curve.lines.values()))}
    lines["threshold"] = ax.axhline(one.threshold, color=PALETTE[1], linestyle="--", linewidth=1.2,
                                    label=f"final test error × {1 + one.tolerance:g}")
    lines["noise level"] = ax.axhline(one.noise_floor, color="0.4", linestyle=":", linewidth=1.2,
                                      label="noise level σ²/2")
    lines["tolerance reached"] = ax.axvline(
        one.examples_to_tolerance, color=PALETTE[2], linewidth=1.2,
        label=f"within tolerance: {one.examples_to_tolerance:,} examples")
    lines["one epoch"] = ax.axvline(one.n, color="0.2", linewidth=1.2, linestyle="-.",
                                    label=f"one epoch: n = {one.n:,}")
    ax.set_title(f"SGD is within {one.tolerance:.0%} of its final test error "
                 f"after {one.epoch_fraction:.1%} of an epoch")
    ax.legend(fontsize="small", framealpha=0.9)
    return Drawn(fig, ax, lines)


def floor_figure(floor: StatisticalFloorResult) -> Drawn:
    """Excess test error against examples seen: SGD, batch GD and the Cramér–Rao rate σ²d/(2k).

    Lines: ``"sgd"``, ``"statistical rate"`` (σ²d/(2k)), ``"gd"``, ``"gd start"``
    (batch GD before its first update) and ``"least squares"``.
    """
    import matplotlib.pyplot as plt

    check_instance("floor", floor, StatisticalFloorResult)
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    keep = floor.sgd_examples > 0
    k = floor.sgd_examples[keep]
    lines = {}
    (lines["sgd"],) = ax.plot(k, floor.sgd_excess[keep], color=PALETTE[0], linewidth=1.6,
                              label=f"one-pass SGD, m = {floor.batch_size} (mean of {floor.repeats} seeds)")
    (lines["statistical rate"],) = ax.plot(k, floor.floor[keep], color="0.3", linestyle="--",
                                           linewidth=1.2, label="Cramér–Rao rate σ²d/(2k)")
    gd_keep = floor.gd_examples > 0
    (lines["gd"],) = ax.plot(floor.gd_examples[gd_keep], floor.gd_excess[gd_keep], color=PALETTE[1],
                             marker="s", markersize=4, linewidth=1.2,
                             label=f"batch GD, ε = {floor.gd_lr:g} (one point per epoch)")
    lines["gd start"] = ax.axhline(floor.gd_excess[0], color=PALETTE[1], linewidth=0.8, linestyle=":",
                                   label="batch GD before its first update")
    lines["least squares"] = ax.axhline(floor.ols_excess, color=PALETTE[2], linewidth=1.2,
                                        linestyle="-.",
                                        label=f"least-squares fit on all n = {floor.n:,} examples")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("examples seen k")
    ax.set_ylabel("excess test error ½‖θ − θ_true‖²")
    ax.set_title("SGD tracks the O(1/k) statistical rate; batch GD starts late")
    ax.legend(fontsize="x-small", framealpha=0.9, loc="lower left")
    ax.grid(True, which="major", alpha=0.3)
    return Drawn(fig, ax, lines)


def growing_batch_figure(growing: GrowingBatchResult) -> Drawn:
    """Training excess loss against examples seen for small m, growing m_k and full batch.

    Lines: ``"excess"`` (one per policy of ``growing.labels``) and ``"budgets"``
    (one vertical line per budget of ``growing.budgets``).
    """
    import matplotlib.pyplot as plt

    check_instance("growing", growing, GrowingBatchResult)
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    markers = (None, "o", "s")
    excess = []
    for j, label in enumerate(growing.labels):
        ex = growing.examples[j]
        keep = ex > 0
        excess += ax.plot(ex[keep], growing.excess[j][keep], color=PALETTE[j], linewidth=1.5,
                          marker=markers[j], markersize=3, label=label)
    budgets = [ax.axvline(budget, color="0.85", linewidth=0.8, zorder=0) for budget in growing.budgets]
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("examples seen")
    ax.set_ylabel("training excess loss J(θ) − J*")
    ax.set_title("A growing minibatch starts like SGD and ends like batch GD")
    ax.legend(fontsize="small", framealpha=0.9, loc="lower left")
    ax.grid(True, which="major", alpha=0.3)
    return Drawn(fig, ax, {"excess": tuple(excess), "budgets": tuple(budgets)})
