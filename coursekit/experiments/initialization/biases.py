"""Initial biases (book section 8.4): ReLU hidden biases and the output bias.

- :func:`relu_bias`: hidden biases 0 versus a small positive constant, and
  the ReLU units that never activate (:func:`dead_units`);
- :func:`output_bias`: the output bias set to the log label marginals makes
  the initial cost equal the label entropy (:func:`label_entropy`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_finite, check_int, check_int_tuple, check_scalar
from ...optimizers import momentum
from ...problems.mlp import MLP
from ...runner import run
from .schemes import digits_mlp

__all__ = [
    "BiasResult",
    "OutputBiasResult",
    "dead_units",
    "label_entropy",
    "output_bias",
    "relu_bias",
]


def label_entropy(y, n_classes: int) -> float:
    """H(p̂) = −Σ_c p̂_c log p̂_c of the label frequencies p̂ (nats).

    The cost of a classifier that predicts the marginals p̂ for every input.

    >>> round(label_entropy([0, 1, 0, 1], 2), 6)
    0.693147
    """
    n_classes = check_int("n_classes", n_classes, low=2)
    y = np.asarray(y)
    # bincount takes platform-sized integers: int64 labels fail on 32-bit builds (Pyodide).
    counts = np.bincount(y.astype(np.intp), minlength=n_classes)
    p = counts[counts > 0] / y.size
    return float(-(p * np.log(p)).sum())


def _dead_counts(net: MLP, theta: np.ndarray) -> np.ndarray:
    """Hidden units whose ReLU output is 0 on every training example, per network."""
    layers = net.forward(theta)[:-1]
    return sum((h <= 0.0).all(axis=-2).sum(axis=-1) for _, h in layers)


def dead_units(net: MLP, theta) -> np.ndarray:
    """Number of hidden units never active (h = 0) on the training inputs, shape (...)."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    return _dead_counts(net, net.check_theta(theta))


@dataclass(frozen=True)
class BiasResult:
    """Dead ReLU units (never active on the training set) per bias value × seed.

    checkpoints (C,): the updates k at which the network is measured;
    dead_start (B, seeds) at initialization; dead (C, B, seeds) and loss
    (C, B, seeds), the training cost, at each checkpoint; dead_end and
    final_loss are those of the last checkpoint; n_hidden the number of
    hidden units; weight_init the scheme of the weights; diverged_at
    (B, seeds) the update at which a run diverged, −1 if it did not. A run
    that diverged by a checkpoint has no network left to measure there: its
    dead count is −1 and its cost NaN.
    """

    bias_values: np.ndarray
    weight_init: str
    n_hidden: int
    checkpoints: np.ndarray
    dead_start: np.ndarray
    dead: np.ndarray
    loss: np.ndarray
    diverged_at: np.ndarray

    @property
    def steps(self) -> int:
        return int(self.checkpoints[-1])

    @property
    def dead_end(self) -> np.ndarray:
        return self.dead[-1]

    @property
    def final_loss(self) -> np.ndarray:
        return self.loss[-1]


