"""The figure of the network section of lecture 06: final cost against the effective step.

:func:`effective_step_figure` takes a result of
:func:`coursekit.experiments.network_momentum.network_momentum` and returns a
:class:`~coursekit.plotting.Drawn` that unpacks as ``(fig, axes)`` and names
its lines ``"<setting> <method>"``, e.g. ``"minibatch SGD"`` or
``"full batch momentum"``.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance
from ..experiments.network_momentum import NetworkMomentum
from ..plotting import PALETTE, Drawn

__all__ = ["effective_step_figure"]

_CHANCE = np.log(10.0)  # J of a network that predicts the label frequencies of 10 balanced classes


def effective_step_figure(result: NetworkMomentum) -> Drawn:
    """Two panels (minibatch, full batch): final J against ε/(1 − α), per seed (dots) and mean (line).

    SGD (Algorithm 8.1) is plotted at ε_eff = ε; momentum (Algorithm 8.2) and
    Nesterov (Algorithm 8.3) at ε_eff = ε/(1 − α). Seeds that diverged are
    left out of the mean and drawn nowhere (the table counts them); the
    dotted line is log 10, the cost of predicting the label frequencies.
    """
    import matplotlib.pyplot as plt

    check_instance("result", result, NetworkMomentum)
    fig, axes = plt.subplots(1, 2, figsize=(10.0, 4.0), sharex=True, sharey=True)
    lines = {}
    titles = {"minibatch": f"minibatches of m = {result.batch_size} (with replacement)",
              "full batch": "full batch (no gradient noise)"}
    markers = {"SGD": "o", "GD": "o", "momentum": "s", "Nesterov": "^"}
    for ax, setting in zip(axes, ("minibatch", "full batch")):
        for j, runs in enumerate(result.runs(setting)):
            eff = runs.effective_lr
            color = PALETTE[j]
            for s in range(runs.seeds):
                ax.plot(eff, runs.final_loss[s], markers[runs.method], color=color, alpha=0.35,
                        markersize=4, linestyle="none")
            (line,) = ax.plot(eff, runs.mean_loss(), "-", marker=markers[runs.method], color=color,
                              label=f"{runs.method}" + ("" if runs.momentum == 0 else f", α = {runs.momentum:g}"))
            lines[f"{setting} {runs.method}"] = line
        ax.axhline(_CHANCE, color="0.4", linestyle=":", linewidth=1.0, label="log 10 (label frequencies)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("effective step ε/(1 − α)")
        ax.set_title(titles[setting], fontsize="medium")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize="small", loc="lower left", framealpha=0.9)
    axes[0].set_ylabel(f"training cost J after {result.steps} updates")
    fig.suptitle("Digits MLP: at small effective steps the methods coincide; without gradient noise\n"
                 "momentum keeps training past the step where gradient descent stalls",
                 fontsize="medium")
    fig.tight_layout()
    return Drawn(fig, tuple(axes), lines)
