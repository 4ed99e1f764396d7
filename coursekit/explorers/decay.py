"""Explorer of lecture 01: the linear schedule of eq. 8.14, live.

:func:`schedule_explorer` shows ε_k = (1 − k/τ) ε0 + (k/τ) ε_τ (constant
after τ; Goodfellow, Bengio & Courville, 2016, §8.3.1, eq. 8.14) and the SGD
learning curve it produces on the lecture's noisy quadratic
(:func:`coursekit.experiments.decay.noisy_quadratic`), next to constant ε0.
"""

from __future__ import annotations

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from ..experiments.decay import noisy_quadratic
from ..optimizers import sgd
from ..plotting import PALETTE
from ..runner import run
from ..schedules import linear_decay
from ..widgets import Explorer, cached, log_slider

__all__ = ["schedule_curves", "schedule_explorer"]

_STEPS = 300
_RECORD_EVERY = 3  # 101 points draw the same curve at a third of the loss evaluations
_REPEATS = 8
_START = 3.0
_SEED = 0


_PROBLEM = noisy_quadratic()


def _mean_excess(lr) -> np.ndarray:
    # The same seed for every schedule (common random numbers): two curves
    # differ only through ε_k, never through luck.
    result = run(_PROBLEM, sgd(lr), np.full(_PROBLEM.dim, _START), _STEPS, batch_size=1,
                 rng=np.random.default_rng(_SEED), repeats=_REPEATS, record_every=_RECORD_EVERY)
    return (result.loss - _PROBLEM.min_loss).mean(axis=1)


@cached
def _constant_curve(lr0: float) -> np.ndarray:
    return _mean_excess(lr0)


@cached
def _linear_curve(lr0: float, ratio: float, tau: int) -> np.ndarray:
    return _mean_excess(linear_decay(lr0, ratio * lr0, tau))


def schedule_curves(lr0: float, ratio: float, tau: int) -> tuple:
    """(k, ε_k, mean J − J* with eq. 8.14, mean J − J* with constant ε0) as arrays.

    k = 0..300 (ε_k is NaN at k = 0, before any update); the means are over
    8 seeds of SGD with m = 1 on the noisy quadratic, started at θ_0 = 3·1,
    recorded at every third iteration (k = 0, 3, ..., 300).
    """
    lr0 = float(lr0)
    ratio = float(ratio)
    if not (0.0 < lr0 < 1.0):
        raise ValueError(f"lr0 must be in (0, 1) for stability on this problem, got {lr0!r}")
    if not (0.0 < ratio <= 1.0):
        raise ValueError(f"ratio must be in (0, 1], got {ratio!r}")
    if isinstance(tau, bool) or int(tau) != tau or tau < 1:
        raise ValueError(f"tau must be an integer >= 1, got {tau!r}")
    k = np.arange(_STEPS + 1)
    lr = np.full(_STEPS + 1, np.nan)
    lr[1:] = linear_decay(lr0, ratio * lr0, int(tau))(k[1:])
    return k, lr, _linear_curve(lr0, ratio, int(tau)), _constant_curve(lr0)


def schedule_explorer(lr0: float = 0.3, ratio: float = 0.01, tau: int = 200) -> Explorer:
    """Sliders ε0 (log), ε_τ/ε0 (log, 0.001-1) and τ; the schedule (top) and the
    learning curve (bottom, log y) redraw in place, with constant ε0 as reference.

    The moving artists are named (``Explorer.artists``): ``"linear rate"``,
    ``"constant rate"``, ``"linear curve"``, ``"constant curve"`` and
    ``"readout"``. Each move reruns at most two SGD curves of 300 steps × 8
    seeds with :func:`coursekit.runner.run` (cached: moving ε_τ/ε0 or τ does not rerun
    the constant-ε0 reference).
    """
    k, lr, linear, const = schedule_curves(lr0, ratio, tau)
    with plt.ioff():
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.0, 5.6), sharex=True,
                                          layout="constrained")
    (lr_line,) = top.plot(k, lr, color=PALETTE[0], label="linear decay (eq. 8.14)")
    (lr_const,) = top.plot(k, np.where(k > 0, lr0, np.nan), color=PALETTE[1], ls="--",
                           label="constant ε0")
    top.set_ylim(0.0, 0.95)   # linear axis: eq. 8.14 is a straight line, then flat
    top.set_ylabel("learning rate ε_k")
    top.set_title("Eq. 8.14: decay linearly to ε_τ until τ, then stay constant", fontsize=10)
    top.legend(fontsize=8, loc="lower left")
    k_recorded = k[::_RECORD_EVERY]
    (curve_line,) = bottom.plot(k_recorded, linear, color=PALETTE[0], label="linear decay")
    (curve_const,) = bottom.plot(k_recorded, const, color=PALETTE[1], ls="--", label="constant ε0")
    bottom.set_yscale("log")
    bottom.set_ylim(1e-4, 2.0 * float(linear[0]))
    bottom.set_xlabel("iteration k")
    bottom.set_ylabel("J(θ_k) − J* (mean of 8 seeds)")
    bottom.legend(fontsize=8, loc="upper right")
    readout = bottom.text(0.02, 0.04, "", transform=bottom.transAxes, fontsize=9)

    def update(values):
        k_, lr_, linear_, const_ = schedule_curves(values["lr0"], values["ratio"], values["tau"])
        lr_line.set_ydata(lr_)
        lr_const.set_ydata(np.where(k_ > 0, values["lr0"], np.nan))
        curve_line.set_ydata(linear_)
        curve_const.set_ydata(const_)
        readout.set_text(f"final J − J*: linear {linear_[-1]:.3g}, constant {const_[-1]:.3g}")

    controls = {
        "lr0": log_slider("ε0", 0.01, 0.9, lr0),
        "ratio": log_slider("ε_τ / ε0", 0.001, 1.0, ratio),
        "tau": ipywidgets.IntSlider(value=tau, min=10, max=_STEPS, step=10, description="τ",
                                    continuous_update=True),
    }
    moving = {"linear rate": lr_line, "constant rate": lr_const, "linear curve": curve_line,
              "constant curve": curve_const, "readout": readout}
    return Explorer(controls, fig, update, animated=moving)
