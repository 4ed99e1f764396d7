"""Figures of the lecture on momentum as physics (section 8.3.2, eqs. 8.18-8.20).

Each function takes a result of :mod:`coursekit.experiments.physics` and
returns a :class:`~coursekit.plotting.Drawn`, which unpacks as
``(fig, ax)`` or ``(fig, axes)`` and names its lines (listed in each
docstring). Colours: viscous, turbulent and dry drag keep the first three
colours of :data:`coursekit.plotting.PALETTE` in every figure.

>>> import matplotlib.pyplot as plt
>>> drawn = coasting(experiments.coasting(t_max=100.0, fit_from=10.0))
>>> fig, ax = drawn
>>> list(drawn.lines["viscous limit"].get_ydata())  # v₀/c, with v₀ = 1 and c = 0.5
[2.0, 2.0]
>>> plt.close(fig)
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance
from ..experiments import physics as experiments
from ..plotting import FIGSIZE, PALETTE, Drawn, contour_paths

__all__ = ["coasting", "drag_paths", "dry_friction", "euler_convergence", "phase_portraits", "small_step_limit"]

#: One colour per drag, the same in every figure of the lecture.
DRAG_COLORS = {"viscous": PALETTE[0], "turbulent": PALETTE[1], "dry": PALETTE[2]}



def _subplots(ncols: int = 1, width: float | None = None):
    import matplotlib.pyplot as plt

    size = (width if width is not None else FIGSIZE[0], FIGSIZE[1])
    return plt.subplots(1, ncols, figsize=size, layout="constrained")


def euler_convergence(result) -> Drawn:
    """Error at time T of the Euler iterates against h, log-log, with the fitted order (C15).

    Lines: ``"error"`` and ``"order 1 guide"``.
    """
    check_instance("result", result, experiments.EulerConvergenceResult)
    fig, ax = _subplots()
    h, err = result.step, result.error
    (error,) = ax.loglog(h, err, "o-", color=PALETTE[0],
                         label=f"semi-implicit Euler (fitted order {result.order:.2f})")
    # A slope-1 guide through the smallest step.
    (guide,) = ax.loglog(h, err[-1] * h / h[-1], "--", color="0.4", label="order 1 guide: error ∝ h")
    ax.set_xlabel("time step h  (ε = h², α = 1 − c h)")
    ax.set_ylabel(f"‖θ_Euler(T) − θ_ODE(T)‖ at T = {result.time:g}")
    ax.set_title("Momentum tends to the particle's motion: error ∝ h")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    return Drawn(fig, ax, {"error": error, "order 1 guide": guide})


def coasting(result) -> Drawn:
    """Distance travelled against time under turbulent and viscous drag (C16), log time axis.

    Lines: ``"turbulent"``, ``"closed form"``, ``"viscous"`` and ``"viscous limit"``.
    """
    check_instance("result", result, experiments.CoastResult)
    fig, ax = _subplots()
    t = result.times[1:]
    c = result.coefficient
    lines = {}
    (lines["turbulent"],) = ax.plot(
        t, result.distance_turbulent[1:], color=DRAG_COLORS["turbulent"], linewidth=2.5,
        label=f"turbulent −c|v|v (RK4), fitted slope {result.slope:.3f} per unit ln t")
    (lines["closed form"],) = ax.plot(t, result.closed_form[1:], "--", color="black", linewidth=1.2,
                                      label="closed form (1/c) ln(1 + c v₀ t)")
    (lines["viscous"],) = ax.plot(result.viscous_times[1:], result.distance_viscous[1:],
                                  color=DRAG_COLORS["viscous"], linewidth=2.0, label="viscous −c v (RK4)")
    lines["viscous limit"] = ax.axhline(result.viscous_limit, color=DRAG_COLORS["viscous"], linestyle=":",
                                        label=f"viscous limit v₀/c = {result.viscous_limit:g}")
    ax.set_xscale("log")
    ax.set_xlabel("time t (log scale)")
    ax.set_ylabel("distance travelled x(t)")
    ax.set_title(f"Turbulent drag never stops the particle: x ≈ (1/c) ln t (c = {c:g})")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return Drawn(fig, ax, lines)


def dry_friction(result) -> Drawn:
    """Position against time under dry friction, with the band |θ| ≤ c/λ where it can stop (C17).

    Lines: ``"position"`` and ``"rest point"`` (the closed form's, a marker
    at the right edge), one per particle in the order of ``result.theta0``,
    and ``"minimum"``.
    """
    check_instance("result", result, experiments.DryFrictionResult)
    fig, ax = _subplots(width=9.0)
    b = result.band
    ax.axhspan(-b, b, color=PALETTE[4], alpha=0.25,
               label=f"band |∇J(θ)| ≤ c, i.e. |θ| ≤ c/λ = {b:g}")
    minimum = ax.axhline(0.0, color="black", linewidth=0.8, linestyle=":", label="minimum θ* = 0")
    colors = [PALETTE[i % len(PALETTE)] for i in (0, 1, 3, 5, 6)]
    positions, rest_points = [], []
    for j in range(result.theta.shape[1]):
        color = colors[j % len(colors)]
        positions += ax.plot(result.times, result.theta[:, j], color=color, linewidth=1.5,
                             label=f"θ₀ = {result.theta0[j]:g}: stops at {result.rest_point[j]:.3f}")
        rest_points += ax.plot(result.times[-1], result.predicted[j], marker="<", markersize=9, color=color,
                               markeredgecolor="black", linestyle="none", clip_on=False,
                               label="_nolegend_" if j else "closed-form rest point")
    ax.set_xlabel("time t")
    ax.set_ylabel("position θ(t)")
    ax.set_title("Dry friction stops the particle where |∇J| ≤ c, short of the minimum")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.01, 0.5))
    return Drawn(fig, ax, {"position": tuple(positions), "rest point": tuple(rest_points),
                           "minimum": minimum})


def phase_portraits(result) -> Drawn:
    """Three panels, position θ against velocity v, one per drag.

    Lines: one entry per drag (``"viscous"``, ``"turbulent"``, ``"dry"``),
    each a tuple with one (θ, v) curve per starting point in the order of
    ``result.theta0``, and ``"dry band"`` (the segment |θ| ≤ c/λ).
    """
    check_instance("result", result, experiments.PhasePortraitResult)
    fig, axes = _subplots(len(result.drags), width=12.0)
    titles = {"viscous": "viscous −c v: spirals into (0, 0)",
              "turbulent": "turbulent −c|v|v: spirals in ever more slowly",
              "dry": "dry −c v/|v|: stops on |θ| ≤ c/λ"}
    styles = ["-", "--", ":"]
    lines = {}
    for ax, drag in zip(axes, result.drags):
        theta, velocity = result.theta[drag], result.velocity[drag]
        curves = []
        for j in range(theta.shape[1]):
            curves += ax.plot(theta[:, j], velocity[:, j], styles[j % 3], color=DRAG_COLORS[drag],
                              linewidth=1.2, label=f"θ₀ = {result.theta0[j]:g}")
            # End points above the star of θ*, so that a stop next to θ* stays visible.
            ax.plot(theta[-1, j], velocity[-1, j], "o", color=DRAG_COLORS[drag], markeredgecolor="black",
                    markersize=5, label="_nolegend_", zorder=5)
        lines[drag] = tuple(curves)
        if drag == "dry":
            (lines["dry band"],) = ax.plot([-result.band, result.band], [0.0, 0.0], color=PALETTE[4],
                                           linewidth=6, alpha=0.6, solid_capstyle="butt",
                                           label=f"|θ| ≤ c/λ = {result.band:g}")
        ax.plot(0.0, 0.0, "*", color=PALETTE[7], markeredgecolor="black", markersize=10, alpha=0.7,
                label="θ* at rest", zorder=4)
        ax.set_title(titles[drag], fontsize="medium")
        ax.set_xlabel("position θ")
        ax.set_ylabel("velocity v")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="x-small", loc="lower left")
        if drag == "dry":
            _dry_inset(ax, result, theta, velocity, styles)
    fig.suptitle(f"Phase portraits on J = λθ²/2 (λ = {result.curvature:g}, c = {result.coefficient:g}, "
                 f"t ≤ {result.times[-1]:g}): viscous settles at θ*, turbulent is still circling, "
                 "dry stops in the band")
    return Drawn(fig, tuple(axes), lines)


def _dry_inset(ax, result, theta, velocity, styles) -> None:
    """Zoom on |θ| ≤ 0.4 so the rest points stay apart from θ* (stops short of θ*)."""
    half = max(0.4, 1.3 * float(np.max(np.abs(theta[-1]))))
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.6 * (high - low))  # room above the spirals for the zoom
    inset = ax.inset_axes([0.5, 0.6, 0.47, 0.28])
    rank = np.argsort(np.argsort(theta[-1]))  # labels of neighbouring stops alternate above/below
    for j in range(theta.shape[1]):
        inset.plot(theta[:, j], velocity[:, j], styles[j % 3], color=DRAG_COLORS["dry"], linewidth=1.0)
        inset.plot(theta[-1, j], velocity[-1, j], "o", color=DRAG_COLORS["dry"], markeredgecolor="black",
                   markersize=5, zorder=5)
        inset.annotate(f"{theta[-1, j]:+.1f}", (theta[-1, j], velocity[-1, j]), textcoords="offset points",
                       xytext=(0, 7 if rank[j] % 2 == 0 else -12), ha="center", fontsize="x-small")
    inset.plot([-result.band, result.band], [0.0, 0.0], color=PALETTE[4], linewidth=6, alpha=0.6,
               solid_capstyle="butt")
    inset.plot(0.0, 0.0, "*", color=PALETTE[7], markeredgecolor="black", markersize=10, alpha=0.7, zorder=4)
    inset.set_xlim(-half, half)
    inset.set_ylim(-0.3 * half, 0.3 * half)
    inset.set_title(f"zoom on |θ| ≤ {half:.1f}: rest points, band and θ*", fontsize="x-small")
    inset.tick_params(labelsize="x-small")
    inset.grid(True, alpha=0.3)


def drag_paths(result) -> Drawn:
    """Left: the three paths on the cost's contours. Right: distance to θ* against time (C17, C18).

    Lines: ``"<drag> path"`` (left) and ``"<drag> distance"`` (right) for
    each drag of ``result.drags``, e.g. ``"dry path"``.
    """
    check_instance("result", result, experiments.SurfacePathsResult)
    fig, (left, right) = _subplots(2, width=12.0)
    problem = experiments.surface(result.condition_number)
    paths = [result.theta[d] for d in result.drags]
    drawn = contour_paths(problem, paths, [f"{d} (c = {result.coefficient:g})" for d in result.drags],
                          ax=left, markers=False, extent=(-3.0, 3.0, -1.8, 1.8), levels=12)
    lines = {f"{d} path": path.line for d, path in zip(result.drags, drawn.paths.values())}
    # The dry-friction band ‖∇J‖ = ‖Hθ‖ ≤ c: an ellipse with semi-axes c/λ_i.
    phi = np.linspace(0.0, 2.0 * np.pi, 200)
    lam = problem.eigenvalues
    c = result.coefficient
    left.fill(c / lam[0] * np.cos(phi), c / lam[1] * np.sin(phi), color=PALETTE[4], alpha=0.3,
              zorder=2, label="dry band ‖∇J‖ ≤ c")
    left.legend(fontsize="x-small", loc="upper right")
    left.set_title(f"Paths on J = ½(θ₁² + {result.condition_number:g} θ₂²) from the same start",
                   fontsize="medium")

    for drag in result.drags:
        d = result.distance[drag]
        (lines[f"{drag} distance"],) = right.plot(
            result.times, np.where(d > 0, d, np.nan), color=DRAG_COLORS[drag], linewidth=1.5,
            label=f"{drag}: final ‖θ − θ*‖ = {result.final_distance[drag]:.2g}")
    right.set_yscale("log")
    right.set_xlabel("time t")
    right.set_ylabel("distance to the minimum ‖θ(t) − θ*‖")
    right.set_title(f"At c = {c:g} only viscous drag reaches θ* and stops there", fontsize="medium")
    right.grid(True, which="major", alpha=0.3)
    right.legend(fontsize="small")
    fig.suptitle(f"Viscous drag settles at the minimum; turbulent is too weak, dry friction too strong "
                 f"(one c = {c:g} for all three)")
    return Drawn(fig, (left, right), lines)


def small_step_limit(result) -> Drawn:
    """Convergence factor per step against ελ: the ODE, Algorithm 8.2 and forward Euler (C15, in part).

    Log x axis. Lines: ``"ode"`` (e^{h max Re s}, below 1 for every λ),
    ``"semi-implicit"`` (max |z| of Algorithm 8.2, above 1 past 2 + 2α),
    ``"forward"`` (max |z| of forward Euler, above 1 past 1 − α), ``"measured"``
    (the curvatures of the table, on the Algorithm 8.2 curve) and ``"stable"`` (factor 1).
    """
    check_instance("result", result, experiments.SmallStepLimitResult)
    fig, ax = _subplots()
    x = result.grid_products
    lines = {}
    # The ODE in a wide light band under the others: below 2 + 2α the curves nearly coincide.
    (lines["ode"],) = ax.plot(x, result.grid_factor_ode, color="0.6", linewidth=6.0, alpha=0.6,
                              label=f"particle (ODE), same h = {result.step:g}, c = {result.drag:g}: e^(h max Re s)")
    (lines["semi-implicit"],) = ax.plot(x, result.grid_radius_semi_implicit, color=PALETTE[0], linewidth=2.0,
                                        label="Algorithm 8.2 = semi-implicit Euler: max |z|")
    (lines["forward"],) = ax.plot(x, result.grid_radius_forward, "--", color=PALETTE[3], linewidth=1.8,
                                  label="forward Euler: max |z|")
    (lines["measured"],) = ax.plot(result.products, result.radius_semi_implicit, "o", color=PALETTE[0],
                                   markeredgecolor="black", label="the curvatures of the table")
    lines["stable"] = ax.axhline(1.0, color="0.5", linewidth=1.0, linestyle=":", label="factor 1: stability edge")
    for edge, color, name in ((result.edge_semi_implicit, PALETTE[0], "2 + 2α"),
                              (result.edge_forward, PALETTE[3], "1 − α")):
        ax.axvline(edge, color=color, linewidth=0.8, alpha=0.6)
        ax.annotate(f"ελ = {name} = {edge:.2g}", (edge, 0.83), fontsize="small", ha="center",
                    va="bottom", color=color, backgroundcolor="white")
    ax.set_xscale("log")
    ax.set_ylim(0.8, 1.6)
    ax.set_xlabel("ελ = (h√λ)²  (log scale)")
    ax.set_ylabel("convergence factor per step")
    ax.set_title(f"The particle settles for every λ; its discrete steps do not (α = {result.momentum:g})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return Drawn(fig, ax, lines)
