"""Experiments of the lecture on momentum as physics (section 8.3.2, eqs. 8.18-8.20).

Each function runs one experiment with the defaults the notebook uses and
returns a frozen dataclass with the arrays to plot and the measured numbers
that the claim tests assert:

- :func:`momentum_equivalence` (C15): Algorithm 8.2 and the semi-implicit
  Euler step of a particle under viscous drag give the same iterates when
  ε = h² and α = 1 − c h.
- :func:`euler_convergence` (C15): the Euler iterates approach the ODE's
  solution at a fixed time T with error O(h).
- :func:`coasting` (C16): under turbulent drag alone the distance grows
  like (1/c) ln t; under viscous drag it tends to v_0/c.
- :func:`dry_friction_stop` (C17): dry friction stops the particle in the
  band |∇J(θ)| ≤ c, short of the minimum, where the closed form says.
- :func:`surface_paths` (C17, C18): the three drags on a 2-D quadratic from
  the same start; viscous drag settles at the minimum.
- :func:`phase_portraits`: position against velocity for each drag.

All the dynamics come from :mod:`coursekit.physics`; there is no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import physics
from .._validation import check_finite, check_int, check_interval, check_scalar
from ..analysis import loglog_slope
from ..optimizers import momentum as momentum_optimizer
from ..problems import Quadratic
from ..runner import run

__all__ = [
    "LECTURE_DRAGS",
    "CoastResult",
    "DryFrictionResult",
    "EquivalenceResult",
    "EulerConvergenceResult",
    "PhasePortraitResult",
    "SurfacePathsResult",
    "coasting",
    "dry_friction_stop",
    "euler_convergence",
    "momentum_equivalence",
    "phase_portraits",
    "surface",
    "surface_paths",
]

#: The drags compared in the lecture, in the order of the figures.
LECTURE_DRAGS = ("viscous", "turbulent", "dry")


def surface(condition_number: float = 4.0) -> Quadratic:
    """The 2-D cost of the lecture: J(θ) = ½(θ₁² + κ θ₂²), minimum at the origin."""
    kappa = check_scalar("condition_number", condition_number, 1.0)
    return Quadratic([1.0, kappa], name=f"quadratic kappa={kappa:g}")


def _vector(name: str, value, d: int) -> np.ndarray:
    arr = check_finite(name, value)
    if arr.shape != (d,):
        raise ValueError(f"{name} must have shape ({d},), got shape {arr.shape}")
    return arr


def _positive_tuple(name: str, value) -> np.ndarray:
    arr = check_interval(name, value, 0.0, low_open=True)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence, got shape {arr.shape}")
    return arr


# --------------------------------------------------------------------------
# C15: the change of variables, and convergence to the ODE
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EquivalenceResult:
    """Momentum (Algorithm 8.2) against the physics Euler step, S settings at once.

    lr, momentum : (S,)           ε and α of each setting
    step, drag : (S,)             h = √ε and c = (1 − α)/√ε
    theta_momentum : (R, S, 2)    θ_k of coursekit.optimizers.momentum
    theta_physics : (R, S, 2)     θ_k of physics.simulate with (h, c)
    max_difference : float        max |θ_momentum − θ_physics| over all k, settings
    roundtrip_error : float       max |(ε, α) → (h, c) → (ε, α) − (ε, α)|
    """

    lr: np.ndarray
    momentum: np.ndarray
    step: np.ndarray
    drag: np.ndarray
    theta_momentum: np.ndarray
    theta_physics: np.ndarray
    max_difference: float
    roundtrip_error: float


def momentum_equivalence(lr=(0.01, 0.04, 0.0025), momentum=(0.9, 0.5, 0.99), *, steps: int = 200,
                         condition_number: float = 4.0, theta0=(-2.5, 1.5)) -> EquivalenceResult:
    """Run momentum and the particle side by side (claim C15, eqs. 8.15-8.20).

    Momentum starts from v = 0 (as the runner does), the particle from rest.
    Every setting runs in one batched computation on each side.
    """
    eps = _positive_tuple("lr", lr)
    alpha = check_interval("momentum", momentum, 0.0, 1.0, high_open=True)
    if alpha.shape != eps.shape:
        raise ValueError(f"momentum must have the shape of lr {eps.shape}, got {alpha.shape}")
    steps = check_int("steps", steps, low=1)
    problem = surface(condition_number)
    theta0 = _vector("theta0", theta0, 2)

    result = run(problem, momentum_optimizer(eps, alpha), theta0, steps, keep_path=True)
    h, c = physics.from_momentum(eps, alpha)
    path = physics.simulate(problem, theta0, np.zeros(2), drag="viscous", coefficient=c, step=h,
                            steps=steps)
    back_eps, back_alpha = physics.to_momentum(h, c)
    roundtrip = max(float(np.max(np.abs(back_eps - eps))), float(np.max(np.abs(back_alpha - alpha))))
    return EquivalenceResult(
        lr=eps, momentum=alpha, step=h, drag=c,
        theta_momentum=result.theta, theta_physics=path.theta,
        max_difference=float(np.max(np.abs(result.theta - path.theta))),
        roundtrip_error=roundtrip,
    )


@dataclass(frozen=True)
class EulerConvergenceResult:
    """Error at a fixed physical time T of the Euler iterates, against h.

    step : (N,)          h = T / n for each number of steps n
    lr, momentum : (N,)  the matching ε = h² and α = 1 − c h of Algorithm 8.2
    error : (N,)         ‖θ_Euler(T) − θ_ref(T)‖
    order : float        least-squares slope of log error against log h
    time : float         T
    reference : (2,)     θ_ref(T) from RK4 with ``reference_substeps`` steps
    """

    step: np.ndarray
    lr: np.ndarray
    momentum: np.ndarray
    error: np.ndarray
    order: float
    time: float
    reference: np.ndarray


def euler_convergence(steps=(50, 100, 200, 400, 800, 1600), *, time: float = 5.0,
                      coefficient: float = 0.5, condition_number: float = 4.0,
                      theta0=(-2.5, 1.5), velocity0=(0.0, 0.0),
                      reference_substeps: int = 1000) -> EulerConvergenceResult:
    """The discrete algorithm tends to the ODE as h → 0 (claim C15).

    For each n in ``steps``, n semi-implicit Euler steps of size h = T/n;
    the reference is RK4 (error O(h⁴)) with a much finer step. Semi-implicit
    Euler is a first-order method, so the error at time T is ≈ C h: the
    fitted order is ≈ 1. Shrinking h at fixed c means ε = h² → 0 and α = 1 − c h → 1.
    """
    ns = _check_step_counts("steps", steps)
    T = check_scalar("time", time, 0.0, low_open=True)
    c = check_scalar("coefficient", coefficient, 0.0)
    reference_substeps = check_int("reference_substeps", reference_substeps, low=1)
    problem = surface(condition_number)
    theta0 = _vector("theta0", theta0, 2)
    velocity0 = _vector("velocity0", velocity0, 2)
    if c * T / ns.min() > 1.0:
        raise ValueError(
            f"steps must be large enough that coefficient * time / n <= 1, got min n = {ns.min()}"
        )

    ref = physics.integrate(problem, theta0, velocity0, drag="viscous", coefficient=c,
                            times=[0.0, T], substeps=reference_substeps).final_theta
    h = T / ns
    error = np.empty(ns.size)
    for i, n in enumerate(ns):  # each h needs its own number of steps to reach T
        end = physics.simulate(problem, theta0, velocity0, drag="viscous", coefficient=c,
                               step=float(h[i]), steps=int(n), record_every=int(n)).final_theta
        error[i] = np.linalg.norm(end - ref)
    lr, alpha = physics.to_momentum(h, c)
    return EulerConvergenceResult(step=h, lr=lr, momentum=alpha, error=error,
                                  order=float(loglog_slope(h[::-1], error[::-1])), time=T,
                                  reference=ref)


def _check_step_counts(name: str, value) -> np.ndarray:
    """A non-empty, strictly increasing tuple of integers ≥ 1, as an int array."""
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of integers >= 1, got {type(value).__name__}") from None
    if len(items) < 3:
        raise ValueError(f"{name} must hold at least 3 values to fit an order, got {len(items)}")
    arr = np.array([check_int(name, n, low=1) for n in items])
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be strictly increasing, got {list(items)}")
    return arr


# --------------------------------------------------------------------------
# C16: coasting under turbulent and viscous drag
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CoastResult:
    """A 1-D particle launched at v_0 with no force but a drag.

    times : (R,)                  t, 0 then geometric up to t_max
    distance_turbulent : (R,)     x(t) under −c|v|v (RK4)
    velocity_turbulent : (R,)     v(t) under −c|v|v
    closed_form : (R,)            (1/c) ln(1 + c v_0 t)
    viscous_times : (Rv,)         t for viscous drag, uniform up to min(40/c, t_max)
    distance_viscous : (Rv,)      x(t) under −c v (RK4)
    viscous_limit : float         v_0 / c, where viscous drag stops it
    slope : float                 fitted dx/d(ln t) for t ≥ fit_from
    max_relative_error : float    max |x − closed form| / closed form, t > 0
    velocity0, coefficient, fit_from : float
    """

    times: np.ndarray
    distance_turbulent: np.ndarray
    velocity_turbulent: np.ndarray
    closed_form: np.ndarray
    viscous_times: np.ndarray
    distance_viscous: np.ndarray
    viscous_limit: float
    slope: float
    max_relative_error: float
    velocity0: float
    coefficient: float
    fit_from: float


def coasting(*, velocity0: float = 1.0, coefficient: float = 0.5, t_max: float = 1e4,
             fit_from: float = 100.0, n_times: int = 121, substeps: int = 10) -> CoastResult:
    """Turbulent drag never stops a particle: x(t) ≈ (1/c) ln t (claim C16).

    Two RK4 runs (one per drag law) on the same geometric time grid from
    10⁻² to t_max, so that the steps grow with t as the motion slows. The slope is
    the least-squares fit of x against ln t over fit_from ≤ t ≤ t_max; for
    x = (1/c) ln(1 + c v_0 t) it is 1/c up to O(1/(c v_0 t)).
    """
    v0 = check_scalar("velocity0", velocity0, 0.0, low_open=True)
    c = check_scalar("coefficient", coefficient, 0.0, low_open=True)
    t_max = check_scalar("t_max", t_max, 1.0, low_open=True)
    fit_from = check_scalar("fit_from", fit_from, 0.0, t_max, low_open=True, high_open=True)
    n_times = check_int("n_times", n_times, low=10)
    substeps = check_int("substeps", substeps, low=1)

    times = np.concatenate([[0.0], np.geomspace(1e-2, t_max, n_times)])
    no_force = lambda theta: np.zeros_like(theta)
    turbulent = physics.integrate(no_force, [0.0], [v0], drag="turbulent", coefficient=c,
                                  times=times, substeps=substeps)
    # Viscous drag is stiff for steps beyond ~2.8/c (RK4's stability limit), so
    # it runs on its own uniform grid up to t = 40/c, when it has stopped to
    # e^{-40}, with steps of 0.05/c.
    viscous_times = np.linspace(0.0, min(40.0 / c, t_max), 801)
    viscous = physics.integrate(no_force, [0.0], [v0], drag="viscous", coefficient=c,
                                times=viscous_times, substeps=1)
    x = turbulent.theta[:, 0]
    closed, _ = physics.turbulent_coast(times, v0, c)
    fit = times >= fit_from
    if fit.sum() < 3:
        raise ValueError(f"fit_from must leave at least 3 times in [fit_from, t_max], got {fit.sum()}")
    log_t = np.log(times[fit])
    slope = float(np.polyfit(log_t, x[fit], 1)[0])
    return CoastResult(
        times=times, distance_turbulent=x, velocity_turbulent=turbulent.velocity[:, 0],
        closed_form=closed, viscous_times=viscous_times, distance_viscous=viscous.theta[:, 0],
        viscous_limit=v0 / c,
        slope=slope, max_relative_error=float(np.max(np.abs(x[1:] - closed[1:]) / closed[1:])),
        velocity0=v0, coefficient=c, fit_from=fit_from,
    )


# --------------------------------------------------------------------------
# C17: dry friction stops short of the minimum
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DryFrictionResult:
    """1-D particles on J = λθ²/2 under dry friction c, released at rest.

    times : (R,)             t
    theta, velocity : (R, P) the motion of each of the P particles
    theta0 : (P,)            the starting points
    rest_point : (P,)        where each one stopped (simulated)
    predicted : (P,)         :func:`coursekit.physics.dry_friction_rest_point`
    band : float             b = c/λ: at rest wherever |θ| ≤ b, i.e. |∇J| ≤ c
    distance : (P,)          |rest_point − θ*| (θ* = 0)
    grad_at_rest : (P,)      |∇J(rest_point)| = λ |rest_point|
    stop_time : (P,)         first recorded time from which v stays 0
    curvature, coefficient, step : float
    """

    times: np.ndarray
    theta: np.ndarray
    velocity: np.ndarray
    theta0: np.ndarray
    rest_point: np.ndarray
    predicted: np.ndarray
    band: float
    distance: np.ndarray
    grad_at_rest: np.ndarray
    stop_time: np.ndarray
    curvature: float
    coefficient: float
    step: float


def _check_1d_particles(theta0, curvature, coefficient, step, time) -> tuple:
    """(starts, λ, c, h, T) for particles on J = λθ²/2, each argument validated."""
    starts = check_finite("theta0", theta0)
    if starts.ndim != 1 or starts.size == 0:
        raise ValueError(f"theta0 must be a non-empty 1-D sequence, got shape {starts.shape}")
    lam = check_scalar("curvature", curvature, 0.0, low_open=True)
    c = check_scalar("coefficient", coefficient, 0.0, low_open=True)
    h = check_scalar("step", step, 0.0, 0.1, low_open=True)
    T = check_scalar("time", time, 0.0, low_open=True)
    return starts, lam, c, h, T


def dry_friction_stop(theta0=(2.0, -1.0, 3.5), *, curvature: float = 1.0, coefficient: float = 0.3,
                      step: float = 0.01, time: float = 25.0) -> DryFrictionResult:
    """Where dry friction leaves the particle (claim C17).

    All particles run as one batch (shape (P, 1)) with the semi-implicit
    Euler step of :func:`coursekit.physics.simulate`, friction taken at the
    new velocity so that the particle stops exactly.
    """
    starts, lam, c, h, T = _check_1d_particles(theta0, curvature, coefficient, step, time)
    n = int(np.ceil(T / h))

    problem = Quadratic([lam], name="1-D quadratic")
    path = physics.simulate(problem, starts[:, None], np.zeros((starts.size, 1)), drag="dry",
                            coefficient=c, step=h, steps=n, record_every=5)
    theta, velocity = path.theta[..., 0], path.velocity[..., 0]
    rest = theta[-1]
    # The particle is at rest from the record after its last record with v ≠ 0.
    moving = velocity != 0.0
    last_moving = moving.shape[0] - 1 - np.argmax(moving[::-1], axis=0)
    last_moving = np.where(moving.any(axis=0), last_moving, -1)
    still = ~moving[-1]
    stop_time = np.full(starts.size, np.inf)
    stop_time[still] = path.times[last_moving[still] + 1]
    return DryFrictionResult(
        times=path.times, theta=theta, velocity=velocity, theta0=starts, rest_point=rest,
        predicted=np.asarray(physics.dry_friction_rest_point(starts, 0.0, lam, c), dtype=float),
        band=c / lam, distance=np.abs(rest), grad_at_rest=lam * np.abs(rest), stop_time=stop_time,
        curvature=lam, coefficient=c, step=h,
    )


# --------------------------------------------------------------------------
# C17, C18 in two dimensions, and the phase portraits
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class SurfacePathsResult:
    """The three drags from the same start on J = ½(θ₁² + κθ₂²).

    drags : tuple of str      ("viscous", "turbulent", "dry")
    times : (R,)              t
    theta, velocity : dict drag -> (R, 2)
    distance, speed : dict drag -> (R,)   ‖θ − θ*‖ and ‖v‖ over time
    final_distance, final_speed : dict drag -> float
    final_grad_norm : dict drag -> float  ‖∇J‖ at the last point
    coefficient, step : float; condition_number : float
    """

    drags: tuple
    times: np.ndarray
    theta: dict
    velocity: dict
    distance: dict
    speed: dict
    final_distance: dict
    final_speed: dict
    final_grad_norm: dict
    coefficient: float
    step: float
    condition_number: float


def surface_paths(*, coefficient: float = 1.0, step: float = 0.04, time: float = 60.0,
                  condition_number: float = 4.0, theta0=(-2.5, 1.5),
                  velocity0=(0.0, 0.0)) -> SurfacePathsResult:
    """The same particle under each drag with the same coefficient c (claims C17, C18).

    Viscous drag settles at θ* (distance and speed → 0 exponentially fast),
    turbulent drag still circles it at time T (its amplitude decays only like
    1/t), dry friction stops inside ‖∇J‖ ≤ c, short of θ*.
    """
    c = check_scalar("coefficient", coefficient, 0.0, low_open=True)
    h = check_scalar("step", step, 0.0, 0.1, low_open=True)
    T = check_scalar("time", time, 0.0, low_open=True)
    problem = surface(condition_number)
    theta0 = _vector("theta0", theta0, 2)
    velocity0 = _vector("velocity0", velocity0, 2)
    n = int(np.ceil(T / h))
    out = {key: {} for key in ("theta", "velocity", "distance", "speed", "fd", "fs", "fg")}
    times = None
    for drag in LECTURE_DRAGS:  # one drag law per call
        path = physics.simulate(problem, theta0, velocity0, drag=drag, coefficient=c, step=h,
                                steps=n, record_every=2)
        times = path.times
        distance = np.linalg.norm(path.theta, axis=-1)
        speed = np.linalg.norm(path.velocity, axis=-1)
        out["theta"][drag], out["velocity"][drag] = path.theta, path.velocity
        out["distance"][drag], out["speed"][drag] = distance, speed
        out["fd"][drag], out["fs"][drag] = float(distance[-1]), float(speed[-1])
        out["fg"][drag] = float(np.linalg.norm(problem.grad(path.theta[-1])))
    return SurfacePathsResult(
        drags=LECTURE_DRAGS, times=times, theta=out["theta"], velocity=out["velocity"],
        distance=out["distance"], speed=out["speed"], final_distance=out["fd"],
        final_speed=out["fs"], final_grad_norm=out["fg"], coefficient=c, step=h,
        condition_number=float(condition_number),
    )


@dataclass(frozen=True)
class PhasePortraitResult:
    """Phase portraits (θ, v) of a 1-D particle on J = λθ²/2, one per drag.

    drags : tuple of str
    times : (R,)
    theta, velocity : dict drag -> (R, P)   P starting points, released at rest
    theta0 : (P,)
    curvature, coefficient : float;  band : float = c/λ (dry friction)
    """

    drags: tuple
    times: np.ndarray
    theta: dict
    velocity: dict
    theta0: np.ndarray
    curvature: float
    coefficient: float
    band: float


def phase_portraits(theta0=(1.0, 2.0, 3.0), *, curvature: float = 1.0, coefficient: float = 0.3,
                    step: float = 0.02, time: float = 40.0) -> PhasePortraitResult:
    """Position against velocity for each drag, P starting points as one batch.

    Viscous drag spirals into (0, 0) at an exponential rate; turbulent drag
    spirals in more and more slowly; dry friction's spiral shrinks by 2c/λ per
    half turn and ends on the segment |θ| ≤ c/λ of the axis v = 0.
    """
    starts, lam, c, h, T = _check_1d_particles(theta0, curvature, coefficient, step, time)
    problem = Quadratic([lam], name="1-D quadratic")
    n = int(np.ceil(T / h))
    theta, velocity, times = {}, {}, None
    for drag in LECTURE_DRAGS:
        path = physics.simulate(problem, starts[:, None], np.zeros((starts.size, 1)), drag=drag,
                                coefficient=c, step=h, steps=n)
        theta[drag], velocity[drag], times = path.theta[..., 0], path.velocity[..., 0], path.times
    return PhasePortraitResult(drags=LECTURE_DRAGS, times=times, theta=theta, velocity=velocity,
                               theta0=starts, curvature=lam, coefficient=c, band=c / lam)
