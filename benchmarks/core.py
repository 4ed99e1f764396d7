"""coursekit's own speed: optimizer updates, vectorized sweeps, per-step overhead.

(a) One momentum and one Nesterov update at d = 10^6, checked, against the
    same lines of numpy written by hand (target: ≤ 1.5× the baseline), and
    against a minimal in-place update (for information).
(b) A sweep of 64 learning rates × 500 steps on the canyon quadratic, one
    vectorized run against a Python loop over the settings (target: ≥ 10×).
(c) One runner step at d = 2 (momentum on the canyon, the loss recorded at
    every step), where only overhead remains, against a hand-written numpy
    loop that calls the same problem's gradient and loss (target: ≤ 2×).

Times are medians over repeats, in a single process; the other core of a
2-core machine should be idle for stable figures.
"""

from __future__ import annotations

import timeit

import numpy as np

from coursekit.optimizers import OptimizerState, momentum, nesterov
from coursekit.problems import canyon
from coursekit.runner import run

__all__ = ["bench_overhead", "bench_sweep", "bench_update"]


def _median_seconds(fn, number: int, repeat: int) -> float:
    fn()  # warm up: first-touch page faults, caches
    return float(np.median(timeit.repeat(fn, number=number, repeat=repeat))) / number


def _paired(candidate, baseline, number: int, repeat: int) -> tuple[float, float, float]:
    """Median times of both and the median of per-round ratios.

    The two are timed in alternation, round by round, so that slow drifts of
    the machine (frequency, other processes) affect both alike.
    """
    candidate(), baseline()
    ours, base = [], []
    for _ in range(repeat):
        ours.append(timeit.timeit(candidate, number=number) / number)
        base.append(timeit.timeit(baseline, number=number) / number)
    ours, base = np.array(ours), np.array(base)
    return float(np.median(ours)), float(np.median(base)), float(np.median(ours / base))


def bench_update(d: int, repeat: int) -> list[tuple[str, float, float | None, bool]]:
    """(a): rows (label, seconds, ratio to its baseline or None, whether the ratio has a target)."""
    rng = np.random.default_rng(0)
    theta, velocity, grad = rng.normal(size=(3, d))
    lr, alpha = 0.01, 0.9
    rows = []

    def plain_momentum():  # the book's lines, new arrays, no checks
        v = alpha * velocity - lr * grad
        return theta + v, v

    def plain_nesterov():
        point = theta + alpha * velocity
        v = alpha * velocity - lr * grad
        return point, theta + v, v

    base_theta, base_v = theta.copy(), velocity.copy()
    scratch = np.empty(d)

    def inplace_momentum():  # ufuncs writing into their inputs: the least work numpy can do
        np.multiply(base_v, alpha, out=base_v)
        np.subtract(base_v, lr * grad, out=base_v)
        np.add(base_theta, base_v, out=base_theta)

    def inplace_nesterov():
        np.multiply(base_v, alpha, out=scratch)
        np.add(scratch, base_theta, out=scratch)
        inplace_momentum()

    for opt, plain, inplace in ((momentum(lr, alpha), plain_momentum, inplace_momentum),
                                (nesterov(lr, alpha), plain_nesterov, inplace_nesterov)):
        state = OptimizerState(velocity.copy(), 0)

        def checked():
            if opt.nesterov:
                opt.gradient_point(theta, state)
            opt.update(theta, state, grad)

        t_ours, t_plain, r_plain = _paired(checked, plain, 10, repeat)
        _, t_inplace, r_inplace = _paired(checked, inplace, 10, repeat)
        rows.append((f"{opt.name} update, the same lines by hand", t_plain, None, False))
        rows.append((f"{opt.name} update, in place by hand", t_inplace, None, False))
        rows.append((f"{opt.name} update, coursekit (checked) vs by hand", t_ours, r_plain, True))
        rows.append((f"{opt.name} update, coursekit (checked) vs in place", t_ours, r_inplace, False))
    return rows


def bench_sweep(n_lr: int, steps: int, repeat: int) -> tuple[float, float, float]:
    """(b): seconds for the vectorized sweep, for the loop, and max |difference|."""
    problem = canyon(condition_number=50.0)
    lrs = np.geomspace(1e-3, 0.04, n_lr)
    theta0 = np.array([-1.0, 1.0])

    def vectorized():
        return run(problem, momentum(lrs, 0.9), theta0, steps)

    def loop():
        return [run(problem, momentum(lr, 0.9), theta0, steps) for lr in lrs]

    t_vec = _median_seconds(vectorized, 1, repeat)
    t_loop = _median_seconds(loop, 1, max(3, repeat // 3))
    batched = vectorized().loss
    looped = np.stack([r.loss for r in loop()], axis=-1)
    return t_vec, t_loop, float(np.nanmax(np.abs(batched - looped)))


def bench_overhead(steps: int, repeat: int) -> tuple[float, float, float, float]:
    """(c): µs per runner step, per hand-written step, their ratio, and µs per checked update.

    Both loops run momentum on the canyon at d = 2 and record J(θ_k) at every
    step; they are timed in alternation (see :func:`_paired`).
    """
    problem = canyon(condition_number=50.0)
    theta0 = np.array([-1.0, 1.0])
    lr, alpha = 0.01, 0.9
    opt = momentum(lr, alpha)

    def by_hand():
        theta, velocity = theta0.copy(), np.zeros(2)
        loss = np.empty(steps + 1)
        loss[0] = problem._loss(theta)
        for k in range(1, steps + 1):
            velocity = alpha * velocity - lr * problem._grad(theta)
            theta = theta + velocity
            loss[k] = problem._loss(theta)
        return loss

    def runner():
        return run(problem, opt, theta0, steps).loss

    np.testing.assert_allclose(runner(), by_hand(), rtol=1e-12)  # the same computation
    t_run, t_hand, ratio = _paired(runner, by_hand, 1, repeat)
    state = opt.init(theta0)
    grad = problem.grad(theta0)
    t_update = _median_seconds(lambda: opt.update(theta0, state, grad), 2000, repeat)
    return t_run / steps * 1e6, t_hand / steps * 1e6, ratio, t_update * 1e6
