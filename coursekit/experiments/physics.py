"""Experiments of the lecture on momentum as physics (section 8.3.2, eqs. 8.18-8.20).

Each function runs one experiment with the defaults the notebook uses and
returns a frozen dataclass with the arrays to plot and the measured numbers
that the claim tests assert:

- :func:`momentum_equivalence` (C15): Algorithm 8.2 and the semi-implicit
  Euler step of a particle under viscous drag give the same iterates when
  ε = h² and α = 1 − c h.
- :func:`euler_schemes` (C15): semi-implicit Euler is Algorithm 8.2, forward
  (explicit) Euler is not; without drag forward Euler gains energy.
- :func:`euler_convergence` (C15): the Euler iterates approach the ODE's
  solution at a fixed time T with error O(h).
- :func:`small_step_limit` (C15, where it fails): the continuous particle
  converges for every curvature λ, momentum only below ελ = 2 + 2α.
- :func:`critical_damping`: the ODE's critical drag c = 2√λ against the
  discrete double root α = (1 − √(ελ))²; they agree only when h√λ is small.
- :func:`coasting` (C16): under turbulent drag alone the distance grows
  like (1/c) ln t; under viscous drag it tends to v_0/c.
- :func:`dry_friction_stop` (C17): dry friction stops the particle in the
  band |∇J(θ)| ≤ c, short of the minimum, where the closed form says.
- :func:`surface_paths` (C17, C18): the three drags on a 2-D quadratic from
  the same start; viscous drag settles at the minimum.
- :func:`drag_coefficient_sweep` (C18, in part): every drag law over one
  grid of c, ranked by the swing size √(2E); viscous drag wins near critical damping, not for every c.
- :func:`phase_portraits`: position against velocity for each drag.

All the dynamics come from :mod:`coursekit.physics`; there is no randomness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import momentum_theory, physics
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
    "CriticalDampingResult",
    "DragSweepResult",
    "EulerSchemesResult",
    "SmallStepLimitResult",
    "coasting",
    "critical_damping",
    "drag_coefficient_sweep",
    "dry_friction_stop",
    "euler_schemes",
    "euler_convergence",
    "momentum_equivalence",
    "phase_portraits",
    "small_step_limit",
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
class EulerSchemesResult:
    """Semi-implicit and forward Euler of the same particle, against Algorithm 8.2.

    lr, momentum, step, drag : float   (ε, α) and (h, c) = (√ε, (1 − α)/√ε)
    steps : int                        K, the number of steps compared
    difference_semi_implicit : float   max_k |θ_k − θ_k of momentum|, semi-implicit Euler
    difference_forward : float         the same for forward Euler (the largest gap on the path)
    worst_step_forward : int           the k of that largest gap
    final_gap_forward : float          |θ_K − θ_K of momentum|_max at the last step K
    final_distance_momentum : float    ‖θ_K − θ*‖ of Algorithm 8.2
    final_distance_forward : float     ‖θ_K − θ*‖ of forward Euler
    energy_step : float                h of the drag-free runs (c = 0, α = 1)
    energy_curvature : float           λ of the 1-D cost J = λθ²/2 of those runs
    energy_semi_implicit : (K+1,)      E_k/E_0, E = ½v² + ½λθ², semi-implicit
    energy_forward : (K+1,)            E_k/E_0, forward Euler
    energy_forward_theory : float      (1 + h²λ)^K, forward Euler's exact growth
    """

    lr: float
    momentum: float
    step: float
    drag: float
    steps: int
    difference_semi_implicit: float
    difference_forward: float
    worst_step_forward: int
    final_gap_forward: float
    final_distance_momentum: float
    final_distance_forward: float
    energy_step: float
    energy_curvature: float
    energy_semi_implicit: np.ndarray
    energy_forward: np.ndarray
    energy_forward_theory: float


def euler_schemes(lr: float = 0.01, momentum: float = 0.9, *, steps: int = 200,
                  condition_number: float = 4.0, theta0=(-2.5, 1.5), energy_step: float = 0.1,
                  energy_curvature: float = 1.0) -> EulerSchemesResult:
    """Which Euler step is Algorithm 8.2 (claim C15, eqs. 8.15-8.20)?

    Both schemes update v_{k+1} = (1 − c h) v_k − h ∇J(θ_k). Semi-implicit
    Euler then moves θ with v_{k+1}, forward Euler with v_k. Each is run with
    (h, c) of the given (ε, α) against coursekit's momentum on the lecture's
    surface. Then, without drag (c = 0, i.e. α = 1) on J = λθ²/2 from
    θ_0 = 1 at rest: forward Euler multiplies the energy by exactly
    1 + h²λ per step, semi-implicit Euler keeps it within O(h) of E_0
    (it is symplectic).
    """
    eps = check_scalar("lr", lr, 0.0, low_open=True)
    alpha = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    steps = check_int("steps", steps, low=1)
    h_energy = check_scalar("energy_step", energy_step, 0.0, 1.0, low_open=True)
    lam = check_scalar("energy_curvature", energy_curvature, 0.0, low_open=True)
    problem = surface(condition_number)
    theta0 = _vector("theta0", theta0, 2)

    reference = run(problem, momentum_optimizer(eps, alpha), theta0, steps, keep_path=True).theta
    h, c = physics.from_momentum(eps, alpha)
    differences, ends = {}, {}
    for scheme in physics.SCHEMES:
        path = physics.simulate(problem, theta0, np.zeros(2), drag="viscous", coefficient=c, step=h,
                                steps=steps, scheme=scheme)
        gaps = np.max(np.abs(path.theta - reference), axis=-1)  # per step k
        differences[scheme] = gaps
        ends[scheme] = float(np.linalg.norm(path.theta[-1]))

    line = Quadratic([lam], name="1-D quadratic")
    energy = {}
    for scheme in physics.SCHEMES:
        path = physics.simulate(line, [1.0], [0.0], drag="none", coefficient=0.0, step=h_energy,
                                steps=steps, scheme=scheme)
        e = 0.5 * path.velocity[:, 0] ** 2 + 0.5 * lam * path.theta[:, 0] ** 2
        energy[scheme] = e / e[0]
    return EulerSchemesResult(
        lr=eps, momentum=alpha, step=h, drag=c, steps=steps,
        difference_semi_implicit=float(differences["semi-implicit"].max()),
        difference_forward=float(differences["forward"].max()),
        worst_step_forward=int(np.argmax(differences["forward"])),
        final_gap_forward=float(differences["forward"][-1]),
        final_distance_momentum=float(np.linalg.norm(reference[-1])),
        final_distance_forward=ends["forward"],
        energy_step=h_energy, energy_curvature=lam,
        energy_semi_implicit=energy["semi-implicit"], energy_forward=energy["forward"],
        energy_forward_theory=float((1.0 + h_energy ** 2 * lam) ** steps),
    )


@dataclass(frozen=True)
class SmallStepLimitResult:
    """The continuous particle against its discrete steps, one curvature λ per coordinate.

    lr, momentum, step, drag : float    (ε, α) and (h, c)
    products : (P,)                     ελ of each coordinate
    curvature : (P,)                    λ = products / ε
    step_frequency : (P,)               h√λ = √(ελ)
    time : float                        T = K h
    ode_ratio : (P,)                    |θ_i(T)| / |θ_i(0)| of the ODE (fine RK4)
    ode_envelope : float                e^{−cT/2}, the ODE's decay when λ > c²/4
    radius_semi_implicit : (P,)         max |z| of Algorithm 8.2 (closed form)
    radius_forward : (P,)               max |z| of forward Euler (closed form)
    grew_semi_implicit : (P,) bool      |θ_i(K)| > |θ_i(0)|, measured, Algorithm 8.2
    grew_forward : (P,) bool            the same, forward Euler
    ratio_semi_implicit : (P,)          |θ_i(K)| / |θ_i(0)|, measured, Algorithm 8.2
    path_gap : (P,)                     max_k |θ_i,k − θ_i(k h)|: Algorithm 8.2 against the ODE's path
    max_position : (P,)                 max_k |θ_i,k| of Algorithm 8.2 (the ODE's is |θ_i(0)| = 1)
    angle_discrete : (P,)               turn per step of Algorithm 8.2, |arg z| in degrees
    angle_ode : (P,)                    turn per time step h of the ODE, h√(λ − c²/4) in degrees
    edge_semi_implicit : float          2 + 2α
    edge_forward : float                1 − α
    grid_products : (G,)                a fine geometric grid of ελ, for the figure
    grid_radius_semi_implicit : (G,)    max |z| of Algorithm 8.2 on it
    grid_radius_forward : (G,)          max |z| of forward Euler on it
    grid_factor_ode : (G,)              e^{h max Re s}: the ODE's factor over one time step h
    """

    lr: float
    momentum: float
    step: float
    drag: float
    products: np.ndarray
    curvature: np.ndarray
    step_frequency: np.ndarray
    time: float
    ode_ratio: np.ndarray
    ode_envelope: float
    radius_semi_implicit: np.ndarray
    radius_forward: np.ndarray
    grew_semi_implicit: np.ndarray
    grew_forward: np.ndarray
    ratio_semi_implicit: np.ndarray
    path_gap: np.ndarray
    max_position: np.ndarray
    angle_discrete: np.ndarray
    angle_ode: np.ndarray
    edge_semi_implicit: float
    edge_forward: float
    grid_products: np.ndarray
    grid_radius_semi_implicit: np.ndarray
    grid_radius_forward: np.ndarray
    grid_factor_ode: np.ndarray


def _ode_factor(curvature: np.ndarray, drag: float, step: float) -> np.ndarray:
    """e^{h max Re s} with s² + c s + λ = 0: the continuous particle over one time step."""
    disc = drag * drag - 4.0 * curvature
    real = np.where(disc > 0.0, 0.5 * (-drag + np.sqrt(np.maximum(disc, 0.0))), -0.5 * drag)
    return np.exp(step * real)


def small_step_limit(lr: float = 0.01, momentum: float = 0.9, products=(0.05, 0.5, 2.0, 3.7, 3.9), *,
                     steps: int = 200, substeps: int = 4000) -> SmallStepLimitResult:
    """Where the particle picture of momentum stops holding (claim C15, in part).

    One quadratic J = ½ Σ λ_i θ_i² with λ_i = products_i / ε, from θ_0 = 1
    at rest. The ODE with the same (h, c) (RK4, about ``substeps`` steps over
    T = K h) decays like e^{−cT/2} on every coordinate, whatever λ_i.
    Algorithm 8.2 (semi-implicit Euler) converges only while ελ < 2 + 2α,
    forward Euler only while ελ < 1 − α (:func:`coursekit.momentum_theory.spectral_radius`,
    :func:`coursekit.physics.forward_euler_roots`). Converging is not
    following: below the edge the discrete roots have |z| = √α for every
    ελ > (1 − √α)², but they turn by more per step than the ODE does, so the
    largest gap between θ_k and θ(kh) grows with h√λ.
    """
    eps = check_scalar("lr", lr, 0.0, low_open=True)
    alpha = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    prod = _positive_tuple("products", products)
    steps = check_int("steps", steps, low=1)
    substeps = check_int("substeps", substeps, low=1)
    lam = prod / eps
    h, c = physics.from_momentum(eps, alpha)
    T = steps * h
    problem = Quadratic(lam, name="quadratic, one curvature per coordinate")
    start, rest = np.ones(lam.size), np.zeros(lam.size)
    # The ODE recorded at every t = k h, to compare paths and not only end points.
    ode_path = physics.integrate(problem, start, rest, drag="viscous", coefficient=c,
                                 times=h * np.arange(steps + 1),
                                 substeps=-(-substeps // steps)).theta
    ode = ode_path[-1]
    grew, ratio, paths = {}, {}, {}
    for scheme in physics.SCHEMES:
        paths[scheme] = physics.simulate(problem, start, rest, drag="viscous", coefficient=c, step=h,
                                         steps=steps, scheme=scheme).theta
        end = paths[scheme][-1]
        ratio[scheme] = np.abs(end)
        grew[scheme] = np.abs(end) > 1.0
    alg = paths["semi-implicit"]
    # Roots of z² − (1 + α − ελ) z + α = 0 (Algorithm 8.2 on J = λθ²/2).
    trace = 1.0 + alpha - prod
    root = (trace + np.sqrt((trace * trace - 4.0 * alpha).astype(complex))) / 2.0
    grid = np.geomspace(1e-3, 10.0, 401)
    return SmallStepLimitResult(
        lr=eps, momentum=alpha, step=h, drag=c, products=prod, curvature=lam,
        step_frequency=np.sqrt(prod), time=T, ode_ratio=np.abs(ode),
        ode_envelope=float(np.exp(-0.5 * c * T)),
        radius_semi_implicit=momentum_theory.spectral_radius(eps, alpha, lam),
        radius_forward=np.max(np.abs(physics.forward_euler_roots(eps, alpha, lam)), axis=-1),
        grew_semi_implicit=grew["semi-implicit"], grew_forward=grew["forward"],
        ratio_semi_implicit=ratio["semi-implicit"],
        path_gap=np.max(np.abs(alg - ode_path), axis=0), max_position=np.max(np.abs(alg), axis=0),
        angle_discrete=np.degrees(np.abs(np.angle(root))),
        angle_ode=np.degrees(h * np.sqrt(np.maximum(lam - 0.25 * c * c, 0.0))),
        edge_semi_implicit=2.0 + 2.0 * alpha, edge_forward=1.0 - alpha,
        grid_products=grid, grid_radius_semi_implicit=momentum_theory.spectral_radius(eps, alpha, grid / eps),
        grid_radius_forward=np.max(np.abs(physics.forward_euler_roots(eps, alpha, grid / eps)), axis=-1),
        grid_factor_ode=_ode_factor(grid / eps, c, h),
    )


@dataclass(frozen=True)
class CriticalDampingResult:
    """Critical damping of the ODE (c = 2√λ) against the discrete double root.

    step_frequency : (N,)    h√λ (λ = 1, so h = h√λ and ε = h²)
    momentum_ode : (N,)      α = 1 − c h with c = 2√λ: 1 − 2h√λ
    momentum_discrete : (N,) α = (1 − √(ελ))² = (1 − h√λ)², the double root
    gap : (N,)               momentum_discrete − momentum_ode (= ελ exactly)
    drag_ode : (N,)          2√λ
    drag_discrete : (N,)     (1 − α_discrete)/h = 2√λ − hλ
    damping_discrete : tuple of str   :func:`coursekit.momentum_theory.damping` at α_discrete
                                      ("critical": a double root)
    damping_ode : tuple of str        the same at α_ode ("over": two distinct real roots,
                                      the discrete step is already overdamped)
    polyak_condition_number : float   κ = L/μ of Polyak's example
    polyak_lr, polyak_momentum : float   ε = 4/(√L + √μ)², α = ((√κ − 1)/(√κ + 1))²
    polyak_lr_times_l : float            εL
    polyak_step_frequency : float        h√L = √(εL)
    polyak_momentum_ode : float          1 − 2√(εμ): the ODE's critical α for μ at h = √ε
    polyak_at_double_root : bool         Polyak's α = (1 − √(εμ))² to 1e-12: μ is discretely critical
    """

    step_frequency: np.ndarray
    momentum_ode: np.ndarray
    momentum_discrete: np.ndarray
    gap: np.ndarray
    drag_ode: np.ndarray
    drag_discrete: np.ndarray
    damping_discrete: tuple
    damping_ode: tuple
    polyak_condition_number: float
    polyak_lr: float
    polyak_momentum: float
    polyak_lr_times_l: float
    polyak_step_frequency: float
    polyak_momentum_ode: float
    polyak_at_double_root: bool


def critical_damping(step_frequency=(0.01, 0.1, 0.3, 0.5), *,
                     condition_number: float = 100.0) -> CriticalDampingResult:
    """Map the ODE's critical damping onto (ε, α) and compare with the discrete one.

    The particle on J = λθ²/2 with drag c is critically damped at c = 2√λ
    (double root of s² + c s + λ). Through ε = h², α = 1 − c h this is
    α = 1 − 2h√λ. Algorithm 8.2 has a double root where
    (1 + α − ελ)² = 4α, i.e. α = (1 − √(ελ))² = 1 − 2h√λ + h²λ
    (:func:`coursekit.momentum_theory.critical_momentum`). The two agree to first order
    in h√λ and differ by ελ; past h√λ = ½ the ODE's value is no longer a
    momentum at all (α < 0). Polyak's optimal heavy ball (Polyak, 1964) puts
    the smallest curvature μ exactly at the discrete double root, with
    h√L = √(εL) far from small.
    """
    hs = check_interval("step_frequency", step_frequency, 0.0, 0.5, low_open=True)
    if hs.ndim != 1 or hs.size == 0:
        raise ValueError(f"step_frequency must be a non-empty 1-D sequence, got shape {hs.shape}")
    kappa = check_scalar("condition_number", condition_number, 1.0, low_open=True)
    lam = 1.0
    eps = hs ** 2
    alpha_ode = 1.0 - 2.0 * np.sqrt(lam) * hs
    alpha_disc = momentum_theory.critical_momentum(eps, lam)
    mu, big = 1.0, kappa
    polyak_lr, polyak_alpha, _ = momentum_theory.optimal_parameters(mu, big)
    return CriticalDampingResult(
        step_frequency=hs, momentum_ode=alpha_ode, momentum_discrete=alpha_disc,
        gap=alpha_disc - alpha_ode, drag_ode=np.full(hs.size, 2.0 * np.sqrt(lam)),
        drag_discrete=(1.0 - alpha_disc) / hs,
        damping_discrete=tuple(momentum_theory.damping(e, a, lam) for e, a in zip(eps, alpha_disc)),
        damping_ode=tuple(momentum_theory.damping(e, a, lam) for e, a in zip(eps, alpha_ode)),
        polyak_condition_number=kappa, polyak_lr=float(polyak_lr), polyak_momentum=float(polyak_alpha),
        polyak_lr_times_l=float(polyak_lr * big), polyak_step_frequency=float(np.sqrt(polyak_lr * big)),
        polyak_momentum_ode=float(1.0 - 2.0 * np.sqrt(polyak_lr * mu)),
        polyak_at_double_root=bool(abs(polyak_alpha - (1.0 - np.sqrt(polyak_lr * mu)) ** 2) < 1e-12),
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
    """The three drags from the same start on J = ½(θ₁² + κθ₂²), finely simulated.

    drags : tuple of str      ("viscous", "turbulent", "dry")
    times : (R,)              t
    theta, velocity : dict drag -> (R, 2)
    distance, speed : dict drag -> (R,)   ‖θ − θ*‖ and ‖v‖ over time
    amplitude : dict drag -> (R,)         √(2E), E = ½‖v‖² + J(θ): the size of the swings
    final_distance, final_speed : dict drag -> float
    final_grad_norm : dict drag -> float  ‖∇J‖ at the last point
    viscous_rate : float      slope of ln(amplitude) against t, t ≥ fit_from (viscous: −c/2)
    turbulent_power : float   slope of ln(amplitude) against ln t, t ≥ fit_from (1/t: −1)
    coefficient, step, fit_from : float; condition_number : float
    """

    drags: tuple
    times: np.ndarray
    theta: dict
    velocity: dict
    distance: dict
    speed: dict
    amplitude: dict
    final_distance: dict
    final_speed: dict
    final_grad_norm: dict
    viscous_rate: float
    turbulent_power: float
    coefficient: float
    step: float
    fit_from: float
    condition_number: float


def _fine_motion(problem, theta0, velocity0, drag: str, coefficient, times, substeps: int):
    """The particle itself, not a large-step algorithm: RK4 for the smooth drags,
    small semi-implicit Euler steps for dry friction (its force jumps at v = 0)."""
    method = "euler" if drag == "dry" else "rk4"
    return physics.integrate(problem, theta0, velocity0, drag=drag, coefficient=coefficient,
                             times=times, substeps=substeps, method=method)


def surface_paths(*, coefficient: float = 1.0, step: float = 0.005, time: float = 60.0,
                  condition_number: float = 4.0, theta0=(-2.5, 1.5),
                  velocity0=(0.0, 0.0), record_every: int = 8,
                  fit_from: float | None = None) -> SurfacePathsResult:
    """The same particle under each drag with the same coefficient c (claims C17, C18).

    RK4 with time step h for viscous and turbulent drag, semi-implicit Euler
    with the same h for dry friction, recorded every ``record_every`` steps.
    Viscous drag settles at θ* (its amplitude falls like e^{−ct/2} when
    c < 2√λ for every λ), turbulent drag still circles it at time T (its
    amplitude falls like 1/t), dry friction stops inside ‖∇J‖ ≤ c, short of θ*.
    Both decay laws are fitted over t ≥ ``fit_from`` (default T/6), once the
    first swings are over.
    """
    c = check_scalar("coefficient", coefficient, 0.0, low_open=True)
    h = check_scalar("step", step, 0.0, 0.1, low_open=True)
    T = check_scalar("time", time, 0.0, low_open=True)
    record_every = check_int("record_every", record_every, low=1)
    fit_from = T / 6.0 if fit_from is None else fit_from
    fit_from = check_scalar("fit_from", fit_from, 0.0, T, low_open=True, high_open=True)
    problem = surface(condition_number)
    theta0 = _vector("theta0", theta0, 2)
    velocity0 = _vector("velocity0", velocity0, 2)
    n_records = int(np.ceil(T / (h * record_every)))
    times = np.linspace(0.0, n_records * h * record_every, n_records + 1)
    lam = problem.eigenvalues
    out = {key: {} for key in ("theta", "velocity", "distance", "speed", "amp", "fd", "fs", "fg")}
    for drag in LECTURE_DRAGS:  # one drag law per call
        path = _fine_motion(problem, theta0, velocity0, drag, c, times, record_every)
        distance = np.linalg.norm(path.theta, axis=-1)
        speed = np.linalg.norm(path.velocity, axis=-1)
        energy = 0.5 * speed ** 2 + 0.5 * np.sum(lam * path.theta ** 2, axis=-1)
        out["theta"][drag], out["velocity"][drag] = path.theta, path.velocity
        out["distance"][drag], out["speed"][drag] = distance, speed
        out["amp"][drag] = np.sqrt(2.0 * energy)
        out["fd"][drag], out["fs"][drag] = float(distance[-1]), float(speed[-1])
        out["fg"][drag] = float(np.linalg.norm(problem.grad(path.theta[-1])))
    fit = times >= fit_from
    if fit.sum() < 3:
        raise ValueError(f"fit_from must leave at least 3 records in [fit_from, time], got {fit.sum()}")
    viscous_rate = float(np.polyfit(times[fit], np.log(out["amp"]["viscous"][fit]), 1)[0])
    return SurfacePathsResult(
        drags=LECTURE_DRAGS, times=times, theta=out["theta"], velocity=out["velocity"],
        distance=out["distance"], speed=out["speed"], amplitude=out["amp"],
        final_distance=out["fd"], final_speed=out["fs"], final_grad_norm=out["fg"],
        viscous_rate=viscous_rate,
        turbulent_power=float(loglog_slope(times[fit], out["amp"]["turbulent"][fit])),
        coefficient=c, step=h, fit_from=fit_from, condition_number=float(condition_number),
    )


@dataclass(frozen=True)
class DragSweepResult:
    """Swing size and distance to θ* at time T for each drag law and each coefficient c.

    coefficients : (C,)                 the values of c tried (the same grid for every law)
    amplitude : dict drag -> (C,)       A(T) = √(2E), E = ½‖v‖² + J(θ): the size of the swings
                                        at T (smooth in c; the distance oscillates within it)
    amplitude_later : dict drag -> (C,) A at the later time ``later``
    distance : dict drag -> (C,)        ‖θ(T) − θ*‖ (one instant of a swing: ≤ A/√λ_min)
    best_coefficient : dict drag -> float   the c of the smallest A(T) on the grid
    best_amplitude : dict drag -> float
    time, later, step : float; condition_number : float
    """

    coefficients: np.ndarray
    amplitude: dict
    amplitude_later: dict
    distance: dict
    best_coefficient: dict
    best_amplitude: dict
    time: float
    later: float
    step: float
    condition_number: float


# RK4 on v' = −c v is stable only while c h ≤ 2.785 (the real-axis end of its
# stability region); past it the viscous runs overflow to NaN.
_RK4_REAL_STABILITY = 2.785


def drag_coefficient_sweep(coefficients=(0.01, 0.03, 0.1, 0.3, 1.0, 2.0, 3.0, 10.0, 30.0, 100.0), *,
                           time: float = 60.0, later: float = 80.0, step: float = 0.005,
                           condition_number: float = 4.0, theta0=(-2.5, 1.5)) -> DragSweepResult:
    """Each drag law with each c on one grid, from rest at θ_0 (claim C18, in part).

    c has different units in each law (1/time, 1/length, length/time²), so
    comparing the laws at one c is not fair: each law gets every c of the
    grid, all coefficients in one batch (RK4 for the smooth drags,
    semi-implicit Euler for dry friction, time step h). The laws are ranked
    by the swing size A(T) = √(2E), not by the distance at one instant, which
    oscillates within the swing. At a finite time, viscous drag far from
    critical damping can lose: heavily overdamped, it creeps towards θ* at
    the rate λ/c only. A is also returned at ``later`` > T, to show whether a
    ranking at T lasts.
    """
    cs = _positive_tuple("coefficients", coefficients)
    T = check_scalar("time", time, 0.0, low_open=True)
    later = check_scalar("later", later, T, low_open=True)
    h = check_scalar("step", step, 0.0, 0.1, low_open=True)
    if cs.max() * h >= _RK4_REAL_STABILITY:
        raise ValueError(
            f"coefficients * step must stay below {_RK4_REAL_STABILITY} (RK4 is unstable on viscous drag "
            f"past it), got c = {cs.max():g} with step = {h:g}: take a smaller step"
        )
    problem = surface(condition_number)
    lam = problem.eigenvalues
    theta0 = _vector("theta0", theta0, 2)
    n, n_later = int(np.ceil(T / h)), int(np.ceil((later - T) / h))

    def swing(theta, velocity):  # √(2E), E = ½‖v‖² + ½ Σ λ_i θ_i²
        return np.sqrt(np.sum(velocity ** 2, -1) + np.sum(lam * theta ** 2, -1))

    distance, amplitude, amplitude_later = {}, {}, {}
    for drag in LECTURE_DRAGS:
        path = _fine_motion(problem, theta0, np.zeros(2), drag, cs, [0.0, n * h], n)
        theta, velocity = path.final_theta, path.velocity[-1]
        distance[drag] = np.linalg.norm(theta, axis=-1)
        amplitude[drag] = swing(theta, velocity)
        # Continue the same motion from its state at T to the later time.
        path = _fine_motion(problem, theta, velocity, drag, cs, [0.0, n_later * h], n_later)
        amplitude_later[drag] = swing(path.final_theta, path.velocity[-1])
    best = {drag: int(np.argmin(a)) for drag, a in amplitude.items()}
    return DragSweepResult(
        coefficients=cs, amplitude=amplitude, amplitude_later=amplitude_later, distance=distance,
        best_coefficient={drag: float(cs[i]) for drag, i in best.items()},
        best_amplitude={drag: float(amplitude[drag][i]) for drag, i in best.items()},
        time=n * h, later=(n + n_later) * h, step=h, condition_number=float(condition_number),
    )


@dataclass(frozen=True)
class PhasePortraitResult:
    """Phase portraits (θ, v) of a 1-D particle on J = λθ²/2, one per drag.

    drags : tuple of str
    times : (R,)
    theta, velocity : dict drag -> (R, P)   P starting points, released at rest
    theta0 : (P,)
    curvature, coefficient : float;  band : float = c/λ (dry friction)
    rest_point : (P,)      where dry friction left each particle (simulated, last record)
    predicted : (P,)       the closed form :func:`coursekit.physics.dry_friction_rest_point`
    step : float           h of the semi-implicit Euler steps
    """

    drags: tuple
    times: np.ndarray
    theta: dict
    velocity: dict
    theta0: np.ndarray
    curvature: float
    coefficient: float
    band: float
    rest_point: np.ndarray
    predicted: np.ndarray
    step: float


def phase_portraits(theta0=(1.0, 2.5, 3.5), *, curvature: float = 1.0, coefficient: float = 0.3,
                    step: float = 0.02, time: float = 40.0) -> PhasePortraitResult:
    """Position against velocity for each drag, P starting points as one batch.

    Viscous drag spirals into (0, 0) at an exponential rate; turbulent drag
    spirals in more and more slowly; dry friction's spiral shrinks by 2c/λ per
    half turn and ends on the segment |θ| ≤ c/λ of the axis v = 0, at the
    closed-form rest point (exactly at θ* only for starts |θ_0| = 2nc/λ).
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
                               theta0=starts, curvature=lam, coefficient=c, band=c / lam,
                               rest_point=theta["dry"][-1] + 0.0,
                               predicted=np.asarray(physics.dry_friction_rest_point(starts, 0.0, lam, c),
                                                    dtype=float).reshape(starts.shape),
                               step=h)
