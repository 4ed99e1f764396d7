"""Claim C10: a geometrically growing minibatch against a small fixed one and the full batch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...analysis import geometric_rate
from ...optimizers import sgd
from ...problems import make_least_squares
from ...runner import run
from ...schedules import Schedule, constant
from ._common import _at_budgets, _check_levels, _check_sizes

__all__ = [
    "GrowingBatchResult",
    "geometric_batch_growth",
    "growing_batch",
]


# -- C10: a growing minibatch ------------------------------------------------------
def geometric_batch_growth(initial, rate, maximum) -> Schedule:
    """m_k = min(m_0 · r^(k−1), m_max): a minibatch that grows geometrically (claim C10).

    Friedlander & Schmidt (2012, "Hybrid deterministic-stochastic methods for
    data fitting") show that growing m_k geometrically keeps the linear rate
    of batch gradient descent on a strongly convex cost while the first
    updates cost as little as SGD's. The runner rounds m_k to an integer.

    >>> s = geometric_batch_growth(10, 2.0, 50)
    >>> [float(s(k)) for k in (1, 2, 3, 4)]
    [10.0, 20.0, 40.0, 50.0]
    """
    initial = check_scalar("initial", initial, 1.0, np.inf)
    rate = check_scalar("rate", rate, 1.0, np.inf, low_open=True, high_open=True)
    maximum = check_scalar("maximum", maximum, initial, np.inf)
    # Cap the exponent at an integer k past the one where m_k reaches m_max, so that
    # r^(k−1) never overflows and the cap itself is hit exactly (not 49.999...).
    last = np.floor(np.log(maximum / initial) / np.log(rate)) + 2.0
    return Schedule(
        lambda k: np.minimum(initial * rate ** (np.minimum(k, last) - 1.0), maximum),
        "min(m0·r^(k−1), m_max)",
        {"initial": np.asarray(initial), "rate": np.asarray(rate),
         "maximum": np.asarray(maximum)},
        None,  # a growth schedule, not a decay: no Robbins–Monro tail
        (np.asarray(initial), np.asarray(maximum)),
    )


@dataclass(frozen=True)
class GrowingBatchResult:
    """Training excess loss J(θ) − J* against examples seen for four minibatch policies.

    labels : 4 names (small fixed m; growing m_k, exact gradient once m_k ≥ n; the same
    growth sampled with replacement even at m_k = n; batch GD)
    examples : tuple of 4 (R_i,) arrays;  excess : tuple of 4 (R_i,) arrays (mean over seeds)
    updates : tuple of 4 (R_i,) update counts k
    budgets : (B,) examples;  at_budgets : (4, B) excess at the last record within each budget,
        each policy at its best ε *for that budget* (the same rule, applied per budget)
    lr_at_budgets : (4, B) that ε
    updates_at_budgets : (4, B) updates taken within each budget
    switch_update : updates made with minibatches (m_k < n) before the exact gradients
    switch_examples : examples those updates touched
    contraction : (4,) per-update factor of J − J* fitted over the last ``tail`` updates
        (SGD with the small m: over its last max(tail, 60), its records being 20 updates apart)
        (:func:`coursekit.analysis.geometric_rate`): < 1 means linear convergence
    theory_contraction : max((1 − ε μ)², (1 − ε L)²) at batch GD's ε, its worst direction
    lrs : (G,) the grid of constant ε;  final_by_lr : (4, G) each policy's excess at the end
        of the budget for each ε (mean over seeds; nan if it diverged)
    best_lr : (4,) the ε each policy got by the rule (lowest ``final_by_lr``); the curves above
        are at that ε
    n, small_batch, growth_rate, tail, mu, L
    data_seeds : (S,) other draws of the data;  seed_at_budgets : (S, 3, B) the excess of the
        policies other than SGD (labels[1:]) at each budget on those draws, each at its best ε
        for that budget (same rule)
    """

    labels: tuple
    examples: tuple
    excess: tuple
    updates: tuple
    budgets: np.ndarray
    at_budgets: np.ndarray
    lr_at_budgets: np.ndarray
    updates_at_budgets: np.ndarray
    switch_update: int
    switch_examples: int
    contraction: np.ndarray
    theory_contraction: float
    lrs: np.ndarray
    final_by_lr: np.ndarray
    best_lr: np.ndarray
    n: int
    small_batch: int
    growth_rate: float
    tail: int
    mu: float
    L: float
    data_seeds: np.ndarray
    seed_at_budgets: np.ndarray


def growing_batch(
    *, n: int = 2000, dim: int = 10, condition_number: float = 10.0, noise: float = 0.5,
    lrs=tuple(np.geomspace(1 / 1024, 1.95, 23)), small_batch: int = 10,
    growth_rate: float = 1.1, epochs: int = 40, repeats: int = 8, tail: int = 30,
    budgets=(200, 2000, 20_000, 40_000, 80_000), data_seeds=(1, 2), seed: int = 0,
) -> GrowingBatchResult:
    """Small fixed m, growing m_k and the full batch, at equal examples seen (claim C10).

    Least squares (:func:`coursekit.problems.make_least_squares`, L = 1,
    μ = 1/κ), four minibatch policies, each at a constant ε: SGD with
    m = ``small_batch`` (Algorithm 8.1), batch gradient descent (m = n), and
    m_k = min(m_0 r^(k−1), n) with m_0 = ``small_batch``
    (:func:`geometric_batch_growth`), exact once m_k ≥ n or sampled with
    replacement throughout. Each runs until it has touched ``epochs`` × n
    examples. Every policy is tuned by the same rule: the ε of the grid
    ``lrs`` (all in one batched run) with the lowest excess loss at the end
    of that budget. The default grid is log-uniform (a factor √2 between
    neighbours, no gaps) from 1/1024 to 1.95, past 2/(L + μ), batch GD's best
    constant step on a quadratic. ``data_seeds``: other draws of the data,
    the three policies other than SGD tuned by the same rule at each budget
    (``seed_at_budgets``), to show how far their ratios carry.

    The growing minibatch converges linearly only if the error of its
    gradient shrinks geometrically (Friedlander & Schmidt, 2012). Minibatches
    drawn with replacement keep an error of variance ∝ 1/n even at m_k = n,
    so the scheme switches to the exact gradient once m_k ≥ n: the runner is
    called twice with the same optimizer (SGD at a constant ε has no state
    and no step counter to carry over), first with the schedule m_k while
    m_k < n, then with exact gradients from where the first call stopped.
    The third policy keeps sampling with replacement at m_k = n, to show
    the floor that the switch removes.
    """
    n = check_int("n", n, low=10)
    dim = check_int("dim", dim, low=1, high=n)
    condition_number = check_scalar("condition_number", condition_number, 1.0, 1e6)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    lrs = _check_levels("lrs", lrs)
    if np.any(lrs >= 2.0):
        raise ValueError(f"lrs must be below 2/L = 2 (batch GD diverges beyond), got {lrs.tolist()}")
    small_batch = check_int("small_batch", small_batch, low=1, high=n - 1)
    growth_rate = check_scalar("growth_rate", growth_rate, 1.0, np.inf, low_open=True)
    epochs = check_int("epochs", epochs, low=1)
    repeats = check_int("repeats", repeats, low=1)
    small_every = 20  # SGD with a small m makes many updates: record every 20th (budgets: 200s)
    tail = check_int("tail", tail, low=3)  # ≥ 3 records of every curve to fit
    budgets = _check_sizes(budgets)
    data_seeds = np.atleast_1d(np.asarray(data_seeds, dtype=np.int64))
    for s in data_seeds:
        check_int("data_seeds", int(s), low=0)
    seed = check_int("seed", seed, low=0)
    theta0 = np.zeros(dim)
    total = epochs * n
    optimizer = sgd(constant(lrs))   # one batched run over the grid of ε
    growth = geometric_batch_growth(small_batch, growth_rate, n)
    # m_k as the runner rounds it; the minibatch phase is the updates with m_k < n.
    last = int(np.ceil(np.log(n / small_batch) / np.log(growth_rate))) + 2
    sizes = np.maximum(1, np.round(np.asarray(growth(np.arange(1, last + 1))))).astype(np.int64)
    switch = int(np.argmax(sizes >= n))
    switch_examples = int(sizes[:switch].sum())
    if switch_examples >= total:
        raise ValueError(f"epochs = {epochs} end before the minibatch reaches n: "
                         f"raise epochs above {switch_examples / n:g}")

    def policies_on(data_seed, repeats, with_sgd=True):
        """The four policies' curves on one draw of the data, and their excess at each budget."""
        problem = make_least_squares(n, dim, np.random.default_rng(data_seed), noise=noise,
                                     condition_number=condition_number)

        def curve(result):  # examples, J − J* (R, G) (mean over seeds, if any), updates
            excess = result.loss - problem.min_loss
            return (result.examples_seen.astype(np.int64),
                    excess.mean(axis=1) if excess.ndim > 2 else excess,
                    result.steps.astype(np.int64))

        def minibatches(m, steps, j, every):
            return curve(run(problem, optimizer, theta0, steps, batch_size=m,
                             rng=np.random.default_rng([data_seed, j]), repeats=repeats,
                             record_every=every))

        small = minibatches(small_batch, total // small_batch, 0, small_every) if with_sgd else None
        first = run(problem, optimizer, theta0, switch, batch_size=growth,
                    rng=np.random.default_rng([data_seed, 1]), repeats=repeats)
        exact_steps = (total - switch_examples) // n
        second = run(problem, optimizer, first.final_theta, exact_steps)
        ex1, loss1, k1 = curve(first)
        ex2, loss2, k2 = curve(second)
        grown = (np.concatenate([ex1, ex1[-1] + ex2[1:]]),
                 np.concatenate([loss1, loss2[1:]]),
                 np.concatenate([k1, k1[-1] + k2[1:]]))
        sampled = minibatches(growth, switch + exact_steps, 1, 1)
        batch = curve(run(problem, optimizer, theta0, total // n))
        policies = (
            (f"SGD, m = {small_batch}", small),
            (f"growing m_k = {small_batch}·{growth_rate:g}^(k−1), exact gradient once m_k ≥ n",
             grown),
            ("the same growth, m_k = n drawn with replacement", sampled),
            (f"batch GD, m = n = {n}", batch),
        )[0 if with_sgd else 1:]
        by_budget = np.array([_at_budgets(p[0], p[1], budgets) for _, p in policies])  # (4, B, G)
        if np.any(np.all(np.isnan(by_budget), axis=2)):
            raise ValueError("a policy diverged at every step size of lrs")
        return problem, policies, by_budget

    problem, policies, by_budget = policies_on(seed, repeats)
    seed_at_budgets = []
    # The other draws give the three policies other than SGD (whose 8000 small updates are the
    # cost), with half the seeds.
    for s in data_seeds:
        _, _, other = policies_on(int(s), max(1, repeats // 2), with_sgd=False)
        seed_at_budgets.append(np.take_along_axis(
            other, np.nanargmin(other, axis=2)[..., None], axis=2)[..., 0])
    best_at = np.nanargmin(by_budget, axis=2)                         # (4, B)
    final_by_lr = np.array([p[1][-1] for _, p in policies])          # (4, G)
    if np.any(np.all(np.isnan(final_by_lr), axis=1)):
        raise ValueError("a policy diverged at every step size of lrs")
    best = np.nanargmin(final_by_lr, axis=1)
    labels = tuple(label for label, _ in policies)
    examples = tuple(p[0] for _, p in policies)
    excess = tuple(p[1][:, b] for (_, p), b in zip(policies, best))
    updates = tuple(p[2] for _, p in policies)
    # SGD's records are small_every apart: its window is at least 3 records long.
    windows = (max(tail, 3 * small_every), tail, tail, tail)
    contraction = np.array([geometric_rate(e, int(k[-1]) - w, int(k[-1]), steps=k)
                            for e, k, w in zip(excess, updates, windows)])
    gd_lr = float(lrs[best[3]])
    return GrowingBatchResult(
        labels=labels,
        examples=examples,
        excess=excess,
        updates=updates,
        budgets=budgets,
        at_budgets=np.take_along_axis(by_budget, best_at[..., None], axis=2)[..., 0],
        lr_at_budgets=lrs[best_at],
        updates_at_budgets=np.array([_at_budgets(x, k, budgets)
                                     for x, k in zip(examples, updates)]),
        switch_update=switch,
        switch_examples=switch_examples,
        contraction=contraction,
        theory_contraction=max((1.0 - gd_lr * problem.mu) ** 2, (1.0 - gd_lr * problem.L) ** 2),
        lrs=lrs,
        final_by_lr=final_by_lr,
        best_lr=lrs[best],
        n=n,
        small_batch=small_batch,
        growth_rate=growth_rate,
        tail=tail,
        mu=problem.mu,
        L=problem.L,
        data_seeds=data_seeds,
        seed_at_budgets=np.array(seed_at_budgets).reshape(data_seeds.size, 3, budgets.size),
    )
