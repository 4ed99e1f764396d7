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
from .biases import dead_units
from .schemes import GLOROT, HE, LARGE, MLP_SCHEMES, SMALL, check_schemes, digits_mlp

__all__ = ["GeneralizationResult", "LONG_SCHEMES", "SeedsResult", "StepResult", "converged_seeds", "long_training",
           "step_size_control"]

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


@dataclass(frozen=True)
class SeedsResult:
    """Schemes that converge, over many seeds: final_loss, test_loss, test_accuracy (S, seeds)."""

    labels: tuple
    steps: int
    final_loss: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray

    def paired(self, a: str, b: str, quantity: str = "test_loss") -> np.ndarray:
        """Per-seed difference a − b of ``quantity`` (same minibatches, seeds drawn separately)."""
        values = getattr(self, quantity)
        return values[self.labels.index(a)] - values[self.labels.index(b)]


def converged_seeds(
    schemes=(SMALL, GLOROT, HE),
    *,
    hidden=(32, 32),
    steps: int = 600,
    lr: float = 0.05,
    momentum_value: float = 0.9,
    batch_size: int = 64,
    seeds: int = 10,
    seed: int = 100,
) -> SeedsResult:
    """The schemes that fit the training set, on more seeds than :func:`long_training`.

    All schemes × seeds are one batch with common minibatches (momentum
    SGD, Algorithm 8.2), so that the per-seed differences are paired.
    """
    schemes = check_schemes(schemes)
    steps = check_int("steps", steps, low=1)
    seeds = check_int("seeds", seeds, low=2)
    seed = check_int("seed", seed, low=0)
    net = digits_mlp(hidden, "relu", test_split=True)
    rng = np.random.default_rng(seed)
    theta0 = np.stack([net.init_theta(rng, s.init, batch_shape=(seeds,), **s.kwargs) for s in schemes])
    result = run(net, momentum(lr, momentum_value), theta0, steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed + 1), noise="common", record_every=steps)
    final = result.final_theta
    return SeedsResult(labels=tuple(s.label for s in schemes), steps=steps,
                       final_loss=result.loss[-1], test_loss=net.test_loss(final),
                       test_accuracy=net.accuracy(final, "test"))


@dataclass(frozen=True)
class StepResult:
    """N(0, 1) and He at two step sizes from the same θ_0 and minibatches, per (lr, scheme, seed).

    lrs (E,); labels (S,); dead_start (S, seeds); and (E, S, seeds): final_loss,
    test_loss, train_accuracy, test_accuracy, dead (hidden units never active
    on the training set), wrong (test mistakes), wrong_confidence (mean max
    probability on the mistakes), wrong_surprise (mean −log p(true class) on
    the mistakes), blocked (fraction of training images on which every unit of
    the last hidden layer is off, so that the output is b_L whatever the image
    and no gradient reaches any weight from them), blocked_share (the share of
    the training cost those images carry). n_hidden, n_test.
    """

    lrs: np.ndarray
    labels: tuple
    steps: np.ndarray
    dead_start: np.ndarray
    final_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    dead: np.ndarray
    wrong: np.ndarray
    wrong_confidence: np.ndarray
    wrong_surprise: np.ndarray
    blocked: np.ndarray
    blocked_share: np.ndarray
    n_hidden: int
    n_test: int


def _mistakes(net, theta):
    """Test mistakes, their mean max probability and mean −log p(true class), per network."""
    p = net.forward(theta, net.X_test)[-1][1]
    wrong = p.argmax(axis=-1) != net.y_test
    p_true = np.take_along_axis(p, np.broadcast_to(net.y_test[:, None], p.shape[:-1] + (1,)), -1)[..., 0]
    count = wrong.sum(axis=-1)
    n = np.maximum(count, 1)
    return (count, np.where(wrong, p.max(axis=-1), 0).sum(-1) / n,
            np.where(wrong, -np.log(np.maximum(p_true, 1e-300)), 0).sum(-1) / n)


def _blocked(net, theta):
    """Fraction of training images whose last hidden layer is all zero, and their share of
    the cross-entropy: on them the output is b_L and only b_L gets a gradient."""
    layers = net.forward(theta)
    off = (layers[-2][1] <= 0).all(axis=-1)
    p = layers[-1][1]
    p_true = np.take_along_axis(p, np.broadcast_to(net.y[:, None], p.shape[:-1] + (1,)), -1)[..., 0]
    nll = -np.log(np.maximum(p_true, 1e-300))
    return off.mean(axis=-1), np.where(off, nll, 0).sum(-1) / nll.sum(-1)


def step_size_control(
    schemes=(LARGE, HE),
    lrs=(0.05, 0.01),
    *,
    hidden=(32, 32),
    steps: int = 1000,
    momentum_value: float = 0.9,
    batch_size: int = 64,
    seeds: int = 3,
    seed: int = 0,
) -> StepResult:
    """Is the N(0, 1) plateau the start or the step? The same θ_0 (those of section 1) and
    minibatches, momentum SGD (Algorithm 8.2), once per step size ε in ``lrs``."""
    schemes = check_schemes(schemes)
    steps = check_int("steps", steps, low=1)
    seeds = check_int("seeds", seeds, low=1)
    seed = check_int("seed", seed, low=0)
    lrs = np.asarray(lrs, dtype=float)
    net = digits_mlp(hidden, "relu", test_split=True)
    theta0 = np.stack([_section_one_draw(net, s, seeds, seed) for s in schemes])
    fields = {k: [] for k in ("final_loss", "test_loss", "train_accuracy", "test_accuracy", "dead",
                              "wrong", "wrong_confidence", "wrong_surprise", "blocked", "blocked_share")}
    for lr in lrs:  # a scalar ε per run is faster than an array of them
        check_scalar("lr", lr, 0.0, low_open=True)
        r = run(net, momentum(float(lr), momentum_value), theta0, steps, batch_size=batch_size,
                rng=np.random.default_rng(seed + 1), noise="common", record_every=steps)
        final = r.final_theta
        count, conf, surprise = _mistakes(net, final)
        blocked, share = _blocked(net, final)
        for key, value in (("final_loss", r.loss[-1]), ("test_loss", net.test_loss(final)),
                           ("train_accuracy", net.accuracy(final, "train")),
                           ("test_accuracy", net.accuracy(final, "test")), ("dead", dead_units(net, final)),
                           ("wrong", count), ("wrong_confidence", conf), ("wrong_surprise", surprise),
                           ("blocked", blocked), ("blocked_share", share)):
            fields[key].append(value)
    return StepResult(lrs=lrs, labels=tuple(s.label for s in schemes), steps=steps,
                      dead_start=dead_units(net, theta0), n_hidden=int(sum(net.hidden)),
                      n_test=int(net.y_test.size), **{k: np.stack(v) for k, v in fields.items()})
