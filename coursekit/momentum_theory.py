"""Heavy-ball momentum on a quadratic, one eigen-direction at a time.

On J(θ) = ½ (θ − θ*)ᵀ H (θ − θ*) every eigenvector of H evolves on its own
under Algorithm 8.2. Along an eigenvector with eigenvalue λ write x for the
coordinate of θ − θ*; the gradient there is g = λ x, and the two lines of
the algorithm (eqs. 8.15, 8.16) read

    v_{k} = α v_{k−1} − ε λ x_{k−1},
    x_{k} = x_{k−1} + v_{k} = (1 − ε λ) x_{k−1} + α v_{k−1}.

So the pair (x, v) is multiplied by a fixed 2 × 2 matrix at every step:

    ⎡x_k⎤   ⎡1 − ελ   α⎤ ⎡x_{k−1}⎤
    ⎣v_k⎦ = ⎣  −ελ    α⎦ ⎣v_{k−1}⎦ = T(ε, α, λ) ⎡x_{k−1}⎤
                                                ⎣v_{k−1}⎦

T has trace 1 + α − ελ and determinant α, so its eigenvalues are the roots
of z² − (1 + α − ελ) z + α = 0. The spectral radius ρ(T) (largest |z|) is
the convergence factor per step: ‖(x_k, v_k)‖ shrinks like ρ^k.

- Complex roots (discriminant (1 + α − ελ)² − 4α < 0, "under-damped"):
  |z| = √α, and x oscillates about 0.
- Real roots ("over-damped"): ρ = (|1 + α − ελ| + √disc) / 2. Their
  product is α ≥ 0 and their sum 1 + α − ελ, so both have the sign of the
  trace: *positive* for ελ < (1 − √α)², where x creeps towards 0 without
  crossing it, and *negative* for ελ > (1 + √α)², where x changes sign at
  every step (gradient descent's zig-zag, α = 0 and ελ > 1, is this case).
- A double root ("critically damped") when √α = |1 − √(ελ)|, i.e.
  α = (1 − √(ελ))²: z = +√α for ελ < 1, z = −√α for ελ > 1.
- Stable (ρ < 1) exactly when 0 < ελ < 2 + 2α (with 0 ≤ α < 1), the Jury
  conditions |det| < 1 and |trace| < 1 + det.

Over a whole spectrum μ ≤ λ ≤ L the slowest direction sets the pace, and
ρ as a function of λ is largest at one of the two ends, so the rate is
max(ρ(ε, α, μ), ρ(ε, α, L)). Minimizing it over (ε, α) gives (Polyak, 1964,
"Some methods of speeding up the convergence of iteration methods")

    α* = ((√κ − 1)/(√κ + 1))²,   ε* = (2/(√L + √μ))²,   ρ* = (√κ − 1)/(√κ + 1),

with κ = L/μ, against (κ − 1)/(κ + 1) for gradient descent at its best
constant step ε = 2/(L + μ). The presentation follows Goh (2017), "Why
Momentum Really Works", Distill.

Every function broadcasts over arrays of ε, α and λ, so a whole (ε, α)
grid is one call:

>>> import numpy as np
>>> round(float(spectral_radius(0.1, 0.0, 1.0)), 12)   # gradient descent: |1 − ελ|
0.9
>>> lr, alpha, rate = optimal_parameters(1.0, 100.0)
>>> round(rate, 12), round(float(spectrum_rate(lr, alpha, 1.0, 100.0)), 12)
(0.818181818182, 0.818181818182)
"""

from __future__ import annotations

import numpy as np

from ._validation import check_interval, check_scalar

__all__ = [
    "critical_momentum",
    "damping",
    "root_kind",
    "roots",
    "stationary_excess",
    "gd_optimal_parameters",
    "max_stable_lr",
    "optimal_parameters",
    "spectral_radius",
    "spectrum_rate",
    "stable",
]


