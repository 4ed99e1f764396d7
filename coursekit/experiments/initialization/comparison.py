"""Claim C21: the same training from different initial points (book section 8.4).

Every scheme × several seeds of the digits MLP trained as ONE batch of θ by
the same optimizer, so that only the initial point differs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...optimizers import momentum
from ...runner import RunResult, run
from .schemes import MLP_SCHEMES, check_schemes, digits_mlp

__all__ = ["ComparisonResult", "compare_initializers"]


@dataclass(frozen=True)
class ComparisonResult:
    """Training of the digits MLP from each scheme × seed with one optimizer.

    Arrays have a leading axis over ``labels`` and a second over seeds.
    loss (R, S, seeds) training cost J(θ_k) at ``steps`` (NaN after divergence);
    initial_loss, final_loss, train_accuracy, test_accuracy (S, seeds);
    steps_to_target (S, seeds) first recorded k with J ≤ ``target`` (−1: never);
    diverged, diverged_at (S, seeds); ``run`` the full RunResult.
    """

    labels: tuple
    schemes: tuple
    steps: np.ndarray
    loss: np.ndarray
    initial_loss: np.ndarray
    final_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    steps_to_target: np.ndarray
    target: float
    diverged: np.ndarray
    diverged_at: np.ndarray
    run: RunResult

    def statuses(self, index: int) -> list:
        """RunResult.status of every seed of scheme ``index``."""
        return [self.run.status((index, s)) for s in range(self.diverged.shape[1])]


def compare_initializers(
    schemes=MLP_SCHEMES,
    *,
    hidden=(32, 32),
    activation: str = "relu",
    steps: int = 200,
    lr: float = 0.05,
    momentum_value: float = 0.9,
    batch_size: int = 64,
    seeds: int = 3,
    record_every: int = 25,
    target: float = 0.1,
    seed: int = 0,
) -> ComparisonResult:
    """Claim C21: train the digits MLP from every scheme with the same optimizer.

    All len(schemes) × ``seeds`` networks form one batch θ_0 of shape
    (S, seeds, d) and are trained together by :func:`coursekit.run` with
    momentum SGD (Algorithm 8.2), minibatches of ``batch_size`` shared by all
    networks (common random numbers), ``steps`` updates. Divergence is
    reported by the runner, not raised.
    """
    schemes = check_schemes(schemes)
    steps = check_int("steps", steps, low=1)
    seeds = check_int("seeds", seeds, low=1)
    seed = check_int("seed", seed, low=0)
    target = check_scalar("target", target, 0.0, low_open=True)
    net = digits_mlp(hidden, activation, test_split=True)
    rng = np.random.default_rng(seed)
    theta0 = np.stack([net.init_theta(rng, s.init, batch_shape=(seeds,), **s.kwargs)
                       for s in schemes])
    result = run(net, momentum(lr, momentum_value), theta0, steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed + 1), noise="common",
                 record_every=record_every)
    final = result.final_theta
    with np.errstate(invalid="ignore"):
        reached = result.loss <= target
    first = np.where(reached.any(axis=0), result.steps[np.argmax(reached, axis=0)], -1)
    final_loss = net.loss(final)
    return ComparisonResult(
        labels=tuple(s.label for s in schemes),
        schemes=schemes,
        steps=result.steps,
        loss=result.loss,
        initial_loss=result.loss[0],
        final_loss=np.where(result.diverged, np.nan, final_loss),
        train_accuracy=net.accuracy(final, "train"),
        test_accuracy=net.accuracy(final, "test"),
        steps_to_target=first,
        target=target,
        diverged=result.diverged,
        diverged_at=result.diverged_at,
        run=result,
    )
