"""Explorers of the momentum lecture (section 8.3.2, Figure 8.5).

- :func:`canyon_explorer`: sliders ε, α and κ; the paths of gradient
  descent and momentum on the canyon J(θ) = ½(θ₁² + κ θ₂²), redrawn live,
  with the iterations each needs to reach a tolerance.
- :func:`rate_map_explorer`: the heavy-ball rate over (ε·L, α) for a κ
  (one heat map per κ, computed once and cached), with a marker that
  follows the ε and α sliders and its rate ρ printed.

Both only move existing artists in their update; runs and maps are cached
with :func:`coursekit.widgets.cached`.
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from .. import momentum_theory as theory
from .. import optimizers
from .._validation import check_int, check_scalar
from ..analysis import steps_to_tolerance
from ..experiments.momentum import rate_map
from ..plotting import PALETTE
from ..problems import canyon
from ..runner import run
from ..widgets import Explorer, cached, log_slider

__all__ = ["canyon_explorer", "canyon_paths", "count_text", "rate_map_explorer", "rate_text",
           "relative_speed"]

#: Start of every canyon run, far along the valley and off its floor.
THETA0 = (-10.0, 1.0)

#: Radii along θ₁ of the contour ellipses J = r²/2 drawn in the canyon explorer.
_RADII = np.geomspace(0.25, 14.0, 12)
_ANGLES = np.linspace(0.0, 2.0 * np.pi, 181)


@cached(maxsize=128)
def canyon_paths(lr: float, momentum: float, condition_number: float, steps: int = 300,
                 tol: float = 1e-6):
    """(GD path (R, 2), momentum path (R, 2), GD steps, momentum steps) on the canyon.

    One batched run of Algorithm 8.2 (:func:`coursekit.optimizers.momentum`
    through :func:`coursekit.runner.run`) with the same ε and α = (0,
    momentum), from θ_0 = THETA0 on J(θ) = ½(θ₁² + κ θ₂²): α = 0 is
    gradient descent. The step counts are the iterations until J − J*
    stays ≤ ``tol`` (−1: never within ``steps``, or diverged). A diverging
    path is NaN from the step the runner finds it diverged. Cached on its
    arguments.
    """
    problem = canyon(condition_number)
    result = run(problem, optimizers.momentum(lr, np.array([0.0, momentum])), THETA0, steps,
                 keep_path=True)
    hit = steps_to_tolerance(result.steps, result.loss - problem.min_loss, tol)
    return result.theta[:, 0], result.theta[:, 1], int(hit[0]), int(hit[1])


def count_text(gd_steps: int, momentum_steps: int, steps: int, tol: float) -> str:
    """The explorer's caption: iterations to J − J* ≤ tol for each method."""
    def show(n):
        return f"{n}" if n > 0 else f"> {steps} (not reached)"

    text = f"steps to J−J* ≤ {tol:g}: GD {show(gd_steps)}, momentum {show(momentum_steps)}"
    if gd_steps > 0 and momentum_steps > 0:
        text += f" ({gd_steps / momentum_steps:.1f}×)"
    return text