def _check(lr, momentum, eigenvalue):
    lr = check_interval("lr", lr, 0.0, np.inf, high_open=True)
    momentum = check_interval("momentum", momentum, 0.0, 1.0, high_open=True)
    eigenvalue = check_interval("eigenvalue", eigenvalue, 0.0, np.inf, high_open=True)
    try:
        np.broadcast_shapes(lr.shape, momentum.shape, eigenvalue.shape)
    except ValueError:
        raise ValueError(
            f"lr (shape {lr.shape}), momentum (shape {momentum.shape}) and eigenvalue "
            f"(shape {eigenvalue.shape}) do not broadcast together"
        ) from None
    return lr, momentum, eigenvalue


def _out(x: np.ndarray):
    return float(x) if np.ndim(x) == 0 else x


def _radius(step: np.ndarray, momentum: np.ndarray) -> np.ndarray:
    """ρ of z² − (1 + α − s) z + α for s = ελ, unchecked."""
    trace = 1.0 + momentum - step
    disc = trace * trace - 4.0 * momentum
    # Near a double root the discriminant is a difference of nearly equal
    # numbers: rounding noise of size ~1e-16 would become ~1e-8 after the
    # square root. Treat it as exactly zero within a few ulps.
    disc = np.where(np.abs(disc) <= 16 * np.finfo(float).eps * (trace * trace + 4.0 * momentum), 0.0, disc)
    root = np.sqrt(np.maximum(disc, 0.0))
    # Complex pair: |z|² = det = α. Real pair: the larger |z| is (|tr| + √disc)/2.
    return np.where(disc < 0.0, np.sqrt(momentum), 0.5 * (np.abs(trace) + root))


def spectral_radius(lr, momentum, eigenvalue):
    """ρ(T(ε, α, λ)): the per-step convergence factor along one eigen-direction.

    ρ = √α when (1 + α − ελ)² < 4α (complex eigenvalues), otherwise
    ρ = (|1 + α − ελ| + √((1 + α − ελ)² − 4α)) / 2. ρ < 1 exactly when
    0 < ελ < 2 + 2α. Broadcasts over its arguments (a float for scalars).

    >>> round(spectral_radius(0.1, 0.81, 1.0), 12)   # under-damped: √α
    0.9
    """
    lr, momentum, eigenvalue = _check(lr, momentum, eigenvalue)
    return _out(_radius(lr * eigenvalue, momentum))


def spectrum_rate(lr, momentum, mu, L):
    """The rate over a spectrum μ ≤ λ ≤ L: max(ρ(ε, α, μ), ρ(ε, α, L)).

    For fixed (ε, α), ρ is √α on the under-damped band of λ and grows
    monotonically away from it, so the two extreme eigenvalues decide the
    rate of the slowest direction (Goh, 2017). Broadcasts over ε and α.

    >>> round(spectrum_rate(2.0 / 11.0, 0.0, 1.0, 10.0), 12)   # GD at 2/(L+μ): (κ−1)/(κ+1)
    0.818181818182
    """
    mu, L = _check_spectrum(mu, L)
    lr, momentum, _ = _check(lr, momentum, 1.0)
    return _out(np.maximum(_radius(lr * mu, momentum), _radius(lr * L, momentum)))


def _check_spectrum(mu, L) -> tuple[float, float]:
    mu = check_scalar("mu", mu, 0.0, low_open=True)
    L = check_scalar("L", L, 0.0, low_open=True)
    if L < mu:
        raise ValueError(f"L must be >= mu = {mu:g}, got {L:g}")
    return mu, L


def stable(lr, momentum, eigenvalue):
    """Whether 0 < ελ < 2 + 2α, the condition for ρ(T) < 1 (α in [0, 1)).

    >>> bool(stable(1.0, 0.5, 2.9)), bool(stable(1.0, 0.5, 3.1))
    (True, False)
    """
    lr, momentum, eigenvalue = _check(lr, momentum, eigenvalue)
    step = lr * eigenvalue
    out = (step > 0.0) & (step < 2.0 + 2.0 * momentum)
    return bool(out) if out.ndim == 0 else out


