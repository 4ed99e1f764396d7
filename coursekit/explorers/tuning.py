"""An explorer for choosing ε_0 (book section 8.3.1, claims C4 and C5).

:func:`learning_rate_explorer` shows, for the ε_0 on a log slider, the
learning curve of an SGD run on the digits (softmax regression, the linear
schedule of eq. 8.14) over the sweep's whole budget, next to the curves of
the sweep's best-early and best-final ε_0, and a panel of the sweep's loss
against ε_0 with a marker at the current ε_0. The curves come from
:func:`coursekit.experiments.tuning.short_run`.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_int, check_scalar
from ..experiments.tuning import SweepResult, short_run
from ..plotting import FIGSIZE, PALETTE
from ..widgets import Explorer, log_slider

__all__ = ["learning_rate_explorer"]

_LOW, _HIGH = 1e-3, 30.0
_SLIDER_STEPS = 36  # about 8 positions per decade


def learning_rate_explorer(sweep: SweepResult, *, lr: float | None = None, steps: int | None = None,
                           seed: int = 0, record_every: int = 20) -> Explorer:
    """A log slider for ε_0 ∈ [10⁻³, 30] and the live learning curve it gives.

    Left: J(θ_k) of a ``steps``-step run at the slider's ε_0 with τ = ``steps``
    (default: the sweep's budget, so that the curves end where the sweep
    measured its final cost), recorded every ``record_every`` steps. All
    slider positions, 8 per decade, are computed once in one batched run; a
    value between positions shows the nearest one. Grey reference curves,
    drawn on top, are the sweep's best-early and best-final ε_0 (same
    schedule, same seed). Right: the sweep's mean loss after
    ``sweep.early_step`` iterations and after its budget against ε_0, both
    argmins dashed, and a vertical line at the current ε_0. The settings
    (minibatch size, weight decay, ε_τ/ε_0) are those of ``sweep``. ``lr``
    is the initial ε_0 (default: the practical rule's ``sweep.rule_lr``,
    which differs from both reference rates on the lecture's sweeps).

    The moving artists are ``explorer.artists["curve"]`` (the live curve),
    ``["marker"]`` (the vertical line in the sweep panel) and ``["readout"]``
    (the text under the curve).
    """
    import matplotlib.pyplot as plt

    if not isinstance(sweep, SweepResult):
        raise TypeError(f"sweep must be a SweepResult, got {type(sweep).__name__}")
    budget = int(sweep.steps[-1])
    steps = budget if steps is None else check_int("steps", steps, low=10)
    seed = check_int("seed", seed, low=0)
    record_every = check_int("record_every", record_every, low=1, high=steps)
    lr = sweep.rule_lr if lr is None else check_scalar("lr", lr, _LOW, _HIGH)
    settings = dict(steps=steps, batch_size=sweep.batch_size, final_fraction=sweep.final_fraction,
                    l2=sweep.l2, seed=seed, record_every=record_every)

    # Every position of the slider, precomputed in ONE runner call with a
    # shared minibatch sequence (noise="common"): curve j is exactly the run
    # that ε_0 = grid[j] gives alone, and a move only looks a curve up.
    slider = log_slider("initial learning rate ε₀", _LOW, _HIGH, lr, steps=_SLIDER_STEPS)
    positions = int(round((slider.max - slider.min) / slider.step)) + 1
    grid = 10.0 ** (slider.min + slider.step * np.arange(positions))
    # The two reference rates ride along in the same call (the last two columns).
    ks, runs = short_run(np.concatenate([grid, [sweep.best_early_lr, sweep.best_final_lr]]), **settings)
    curves, reference = runs[:, :-2], runs[:, -2:]

    def nearest(lr0: float) -> int:
        return int(np.argmin(np.abs(np.log(grid) - np.log(lr0))))

    with plt.ioff():
        fig, (ax, ax_sweep) = plt.subplots(1, 2, figsize=(FIGSIZE[0] * 1.6, FIGSIZE[1]),
                                           layout="constrained")
    # The live curve goes underneath: the dashed and dotted references stay
    # visible even when the slider sits on one of their rates.
    (live,) = ax.plot(ks, curves[:, nearest(lr)], color=PALETTE[1], linewidth=2.2, zorder=2,
                      label="ε₀ on the slider")
    ax.plot(ks, reference[:, 0], color="0.35", linestyle="--", linewidth=1.3, zorder=3,
            label=f"best at k = {sweep.early_step}: ε₀ = {sweep.best_early_lr:.3g}")
    ax.plot(ks, reference[:, 1], color="black", linestyle=":", linewidth=1.6, zorder=3,
            label=f"best at k = {budget}: ε₀ = {sweep.best_final_lr:.3g}")
    ax.set_yscale("log")
    ax.set_ylim(0.03, 30.0)
    ax.set_xlabel("iteration k")
    ax.set_ylabel("training cost J(θ_k)")
    ax.set_title(f"{steps} steps, ε linear to {sweep.final_fraction:g}·ε₀ at τ = {steps}")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="upper right", framealpha=0.9)
    readout = ax.text(0.03, 0.04, "", transform=ax.transAxes, fontsize="small")

    ax_sweep.plot(sweep.lrs, sweep.mean_early, "o-", color=PALETTE[1], markersize=3,
                  label=f"sweep, k = {sweep.early_step}")
    ax_sweep.plot(sweep.lrs, sweep.mean_final, "o-", color=PALETTE[0], markersize=3,
                  label=f"sweep, k = {budget}")
    ax_sweep.axvline(sweep.best_early_lr, color=PALETTE[1], linestyle="--", linewidth=1.0,
                     label=f"best at k = {sweep.early_step}: ε₀ = {sweep.best_early_lr:.3g}")
    ax_sweep.axvline(sweep.best_final_lr, color=PALETTE[0], linestyle="--", linewidth=1.0,
                     label=f"best at k = {budget}: ε₀ = {sweep.best_final_lr:.3g}")
    marker = ax_sweep.axvline(lr, color="black", linewidth=1.5, label="ε₀ on the slider")
    ax_sweep.set_xscale("log")
    ax_sweep.set_yscale("log")
    ax_sweep.set_xlim(_LOW, _HIGH)
    ax_sweep.set_xlabel("initial learning rate ε₀")
    ax_sweep.set_ylabel("mean training cost J")
    ax_sweep.set_title("Where the slider sits in the sweep")
    ax_sweep.grid(True, which="major", alpha=0.3)
    ax_sweep.legend(fontsize="small", framealpha=0.9)

    def update(values):
        j = nearest(float(values["lr"]))
        lr0, loss = grid[j], curves[:, j]
        live.set_ydata(loss)
        marker.set_xdata([lr0, lr0])
        last = loss[-1]
        readout.set_text(f"ε₀ = {lr0:.3g}: J after {steps} steps = {last:.4g}, "
                         f"J rose at {np.mean(np.diff(loss) > 0):.0%} of records")

    return Explorer({"lr": slider}, fig, update,
                    animated={"curve": live, "marker": marker, "readout": readout})
