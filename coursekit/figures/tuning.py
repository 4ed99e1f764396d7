"""Figures for choosing ε_0 (book section 8.3.1, claims C4 and C5).

- :func:`curves_figure`: learning curves for a too small, a good and a too
  large ε (C4), log y against iteration k.
- :func:`too_small_figure`: a too small ε_0 under eq. 8.14 long past τ,
  with its two controls (C4): J(θ_k) and ε_k against k.
- :func:`sweep_figure`: loss after the first iterations and after the whole
  budget against ε_0 (mean ± seed range), with both argmins marked, and the
  steps needed to reach a target cost (C5).
- :func:`weight_decay_figure`: the final excess J − J* against ε_0 for
  several weight decays λ (C5): how much is left to gain within the budget.

Both return a :class:`~coursekit.plotting.Drawn`: it unpacks as
``(fig, ax)`` and names its lines.
"""

from __future__ import annotations

import numpy as np

from ..experiments.tuning import CurvesResult, StuckResult, SweepResult
from ..plotting import FIGSIZE, PALETTE, Drawn, learning_curves

__all__ = ["curves_figure", "sweep_figure", "too_small_figure", "weight_decay_figure"]


def _regime_labels(result: CurvesResult) -> list[str]:
    names = {0: "too small", len(result.lrs) - 1: "too large"}
    return [f"ε = {lr:g} ({names.get(i, 'good')})" for i, lr in enumerate(result.lrs)]


def curves_figure(result: CurvesResult) -> Drawn:
    """J(θ_k) of SGD for each constant ε of a :class:`CurvesResult`, log y.

    The smallest ε is labelled "too small", the largest "too large", the
    others "good". A dotted line marks J(θ_0). Lines: ``"curves"`` (one per
    ε of ``result.lrs``) and ``"start"`` (J(θ_0)).
    """
    if not isinstance(result, CurvesResult):
        raise TypeError(f"result must be a CurvesResult, got {type(result).__name__}")
    curves = learning_curves(
        result.steps, result.loss, _regime_labels(result), ylabel="training cost J(θ_k)",
        title="Too small crawls, too large makes the cost rise",
    )
    fig, ax = curves
    start = ax.axhline(result.start_loss, color="0.5", linestyle=":", linewidth=1.0,
                       label=f"J(θ₀) = {result.start_loss:.3f}")
    # Between the good and the too-small curves, clear of the too-large one.
    ax.legend(fontsize="small", framealpha=0.9, loc="lower left", bbox_to_anchor=(0.3, 0.12))
    return Drawn(fig, ax, {"curves": tuple(curves.lines.values()), "start": start})


def too_small_figure(result: StuckResult) -> Drawn:
    """Two panels for a :class:`StuckResult`, shared x = iteration k.

    Left: J(θ_k) of the three runs, log y, with J* dotted and τ dashed.
    Right: the rates ε_k they use (eq. 8.14, or constant), log y. Lines:
    ``"curves"`` and ``"rates"`` (one per run), ``"min"`` (J*), ``"tau"``.
    """
    import matplotlib.pyplot as plt

    if not isinstance(result, StuckResult):
        raise TypeError(f"result must be a StuckResult, got {type(result).__name__}")
    fig, (ax, ax_lr) = plt.subplots(1, 2, figsize=(FIGSIZE[0] * 1.7, FIGSIZE[1]), layout="constrained")
    colors = (PALETTE[0], PALETTE[1], PALETTE[2])
    curves = learning_curves(result.steps, result.loss, list(result.labels), ax=ax, colors=colors,
                             ylabel="training cost J(θ_k)",
                             title="After τ the small decayed run barely moves")
    minimum = ax.axhline(result.min_loss, color="0.4", linestyle=":", linewidth=1.2,
                         label=f"J* = {result.min_loss:.4f}")
    tau = ax.axvline(result.tau, color="0.5", linestyle="--", linewidth=1.0, label=f"τ = {result.tau}")
    # Headroom above the curves so that the legend hides none of them.
    ax.set_ylim(0.8 * result.min_loss, 6.0 * float(np.nanmax(result.loss)))
    ax.legend(fontsize="small", framealpha=0.9, loc="upper right")
    rates = [ax_lr.plot(result.steps, result.lr[:, j], color=colors[j], linewidth=1.6, label=label)[0]
             for j, label in enumerate(result.labels)]
    ax_lr.axvline(result.tau, color="0.5", linestyle="--", linewidth=1.0)
    ax_lr.set_yscale("log")
    ax_lr.set_xlabel("iteration k")
    ax_lr.set_ylabel("learning rate ε_k")
    ax_lr.set_title("The rates: eq. 8.14 falls to ε_τ = 1% of ε₀ at τ")
    ax_lr.grid(True, which="major", alpha=0.3)
    ax_lr.legend(fontsize="small", framealpha=0.9, loc="upper right")
    return Drawn(fig, (ax, ax_lr), {"curves": tuple(curves.lines.values()), "rates": tuple(rates),
                                    "min": minimum, "tau": tau})


def _mark(ax, x: float, color: str, label: str):
    return ax.axvline(x, color=color, linestyle="--", linewidth=1.2, label=label)


