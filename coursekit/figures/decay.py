"""Figures of lecture 01: SGD and learning-rate decay (section 8.3.1).

Each function takes a result of :mod:`coursekit.experiments.decay` and
returns a :class:`~coursekit.plotting.Drawn`, which unpacks as
``(fig, axes)`` and names its lines; nothing is shown here (the notebook
displays).

- :func:`noise_floor_figure` (claim C2): learning curves of constant-ε SGD
  and batch gradient descent; the floor against ε on log-log axes.
- :func:`robbins_monro_figure` (claim C1): partial sums Σε_k and Σε_k²
  (eqs. 8.12, 8.13) for four schedules.
- :func:`schedules_run_figure` (claim C1): the same schedules on an SGD run.
- :func:`interpolation_figure` (the limit of claim C2): constant-ε SGD on
  least squares with and without label noise.
- :func:`linear_schedule_figure` (claim C3): the linear schedule of
  eq. 8.14 against two constant rates on the digits, and
  :func:`linear_condition_figure`: eq. 8.14, constant ε0 and a late decay
  over a grid of ε0, with learning curves for chosen ε0.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance
from ..experiments.decay import (
    InterpolationResult,
    LinearConditionResult,
    LinearScheduleResult,
    NoiseFloorResult,
    RobbinsMonroSums,
    ScheduleRunResult,
)
from ..plotting import PALETTE, Drawn

__all__ = [
    "interpolation_figure",
    "linear_condition_figure",
    "linear_schedule_figure",
    "noise_floor_figure",
    "robbins_monro_figure",
    "schedules_run_figure",
]

_WIDE = (11.0, 4.2)


def _subplots(nrows: int, ncols: int, figsize, **kwargs):
    import matplotlib.pyplot as plt  # on first use: pyplot is slow to import

    return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kwargs)


def noise_floor_figure(result: NoiseFloorResult) -> Drawn:
    """Claim C2 in three panels: left, J(θ_k) − J* of SGD (mean of the seeds) for
    each constant ε with its measured floor (dashed); middle, batch gradient
    descent with the same ε, on a log axis deep enough to show its geometric
    descent; right, the floor against ε on log-log axes beside the closed form
    Σ_i εσ²/(2m(2 − ελ_i)).

    Lines: ``"sgd"``, ``"floor"`` (left) and ``"gd"`` (middle), one per ε of
    ``result.lrs``; ``"closed form"`` and ``"measured"`` (right).
    """
    check_instance("result", result, NoiseFloorResult)
    fig, (left, middle, right) = _subplots(1, 3, (14.0, 4.2))
    sgd, floor, gd = [], [], []
    for i, lr in enumerate(result.lrs):
        color = PALETTE[i % len(PALETTE)]
        sgd += left.plot(result.steps, result.sgd_excess_mean[:, i], color=color, lw=0.9,
                         label=f"ε = {lr:.3g}")
        floor.append(left.axhline(result.floor[i], color=color, ls="--", lw=1.0))
        # J − J* underflows to exactly 0 for the largest ε: a log axis drops those points.
        gd_curve = np.where(result.gd_excess[:, i] > 0, result.gd_excess[:, i], np.nan)
        gd += middle.plot(result.steps, gd_curve, color=color, lw=1.5, label=f"ε = {lr:.3g}")
    left.plot([], [], color="0.3", ls="--", label="measured floor")
    top = float(np.nanmax(result.sgd_excess_mean)) * 2.0
    left.set_ylim(float(result.floor.min()) / 30.0, top)
    left.set_yscale("log")
    left.set_xlabel("iteration k")
    left.set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds)")
    left.set_title("SGD, constant ε: stalls at a floor", fontsize=10)
    left.legend(fontsize=8, ncol=2, loc="upper right")

    middle.set_yscale("log")
    middle.set_ylim(1e-300, top)
    middle.set_yticks(10.0 ** np.arange(0, -301, -50))
    middle.set_xlabel("iteration k")
    middle.set_ylabel("J(θ_k) − J* (exact gradient)")
    middle.set_title("Batch GD, same ε: down by (1 − εμ)² per step", fontsize=10)
    middle.legend(fontsize=8, loc="lower left")

    (closed,) = right.plot(result.lrs, result.closed_form, color=PALETTE[6], lw=1.5,
                           label=f"closed form (slope {result.closed_form_slope:.2f})")
    (measured,) = right.plot(result.lrs, result.floor, "o", color=PALETTE[1], ms=7,
                             label=f"measured (slope {result.slope:.2f})")
    right.set_xscale("log")
    right.set_yscale("log")
    right.set_xlabel("learning rate ε")
    right.set_ylabel("floor: tail mean of J − J*")
    right.set_title("The floor grows like ε", fontsize=10)
    right.legend(fontsize=8)
    return Drawn(fig, (left, middle, right), {"sgd": tuple(sgd), "floor": tuple(floor), "gd": tuple(gd),
                                              "closed form": closed, "measured": measured})


def robbins_monro_figure(sums: RobbinsMonroSums, ylim: tuple = (20.0, 12.0)) -> Drawn:
    """Claim C1: Σ_{j≤k} ε_j (eq. 8.12) and Σ_{j≤k} ε_j² (eq. 8.13) against k.

    The k axis is logarithmic and the sums' axis linear, so a sum that grows
    like log k (ε0/k on the left, ε0/√k on the right) is a straight line and a
    sum that converges is flat. A sum that leaves the chart (``ylim``: the top
    of each panel) has its value at the last k in the title.

    Lines: ``"sum"`` (left) and ``"sum of squares"`` (right), one per
    schedule of ``sums.names``.
    """
    check_instance("sums", sums, RobbinsMonroSums)
    fig, (left, right) = _subplots(1, 2, _WIDE)
    lines = {"sum": [], "sum of squares": []}
    panels = (
        (left, "sum", sums.partial_sum, ylim[0], r"$\sum_{j\leq k}\,\varepsilon_j$",
         "Eq. 8.12 needs Σε_k = ∞: exponential levels off", "lower right"),
        (right, "sum of squares", sums.partial_sum_squares, ylim[1],
         r"$\sum_{j\leq k}\,\varepsilon_j^2$",
         "Eq. 8.13 needs Σε_k² < ∞: constant and ε0/√k grow", "upper right"),
    )
    for ax, key, values, top, what, title, where in panels:
        for i, name in enumerate(sums.names):
            label = name
            if key == "sum":
                label += " (satisfies both)" if sums.satisfied[i] else " (fails one)"
            lines[key] += ax.plot(sums.k, values[:, i], color=PALETTE[i % len(PALETTE)], label=label)
        off = [f"{name} {values[-1, i]:.3g}" for i, name in enumerate(sums.names) if values[-1, i] > top]
        if off:
            title += f"\noff the chart, at k = {sums.k[-1]:.0e}: " + ", ".join(off)
        ax.set_xscale("log")
        ax.set_ylim(0.0, top)
        ax.set_xlabel("iteration k (log scale)")
        ax.set_ylabel(f"partial sum {what}")
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8, loc=where)
    return Drawn(fig, (left, right), {key: tuple(value) for key, value in lines.items()})


def schedules_run_figure(result: ScheduleRunResult) -> Drawn:
    """Claim C1 on a run: ε_k (left) and the mean J(θ_k) − J* (right) on log-log axes,
    with the exact expectation E[J(θ_k)] − J* of each schedule (thin, black, dotted) and the
    constant rate's closed-form floor (dashed).

    Lines: ``"lr"`` (left), ``"excess"`` and ``"expected"`` (right), one per schedule
    of ``result.names``, and ``"floor"`` (right).
    """
    check_instance("result", result, ScheduleRunResult)
    fig, (left, right) = _subplots(1, 2, _WIDE)
    k = result.steps[1:]
    lr_lines, excess_lines, expected_lines = [], [], []
    for i, name in enumerate(result.names):
        color = PALETTE[i % len(PALETTE)]
        lr_lines += left.plot(k, result.lr[1:, i], color=color, label=name)
        excess_lines += right.plot(k, result.excess_mean[1:, i], color=color, lw=1.6, label=name)
    for i in range(len(result.names)):
        # Drawn on top, thin and dark, so that the seeds' mean stays visible around it.
        expected_lines += right.plot(k, result.expected_excess[1:, i], color="0.1", lw=0.9, ls=":",
                                     label="exact expectation" if i == 0 else None)
    floor = right.axhline(result.constant_floor, color=PALETTE[0], ls="--", lw=1,
                          label="closed-form floor, constant ε0")
    # The exponential rate underflows towards 1e-240: show five decades only.
    left.set_ylim(result.lr0 * 1e-5, result.lr0 * 2.0)
    left.set_ylabel("learning rate ε_k")
    left.set_title(f"Four schedules from ε0 = {result.lr0:g} (exponential drops off the chart)",
                   fontsize=10)
    right.set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds, seed {result.seed})")
    right.set_title("ε0/k and ε0/√k converge; exponential freezes; constant stalls",
                    fontsize=10)
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("iteration k")
        ax.legend(fontsize=8)
    return Drawn(fig, (left, right), {"lr": tuple(lr_lines), "excess": tuple(excess_lines),
                                      "expected": tuple(expected_lines), "floor": floor})


def linear_schedule_figure(result: LinearScheduleResult) -> Drawn:
    """Claim C3: the schedules (top) and the mean J(θ_k) − J* on the digits (bottom).

    Lines: ``"lr"`` (top) and ``"excess"`` (bottom), one per schedule of
    ``result.names``.
    """
    check_instance("result", result, LinearScheduleResult)
    fig, (top, bottom) = _subplots(2, 1, (7.0, 6.0), sharex=True)
    k = result.steps[1:]
    lr_lines, excess_lines = [], []
    for i, name in enumerate(result.names):
        color = PALETTE[i % len(PALETTE)]
        lr_lines += top.plot(k, result.lr[1:, i], color=color, label=name)
        excess_lines += bottom.plot(result.steps, result.excess_mean[:, i], color=color, label=name)
    for ax in (top, bottom):
        ax.axvline(result.tau, color="0.5", ls=":", lw=1)
    top.set_ylim(0.0, result.lr0 * 1.1)
    bottom.set_yscale("log")
    top.text(result.tau, result.lr0, f" τ = {result.tau}", va="top", fontsize=9, color="0.3")
    top.set_ylabel("learning rate ε_k")
    top.set_title(f"Linear decay (eq. 8.14): ε0 = {result.lr0:g} to ε_τ = {result.lr_tau:g} "
                  f"over {result.passes} passes", fontsize=10)
    top.legend(fontsize=8)
    bottom.set_xlabel("iteration k")
    bottom.set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds)")
    bottom.set_title(f"ε0 = {result.lr0:g}: decaying gets below both constant rates at the same budget",
                     fontsize=10)
    bottom.legend(fontsize=8)
    return Drawn(fig, (top, bottom), {"lr": tuple(lr_lines), "excess": tuple(excess_lines)})


def interpolation_figure(result: InterpolationResult) -> Drawn:
    """The limit of claim C2: mean J(θ_k) − J* of constant-ε SGD on least squares
    whose labels have no noise (the model interpolates) and with label noise.

    Lines: ``"excess"``, one per label-noise level.
    """
    check_instance("result", result, InterpolationResult)
    fig, ax = _subplots(1, 1, (6.5, 3.8))
    lines = []
    for i, sigma in enumerate(result.label_noise):
        label = ("no label noise: every ∇L_i(θ*) = 0" if sigma == 0
                 else f"label noise σ = {sigma:g}")
        lines += ax.plot(result.steps, result.excess_mean[:, i], color=PALETTE[i], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("iteration k")
    ax.set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds)")
    ax.set_title(f"Least squares, SGD with m = {result.batch_size}, constant ε = {result.lr:g}",
                 fontsize=10)
    ax.legend(fontsize=8)
    return Drawn(fig, ax, {"excess": tuple(lines)})


def _null_formatter():
    from matplotlib.ticker import NullFormatter

    return NullFormatter()


def linear_condition_figure(result: LinearConditionResult, show=(2.0, 0.5)) -> Drawn:
    """Claim C3 and its condition, in 1 + len(``show``) panels.

    Left: J(θ_K) − J* at the budget K against ε0 (log-log) for eq. 8.14, the
    constant ε0 and the late linear decay, with the constant rate's floor
    (dashed); each schedule's best ε0 on the grid is circled. Then, one panel
    per ε0 in ``show`` (each must be in ``result.lr0s``): the mean learning
    curves up to K, the constant run continued (thin) and its floor (dashed).

    Lines: ``"final"`` (3, one per schedule of ``result.names``), ``"floor
    final"``, ``"best"`` (3); per shown ε0: ``"linear"``, ``"constant"``,
    ``"late"``, ``"continued"`` and ``"floor"``.
    """
    check_instance("result", result, LinearConditionResult)
    show = [float(v) for v in np.atleast_1d(show)]
    index = []
    for value in show:
        hits = np.flatnonzero(np.isclose(result.lr0s, value))
        if hits.size == 0:
            raise ValueError(f"show must list values of result.lr0s {result.lr0s.tolist()}, got {value:g}")
        index.append(int(hits[0]))
    fig, axes = _subplots(1, 1 + len(show), (4.8 * (1 + len(show)), 4.2))
    axes = tuple(np.atleast_1d(axes))
    colors = (PALETTE[0], PALETTE[1], PALETTE[2])
    summary = axes[0]
    finals = (result.linear_final, result.constant_final, result.late_final)
    final_lines, best_lines = [], []
    for j, (name, values) in enumerate(zip(result.names, finals)):
        final_lines += summary.plot(result.lr0s, values, "o-", color=colors[j], ms=5, label=name)
        best_lines += summary.plot([result.best_lr0[j]], [result.best_final[j]], "o", ms=13, mfc="none",
                                   mec=colors[j], mew=1.5)
    (floor_final,) = summary.plot(result.lr0s, result.constant_floor, "s--", color=PALETTE[1], ms=4,
                                  lw=1.0, alpha=0.7, label="floor of constant ε0")
    summary.plot([], [], "o", ms=11, mfc="none", mec="0.3", label="best ε0 of each schedule")
    summary.set_xscale("log")
    summary.set_yscale("log")
    # Tick exactly the grid, without log-axis minor labels that would overlap.
    summary.set_xticks(result.lr0s, [f"{v:g}" for v in result.lr0s])
    summary.xaxis.set_minor_formatter(_null_formatter())
    low = float(min(np.min(values) for values in finals))
    high = float(max(max(np.max(values) for values in finals), np.max(result.constant_floor)))
    summary.set_ylim(low / 2.0, high * 6.0)             # room for the legend above the curves
    summary.set_xlabel("initial learning rate ε0")
    summary.set_ylabel(f"J(θ_K) − J* at K = {result.budget} (mean of {result.repeats} seeds)")
    summary.set_title(f"Same budget, each ε0; best against best: {result.best_ratio:.2f}", fontsize=10)
    summary.legend(fontsize=7, loc="upper center", ncol=2)

    linear, const, late, continued, floor = [], [], [], [], []
    after = result.long_steps >= result.budget
    for ax, i in zip(axes[1:], index):
        continued += ax.plot(result.long_steps[after], result.constant_long[after, i],
                             color=PALETTE[1], lw=0.8, alpha=0.5, label="constant ε0, continued")
        const += ax.plot(result.steps, result.constant_excess[:, i], color=PALETTE[1], lw=1.6,
                         label="constant ε0")
        linear += ax.plot(result.steps, result.linear_excess[:, i], color=PALETTE[0], lw=1.6,
                          label="linear decay (eq. 8.14)")
        late += ax.plot(result.steps, result.late_excess[:, i], color=PALETTE[2], lw=1.6, ls="-.",
                        label=f"late linear decay (from k = {result.late_start_step})")
        floor.append(ax.axhline(result.constant_floor[i], color=PALETTE[1], ls="--", lw=1.0,
                                label="floor of constant ε0"))
        ax.axvline(result.budget, color="0.5", ls=":", lw=1)
        ax.text(result.budget, 0.03, f"K = {result.budget} ", transform=ax.get_xaxis_transform(),
                ha="right", va="bottom", fontsize=8, color="0.3")
        ax.set_yscale("log")
        ax.set_ylim(float(min(result.linear_final.min(), result.late_final.min())) / 3.0,
                    float(result.constant_excess[1:, i].max()) * 3.0)
        ax.set_xlabel("iteration k")
        ax.set_ylabel(f"J(θ_k) − J* (mean of {result.repeats} seeds)")
        ax.set_title(f"ε0 = {result.lr0s[i]:g}: at K, linear / constant = {result.ratio[i]:.2f}, "
                     f"late / constant = {result.late_ratio[i]:.2f}", fontsize=9)
        ax.legend(fontsize=7, loc="upper right")
    return Drawn(fig, axes, {"final": tuple(final_lines), "floor final": floor_final, "best": tuple(best_lines),
                             "linear": tuple(linear), "constant": tuple(const), "late": tuple(late),
                             "continued": tuple(continued), "floor": tuple(floor)})