def relu_bias(
    bias_values=(0.0, 0.1),
    *,
    weight_init: str = "uniform_fan_in",
    hidden=(32, 32, 32, 32, 32, 32),
    checkpoints=(200,),
    lr: float = 0.05,
    momentum_value: float = 0.9,
    batch_size: int = 64,
    seeds: int = 4,
    seed: int = 0,
) -> BiasResult:
    """ReLU hidden biases 0 versus a small positive constant (section 8.4).

    A ReLU unit whose pre-activation is ≤ 0 on every training input gets no
    gradient through its input weights and may never recover (a "dead"
    unit). A bias of 0.1 pushes units into the active region at the start.
    All bias values × seeds are trained as one batch with the same optimizer
    (Algorithm 8.2) and the same minibatches, for max(``checkpoints``)
    updates; dead units and the cost are measured at every checkpoint.
    """
    bias_values = check_finite("bias_values", bias_values)
    if bias_values.ndim != 1 or bias_values.size == 0:
        raise ValueError(f"bias_values must be a non-empty 1-d sequence, got shape {bias_values.shape}")
    checkpoints = check_int_tuple("checkpoints", checkpoints, low=1)
    if not checkpoints or list(checkpoints) != sorted(set(checkpoints)):
        raise ValueError(f"checkpoints must be increasing and non-empty, got {checkpoints}")
    seeds = check_int("seeds", seeds, low=1)
    seed = check_int("seed", seed, low=0)
    net = digits_mlp(hidden, "relu")
    rng = np.random.default_rng(seed)
    weights = net.init_theta(rng, weight_init, batch_shape=(seeds,))
    # The same weights for every bias value: only the bias differs.
    params = [(w, np.broadcast_to(bias_values[:, None, None], (bias_values.size, seeds, b.shape[-1])))
              for w, b in net.unpack(weights)]
    theta0 = net.pack(params)
    every = int(np.gcd.reduce(np.array(checkpoints)))
    result = run(net, momentum(lr, momentum_value), theta0, checkpoints[-1], batch_size=batch_size,
                 rng=np.random.default_rng(seed + 1), noise="common", record_every=every,
                 keep_path=True)
    rows = [int(np.flatnonzero(result.steps == k)[0]) for k in checkpoints]

    def dead_at(row: int, k: int) -> np.ndarray:
        # These runs sit near their stability edge: a run that diverges (seen on
        # WebAssembly's numpy, whose products round differently) is NaN from then on.
        gone = (result.diverged_at >= 0) & (result.diverged_at <= k)
        theta = np.where(gone[..., None], 0.0, result.theta[row])
        return np.where(gone, -1, _dead_counts(net, theta))

    return BiasResult(
        bias_values=bias_values.copy(),
        weight_init=str(weight_init),
        n_hidden=int(sum(net.hidden)),
        checkpoints=np.array(checkpoints),
        dead_start=_dead_counts(net, theta0),
        dead=np.stack([dead_at(r, k) for r, k in zip(rows, checkpoints)]),
        loss=result.loss[rows],
        diverged_at=result.diverged_at.copy(),
    )


@dataclass(frozen=True)
class OutputBiasResult:
    """Initial cost with the output bias b_L = log p̂ (section 8.4).

    entropy: H(p̂) of the training labels; loss_zero_weights: J(θ_0) with
    W_L = 0 and b_L = log p̂; loss_small_weights (seeds,): with W_L small
    random; loss_zero_bias: J(θ_0) with W_L = 0 and b_L = 0 (= log C).
    """

    entropy: float
    log_classes: float
    loss_zero_weights: float
    loss_small_weights: np.ndarray
    loss_zero_bias: float
    output_std: float


def output_bias(
    *, hidden=(32,), activation: str = "relu", output_std: float = 0.01, seeds: int = 3,
    seed: int = 0,
) -> OutputBiasResult:
    """The marginal output bias makes the untrained network predict p̂.

    With W_L = 0 the logits are z_L = b_L = log p̂ for every input, so
    softmax(z_L) = p̂ and the cost (mean cross-entropy) is exactly
    −Σ_c p̂_c log p̂_c, the entropy of the labels. With small output weights
    N(0, ``output_std``²) the cost moves away from it only slightly.
    """
    output_std = check_scalar("output_std", output_std, 0.0, low_open=True)
    seeds = check_int("seeds", seeds, low=1)
    seed = check_int("seed", seed, low=0)
    net = digits_mlp(hidden, activation)
    rng = np.random.default_rng(seed)
    theta = net.init_theta(rng, "he_normal", output_bias="marginal", batch_shape=(seeds,))
    params = net.unpack(theta)
    w_last, b_last = params[-1]
    small = rng.standard_normal(w_last.shape) * output_std
    zero_w = net.pack(params[:-1] + [(np.zeros_like(w_last), b_last)])
    small_w = net.pack(params[:-1] + [(small, b_last)])
    zero_b = net.pack(params[:-1] + [(np.zeros_like(w_last), np.zeros_like(b_last))])
    return OutputBiasResult(
        entropy=label_entropy(net.y, net.n_classes),
        log_classes=float(np.log(net.n_classes)),
        loss_zero_weights=float(net.loss(zero_w)[0]),
        loss_small_weights=net.loss(small_w),
        loss_zero_bias=float(net.loss(zero_b)[0]),
        output_std=output_std,
    )
