"""Claim C9: one-pass SGD (with and without replacement) and batch GD against the floor σ²d/(2k)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...data import make_linear_regression
from ...optimizers import sgd
from ...problems import LeastSquares
from ...runner import run
from ...schedules import inverse_time
from ._common import _at_budgets, _check_example_window, _check_levels, _check_sizes

__all__ = [
    "StatisticalFloorResult",
    "statistical_floor",
]


# -- C9: the statistical floor ------------------------------------------------------
class _PermutedLeastSquares(LeastSquares):
    """Least squares whose minibatches walk through a random permutation of the n examples.

    Sampling *without* replacement: each trajectory draws a permutation of
    0..n−1 from the runner's rng at the start of every pass and takes its
    minibatches as consecutive slices, so within a pass every example is used
    exactly once. (The runner's default, :class:`FiniteSumProblem`, draws
    with replacement, as Algorithm 8.1 states it.) The position in the pass
    is state, so make a new instance for every run.
    """

    def __init__(self, X, y, name=None):
        super().__init__(X, y, name=name)
        self._order, self._next = None, 0

    def _sample_batch(self, rng, batch_shape, batch_size):
        n = self.n_train
        if batch_size > n:
            raise ValueError(f"a minibatch of {batch_size} examples does not fit in n = {n}")
        if self._order is None or self._order.shape[:-1] != tuple(batch_shape) \
                or self._next + batch_size > n:
            self._order = rng.permuted(np.broadcast_to(np.arange(n), tuple(batch_shape) + (n,)),
                                       axis=-1)
            self._next = 0
        batch = self._order[..., self._next:self._next + batch_size]
        self._next += batch_size
        return batch


@dataclass(frozen=True)
class StatisticalFloorResult:
    """One-pass SGD (two data orders) and batch GD, each tuned on a grid, against σ²d/(2k).

    sampling : 2 names, the data orders of SGD: with replacement, and one random permutation
    sgd_constants : (C,) c of ε_t = c/(t + k_0) at update t (μ = 1)
    sgd_final : (2, C) excess after one pass, per order and c;  sgd_best : (2,) index of the best c
    sgd_examples : (R,);  sgd_excess : (R, 2) excess ½‖θ − θ_true‖² of each order's best c,
        mean over seeds
    gd_lrs : (G,) constant ε of batch GD;  gd_final : (G,) excess after one epoch
    gd_best : index of the best ε;  gd_examples : (E+1,);  gd_excess : (E+1,) of the best ε
    floor : (R,) σ²d/(2k) at sgd_examples (nan at k = 0)
    ratio : (R, 2) sgd_excess / floor
    ratio_range, early_ratio_range : (2, 2) (min, max) of each order's ratio over ``window``
        and ``early_window``;  late_ratio_growth : (2,) ratio at the end over its minimum
        on the early window (> 1: the ratio grows late in the pass)
    budgets : (B,) examples;  sgd_at_budgets, ratio_at_budgets : (B, 2);  gd_at_budgets : (B,)
        at the last record with ≤ budget examples (SGD stops after one pass)
    ols_excess : ½‖θ̂_OLS − θ_true‖², the least-squares fit on all n examples
    epochs_to_ols : epochs of the best batch GD until its excess is ≤ ols_tolerance × ols_excess
    data_seeds : (S,) other draws of the data;  seed_ratios : (S, 2) each order's ratio to
        σ²d/(2n) at the end of the pass, with the c chosen on ``seed``
    pass_budgets : (P,) examples within the pass at which the orders are compared on all the
        draws (multiples of record_every·m);  replacement_ratio : (P,) mean excess with
        replacement / mean excess without, pooled over the S + 1 draws of the data (each at
        its order's c);  replacement_prediction : (P,) 1 + k/n, the ratio predicted by the
        repeats and omissions of sampling with replacement;  replacement_floor_ratio : (P,)
        the pooled mean excess with replacement / σ²d/(2k), to set against the same 1 + k/n
    hessian_extremes : (2,) smallest and largest eigenvalue of the training Hessian XᵀX/n:
        c λ_min < ½ puts ε_t = c/(t + k_0) below the threshold of the O(1/k) rate
    ill_condition_number : κ of a second design, x ~ N(0, diag(s²)), s² log-spaced from 1 to 1/κ
    ill_gd_lrs : (G2,);  ill_epochs_to_ols : (G2,) epochs each ε takes to come within
        ols_tolerance of that design's least-squares fit (−1: not within ill_epochs)
    ill_ols_excess : ½(θ̂ − θ_true)ᵀ diag(s²)(θ̂ − θ_true) of that fit
    n, dim, noise, batch_size, offset, repeats, ols_tolerance, ill_epochs
    """

    sampling: tuple
    sgd_constants: np.ndarray
    sgd_final: np.ndarray
    sgd_best: np.ndarray
    sgd_examples: np.ndarray
    sgd_excess: np.ndarray
    gd_lrs: np.ndarray
    gd_final: np.ndarray
    gd_best: int
    gd_examples: np.ndarray
    gd_excess: np.ndarray
    floor: np.ndarray
    ratio: np.ndarray
    ratio_range: np.ndarray
    early_ratio_range: np.ndarray
    late_ratio_growth: np.ndarray
    window: tuple
    early_window: tuple
    budgets: np.ndarray
    sgd_at_budgets: np.ndarray
    gd_at_budgets: np.ndarray
    ratio_at_budgets: np.ndarray
    ols_excess: float
    epochs_to_ols: int
    data_seeds: np.ndarray
    seed_ratios: np.ndarray
    pass_budgets: np.ndarray
    replacement_ratio: np.ndarray
    replacement_prediction: np.ndarray
    replacement_floor_ratio: np.ndarray
    hessian_extremes: np.ndarray
    ill_condition_number: float
    ill_gd_lrs: np.ndarray
    ill_epochs_to_ols: np.ndarray
    ill_ols_excess: float
    n: int
    dim: int
    noise: float
    batch_size: int
    offset: float
    repeats: int
    ols_tolerance: float
    ill_epochs: int

    @property
    def sgd_constant(self) -> np.ndarray:
        """(2,) the best c of each data order."""
        return self.sgd_constants[self.sgd_best]

    @property
    def gd_lr(self) -> float:
        return float(self.gd_lrs[self.gd_best])


def _first_within(values: np.ndarray, threshold: float) -> int:
    """Index of the first entry from which ``values`` stays ≤ threshold (−1 if never)."""
    above = np.nonzero(~(values <= threshold))[0]
    if above.size == 0:
        return 0
    return int(above[-1] + 1) if above[-1] + 1 < values.size else -1


def statistical_floor(
    *, n: int = 20_000, dim: int = 20, noise: float = 0.5, batch_size: int = 10,
    offset: float = 2.0, sgd_constants=(0.5, 1.0, 2.0, 4.0), gd_lrs=(0.25, 0.5, 1.0, 1.5),
    gd_epochs: int = 5, repeats: int = 8, record_every: int = 50, window=None,
    early_window=(1000, 10_000), budgets=(500, 2000, 10_000, 20_000, 40_000, 100_000),
    data_seeds=(1, 2, 3), pass_budgets=(2000, 10_000, 20_000), ols_tolerance: float = 1.1, ill_condition_number: float = 100.0,
    ill_gd_lrs=(0.5, 1.0, 1.5, 1.8), ill_epochs: int = 150, seed: int = 0,
) -> StatisticalFloorResult:
    """One-pass SGD next to the statistical rate, and batch GD at equal examples (claim C9).

    Linear regression y = xᵀθ_true + σ·noise with x ~ N(0, I_d)
    (:func:`coursekit.data.make_linear_regression`). For ½ squared error the
    excess error of θ is exactly ½‖θ − θ_true‖² (the population Hessian is
    I). Two lower bounds put it at about σ²d/(2k) after k examples: the
    Cramér–Rao bound, for *unbiased* estimators (least squares attains it up
    to k/(k − d − 1)); and the minimax bound Ω(1/k) for *any* method that sees
    k noisy gradients of a strongly convex problem (Nemirovski & Yudin, 1983;
    Agarwal et al., 2012, "Information-theoretic lower bounds on the oracle
    complexity of stochastic convex optimization"), which covers SGD, a
    biased estimator. Here k counts examples, not updates.

    SGD runs one pass (n/m updates of m examples) in two data orders:
    minibatches drawn with replacement (Algorithm 8.1 as stated; late in the
    pass it reuses examples and never sees others), and one random
    permutation (:class:`_PermutedLeastSquares`: every example exactly once,
    which for i.i.d. data is the same as fresh examples from the
    population). Both orders and batch GD are tuned by the same rule, the
    excess error after n examples: SGD with ε_t = c/(t + k_0) for c in
    ``sgd_constants`` (all c in one batched run, ``repeats`` seeds), batch GD
    with constant ε in ``gd_lrs`` (one update of n examples), run for
    ``gd_epochs``. ``window`` defaults to the whole pass.

    Two checks of how far this one setting carries. ``data_seeds``: other
    draws of the data, SGD in both orders at the c chosen here. And the
    conditioning: x ~ N(0, I) makes ε = 1 a Newton step for batch GD, so it
    reaches the least-squares fit in about two epochs; on a design with
    condition number ``ill_condition_number`` the same method, at each ε of
    ``ill_gd_lrs``, is followed for up to ``ill_epochs`` epochs.
    """
    n = check_int("n", n, low=100)
    dim = check_int("dim", dim, low=1, high=n // 10)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    batch_size = check_int("batch_size", batch_size, low=1, high=n)
    offset = check_scalar("offset", offset, 1.0, np.inf)
    sgd_constants = _check_levels("sgd_constants", sgd_constants)
    gd_lrs = _check_levels("gd_lrs", gd_lrs)
    gd_epochs = check_int("gd_epochs", gd_epochs, low=1)
    repeats = check_int("repeats", repeats, low=1)
    record_every = check_int("record_every", record_every, low=1)
    budgets = _check_sizes(budgets)
    data_seeds = np.atleast_1d(np.asarray(data_seeds, dtype=np.int64))
    for s in data_seeds:
        check_int("data_seeds", int(s), low=0)
    ols_tolerance = check_scalar("ols_tolerance", ols_tolerance, 1.0, np.inf, low_open=True)
    ill_condition_number = check_scalar("ill_condition_number", ill_condition_number, 1.0, 1e6)
    ill_gd_lrs = _check_levels("ill_gd_lrs", ill_gd_lrs)
    ill_epochs = check_int("ill_epochs", ill_epochs, low=1)
    seed = check_int("seed", seed, low=0)
    steps = n // batch_size
    total = steps * batch_size
    window = _check_example_window("window", (record_every * batch_size, total)
                                   if window is None else window, total)
    early_window = _check_example_window("early_window", early_window, total)
    pass_budgets = _check_sizes(pass_budgets)
    if pass_budgets[-1] > total or np.any(pass_budgets % batch_size) \
            or np.any(pass_budgets % (record_every * batch_size)):
        raise ValueError("pass_budgets must be within the pass and multiples of "
                         f"record_every * batch_size = {record_every * batch_size}, "
                         f"got {pass_budgets.tolist()}")
    sampling = ("with replacement", "without replacement (one random permutation)")
    theta0 = np.zeros(dim)

    def one_pass_sgd(data, constants, data_seed, every):
        """Mean excess (R, C) of one pass in each order, and the examples seen."""
        out = []
        for j, problem in enumerate((LeastSquares(data.X, data.y),
                                     _PermutedLeastSquares(data.X, data.y))):
            # Each record costs a full pass over the data (the runner's J(θ)): few records.
            result = run(problem, sgd(inverse_time(constants / offset, offset)), theta0, steps,
                         batch_size=batch_size, rng=np.random.default_rng([data_seed, 1, j]),
                         repeats=repeats, record_every=every, keep_path=True)
            diff = result.theta - data.theta_true   # ½‖θ − θ_true‖²: the excess for Σ = I
            out.append(0.5 * np.sum(diff * diff, axis=-1).mean(axis=1))
        return np.stack(out), result.examples_seen.astype(np.int64)

    data = make_linear_regression(n, dim, np.random.default_rng(seed), noise=noise)
    problem = LeastSquares(data.X, data.y, name=f"linear regression n={n} d={dim}")
    theta_true = data.theta_true
    sgd_all, sgd_examples = one_pass_sgd(data, sgd_constants, seed, record_every)  # (2, R, C)
    sgd_best = np.argmin(sgd_all[:, -1], axis=1)
    sgd_excess = np.stack([sgd_all[j, :, c] for j, c in enumerate(sgd_best)], axis=1)  # (R, 2)

    def excess(path):
        diff = path - theta_true
        return 0.5 * np.sum(diff * diff, axis=-1)

    batch = run(problem, sgd(gd_lrs), theta0, gd_epochs, keep_path=True)
    gd_examples = batch.examples_seen.astype(np.int64)
    gd_all = excess(batch.theta)                            # (E+1, G)
    gd_best = int(np.argmin(gd_all[1]))
    gd_excess = gd_all[:, gd_best]
    ols_excess = float(excess(problem.minimizer))

    floor = np.full(sgd_examples.shape, np.nan)
    seen = sgd_examples > 0
    floor[seen] = noise**2 * dim / (2.0 * sgd_examples[seen])
    ratio = np.full(sgd_excess.shape, np.nan)
    ratio[seen] = sgd_excess[seen] / floor[seen, None]

    def ratio_range(lo, hi):
        inside = (sgd_examples >= lo) & (sgd_examples <= hi)
        return np.stack([ratio[inside].min(axis=0), ratio[inside].max(axis=0)], axis=1)

    early = ratio_range(*early_window)
    seed_ratios = []
    # The other draws are recorded every pool_every updates, which holds every budget of
    # pass_budgets (each record is a pass over the data): few records.
    pool_every = int(np.gcd.reduce(pass_budgets // batch_size))
    pooled = _at_budgets(sgd_examples, sgd_excess, pass_budgets)  # (P, 2), summed over draws
    for s in data_seeds:
        other = make_linear_regression(n, dim, np.random.default_rng(int(s)), noise=noise)
        curves, seen = one_pass_sgd(other, sgd_constants[sgd_best], int(s), pool_every)
        seed_ratios.append([curves[j, -1, j] / floor[-1] for j in range(2)])
        pooled += _at_budgets(seen, np.stack([curves[0, :, 0], curves[1, :, 1]], axis=1),
                              pass_budgets)
    # With replacement, k draws give example i a count w_i ~ Poisson(k/n): SGD with
    # ε_t ≈ 1/t is then close to a weighted least-squares fit, whose noise is
    # ∝ Σ w_i² / (Σ w_i)² ≈ (1 + k/n)/k: an effective sample size k/(1 + k/n).
    pooled_at = pooled
    hessian = np.linalg.eigvalsh(data.X.T @ data.X / n)

    # The same batch GD on a design with condition number κ (population Hessian diag(s²)).
    scales = np.sqrt(np.geomspace(1.0, 1.0 / ill_condition_number, dim))
    ill = make_linear_regression(n, dim, np.random.default_rng([seed, 2]), noise=noise,
                                 feature_scales=scales)
    ill_problem = LeastSquares(ill.X, ill.y)
    ill_run = run(ill_problem, sgd(ill_gd_lrs), theta0, ill_epochs, keep_path=True)

    def ill_excess(path):
        diff = path - ill.theta_true
        return 0.5 * np.sum(scales**2 * diff * diff, axis=-1)

    ill_ols = float(ill_excess(ill_problem.minimizer))
    ill_curves = ill_excess(ill_run.theta)                  # (E2+1, G2)
    ill_epochs_to_ols = np.array([_first_within(ill_curves[:, g], ols_tolerance * ill_ols)
                                  for g in range(ill_gd_lrs.size)], dtype=np.int64)

    return StatisticalFloorResult(
        sampling=sampling,
        sgd_constants=sgd_constants,
        sgd_final=sgd_all[:, -1],
        sgd_best=sgd_best,
        sgd_examples=sgd_examples,
        sgd_excess=sgd_excess,
        gd_lrs=gd_lrs,
        gd_final=gd_all[1],
        gd_best=gd_best,
        gd_examples=gd_examples,
        gd_excess=gd_excess,
        floor=floor,
        ratio=ratio,
        ratio_range=ratio_range(*window),
        early_ratio_range=early,
        late_ratio_growth=ratio[-1] / early[:, 0],
        window=window,
        early_window=early_window,
        budgets=budgets,
        sgd_at_budgets=_at_budgets(sgd_examples, sgd_excess, budgets),
        gd_at_budgets=_at_budgets(gd_examples, gd_excess, budgets),
        ratio_at_budgets=_at_budgets(sgd_examples, ratio, np.minimum(budgets, total)),
        ols_excess=ols_excess,
        epochs_to_ols=_first_within(gd_excess, ols_tolerance * ols_excess),
        data_seeds=data_seeds,
        seed_ratios=np.array(seed_ratios).reshape(data_seeds.size, 2),
        pass_budgets=pass_budgets,
        replacement_ratio=pooled_at[:, 0] / pooled_at[:, 1],
        replacement_prediction=1.0 + pass_budgets / n,
        replacement_floor_ratio=pooled_at[:, 0] / (data_seeds.size + 1)
        / (noise**2 * dim / (2.0 * pass_budgets)),
        hessian_extremes=np.array([hessian[0], hessian[-1]]),
        ill_condition_number=ill_condition_number,
        ill_gd_lrs=ill_gd_lrs,
        ill_epochs_to_ols=ill_epochs_to_ols,
        ill_ols_excess=ill_ols,
        n=n,
        dim=dim,
        noise=noise,
        batch_size=batch_size,
        offset=offset,
        repeats=repeats,
        ols_tolerance=ols_tolerance,
        ill_epochs=ill_epochs,
    )
