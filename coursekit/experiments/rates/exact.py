"""The closed form: exact E[J(θ_k)] − J* of SGD on a diagonal noisy quadratic, bias and noise apart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_interval

__all__ = [
    "ExpectedExcess",
    "expected_excess",
]


# -- exact expectations on a diagonal quadratic ------------------------------------
@dataclass(frozen=True)
class ExpectedExcess:
    """E[J(θ_k)] − J* of SGD on a diagonal noisy quadratic, split exactly into bias and noise term.

    bias_last, noise_last : (K+1,) for the last iterate θ_k, k = 0..K
    bias_average, noise_average : (K+1,) for θ̄_k = (1/k) Σ_{j≤k} θ_j (entry 0: θ_0), or None
    """

    bias_last: np.ndarray
    noise_last: np.ndarray
    bias_average: np.ndarray | None
    noise_average: np.ndarray | None


def expected_excess(eigenvalues, theta0, lr, noise, *, average: bool = False,
                    chunk: int = 16384) -> ExpectedExcess:
    """Exact E[J(θ_k)] − J* of SGD on J(θ) = ½ Σ_i λ_i θ_i² with gradient noise σξ, ξ ~ N(0, I).

    ``noise`` is σ, a number (isotropic noise, covariance σ²I, as in
    :class:`coursekit.problems.Quadratic`) or one σ_i per coordinate
    (covariance diag(σ_i²)); σ_i² = σ²λ_i is the noise of least squares near
    θ*, whose per-example gradient x(xᵀθ* − y) has covariance σ²H.

    A closed form, not a simulation: the update of Algorithm 8.1 on this
    problem (:class:`coursekit.problems.Quadratic` with minibatch size 1) is
    θ_k,i = a_k,i θ_{k−1},i − ε_k σ ξ_k,i with a_k,i = 1 − ε_k λ_i, linear in θ
    with additive noise. So each coordinate's mean and variance follow exact
    recursions: the mean b_k,i = a_k,i b_{k−1},i (the *bias*, the noiseless
    run), and the variance

        v_k,i = a_k,i² v_{k−1},i + ε_k² σ²   ⇒   v_k,i = P_k,i Σ_{j≤k} ε_j² σ² / P_j,i,

    P_k,i = Π_{j≤k} a_j,i², computed in log space (cumulative logaddexp) so
    that neither P nor 1/P over- or underflows. Then E[J(θ_k)] − J* =
    ½ Σ_i λ_i b_k,i² + ½ Σ_i λ_i v_k,i exactly (bias plus noise term).

    With ``average``, the same for θ̄_k = ((k − 1) θ̄_{k−1} + θ_k)/k: its
    variance needs the covariance c_k = Cov(θ_k, θ̄_k), and the three follow

        Cov(θ_k, θ̄_{k−1}) = a_k c_{k−1},
        Var θ̄_k = ((k−1)² Var θ̄_{k−1} + 2(k−1) a_k c_{k−1} + v_k) / k²,
        c_k = ((k−1) a_k c_{k−1} + v_k) / k,

    run as a loop over k (vectorized over i), so keep K to a few thousand.
    ``lr`` holds ε_1..ε_K; every ε_k λ_i must differ from 1.
    """
    lam = check_interval("eigenvalues", eigenvalues, 0.0, np.inf, low_open=True)
    lam = np.atleast_1d(np.asarray(lam, dtype=float))
    theta0 = np.broadcast_to(np.asarray(theta0, dtype=float), lam.shape)
    lr = np.atleast_1d(check_interval("lr", lr, 0.0, np.inf, low_open=True)).astype(float)
    noise = np.asarray(check_interval("noise", noise, 0.0, np.inf), dtype=float)
    if noise.ndim > 1 or (noise.ndim == 1 and noise.shape != lam.shape):
        raise ValueError(f"noise must be a number or one sigma per eigenvalue, got shape {noise.shape}")
    noise = np.broadcast_to(noise, lam.shape)
    chunk = check_int("chunk", chunk, low=1)
    factors = 1.0 - lr[:, None] * lam
    if np.any(factors == 0.0):
        raise ValueError("every eps_k * lambda_i must differ from 1 (the log-space products)")
    steps = lr.size
    bias_last, noise_last = np.empty(steps + 1), np.empty(steps + 1)
    bias_last[0], noise_last[0] = 0.5 * np.sum(lam * theta0**2), 0.0
    log_p = np.zeros_like(lam)                  # log P_k
    log_s = np.full_like(lam, -np.inf)          # log Σ_{j≤k} ε_j²σ²/P_j
    with np.errstate(divide="ignore"):          # σ = 0: log 0 = −inf is the right answer
        log_noise = np.log((lr[:, None] * noise) ** 2)   # (K, d)
    for start in range(0, steps, chunk):        # chunks bound the memory, not the result
        stop = min(start + chunk, steps)
        log_pk = log_p + np.cumsum(np.log(factors[start:stop] ** 2), axis=0)
        log_sk = np.logaddexp.accumulate(
            np.vstack([log_s, log_noise[start:stop] - log_pk]), axis=0)[1:]
        bias_last[start + 1:stop + 1] = 0.5 * np.sum(lam * theta0**2 * np.exp(log_pk), axis=1)
        noise_last[start + 1:stop + 1] = 0.5 * np.sum(lam * np.exp(log_pk + log_sk), axis=1)
        log_p, log_s = log_pk[-1], log_sk[-1]
    if not average:
        return ExpectedExcess(bias_last, noise_last, None, None)
    bias_avg, noise_avg = np.empty(steps + 1), np.empty(steps + 1)
    bias_avg[0], noise_avg[0] = bias_last[0], 0.0
    mean, mean_avg = theta0.copy(), np.zeros_like(lam)
    var, var_avg, cov = np.zeros_like(lam), np.zeros_like(lam), np.zeros_like(lam)
    for k in range(1, steps + 1):
        a, eps = factors[k - 1], lr[k - 1]
        mean = a * mean
        var = a * a * var + (eps * noise) ** 2
        cross = a * cov                          # Cov(θ_k, θ̄_{k−1})
        mean_avg = ((k - 1) * mean_avg + mean) / k
        var_avg = ((k - 1) ** 2 * var_avg + 2 * (k - 1) * cross + var) / k**2
        cov = ((k - 1) * cross + var) / k
        bias_avg[k] = 0.5 * np.sum(lam * mean_avg**2)
        noise_avg[k] = 0.5 * np.sum(lam * var_avg)
    return ExpectedExcess(bias_last, noise_last, bias_avg, noise_avg)
