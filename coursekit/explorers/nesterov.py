"""Explorer of the lecture on Nesterov momentum (section 8.3.3, Algorithm 8.3).

:func:`canyon_explorer`: momentum (Algorithm 8.2) against Nesterov
(Algorithm 8.3) on the canyon of Figure 8.5, with sliders for ε and α; the
two paths move live and a line of text gives the iterations each needs to
bring J(θ_k) − J* below a tolerance. The runs themselves are
:func:`coursekit.experiments.nesterov.canyon_runs`, which needs no widgets.
"""

from __future__ import annotations

import ipywidgets
import matplotlib.pyplot as plt

from .. import analysis
from .._validation import check_finite, check_int, check_scalar
from ..experiments.nesterov import canyon_runs
from ..plotting import contour_paths
from ..problems import canyon
from ..widgets import Explorer, cached, log_slider

__all__ = ["canyon_explorer", "hitting_text"]


def hitting_text(name: str, result, tol: float) -> str:
    """"name: N iterations" to J − J* ≤ tol (staying below), or why not.

    Uses :func:`coursekit.analysis.steps_to_tolerance` on the recorded loss.
    """
    if bool(result.diverged):
        return f"{name}: diverged at k = {int(result.diverged_at)}"
    k = analysis.steps_to_tolerance(result.steps, result.loss, tol)
    if k < 0:
        return f"{name}: not within {int(result.steps[-1])} iterations"
    return f"{name}: {k} iterations"


def canyon_explorer(condition_number: float = 50.0, lr: float = 0.015, momentum: float = 0.8,
                    steps: int = 200, tol: float = 1e-4, theta0=(-1.0, 0.5)) -> Explorer:
    """Momentum vs Nesterov on J = ½(θ_1² + κ θ_2²) with ε and α sliders.

    Both start at θ_0 with v = 0 and run ``steps`` updates of eqs. 8.15-8.16
    (momentum) and 8.21-8.22 (Nesterov), through
    :func:`coursekit.experiments.nesterov.canyon_runs`. Moving a slider
    re-runs both (cached per (ε, α)) and moves the existing lines and text.

    Returns
    -------
    Explorer with controls ``lr`` (ε, log scale) and ``momentum`` (α), and
    artists ``"momentum line"``, ``"nesterov line"`` (and ``... start``,
    ``... end`` for their markers) and ``"text"``.
    """
    problem = canyon(condition_number)
    lr = check_scalar("lr", lr, 1e-3, 0.08)
    momentum = check_scalar("momentum", momentum, 0.0, 0.99)
    steps = check_int("steps", steps, low=1, high=5000)
    tol = check_scalar("tol", tol, 0.0, low_open=True)
    start = check_finite("theta0", theta0)
    if start.shape != (2,):
        raise ValueError(f"theta0 must have shape (2,), got shape {start.shape}")

    @cached
    def runs(lr_value, momentum_value):
        return canyon_runs(lr_value, momentum_value, condition_number=condition_number, steps=steps,
                           theta0=start)

    first = runs(lr, momentum)
    labels = {"momentum": "momentum (Algorithm 8.2)", "nesterov": "Nesterov (Algorithm 8.3)"}
    with plt.ioff():
        drawn = contour_paths(problem, [first[name].theta for name in labels], list(labels.values()),
                              extent=(-1.2, 1.2, -0.8, 0.8), markers=False,
                              levels=12, title="Momentum vs Nesterov on the canyon: move ε and α")
    fig, ax = drawn
    paths = {name: drawn.paths[label] for name, label in labels.items()}
    # A fixed place: the default "best" searches all the contour data on every draw.
    ax.get_legend().set_loc("upper right")
    text = ax.text(0.02, 0.03, "", transform=ax.transAxes, fontsize="small", va="bottom",
                   bbox=dict(facecolor="white", alpha=0.85, edgecolor="0.7"))

    def update(values):
        now = runs(values["lr"], values["momentum"])
        for name, artists in paths.items():
            artists.set_path(now[name].theta)
        text.set_text(f"iterations to J − J* ≤ {tol:g}:\n"
                      + hitting_text("momentum", now["momentum"], tol) + "\n"
                      + hitting_text("Nesterov", now["nesterov"], tol))

    controls = {
        "lr": log_slider("learning rate ε", 1e-3, 0.08, lr),
        "momentum": ipywidgets.FloatSlider(value=momentum, min=0.0, max=0.99, step=0.01,
                                           description="momentum α"),
    }
    # Drawn over a kept background in this order: the markers stay on top of both paths.
    moving = {f"{name} {part}": getattr(artists, part)
              for part in ("line", "start", "end") for name, artists in paths.items()}
    moving["text"] = text
    return Explorer(controls, fig, update, animated=moving)
