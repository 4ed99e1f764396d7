"""Claim C21, run to convergence: cost against generalization (book section 8.4).

:func:`long_training` trains the digits MLP from the trainable schemes for
2,000 updates and records the training and test cost. It separates the two
readings of a low test accuracy: underfitting (the training accuracy is low
too, the train–test gap small) and poor generalization (a low training cost
with a high test cost). :func:`long_training` also compares runs at a
matched training cost, since the book's remark that points of comparable
cost can generalize very differently can only be checked there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int, check_scalar
from ...optimizers import momentum
from ...runner import run
from .schemes import GLOROT, HE, LARGE, MLP_SCHEMES, SMALL, check_schemes, digits_mlp

__all__ = ["GeneralizationResult", "LONG_SCHEMES", "long_training"]

#: Two bad scales and two good ones (zeros and the huge scale never train, see section 1).
LONG_SCHEMES = (SMALL, GLOROT, HE, LARGE)


@dataclass(frozen=True)
class GeneralizationResult:
    """Long training of the digits MLP, and a comparison at matched training cost.

    loss, test_loss (R, S, seeds): training and test cost J at ``steps``;
    train_accuracy, test_accuracy (S, seeds) after the last step.
    The matched comparison: for every seed of ``reference``, the first
    update k at which its training cost is at most the final training cost
    of ``matched_to`` for the same seed (recorded at every update over the
    first ``match_steps``): match_step (seeds,), and at that k match_loss,
    match_test_loss, match_train_accuracy, match_test_accuracy (seeds,).
    """

    labels: tuple
    steps: np.ndarray
    loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    reference: str
    matched_to: str
    match_step: np.ndarray
    match_loss: np.ndarray
    match_test_loss: np.ndarray
    match_train_accuracy: np.ndarray
    match_test_accuracy: np.ndarray

    @property
    def final_loss(self) -> np.ndarray:
        return self.loss[-1]

    @property
    def final_test_loss(self) -> np.ndarray:
        return self.test_loss[-1]

    @property
    def gap(self) -> np.ndarray:
        """Train minus test accuracy after the last step, (S, seeds)."""
        return self.train_accuracy - self.test_accuracy


def _section_one_draw(net, scheme, seeds: int, seed: int) -> np.ndarray:
    """θ_0 of ``scheme`` as compare_initializers draws it (every scheme of MLP_SCHEMES in turn)."""
    rng = np.random.default_rng(seed)
    draws = {}
    for s in MLP_SCHEMES:
        draws[s] = net.init_theta(rng, s.init, batch_shape=(seeds,), **s.kwargs)
    if scheme in draws:
        return draws[scheme]
    return net.init_theta(rng, scheme.init, batch_shape=(seeds,), **scheme.kwargs)


def long_training(
    schemes=LONG_SCHEMES,
    *,
    hidden=(32, 32),
    steps: int = 2000,
    lr: float = 0.05,
    momentum_value: float = 0.9,
    batch_size: int = 64,
    seeds: int = 3,
    record_every: int = 100,
    reference: str = "He",
    matched_to: str = "too large",
    match_steps: int = 100,
    seed: int = 0,
) -> GeneralizationResult:
    """Train the digits MLP from each scheme for ``steps`` updates (momentum SGD, Algorithm 8.2).

    Same network, optimizer, θ_0 draws and minibatches as
    :func:`~coursekit.experiments.initialization.compare_initializers`
    (common random numbers), so its first 200 updates are that experiment's
    (a scheme not in its list is drawn after them).
    The training and test costs are recorded every ``record_every`` updates.
    Then ``reference`` is rerun for ``match_steps`` updates with the cost
    recorded at every update, to find where it reaches the final training
    cost of ``matched_to``: the two are then compared at the same training
    cost, one early in a fast run, one at the end of a slow one.
    """
    schemes = check_schemes(schemes)
    labels = tuple(s.label for s in schemes)
    for name, value in (("reference", reference), ("matched_to", matched_to)):
        if value not in labels:
            raise ValueError(f"{name} must be one of the schemes' labels {labels}, got {value!r}")
    steps = check_int("steps", steps, low=1)
    seeds = check_int("seeds", seeds, low=1)
    match_steps = check_int("match_steps", match_steps, low=1)
    seed = check_int("seed", seed, low=0)
    check_scalar("lr", lr, 0.0, low_open=True)
    net = digits_mlp(hidden, "relu", test_split=True)
    theta0 = np.stack([_section_one_draw(net, s, seeds, seed) for s in schemes])
    optimizer = momentum(lr, momentum_value)
    long = run(net, optimizer, theta0, steps, batch_size=batch_size,
               rng=np.random.default_rng(seed + 1), noise="common",
               record_every=record_every, test_every=record_every)
    # The reference again, the cost at every update, its path kept to measure accuracy.
    ref, target = labels.index(reference), labels.index(matched_to)
    short = run(net, optimizer, theta0[ref], match_steps, batch_size=batch_size,
                rng=np.random.default_rng(seed + 1), noise="common", record_every=1,
                keep_path=True)
    goal = long.loss[-1, target]
    below = short.loss <= goal[None, :]
    if not below.any(axis=0).all():
        raise ValueError(f"{reference!r} does not reach the final cost of {matched_to!r} within "
                         f"{match_steps} updates: raise match_steps")
    first = np.argmax(below, axis=0)
    point = short.theta[first, np.arange(seeds)]
    return GeneralizationResult(
        labels=labels,
        steps=long.steps,
        loss=long.loss,
        test_loss=long.test_loss,
        train_accuracy=net.accuracy(long.final_theta, "train"),
        test_accuracy=net.accuracy(long.final_theta, "test"),
        reference=reference,
        matched_to=matched_to,
        match_step=short.steps[first],
        match_loss=short.loss[first, np.arange(seeds)],
        match_test_loss=net.test_loss(point),
        match_train_accuracy=net.accuracy(point, "train"),
        match_test_accuracy=net.accuracy(point, "test"),
    )