def max_stable_lr(momentum, L):
    """The stability boundary ε < (2 + 2α)/L for a largest eigenvalue L.

    α = 0 gives gradient descent's 2/L; momentum widens the range up to 4/L.

    >>> max_stable_lr(0.0, 10.0), max_stable_lr(0.5, 10.0)
    (0.2, 0.3)
    """
    momentum = check_interval("momentum", momentum, 0.0, 1.0, high_open=True)
    L = check_scalar("L", L, 0.0, low_open=True)
    return _out((2.0 + 2.0 * momentum) / L)


def critical_momentum(lr, eigenvalue):
    """α = (1 − √(ελ))²: the momentum that critically damps direction λ.

    The discriminant (1 + α − ελ)² − 4α vanishes, T has a double eigenvalue
    and the direction converges as fast as it can without oscillating (for
    0 < ελ ≤ 1; for 1 < ελ < 4 the double root is negative and x flips sign
    every step). Needs 0 < ελ < 4 so that α < 1.

    >>> round(critical_momentum(0.25, 1.0), 12)
    0.25
    """
    lr = check_interval("lr", lr, 0.0, np.inf, low_open=True, high_open=True)
    eigenvalue = check_interval("eigenvalue", eigenvalue, 0.0, np.inf, low_open=True, high_open=True)
    step = lr * eigenvalue
    if np.any(step >= 4.0):
        raise ValueError(f"lr * eigenvalue must be in (0, 4) for a critical momentum below 1, got {step!r}")
    return _out((1.0 - np.sqrt(step)) ** 2)


def damping(lr, momentum, eigenvalue, *, atol: float = 1e-12):
    """"under", "critical" or "over": the sign of (1 + α − ελ)² − 4α.

    Under-damped (complex eigenvalues) directions oscillate about θ* with
    factor √α; over-damped ones creep; critical damping sits in between.
    Scalars only.

    >>> damping(0.1, 0.9, 1.0), damping(0.25, 0.25, 1.0), damping(0.1, 0.1, 1.0)
    ('under', 'critical', 'over')
    """
    lr = check_scalar("lr", lr, 0.0)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    eigenvalue = check_scalar("eigenvalue", eigenvalue, 0.0)
    atol = check_scalar("atol", atol, 0.0)
    disc = (1.0 + momentum - lr * eigenvalue) ** 2 - 4.0 * momentum
    if abs(disc) <= atol:
        return "critical"
    return "under" if disc < 0 else "over"


def roots(lr, momentum, eigenvalue):
    """The two eigenvalues of T(ε, α, λ): the roots of z² − (1 + α − ελ) z + α = 0.

    Returned as a complex array of shape (..., 2), the root of larger real
    part first. Broadcasts over its arguments.

    >>> roots(2.0 / 51.0, 0.0, 50.0).real.round(4).tolist()   # gradient descent: 1 − ελ and 0
    [0.0, -0.9608]
    """
    lr, momentum, eigenvalue = _check(lr, momentum, eigenvalue)
    trace = 1.0 + momentum - lr * eigenvalue
    root = np.sqrt((trace * trace - 4.0 * momentum).astype(complex))
    return np.stack([(trace + root) / 2.0, (trace - root) / 2.0], axis=-1)