def sweep_figure(result: SweepResult) -> Drawn:
    """Two panels for a :class:`SweepResult`, log x.

    Left: mean J after ``early_step`` iterations and after the whole budget
    against ε_0, the band spanning the seeds (min to max), dashed lines at
    the two argmins. Right: median steps to reach the target cost against
    ε_0 (rates that never reach it are left out), the fastest ε_0 marked.
    Lines: ``"early"`` and ``"final"`` (the means), ``"best early"`` and
    ``"best final"`` (the argmins), ``"steps to target"``, and ``"fastest"``
    when some ε_0 reaches the target.
    """
    import matplotlib.pyplot as plt

    if not isinstance(result, SweepResult):
        raise TypeError(f"result must be a SweepResult, got {type(result).__name__}")
    fig, axes = plt.subplots(1, 2, figsize=(FIGSIZE[0] * 1.7, FIGSIZE[1]), layout="constrained")
    ax = axes[0]
    budget = int(result.steps[-1])
    lines = {}
    for name, losses, mean, color, label in (
        ("early", result.early_loss, result.mean_early, PALETTE[1], f"after k = {result.early_step}"),
        ("final", result.final_loss, result.mean_final, PALETTE[0], f"after k = {budget}"),
    ):
        ax.fill_between(result.lrs, np.nanmin(losses, axis=0), np.nanmax(losses, axis=0),
                        color=color, alpha=0.25, linewidth=0)
        (lines[name],) = ax.plot(result.lrs, mean, "o-", color=color, markersize=4, label=label)
    lines["best early"] = _mark(ax, result.best_early_lr, PALETTE[1],
                                f"best at k = {result.early_step}: ε₀ = {result.best_early_lr:.3g}")
    lines["best final"] = _mark(ax, result.best_final_lr, PALETTE[0],
                                f"best at k = {budget}: ε₀ = {result.best_final_lr:.3g}")
    if result.min_loss > 0:
        lines["min"] = ax.axhline(result.min_loss, color="0.4", linestyle=":", linewidth=1.2,
                                  label=f"J* = {result.min_loss:.4f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("initial learning rate ε₀")
    ax.set_ylabel("training cost J (mean, band = seed range)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", framealpha=0.9)

    ax = axes[1]
    reached = np.isfinite(result.median_steps_to_target)
    (lines["steps to target"],) = ax.plot(
        result.lrs[reached], result.median_steps_to_target[reached], "s-", color=PALETTE[2],
        markersize=4, label=f"median steps until J stays ≤ {result.target:g}")
    if np.isfinite(result.fastest_lr):
        lines["fastest"] = _mark(ax, result.fastest_lr, PALETTE[2], f"fastest: ε₀ = {result.fastest_lr:.3g}")
    ax.set_xscale("log")
    ax.set_xlim(axes[0].get_xlim())
    ax.set_xlabel("initial learning rate ε₀")
    ax.set_ylabel("iterations k to reach the target")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", framealpha=0.9)
    if result.at_grid_edge:
        # The best may lie beyond the grid: a ratio to the early pick would be the grid's.
        title = (f"The best final ε₀ is the largest of the grid, {result.best_final_lr:.3g} "
                 f"(weight decay {result.l2:g})")
    else:
        title = (f"The best final ε₀ is {result.final_to_early_ratio:.3g}× the best-looking ε₀ "
                 f"at k = {result.early_step} (weight decay {result.l2:g})")
    fig.suptitle(title)
    return Drawn(fig, tuple(axes), lines)


def weight_decay_figure(results) -> Drawn:
    """The final excess J − J* against ε_0, one line per :class:`SweepResult` (one per λ), log-log.

    J* is each sweep's ``min_loss`` (0 without weight decay, where the line is J
    itself). An open circle marks the best ε_0 at ``early_step``, a filled one the
    best at the end. Lines: ``"excess"`` (one per sweep), ``"best early"`` and
    ``"best final"`` (the markers, one per sweep).
    """
    import matplotlib.pyplot as plt

    results = tuple(results)
    if not results or not all(isinstance(r, SweepResult) for r in results):
        raise TypeError("results must be a non-empty sequence of SweepResult")
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    excess, early, final = [], [], []
    for j, result in enumerate(results):
        color = PALETTE[j % len(PALETTE)]
        floor = "J" if result.min_loss == 0 else f"J − J*, J* = {result.min_loss:.3g}"
        (line,) = ax.plot(result.lrs, result.mean_final - result.min_loss, "-", color=color,
                          linewidth=1.6, label=f"λ = {result.l2:g}: {floor}")
        excess.append(line)
        for picks, lr, face in ((early, result.best_early_lr, "white"), (final, result.best_final_lr, color)):
            i = int(np.flatnonzero(result.lrs == lr)[0])
            picks.append(ax.plot([lr], [result.mean_final[i] - result.min_loss], "o", color=color,
                                 markerfacecolor=face, markersize=7, zorder=3)[0])
    # Legend entries for the two kinds of marker, in neutral grey.
    ax.plot([], [], "o", color="0.4", markerfacecolor="white", label="best ε₀ at the early look")
    ax.plot([], [], "o", color="0.4", label="best ε₀ at the end")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("initial learning rate ε₀")
    ax.set_ylabel(f"final excess cost after k = {int(results[0].steps[-1])} (mean over seeds)")
    ax.set_title("Final excess per weight decay: early pick (open), final pick (filled)")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", framealpha=0.9, loc="lower left")
    return Drawn(fig, ax, {"excess": tuple(excess), "best early": tuple(early), "best final": tuple(final)})
