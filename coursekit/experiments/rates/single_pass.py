"""Claim C7: one pass of minibatch SGD over a large training set, test loss and excess error."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...analysis import steps_to_tolerance
from ...data import make_large_regression
from ...optimizers import sgd
from ...problems import LeastSquares
from ...runner import run
from ...schedules import inverse_time

__all__ = [
    "OnePassResult",
    "one_pass",
]


# -- C7: one pass over a large training set ----------------------------------------
@dataclass(frozen=True)
class OnePassResult:
    """One pass of minibatch SGD over n training examples: test loss and excess error.

    examples : (T,) examples seen at each test record
    test_loss : (T,) ½ mean squared error on the test set
    excess : (T,) excess error ½‖θ − θ_true‖² (x ~ N(0, I)), along the same trajectory
    final_test_loss, final_excess : after the pass
    test_floor : the test set's own loss at θ_true (its noise, the best any θ can expect)
    noise_floor : σ²/2, the population loss at θ_true
    threshold = (1 + tolerance) × final_test_loss
    examples_to_tolerance : first examples count from which test_loss stays ≤ threshold
    epoch_fraction = examples_to_tolerance / n
    excess_at_tolerance : the excess error at that point
    excess_factor : a tolerance on the excess error, as a factor of final_excess
    examples_to_excess_factor : first examples count from which excess ≤ excess_factor × final_excess
    n, dim, batch_size, tolerance
    """

    examples: np.ndarray
    test_loss: np.ndarray
    excess: np.ndarray
    final_test_loss: float
    final_excess: float
    test_floor: float
    noise_floor: float
    threshold: float
    examples_to_tolerance: int
    epoch_fraction: float
    excess_at_tolerance: float
    excess_factor: float
    examples_to_excess_factor: int
    n: int
    dim: int
    batch_size: int
    tolerance: float


def one_pass(
    *, n: int = 10**6, dim: int = 20, noise: float = 0.5, n_test: int = 10_000,
    batch_size: int = 200, offset: float = 2.0, tolerance: float = 0.01,
    excess_factor: float = 2.0, test_every: int = 5, seed: int = 0,
) -> OnePassResult:
    """When does one-pass SGD get within ``tolerance`` of its final test error? (claim C7)

    Data: :func:`coursekit.data.make_large_regression` (x ~ N(0, I_d), so
    μ = L = 1 for the population cost). SGD with minibatches of m examples
    and ε_k = 1/(μ(k + k_0)) (:func:`coursekit.schedules.inverse_time` with
    ε_0 = 1/k_0, k_0 = ``offset``) runs for n/m updates, one pass in
    expectation (minibatches are drawn with replacement, as in Algorithm 8.1).

    Two numbers are followed every ``test_every`` updates. The test loss on
    the ``n_test`` held-out rows, whose first example count within
    (1 + tolerance) × its final value is the result
    (:func:`coursekit.analysis.steps_to_tolerance`); and the excess error
    ½‖θ − θ_true‖², the population loss minus σ²/2. The excess error is read
    as the test loss of a second problem with the same training rows and the
    d test rows √d·I, targets √d·θ_true: its test loss is ½(θ − θ_true)ᵀ
    (d·I/d)(θ − θ_true) exactly. Both runs draw the same minibatches (same
    seed), so they follow the same trajectory.
    """
    n = check_int("n", n, low=1000)
    dim = check_int("dim", dim, low=1)
    noise = check_scalar("noise", noise, 0.0, np.inf, low_open=True)
    n_test = check_int("n_test", n_test, low=1)
    batch_size = check_int("batch_size", batch_size, low=1, high=n // 10)
    offset = check_scalar("offset", offset, 1.0, np.inf)
    tolerance = check_scalar("tolerance", tolerance, 0.0, 1.0, low_open=True, high_open=True)
    excess_factor = check_scalar("excess_factor", excess_factor, 1.0, np.inf, low_open=True)
    test_every = check_int("test_every", test_every, low=1)
    seed = check_int("seed", seed, low=0)

    data = make_large_regression(n, dim, rng=np.random.default_rng(seed), noise=noise,
                                 n_test=n_test)
    problem = LeastSquares(data.X, data.y, data.X_test, data.y_test,
                           name=f"large least squares n={n}")
    scale = np.sqrt(dim)
    population = LeastSquares(data.X, data.y, scale * np.eye(dim), scale * data.theta_true,
                              name=f"large least squares n={n}, excess error as test loss")
    steps = n // batch_size
    curves = []
    for prob in (problem, population):
        # record_every=steps: the full training loss (a pass over 10^6 rows) only at the ends.
        result = run(prob, sgd(inverse_time(1.0 / offset, offset)), np.zeros(dim), steps,
                     batch_size=batch_size, rng=np.random.default_rng([seed, 1]),
                     record_every=steps, test_every=test_every)
        curves.append(result.test_loss.copy())
    test_loss, excess = curves
    examples = result.test_steps.astype(np.int64) * batch_size
    final = float(test_loss[-1])
    threshold = (1.0 + tolerance) * final
    reached = int(steps_to_tolerance(examples, test_loss, threshold))
    final_excess = float(excess[-1])
    return OnePassResult(
        examples=examples,
        test_loss=test_loss,
        excess=excess,
        final_test_loss=final,
        final_excess=final_excess,
        test_floor=float(problem.test_loss(data.theta_true)),
        noise_floor=0.5 * noise**2,
        threshold=threshold,
        examples_to_tolerance=reached,
        epoch_fraction=reached / n,
        excess_at_tolerance=float(excess[np.searchsorted(examples, reached)]),
        excess_factor=excess_factor,
        examples_to_excess_factor=int(steps_to_tolerance(examples, excess,
                                                         excess_factor * final_excess)),
        n=n,
        dim=dim,
        batch_size=batch_size,
        tolerance=tolerance,
    )
