"""A numerically unstable initial point (book section 8.4, claim C21).

:func:`unstable_start` follows the digits MLP from N(0, 1000²) weights
with the runner's stop moved out of reach. With its default stop the runner
ends a run whose cost passes 10⁶ times J(θ_0) and reports it as diverged
(as in :func:`~coursekit.experiments.initialization.compare_initializers`);
here we see what the arithmetic itself does after that point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_int
from ...optimizers import momentum
from ...runner import run
from .biases import dead_units, label_entropy
from .schemes import HUGE, MLP_SCHEMES, Scheme, digits_mlp

__all__ = ["InstabilityResult", "unstable_start"]

# Far beyond any cost reached here, yet limit = factor × J(θ_0) stays finite.
_NO_STOP = 1e200


@dataclass(frozen=True)
class InstabilityResult:
    """N(0, 1000²) starts, per seed.

    steps (R,) the recorded k; loss (R, seeds) J(θ_k) and max_abs_theta (R, seeds) max|θ_k|
    at those k without the stop; finite (seeds,) whether θ stayed finite
    at every record; final_loss, train_accuracy, test_accuracy, dead (seeds,) at
    k = K without the stop; n_hidden the number of hidden units; entropy the
    label entropy (the cost of predicting the class frequencies); dead_per_layer
    (seeds, layers) the dead units of each hidden layer at k = K.
    """

    steps: np.ndarray
    loss: np.ndarray
    max_abs_theta: np.ndarray
    finite: np.ndarray
    final_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    dead: np.ndarray
    n_hidden: int
    entropy: float
    dead_per_layer: np.ndarray = None

    @property
    def loss_finite(self) -> np.ndarray:
        """Whether every recorded J stayed finite, (seeds,) (J can overflow while θ does not)."""
        return np.isfinite(self.loss).all(axis=0)


def unstable_start(
    scheme: Scheme = HUGE,
    *,
    hidden=(32, 32),
    steps: int = 100,
    record_every: int = 5,
    lr: float = 0.05,
    momentum_value: float = 0.9,
    batch_size: int = 64,
    seeds: int = 3,
    seed: int = 0,
) -> InstabilityResult:
    """The huge start of claim C21, followed past the runner's stop.

    The same draws of θ_0 and minibatches as
    :func:`~coursekit.experiments.initialization.compare_initializers`
    (its last scheme), momentum SGD (Algorithm 8.2).
    """
    if not isinstance(scheme, Scheme):
        raise TypeError(f"scheme must be a Scheme, got {type(scheme).__name__}")
    steps = check_int("steps", steps, low=1)
    seeds = check_int("seeds", seeds, low=1)
    record_every = check_int("record_every", record_every, low=1)
    seed = check_int("seed", seed, low=0)
    net = digits_mlp(hidden, "relu", test_split=True)
    rng = np.random.default_rng(seed)
    # Draw every scheme of section 1 in order, so that θ_0 is that experiment's.
    draws = [net.init_theta(rng, s.init, batch_shape=(seeds,), **s.kwargs) for s in MLP_SCHEMES]
    theta0 = draws[MLP_SCHEMES.index(scheme)] if scheme in MLP_SCHEMES else \
        net.init_theta(rng, scheme.init, batch_shape=(seeds,), **scheme.kwargs)
    optimizer = momentum(lr, momentum_value)
    loose = run(net, optimizer, theta0, steps, batch_size=batch_size,
                rng=np.random.default_rng(seed + 1), noise="common", record_every=record_every,
                keep_path=True, divergence_factor=_NO_STOP)
    path = loose.theta
    final = loose.final_theta
    return InstabilityResult(
        steps=loose.steps,
        loss=loose.loss,
        max_abs_theta=np.abs(path).max(axis=-1),
        finite=np.isfinite(path).all(axis=(0, 2)),
        final_loss=loose.loss[-1],
        train_accuracy=net.accuracy(final, "train"),
        test_accuracy=net.accuracy(final, "test"),
        dead=dead_units(net, final),
        dead_per_layer=np.stack([(h <= 0.0).all(axis=-2).sum(axis=-1) for _, h in net.forward(final)[:-1]], -1),
        n_hidden=int(sum(net.hidden)),
        entropy=label_entropy(net.y, net.n_classes),
    )
