"""Momentum read as the motion of a particle (section 8.3.2, eqs. 8.18-8.20).

A particle of unit mass sits at position θ(t) with velocity v(t). Two forces
act on it: the negative gradient −∇J(θ) of the cost, seen as a potential
energy, and a drag that opposes the motion. Newton's law for unit mass is

    dθ/dt = v(t),          dv/dt = −∇J(θ) + F_drag(v)        (eqs. 8.18-8.20)

with one of three drags (coefficient c ≥ 0):

- ``"viscous"``:   F = −c v                 (the one momentum uses),
- ``"turbulent"``: F = −c ‖v‖ v             (size ∝ speed², against the motion),
- ``"dry"``:       F = −c v / ‖v‖           (constant size c; Coulomb friction),

and ``"none"`` (F = 0). The turbulent and dry drags are written for the
velocity *vector*, not coordinate by coordinate: a physical drag points
against the direction of motion whatever the axes, so it must not change
when the coordinates are rotated. The per-coordinate form −c |v_i| v_i would
depend on the axes. In one dimension the two forms coincide.

Dry friction is also *static*: a particle at rest (v = 0 exactly) stays at
rest while the applied force is no larger than the friction, ‖∇J(θ)‖ ≤ c.

The integrator is the semi-implicit (symplectic) Euler step with time step h:

    v_{k+1} = v_k + h (−∇J(θ_k) + F_drag(v_k)),      θ_{k+1} = θ_k + h v_{k+1}.

For viscous drag it reads v_{k+1} = (1 − c h) v_k − h ∇J(θ_k). Multiply by h
and write v_book = h v: then v_book ← (1 − c h) v_book − h² ∇J(θ) and
θ ← θ + v_book, which is Algorithm 8.2 (eqs. 8.15, 8.16) with

    α = 1 − c h,   ε = h²        ⇔        h = √ε,   c = (1 − α)/√ε

(:func:`to_momentum`, :func:`from_momentum`). The book's "velocity" is the
physical velocity times the time step.

Dry friction cannot be evaluated at v_k: −c v_k/‖v_k‖ flips sign every step
near rest and the particle never settles. It is taken at the *new* velocity
instead (implicit in the friction only, as in Moreau's time-stepping for
contact mechanics): with u = v_k − h ∇J(θ_k), the step is
v_{k+1} = max(0, 1 − h c/‖u‖) u. It stops the particle exactly, holds it
while ‖∇J‖ ≤ c, and never divides by zero.

:func:`integrate` is the fine reference: classical Runge–Kutta (RK4) on a
given time grid, or small semi-implicit Euler steps for dry friction, whose
force is discontinuous at v = 0.

All functions take a batch of particles: θ and v of shape (..., d), and a
drag coefficient c that broadcasts against the batch shape (...).

>>> import numpy as np
>>> h, c = from_momentum(0.01, 0.9)
>>> round(h, 12), round(c, 12)
(0.1, 1.0)
>>> path = simulate(lambda theta: theta, [1.0], [0.0], drag="viscous", coefficient=c,
...                 step=h, steps=2)
>>> path.theta[:, 0].round(6).tolist()
[1.0, 0.99, 0.9711]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_batch_compatible,
    check_finite,
    check_int,
    check_interval,
    check_params_vector,
    check_scalar,
)
from .problems.base import Problem
from .recorder import record_steps

__all__ = [
    "DRAGS",
    "SCHEMES",
    "Trajectory",
    "acceleration",
    "dry_friction_rest_point",
    "euler_step",
    "forward_euler_roots",
    "from_momentum",
    "integrate",
    "simulate",
    "to_momentum",
    "turbulent_coast",
]

#: The drag laws, by name.
DRAGS = ("viscous", "turbulent", "dry", "none")

#: The two Euler schemes: ``"semi-implicit"`` moves θ with the new velocity
#: (Algorithm 8.2), ``"forward"`` (explicit Euler) moves it with the old one.
SCHEMES = ("semi-implicit", "forward")


@dataclass(frozen=True)
class Trajectory:
    """A recorded motion. R is the number of records.

    times : (R,)              t of each record (t_0 = 0); (R, *S) from
                              :func:`simulate` with time steps h of shape S
    theta : (R, *batch, d)    θ(t)
    velocity : (R, *batch, d) v(t), the physical velocity dθ/dt
    """

    times: np.ndarray
    theta: np.ndarray
    velocity: np.ndarray

    @property
    def final_theta(self) -> np.ndarray:
        return self.theta[-1]

    @property
    def final_velocity(self) -> np.ndarray:
        return self.velocity[-1]


# --------------------------------------------------------------------------
# The change of variables to and from Algorithm 8.2
# --------------------------------------------------------------------------


def _out(x: np.ndarray):
    return float(x) if x.ndim == 0 else x


def from_momentum(lr, momentum):
    """Time step h and viscous coefficient c of momentum's (ε, α): h = √ε, c = (1 − α)/√ε.

    The inverse of :func:`to_momentum` (section 8.3.2, eqs. 8.18-8.20 with
    viscous drag, discretized by semi-implicit Euler). α = 1 gives c = 0: a
    particle with no drag at all.

    Parameters
    ----------
    lr : float or array_like
        ε > 0.
    momentum : float or array_like
        α in [0, 1]; broadcasts against ``lr``.

    Returns
    -------
    (h, c) : floats, or arrays of the broadcast shape.

    Examples
    --------
    >>> from_momentum(0.25, 0.5)
    (0.5, 1.0)
    """
    eps = check_interval("lr", lr, 0.0, low_open=True)
    alpha = check_interval("momentum", momentum, 0.0, 1.0)
    eps, alpha = np.broadcast_arrays(eps, alpha)
    h = np.sqrt(eps)
    return _out(h), _out((1.0 - alpha) / h)


def to_momentum(step, drag):
    """Momentum's (ε, α) of a time step h and viscous coefficient c: ε = h², α = 1 − c h.

    Algorithm 8.2 with these values is the semi-implicit Euler step of
    eqs. (8.18)-(8.20) under viscous drag, with v_book = h·v.

    Parameters
    ----------
    step : float or array_like
        h > 0.
    drag : float or array_like
        c ≥ 0 with c h ≤ 1 (so that α ≥ 0); broadcasts against ``step``.

    Returns
    -------
    (lr, momentum) : floats, or arrays of the broadcast shape.

    Examples
    --------
    >>> to_momentum(0.5, 1.0)
    (0.25, 0.5)
    """
    h = check_interval("step", step, 0.0, low_open=True)
    c = check_interval("drag", drag, 0.0)
    h, c = np.broadcast_arrays(h, c)
    ch = c * h
    if np.any(ch > 1.0):
        raise ValueError(
            f"drag * step must be in [0, 1] so that momentum = 1 - drag * step is in [0, 1], "
            f"got {float(np.max(ch)):g}"
        )
    return _out(h * h), _out(1.0 - ch)


# --------------------------------------------------------------------------
# Forces
# --------------------------------------------------------------------------


def _check_drag(drag) -> str:
    if drag not in DRAGS:
        raise ValueError(f"drag must be one of {DRAGS}, got {drag!r}")
    return drag


def _speed(v: np.ndarray) -> np.ndarray:
    """‖v‖ over the last axis, keeping it (shape (..., 1))."""
    return np.sqrt(np.sum(v * v, axis=-1, keepdims=True))


def _drag(v: np.ndarray, drag: str, c: np.ndarray, grad: np.ndarray | None) -> np.ndarray:
    """Unchecked F_drag(v); ``grad`` decides static dry friction at v = 0."""
    if drag == "viscous":
        return -c * v
    if drag == "turbulent":
        return -c * _speed(v) * v
    if drag == "none":
        return np.zeros_like(v)
    speed = _speed(v)
    moving = speed > 0.0
    # Kinetic friction −c v/‖v‖; the division is taken only where ‖v‖ > 0.
    force = 0.0 - c * np.divide(v, speed, out=np.zeros_like(v), where=moving)  # no −0.0
    if grad is not None:
        # At rest, friction balances the applied force −∇J up to size c.
        gnorm = _speed(grad)
        scale = np.minimum(1.0, np.divide(c, gnorm, out=np.ones_like(gnorm), where=gnorm > c))
        force = np.where(moving, force, scale * grad)
    return force


def _gradient_function(force) -> Callable:
    """∇J as an unchecked function of θ, from a Problem or a callable."""
    if isinstance(force, Problem):
        return force._grad
    if callable(force):
        return lambda theta: np.asarray(force(theta), dtype=float)
    raise TypeError(
        f"force must be a coursekit Problem or a callable theta -> grad J(theta), "
        f"got {type(force).__name__}"
    )


def _check_state(force, theta, velocity, coefficient):
    theta = check_params_vector("theta", theta, force.dim if isinstance(force, Problem) else None)
    velocity = check_params_vector("velocity", velocity, theta.shape[-1])
    try:
        shape = np.broadcast_shapes(theta.shape, velocity.shape)
    except ValueError:
        raise ValueError(
            f"velocity has shape {velocity.shape}, which does not broadcast against theta {theta.shape}"
        ) from None
    c = check_interval("coefficient", coefficient, 0.0)
    try:
        shape = np.broadcast_shapes(shape[:-1], c.shape) + shape[-1:]
    except ValueError:
        raise ValueError(
            f"coefficient has shape {c.shape}, which does not broadcast against the batch "
            f"shape {shape[:-1]} of theta and velocity"
        ) from None
    theta = np.array(np.broadcast_to(theta, shape))
    velocity = np.array(np.broadcast_to(velocity, shape))
    return theta, velocity, c[..., None]


def _grad_checked(grad_fn, theta):
    g = grad_fn(theta)
    if g.shape != theta.shape:
        raise ValueError(f"the gradient must have the shape of theta {theta.shape}, got {g.shape}")
    return g


def acceleration(force, theta, velocity, *, drag: str, coefficient) -> np.ndarray:
    """dv/dt = −∇J(θ) + F_drag(v) (eq. 8.19 with eq. 8.20 and unit mass), shape (..., d).

    ``force`` is a coursekit Problem (its exact gradient) or a callable
    θ ↦ ∇J(θ). F_drag is −c v (viscous), −c ‖v‖ v (turbulent), −c v/‖v‖
    (dry) or 0 (none). θ, v and c broadcast against each other. Static dry
    friction at v = 0 is included (the acceleration is 0 while ‖∇J‖ ≤ c).

    Examples
    --------
    >>> acceleration(lambda t: 2 * t, [1.0], [0.0], drag="dry", coefficient=3.0).tolist()
    [0.0]
    >>> acceleration(lambda t: 2 * t, [1.0], [1.0], drag="viscous", coefficient=0.5).tolist()
    [-2.5]
    """
    grad_fn = _gradient_function(force)
    drag = _check_drag(drag)
    theta, velocity, c = _check_state(force, theta, velocity, coefficient)
    g = _grad_checked(grad_fn, theta)
    return -g + _drag(velocity, drag, c, g)


# --------------------------------------------------------------------------
# Integrators
# --------------------------------------------------------------------------


def _forward_euler(grad_fn, theta, velocity, drag, c, h):
    """Unchecked forward (explicit) Euler step: θ moves with the *old* velocity v_k.

    v_{k+1} = v_k + h (−∇J(θ_k) + F_drag(v_k)),   θ_{k+1} = θ_k + h v_k.
    Not Algorithm 8.2, which moves θ with v_{k+1} (module docstring).
    """
    g = grad_fn(theta)
    new_v = velocity + h * (_drag(velocity, drag, c, g) - g)
    return theta + h * velocity, new_v


def _check_scheme(scheme) -> str:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    return scheme


def _euler(grad_fn, theta, velocity, drag, c, h):
    """Unchecked semi-implicit Euler step (see the module docstring)."""
    g = grad_fn(theta)
    if drag == "dry":
        # Friction at the new velocity: shrink u towards 0 by h c (and stop if it would pass 0).
        u = velocity - h * g
        speed = _speed(u)
        hc = h * c
        factor = np.divide(speed - hc, speed, out=np.zeros_like(speed), where=speed > hc)
        new_v = factor * u
    elif drag == "viscous":
        # Written as momentum writes it: (1 − c h) v − h g.
        new_v = (1.0 - c * h) * velocity - h * g
    else:
        new_v = velocity + h * (_drag(velocity, drag, c, None) - g)
    return theta + h * new_v, new_v


def euler_step(force, theta, velocity, *, step: float, drag: str, coefficient):
    """One semi-implicit (symplectic) Euler step of eqs. (8.18)-(8.20).

    v_{k+1} = v_k + h (−∇J(θ_k) + F_drag(v_k)),   θ_{k+1} = θ_k + h v_{k+1};
    for viscous drag v_{k+1} = (1 − c h) v_k − h ∇J(θ_k), which is
    Algorithm 8.2 with ε = h², α = 1 − c h and v_book = h v. Dry friction is
    taken at the new velocity (module docstring), so a particle stops and
    stays at rest while ‖∇J‖ ≤ c.

    Parameters
    ----------
    force : Problem or callable θ ↦ ∇J(θ)
    theta, velocity : array_like, shape (..., d)
        θ_k and v_k; they broadcast against each other.
    step : float
        h > 0.
    drag : {"viscous", "turbulent", "dry", "none"}
    coefficient : float or array_like
        c ≥ 0, broadcasting against the batch shape (...).

    Returns
    -------
    (theta, velocity) : the new θ_{k+1}, v_{k+1}; the inputs are unchanged.

    Examples
    --------
    >>> theta, v = euler_step(lambda t: t, [1.0], [0.0], step=0.1, drag="viscous", coefficient=1.0)
    >>> theta.round(6).tolist(), v.round(6).tolist()
    ([0.99], [-0.1])
    """
    grad_fn = _gradient_function(force)
    drag = _check_drag(drag)
    h = check_scalar("step", step, 0.0, low_open=True)
    theta, velocity, c = _check_state(force, theta, velocity, coefficient)
    _grad_checked(grad_fn, theta)
    return _euler(grad_fn, theta, velocity, drag, c, h)


def simulate(force, theta0, velocity0, *, drag: str, coefficient, step: float, steps: int,
             record_every: int = 1, scheme: str = "semi-implicit") -> Trajectory:
    """``steps`` semi-implicit Euler steps of eqs. (8.18)-(8.20) from (θ_0, v_0).

    The discrete algorithm: with viscous drag, the iterates are those of
    momentum (Algorithm 8.2) with ε = h², α = 1 − c h started from
    v_book = h v_0 (:func:`to_momentum`). Turbulent drag is explicit and
    needs h c ‖v‖ < 1 so that one step does not reverse the velocity.

    Parameters
    ----------
    force : Problem or callable θ ↦ ∇J(θ)
    theta0, velocity0 : array_like, shape (..., d), broadcasting together
    drag : {"viscous", "turbulent", "dry", "none"}
    coefficient : float or array_like
        c ≥ 0. It broadcasts with the batch shape of θ_0 and v_0 and may add
        batch axes: c of shape (S,) and one θ_0 of shape (d,) run S particles.
    step : float or array_like
        h > 0; an array broadcasts against the batch shape (one time step
        per particle, e.g. several (ε, α) of momentum at once).
    steps : int
        K ≥ 0.
    record_every : int
        Record k = 0, every this many steps, and K
        (:func:`coursekit.recorder.record_steps`, the runner's grid).
    scheme : {"semi-implicit", "forward"}
        ``"semi-implicit"`` (default) is the step above, Algorithm 8.2 for
        viscous drag. ``"forward"`` is explicit Euler, θ_{k+1} = θ_k + h v_k
        (the *old* velocity): a different algorithm, kept to compare with.

    Returns
    -------
    Trajectory with times k h of the records: shape (R,), or (R, *h.shape)
    for an array of time steps.

    Examples
    --------
    >>> path = simulate(lambda t: 0 * t, [0.0], [1.0], drag="dry", coefficient=1.0,
    ...                 step=0.25, steps=6)
    >>> path.theta[:, 0].tolist()
    [0.0, 0.1875, 0.3125, 0.375, 0.375, 0.375, 0.375]
    """
    grad_fn = _gradient_function(force)
    drag = _check_drag(drag)
    stepper = _euler if _check_scheme(scheme) == "semi-implicit" else _forward_euler
    steps = check_int("steps", steps, low=0)
    record_every = check_int("record_every", record_every, low=1)
    theta, velocity, c = _check_state(force, theta0, velocity0, coefficient)
    step_arr = check_interval("step", step, 0.0, low_open=True)
    check_batch_compatible("step", step_arr, theta.shape[:-1], against="the batch shape of theta")
    h = float(step_arr) if step_arr.ndim == 0 else step_arr[..., None]
    _grad_checked(grad_fn, theta)

    ks = record_steps(steps, record_every)
    thetas = np.empty((ks.size,) + theta.shape)
    velocities = np.empty_like(thetas)
    thetas[0], velocities[0] = theta, velocity
    row = 1
    with np.errstate(over="ignore", invalid="ignore"):  # a too-large step may diverge to inf
        for k in range(1, steps + 1):
            theta, velocity = stepper(grad_fn, theta, velocity, drag, c, h)
            if row < ks.size and k == ks[row]:
                thetas[row], velocities[row] = theta, velocity
                row += 1
    times = ks * h if step_arr.ndim == 0 else ks.reshape((-1,) + (1,) * step_arr.ndim) * step_arr
    return Trajectory(times, thetas, velocities)


def integrate(force, theta0, velocity0, *, drag: str, coefficient, times, substeps: int = 10,
              method: str = "rk4") -> Trajectory:
    """Fine reference solution of eqs. (8.18)-(8.20), recorded at ``times``.

    Each interval [t_i, t_{i+1}] of the grid is crossed in ``substeps``
    equal steps, so a geometric grid gives steps that grow with t (useful
    when the motion slows down, as under turbulent drag). ``method="rk4"``:
    the classical fourth-order Runge–Kutta method, error O(h⁴), for the
    smooth drags (viscous, turbulent, none). ``method="euler"``: the
    semi-implicit Euler step of :func:`euler_step`, error O(h); the only
    choice for dry friction, whose force jumps at v = 0.

    Parameters
    ----------
    times : array_like, shape (R,)
        Strictly increasing, starting at 0.
    substeps : int
        ≥ 1 steps per interval.
    method : {"rk4", "euler"}

    Returns
    -------
    Trajectory at ``times``.

    Examples
    --------
    >>> path = integrate(lambda t: 0 * t, [0.0], [1.0], drag="viscous", coefficient=1.0,
    ...                  times=[0.0, 1.0], substeps=20)
    >>> round(float(path.theta[-1, 0]), 6), round(1 - float(np.exp(-1.0)), 6)
    (0.632121, 0.632121)
    """
    grad_fn = _gradient_function(force)
    drag = _check_drag(drag)
    t = check_finite("times", times)
    if t.ndim != 1 or t.size == 0 or t[0] != 0.0 or np.any(np.diff(t) <= 0):
        raise ValueError(f"times must be a strictly increasing 1-D array starting at 0, got {times!r}")
    substeps = check_int("substeps", substeps, low=1)
    if method not in ("rk4", "euler"):
        raise ValueError(f"method must be 'rk4' or 'euler', got {method!r}")
    if method == "rk4" and drag == "dry":
        raise ValueError(
            "method='rk4' needs a smooth force, but dry friction jumps at v = 0: "
            "use method='euler' with small steps"
        )
    theta, velocity, c = _check_state(force, theta0, velocity0, coefficient)
    _grad_checked(grad_fn, theta)

    def accel(x, v):
        return _drag(v, drag, c, None) - grad_fn(x)

    thetas = np.empty((t.size,) + theta.shape)
    velocities = np.empty_like(thetas)
    thetas[0], velocities[0] = theta, velocity
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(1, t.size):
            h = (t[i] - t[i - 1]) / substeps
            for _ in range(substeps):
                if method == "euler":
                    theta, velocity = _euler(grad_fn, theta, velocity, drag, c, h)
                    continue
                k1x, k1v = velocity, accel(theta, velocity)
                k2x = velocity + 0.5 * h * k1v
                k2v = accel(theta + 0.5 * h * k1x, k2x)
                k3x = velocity + 0.5 * h * k2v
                k3v = accel(theta + 0.5 * h * k2x, k3x)
                k4x = velocity + h * k3v
                k4v = accel(theta + h * k3x, k4x)
                theta = theta + (h / 6.0) * (k1x + 2.0 * k2x + 2.0 * k3x + k4x)
                velocity = velocity + (h / 6.0) * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
            thetas[i], velocities[i] = theta, velocity
    return Trajectory(t.copy(), thetas, velocities)


# --------------------------------------------------------------------------
# Closed forms in one dimension
# --------------------------------------------------------------------------


def _coast_args(t, velocity0, coefficient):
    t = check_interval("t", t, 0.0)
    v0 = check_interval("velocity0", velocity0, 0.0)
    c = check_interval("coefficient", coefficient, 0.0, low_open=True)
    return np.broadcast_arrays(t, v0, c)


def turbulent_coast(t, velocity0, coefficient):
    """Distance and velocity of a 1-D particle under turbulent drag alone.

    dv/dt = −c v² (v ≥ 0, no other force) gives

        v(t) = v_0 / (1 + c v_0 t),     x(t) = (1/c) ln(1 + c v_0 t):

    the particle never stops and its distance grows like (1/c) ln t
    (claim C16, section 8.3.2).

    Parameters
    ----------
    t : float or array_like, ≥ 0
    velocity0 : float or array_like
        v_0 ≥ 0.
    coefficient : float or array_like
        c > 0.

    Returns
    -------
    (x, v) : arrays (or floats) of the broadcast shape.

    Examples
    --------
    >>> x, v = turbulent_coast(np.e - 1.0, 1.0, 1.0)
    >>> round(x, 12), round(v, 12)
    (1.0, 0.367879441171)
    """
    t, v0, c = _coast_args(t, velocity0, coefficient)
    cvt = c * v0 * t
    return _out(np.log1p(cvt) / c), _out(v0 / (1.0 + cvt))


def dry_friction_rest_point(theta0, velocity0, curvature, friction):
    """Where a 1-D particle on J = λθ²/2 under dry friction c comes to rest.

    Between stops, the motion is a harmonic oscillation about ∓b, b = c/λ,
    the side set by the direction of motion (friction shifts the centre).
    Starting with velocity v_0 in direction s = sign(v_0), the particle first
    turns at θ_1 = −s b + s √((θ_0 + s b)² + v_0²/λ). From rest at θ with
    |θ| > b, each half swing ends at |θ| − 2b on the other side. The particle
    stops at the first turning point inside the band |θ| ≤ b, i.e. where
    |∇J(θ)| = λ|θ| ≤ c (claim C17). With r = |θ_1| > b and
    n = ⌈(r − b)/(2b)⌉ half swings,

        θ_rest = (−1)^n sign(θ_1) (r − 2 b n).

    Parameters
    ----------
    theta0, velocity0 : float or array_like
    curvature : float or array_like
        λ > 0.
    friction : float or array_like
        c > 0.

    Returns
    -------
    float or ndarray of the broadcast shape.

    Examples
    --------
    >>> round(dry_friction_rest_point(2.0, 0.0, 1.0, 0.3), 12)
    -0.2
    """
    x = check_finite("theta0", theta0)
    v = check_finite("velocity0", velocity0)
    lam = check_interval("curvature", curvature, 0.0, low_open=True)
    c = check_interval("friction", friction, 0.0, low_open=True)
    x, v, lam, c = np.broadcast_arrays(x, v, lam, c)
    b = c / lam
    s = np.sign(v)
    centre = -s * b
    first = centre + s * np.sqrt((x - centre) ** 2 + v * v / lam)
    x1 = np.where(v == 0.0, x, first)
    r = np.abs(x1)
    n = np.where(r > b, np.ceil((r - b) / (2.0 * b)), 0.0)
    rest = np.where(n % 2 == 1, -1.0, 1.0) * np.sign(x1) * (r - 2.0 * b * n)
    return _out(rest + 0.0)  # + 0.0 turns −0.0 into 0.0


# --------------------------------------------------------------------------
# The discrete step on a quadratic: roots of the one-step map
# --------------------------------------------------------------------------


def forward_euler_roots(lr, momentum, curvature):
    """The two roots z of forward Euler's one-step map on J = λθ²/2, shape (..., 2), complex.

    With u = h v, ε = h² and α = 1 − c h, forward Euler (θ moved with the old
    velocity) reads u_{k+1} = α u_k − ελ θ_k, θ_{k+1} = θ_k + u_k: the matrix
    [[1, 1], [−ελ, α]], whose eigenvalues solve

        z² − (1 + α) z + (α + ελ) = 0.

    Once the roots are complex, |z|² = α + ελ: the scheme is stable only while
    ελ < 1 − α. Algorithm 8.2 (semi-implicit Euler) solves
    z² − (1 + α − ελ) z + α = 0 instead and is stable up to ελ < 2 + 2α
    (:func:`coursekit.momentum_theory.spectral_radius`, Polyak, 1964). The continuous
    particle, s² + c s + λ = 0, has Re s < 0 for every λ > 0 and c > 0.

    Parameters
    ----------
    lr, momentum, curvature : float or array_like
        ε > 0, α in [0, 1], λ ≥ 0; they broadcast together.

    Returns
    -------
    complex ndarray of shape (*broadcast shape, 2), the root of larger real part first.

    Examples
    --------
    >>> z = forward_euler_roots(0.01, 0.9, 5.0)          # ελ = 0.05 < 1 − α: stable
    >>> round(float(np.max(np.abs(z))), 6)
    0.974679
    >>> float(np.max(np.abs(forward_euler_roots(0.01, 0.9, 50.0)))) > 1.0   # ελ = 0.5 > 1 − α
    True
    """
    eps = check_interval("lr", lr, 0.0, low_open=True)
    alpha = check_interval("momentum", momentum, 0.0, 1.0)
    lam = check_interval("curvature", curvature, 0.0)
    eps, alpha, lam = np.broadcast_arrays(eps, alpha, lam)
    trace, det = 1.0 + alpha, alpha + eps * lam
    root = np.sqrt((trace * trace - 4.0 * det).astype(complex))
    return np.stack([(trace + root) / 2.0, (trace - root) / 2.0], axis=-1)