def canyon_explorer(lr: float = 2.0 / 51.0, momentum: float = 0.643, condition_number: float = 50.0,
                    *, steps: int = 300, tol: float = 1e-6) -> Explorer:
    """Sliders ε, α, κ over the canyon paths of gradient descent and momentum.

    Both methods use the same ε; gradient descent has α = 0. The contour
    ellipses J = r²/2 (semi-axes r and r/√κ) are moved when κ changes, so
    no artist is created after the first drawing. The moving artists are
    named (``Explorer.artists``): ``"contour 0"`` (innermost) to
    ``"contour 11"``, ``"gd path"``, ``"momentum path"``, ``"start"``,
    ``"minimum"``, ``"caption"`` and ``"title"``.
    """
    lr = check_scalar("lr", lr, 1e-4, 0.2)
    momentum = check_scalar("momentum", momentum, 0.0, 0.99)
    condition_number = check_scalar("condition_number", condition_number, 2.0, 200.0)
    steps = check_int("steps", steps, low=10, high=5000)
    tol = check_scalar("tol", tol, 0.0, low_open=True)

    import matplotlib.pyplot as plt
    with plt.ioff():
        fig, ax = plt.subplots(figsize=(7.0, 4.0), dpi=80, layout="constrained")
    ellipses = [ax.plot([], [], color="0.7", linewidth=0.8, zorder=1)[0] for _ in _RADII]
    # GD's zig-zag fills the canyon's width: thin and light, with momentum drawn over it.
    (gd_line,) = ax.plot([], [], color=PALETTE[0], marker="o", markersize=2.0, linewidth=0.7, alpha=0.6,
                         label="gradient descent (α = 0)", zorder=3)
    (m_line,) = ax.plot([], [], color=PALETTE[1], marker="o", markersize=3.0, linewidth=1.8,
                        label="momentum (same ε)", zorder=3.5)
    (start,) = ax.plot([THETA0[0]], [THETA0[1]], marker="s", markersize=7, color="white",
                       markeredgecolor="black", linestyle="none", zorder=4)
    (minimum,) = ax.plot([0.0], [0.0], marker="*", markersize=14, color=PALETTE[7],
                         markeredgecolor="black", linestyle="none", zorder=5)
    # Few, short texts: drawing glyphs is most of the cost of a redraw.
    ax.legend(handles=[gd_line, m_line], fontsize="small", loc="lower right", framealpha=0.9)
    caption = ax.text(0.01, 0.98, "", transform=ax.transAxes, va="top", fontsize="small",
                      bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"), zorder=6)
    # Room right of θ* = 0 for the overshoot along the canyon at large α (θ₁ reaches 6.7 at α = 0.95).
    ax.set_xlim(-11.0, 7.0)
    ax.set_ylim(-1.8, 1.8)
    # Few ticks: rasterizing tick labels is most of the cost of a redraw.
    ax.set_xticks([-10.0, -5.0, 0.0, 5.0])
    ax.set_yticks([-1.0, 0.0, 1.0])
    ax.set_xlabel("θ₁ (along the canyon)")
    ax.set_ylabel("θ₂ (across)")
    title = ax.set_title("")

    def update(values):
        kappa = float(values["condition_number"])
        for line, r in zip(ellipses, _RADII):
            line.set_data(r * np.cos(_ANGLES), r / np.sqrt(kappa) * np.sin(_ANGLES))
        gd, mom, n_gd, n_m = canyon_paths(float(values["lr"]), float(values["momentum"]), kappa, steps, tol)
        gd_line.set_data(gd[:, 0], gd[:, 1])
        m_line.set_data(mom[:, 0], mom[:, 1])
        caption.set_text(count_text(n_gd, n_m, steps, tol))
        title.set_text(f"Canyon κ = {kappa:.4g} (□ start, ★ minimum)")

    controls = {
        "lr": log_slider("learning rate ε", 1e-3, 0.1, lr),
        "momentum": ipywidgets.FloatSlider(value=momentum, min=0.0, max=0.99, step=0.01,
                                           description="momentum α", continuous_update=True),
        "condition_number": log_slider("condition number κ", 2.0, 200.0, condition_number),
    }
    # Drawn over a kept background in this order (the markers stay on top of the paths).
    moving = {f"contour {i}": line for i, line in enumerate(ellipses)}
    moving.update({"gd path": gd_line, "momentum path": m_line, "start": start, "minimum": minimum,
                   "caption": caption, "title": title})
    return Explorer(controls, fig, update, animated=moving)


def _rate_map(condition_number: float):
    return rate_map(condition_number, n_lr=161, n_momentum=100)


def relative_speed(rate: np.ndarray, best_rate: float) -> np.ndarray:
    """(1 − ρ)/(1 − ρ*): 1 at the optimum, 0 at the edge of stability, −1 beyond it.

    Iterations per factor e of error scale like 1/(1 − ρ), so this is the speed
    of (ε, α) as a fraction of the best speed for the same κ. Shown on a fixed
    0-1 colour scale, the map keeps its colour bar for every κ (the explorer
    then only redraws the image) while the good region visibly narrows as κ grows.

    >>> relative_speed(np.array([0.5, 0.75, 1.0, 1.2]), 0.5).tolist()
    [1.0, 0.5, -1.0, -1.0]
    """
    speed = (1.0 - rate) / (1.0 - best_rate)
    return np.where(rate < 1.0, speed, -1.0)


def rate_text(lr_L: float, momentum: float, condition_number: float) -> str:
    """The explorer's caption: ρ at (ε·L, α) against the optimum for κ."""
    rate = theory.spectrum_rate(lr_L, momentum, 1.0 / condition_number, 1.0)
    best = theory.optimal_parameters(1.0 / condition_number, 1.0)[2]
    shown = "≥ 1 (diverges)" if rate >= 1.0 else f"{rate:.4f}"
    return f"ρ = {shown}, optimum ρ* = {best:.4f}"


def rate_map_explorer(lr_L: float = 2.0, momentum: float = 0.5, condition_number: float = 100.0) -> Explorer:
    """Sliders ε·L, α, κ over the heavy-ball rate map (Polyak, 1964; Goh, 2017).

    The map shows :func:`relative_speed` on a fixed colour scale. It is
    computed once per κ (cached); a κ move swaps the image data and moves the
    optimum, an (ε, α) move only moves the marker and the text. The moving
    artists are named (``Explorer.artists``): ``"image"``, ``"edge"``,
    ``"optimum"``, ``"marker"``, ``"caption"`` and ``"title"``.
    """
    lr_L = check_scalar("lr_L", lr_L, 0.01, 4.0)
    momentum = check_scalar("momentum", momentum, 0.0, 0.99)
    condition_number = check_scalar("condition_number", condition_number, 2.0, 1e4)

    import matplotlib.pyplot as plt

    first = _rate_map(condition_number)
    with plt.ioff():
        fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=80, layout="constrained")
    import matplotlib as mpl

    cmap = mpl.colormaps["viridis_r"].with_extremes(under="0.75")  # grey: unstable
    image = ax.imshow(relative_speed(first.rate, first.best_rate), origin="lower", aspect="auto",
                      cmap=cmap, norm=mpl.colors.Normalize(vmin=0.0, vmax=1.0),
                      extent=(first.lr_L[0], first.lr_L[-1], first.momenta[0], first.momenta[-1]),
                      interpolation="nearest")
    colorbar = fig.colorbar(image, ax=ax, label="speed (1 − ρ)/(1 − ρ*), 1 = optimum", extend="min")
    colorbar.set_ticks([0.0, 0.5, 1.0])
    # White line: the stability boundary ε·L = 2 + 2α (the same for every κ).
    (edge,) = ax.plot(first.boundary_lr_L, first.boundary_momenta, color="white", linewidth=2.0)
    (best,) = ax.plot([], [], marker="*", markersize=15, color=PALETTE[7], markeredgecolor="black",
                      linestyle="none")
    (marker,) = ax.plot([], [], marker="o", markersize=10, color=PALETTE[1], markeredgecolor="white",
                        markeredgewidth=1.5, linestyle="none")
    caption = ax.text(0.01, 0.98, "", transform=ax.transAxes, va="top", fontsize="small",
                      bbox=dict(facecolor="white", alpha=0.85, edgecolor="none"))
    ax.set_xticks([0.0, 1.0, 2.0, 3.0, 4.0])
    ax.set_yticks([0.0, 0.5, 0.9])
    ax.set_ylim(-0.03, first.momenta[-1])  # a marker at α = 0 stays whole
    ax.set_xlabel("learning rate × largest eigenvalue, ε·L")
    ax.set_ylabel("momentum α")
    title = ax.set_title("")

    def update(values):
        kappa = float(values["condition_number"])
        result = _rate_map(kappa)
        image.set_data(relative_speed(result.rate, result.best_rate))
        best.set_data([result.best_lr_L], [result.best_momentum])
        marker.set_data([values["lr_L"]], [values["momentum"]])
        caption.set_text(rate_text(float(values["lr_L"]), float(values["momentum"]), kappa))
        title.set_text(f"κ = {kappa:.4g}: ● sliders, ★ optimum, white: stability edge")

    controls = {
        "lr_L": ipywidgets.FloatSlider(value=lr_L, min=0.01, max=4.0, step=0.01, description="ε·L",
                                       continuous_update=True),
        "momentum": ipywidgets.FloatSlider(value=momentum, min=0.0, max=0.99, step=0.01,
                                           description="momentum α", continuous_update=True),
        "condition_number": log_slider("condition number κ", 2.0, 1e4, condition_number),
    }
    # The image changes with κ; the white edge and the markers are drawn over it.
    moving = {"image": image, "edge": edge, "optimum": best, "marker": marker, "caption": caption,
              "title": title}
    return Explorer(controls, fig, update, animated=moving)