def root_kind(lr, momentum, eigenvalue, *, atol: float = 1e-12) -> str:
    """"complex", "real positive" or "real negative": how the direction λ moves.

    Complex roots: x oscillates about 0 at the rate √α. Real roots share the
    sign of the trace 1 + α − ελ (their product is α ≥ 0): positive ones
    (ελ < (1 − √α)²) make x creep towards 0 from one side, negative ones
    (ελ > (1 + √α)²) make x change sign at every step. A double root
    (|discriminant| ≤ atol) counts as real. Scalars only.

    >>> root_kind(0.1, 0.9, 1.0), root_kind(0.1, 0.1, 1.0), root_kind(1.96, 0.0, 1.0)
    ('complex', 'real positive', 'real negative')
    """
    lr = check_scalar("lr", lr, 0.0)
    momentum = check_scalar("momentum", momentum, 0.0, 1.0, high_open=True)
    eigenvalue = check_scalar("eigenvalue", eigenvalue, 0.0)
    trace = 1.0 + momentum - lr * eigenvalue
    if trace * trace - 4.0 * momentum < -atol:
        return "complex"
    return "real positive" if trace > 0 else "real negative"


def stationary_excess(lr, momentum, eigenvalue, noise_variance=1.0):
    """E[½ λ x²] in the stationary state of Algorithm 8.2 with additive gradient noise.

    Along one eigen-direction, g = λ x + ξ with independent ξ of variance
    s² = ``noise_variance`` at every step (noise that does not depend on θ).
    Solving the stationary covariance equation P = T P Tᵀ + ε² s² (1, 1)ᵀ(1, 1)
    of the 2 × 2 system gives

        E[½ λ x²] = ε s² (1 + α) / (2 (1 − α) (2 (1 + α) − ελ)),

    finite exactly when the direction is stable (0 < ελ < 2 + 2α). For small
    ελ it is ≈ s² ε/(4(1 − α)): the noise floor grows with the effective
    step ε/(1 − α), the terminal velocity of eq. 8.17 applied to the noise.
    α = 0 gives SGD's ε s²/(2(2 − ελ)). Broadcasts; NaN where unstable.

    >>> round(stationary_excess(0.1, 0.9, 1.0), 12)
    0.256756756757
    """
    lr, momentum, eigenvalue = _check(lr, momentum, eigenvalue)
    noise_variance = check_scalar("noise_variance", noise_variance, 0.0)
    step = lr * eigenvalue
    denominator = 2.0 * (1.0 - momentum) * (2.0 * (1.0 + momentum) - step)
    ok = (step > 0.0) & (step < 2.0 + 2.0 * momentum)
    safe = np.where(ok, denominator, 1.0)
    return _out(np.where(ok, lr * noise_variance * (1.0 + momentum) / safe, np.nan))


def optimal_parameters(mu, L) -> tuple[float, float, float]:
    """(ε*, α*, ρ*) minimizing the momentum rate over μ ≤ λ ≤ L (Polyak, 1964).

    ε* = (2/(√L + √μ))², α* = ((√κ − 1)/(√κ + 1))², ρ* = √α* = (√κ − 1)/(√κ + 1).
    At these values both extreme directions are critically damped: the
    flattest one with the double root +ρ*, the steepest one with −ρ*, so
    the steep direction changes sign at every step. This rate holds on
    quadratics only; on a smooth strongly convex function that is not
    quadratic, heavy ball at these values can fail to converge (Lessard,
    Recht & Packard, 2016).

    >>> tuple(round(x, 12) for x in optimal_parameters(1.0, 9.0))
    (0.25, 0.25, 0.5)
    """
    mu, L = _check_spectrum(mu, L)
    root_kappa = np.sqrt(L / mu)
    rate = (root_kappa - 1.0) / (root_kappa + 1.0)
    lr = (2.0 / (np.sqrt(L) + np.sqrt(mu))) ** 2
    return float(lr), float(rate * rate), float(rate)


def gd_optimal_parameters(mu, L) -> tuple[float, float]:
    """(ε, ρ) of gradient descent at its best constant step: ε = 2/(L + μ), ρ = (κ − 1)/(κ + 1).

    >>> gd_optimal_parameters(1.0, 9.0)
    (0.2, 0.8)
    """
    mu, L = _check_spectrum(mu, L)
    kappa = L / mu
    return float(2.0 / (L + mu)), float((kappa - 1.0) / (kappa + 1.0))
