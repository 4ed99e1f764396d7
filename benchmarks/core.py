"""coursekit's own speed: optimizer updates, vectorized sweeps, per-step overhead.

(a) One momentum and one Nesterov update at d = 10^6, against a minimal
    hand-written in-place numpy update (target: ≤ 1.5× the baseline).
(b) A sweep of 64 learning rates × 500 steps on the canyon quadratic, one
    vectorized run against a Python loop over the settings (target: ≥ 10×).
(c) The cost of one step at d = 2, where only overhead remains, in µs.

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


def bench_update(d: int, repeat: int) -> list[tuple[str, float, float]]:
    """(a): rows (label, seconds, ratio to the baseline); ratio None for the baseline."""
    rng = np.random.default_rng(0)
    theta, velocity, grad = rng.normal(size=(3, d))
    lr, alpha = 0.01, 0.9
    rows = []

    base_theta, base_v = theta.copy(), velocity.copy()

    # In-place ufunc calls (closures cannot rebind with *=).
    def baseline_momentum():
        np.multiply(base_v, alpha, out=base_v)
        np.subtract(base_v, lr * grad, out=base_v)
        np.add(base_theta, base_v, out=base_theta)

    scratch = np.empty(d)

    def baseline_nesterov():
        np.multiply(base_v, alpha, out=scratch)  # interim point θ + αv
        np.add(scratch, base_theta, out=scratch)
        np.multiply(base_v, alpha, out=base_v)
        np.subtract(base_v, lr * grad, out=base_v)  # the gradient is taken at `scratch`
        np.add(base_theta, base_v, out=base_theta)

    for opt, baseline in ((momentum(lr, alpha), baseline_momentum),
                          (nesterov(lr, alpha), baseline_nesterov)):
        state = OptimizerState(velocity.copy(), 0)
        out = (np.empty(d), np.empty(d))
        point_out = np.empty(d)

        def fresh():
            if opt.nesterov:
                opt.gradient_point(theta, state)
            opt.update(theta, state, grad)

        def buffered():
            if opt.nesterov:
                opt.gradient_point(theta, state, out=point_out)
            opt.update(theta, state, grad, out=out)

        t_fresh, t_base1, r_fresh = _paired(fresh, baseline, 10, repeat)
        t_buf, t_base2, r_buf = _paired(buffered, baseline, 10, repeat)
        rows.append((f"{opt.name} update, in-place numpy baseline", 0.5 * (t_base1 + t_base2), None))
        rows.append((f"{opt.name} update, coursekit, new arrays", t_fresh, r_fresh))
        rows.append((f"{opt.name} update, coursekit, out= buffers", t_buf, r_buf))
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


def bench_overhead(steps: int, repeat: int) -> tuple[float, float]:
    """(c): µs per runner step and per bare optimizer update at d = 2."""
    problem = canyon(condition_number=50.0)
    theta0 = np.array([-1.0, 1.0])
    opt = momentum(0.01, 0.9)
    t_run = _median_seconds(lambda: run(problem, opt, theta0, steps), 1, repeat) / steps
    state = opt.init(theta0)
    grad = problem.grad(theta0)
    t_update = _median_seconds(lambda: opt.update(theta0, state, grad), 2000, repeat)
    return t_run * 1e6, t_update * 1e6
