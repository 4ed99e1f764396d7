"""Explorer of the lecture on momentum as physics (section 8.3.2, eqs. 8.18-8.20).

:func:`drag_explorer`: choose the drag law (viscous, turbulent, dry), its
coefficient c and the initial velocity v_0; the particle's path on the cost
surface and its phase portrait (position against velocity, per coordinate)
are redrawn in place. Needs ipywidgets, like :mod:`coursekit.widgets`.
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from .. import physics
from .._validation import check_finite, check_scalar
from ..experiments import physics as experiments
from ..plotting import PALETTE, contour_paths
from ..widgets import Explorer, cached, log_slider

__all__ = ["drag_explorer", "phase_limits", "simulate_drag"]

_DRAG_COLORS = {"viscous": PALETTE[0], "turbulent": PALETTE[1], "dry": PALETTE[2]}
_EXTENT = (-3.5, 3.5, -2.2, 2.2)


@cached(maxsize=128)
def simulate_drag(drag: str, coefficient: float, velocity0: tuple, theta0: tuple = (-2.5, 1.5),
                  condition_number: float = 4.0, step: float = 0.05, steps: int = 500):
    """The particle on J = ½(θ₁² + κθ₂²) under one drag (eqs. 8.18-8.20), memoized.

    Semi-implicit Euler (:func:`coursekit.physics.simulate`) with time step
    h = ``step``. Returns (theta, velocity), each of shape (steps + 1, 2),
    read-only.
    """
    problem = experiments.surface(condition_number)
    path = physics.simulate(problem, np.array(theta0, dtype=float), np.array(velocity0, dtype=float),
                            drag=drag, coefficient=coefficient, step=step, steps=steps)
    return path.theta, path.velocity


def phase_limits(theta, velocity, *, margin: float = 0.1, quantum: float = 1.0):
    """Axis limits of the phase portrait that fit the data: ((x0, x1), (y0, y1)).

    The range of all positions (x) and velocities (y), with θ* = (0, 0) always
    inside, widened by ``margin`` of its span and rounded outwards to a multiple
    of ``quantum``, so that small slider moves keep the same limits.

    Examples
    --------
    >>> phase_limits(np.array([[-2.5, 1.5], [0.1, 0.0]]), np.array([[0.0, 0.0], [1.2, -1.9]]))
    ((-3.0, 2.0), (-3.0, 2.0))
    """
    def fit(values):
        values = np.asarray(values, dtype=float)
        values = values[np.isfinite(values)]
        lo, hi = min(0.0, float(values.min(initial=0.0))), max(0.0, float(values.max(initial=0.0)))
        pad = margin * max(hi - lo, quantum)
        return (float(np.floor((lo - pad) / quantum) * quantum),
                float(np.ceil((hi + pad) / quantum) * quantum))

    return fit(theta), fit(velocity)


def drag_explorer(*, drag: str = "viscous", coefficient: float = 1.0, velocity0=(0.0, 0.0),
                  theta0=(-2.5, 1.5), condition_number: float = 4.0, step: float = 0.05,
                  time: float = 25.0) -> Explorer:
    """Path on the cost surface and phase portrait, live, for each drag law.

    Controls: ``drag`` (dropdown), ``coefficient`` (c, log slider 0.05-3),
    ``v1`` and ``v2`` (the initial velocity, -3 to 3). Left: the path on the
    contours of J = ½(θ₁² + κθ₂²), with the dry-friction band ‖∇J‖ ≤ c
    shaded when dry friction is chosen. Right: θ_i against v_i for both
    coordinates. The text reports the distance to θ* and the speed at time T. The
    phase axes follow the data (:func:`phase_limits`).
    The moving artists are named (``Explorer.artists``): ``"path"``,
    ``"end"`` (θ(T)), ``"band"``, ``"phase1"``, ``"phase2"`` and ``"status"``.
    """
    if drag not in experiments.LECTURE_DRAGS:
        raise ValueError(f"drag must be one of {experiments.LECTURE_DRAGS}, got {drag!r}")
    coefficient = check_scalar("coefficient", coefficient, 0.05, 3.0)
    v0 = check_finite("velocity0", velocity0)
    if v0.shape != (2,) or np.any(np.abs(v0) > 3.0):
        raise ValueError(f"velocity0 must be two numbers in [-3, 3], got {velocity0!r}")
    start = check_finite("theta0", theta0)
    if start.shape != (2,):
        raise ValueError(f"theta0 must have shape (2,), got shape {start.shape}")
    kappa = check_scalar("condition_number", condition_number, 1.0)
    h = check_scalar("step", step, 0.0, 0.05, low_open=True)
    T = check_scalar("time", time, 0.0, low_open=True)
    steps = int(np.ceil(T / h))
    start_key = tuple(float(x) for x in start)
    problem = experiments.surface(kappa)

    def compute(values):
        return simulate_drag(values["drag"], float(values["coefficient"]),
                             (float(values["v1"]), float(values["v2"])), start_key, kappa, h, steps)

    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    with plt.ioff():
        fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 3.6), dpi=80, layout="constrained")
        drawn = contour_paths(problem, [np.array([start])], extent=_EXTENT, ax=left, markers=False,
                              levels=12)
        (path_line,) = left.plot([], [], color=PALETTE[0], linewidth=1.5, label="path θ(t)")
        (end_marker,) = left.plot([], [], "o", color=PALETTE[0], markeredgecolor="black", label="θ(T)")
        (band_line,) = left.plot([], [], color=PALETTE[4], linewidth=2.0, label="dry band ‖∇J‖ = c")
        # Legend entries in black: the lines take the colour of the chosen drag.
        left.legend(handles=[Line2D([], [], color="black", label="path θ(t)"),
                             Line2D([], [], color="black", marker="o", linestyle="none", label="θ(T)"),
                             band_line, drawn.minimizer],
                    fontsize="small", loc="upper right")
        left.set_title(f"Path on J = ½(θ₁² + {kappa:g} θ₂²)", fontsize="medium")
        (phase1,) = right.plot([], [], color=PALETTE[0], linewidth=1.2, label="θ₁ against v₁")
        (phase2,) = right.plot([], [], color=PALETTE[0], linewidth=1.2, linestyle="--",
                               label="θ₂ against v₂")
        (rest,) = right.plot(0.0, 0.0, "*", color=PALETTE[7], markeredgecolor="black", markersize=12,
                             label="θ* at rest")
        right.set_xlabel("position θ_i")
        right.set_ylabel("velocity v_i")
        right.set_title("Phase portrait, per coordinate", fontsize="medium")
        right.grid(True, alpha=0.3)
        right.legend(handles=[Line2D([], [], color="black", label="θ₁ against v₁"),
                              Line2D([], [], color="black", linestyle="--", label="θ₂ against v₂"),
                              rest], fontsize="small", loc="upper right")
        status = fig.suptitle("")
        for ax in (left, right):  # fewer tick labels: text dominates the cost of a redraw
            # Whole-number ticks on the phase axes, whose limits follow the data: their
            # labels keep one width, so the layout fixed at the first draw still fits.
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=ax is right))
            ax.yaxis.set_major_locator(MaxNLocator(5, integer=ax is right))

    phi = np.linspace(0.0, 2.0 * np.pi, 120)
    lam = problem.eigenvalues

    def update(values):
        theta, velocity = compute(values)
        drag_now, c = values["drag"], float(values["coefficient"])
        color = _DRAG_COLORS[drag_now]
        path_line.set_data(theta[:, 0], theta[:, 1])
        end_marker.set_data(theta[-1:, 0], theta[-1:, 1])
        phase1.set_data(theta[:, 0], velocity[:, 0])
        phase2.set_data(theta[:, 1], velocity[:, 1])
        # Axes that fit all three drags at this (c, v_0): switching the drag law keeps
        # the axes (and the kept background), and the three portraits compare at one scale.
        paths = [compute({**values, "drag": other}) for other in experiments.LECTURE_DRAGS]
        xlim, ylim = phase_limits(np.concatenate([p[0] for p in paths]),
                                  np.concatenate([p[1] for p in paths]))
        if right.get_xlim() != xlim or right.get_ylim() != ylim:  # a change redraws the background
            right.set_xlim(*xlim)
            right.set_ylim(*ylim)
        for artist in (path_line, end_marker, phase1, phase2):
            artist.set_color(color)
        end_marker.set_markeredgecolor("black")
        if drag_now == "dry":
            band_line.set_data(c / lam[0] * np.cos(phi), c / lam[1] * np.sin(phi))
        else:
            band_line.set_data([], [])
        distance = float(np.linalg.norm(theta[-1]))
        speed = float(np.linalg.norm(velocity[-1]))
        status.set_text(f"{drag_now} drag, c = {c:.3g}: at t = {T:g}, "
                        f"‖θ − θ*‖ = {distance:.2g}, ‖v‖ = {speed:.2g}")

    controls = {
        "drag": ipywidgets.Dropdown(options=list(experiments.LECTURE_DRAGS), value=drag,
                                    description="drag"),
        "coefficient": log_slider("drag coefficient c", 0.05, 3.0, coefficient),
        "v1": ipywidgets.FloatSlider(value=float(v0[0]), min=-3.0, max=3.0, step=0.1,
                                     description="v₀ along θ₁"),
        "v2": ipywidgets.FloatSlider(value=float(v0[1]), min=-3.0, max=3.0, step=0.1,
                                     description="v₀ along θ₂"),
    }
    moving = {"path": path_line, "end": end_marker, "band": band_line, "phase1": phase1,
              "phase2": phase2, "status": status}
    return Explorer(controls, fig, update, animated=moving)
