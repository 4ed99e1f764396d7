"""Why initialization must break symmetry (book section 8.4).

Hidden units whose incoming weights start equal compute the same function,
receive the same gradient and stay equal under deterministic gradient
descent: :func:`symmetry` trains from equal and from random weights and
measures the units' spread with :func:`unit_spread`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..._validation import check_finite, check_int
from ...optimizers import sgd
from ...problems.mlp import MLP
from ...runner import run
from .schemes import GLOROT, ZEROS, Scheme, check_schemes, digits_mlp

__all__ = ["SymmetryResult", "symmetry", "unit_spread"]


def unit_spread(weight) -> np.ndarray:
    """Largest difference between any two hidden units' incoming weights.

    ``weight`` has shape (..., m, n): the n columns are the units. Returns
    max over i, j, r of |W_rj − W_ri|, i.e. max_r (max_j W_rj − min_j W_rj),
    shape (...). Zero exactly when all units are identical.

    >>> unit_spread([[1.0, 1.0], [2.0, 2.5]]).item()
    0.5
    """
    w = check_finite("weight", weight)
    if w.ndim < 2:
        raise ValueError(f"weight must have shape (..., m, n), got shape {w.shape}")
    return (w.max(axis=-1) - w.min(axis=-1)).max(axis=-1)


@dataclass(frozen=True)
class SymmetryResult:
    """Max pairwise difference between hidden units, before and after training.

    spread_start, spread_end (S,): over the incoming weights and bias and the
    outgoing weights of the hidden units (the largest over hidden layers);
    final_loss (S,).
    """

    labels: tuple
    steps: int
    spread_start: np.ndarray
    spread_end: np.ndarray
    final_loss: np.ndarray


def _hidden_spread(net: MLP, theta: np.ndarray) -> np.ndarray:
    params = net.unpack(theta)
    spreads = []
    for layer in range(net.n_layers - 1):
        w_in, b = params[layer]
        w_out, _ = params[layer + 1]
        incoming = np.concatenate([w_in, b[..., None, :]], axis=-2)  # rows: inputs; cols: units
        spreads += [unit_spread(incoming), unit_spread(np.swapaxes(w_out, -1, -2))]
    return np.max(spreads, axis=0)


def symmetry(
    schemes=(ZEROS, Scheme("constant 0.1", "constant", (("value", 0.1),), "W = 0.1"), GLOROT),
    *,
    hidden=(16,),
    activation: str = "tanh",
    steps: int = 50,
    lr: float = 0.5,
    seed: int = 0,
) -> SymmetryResult:
    """Full-batch gradient descent from equal or random weights (section 8.4).

    With all incoming weights of a layer equal, every hidden unit computes
    the same function, so it receives the same gradient and stays equal to
    the others after any number of deterministic updates. The spread
    (:func:`unit_spread` of incoming and outgoing weights) stays exactly 0;
    a random start has a spread > 0 that training keeps.
    """
    schemes = check_schemes(schemes)
    steps = check_int("steps", steps, low=1)
    seed = check_int("seed", seed, low=0)
    net = digits_mlp(hidden, activation)
    rng = np.random.default_rng(seed)
    theta0 = np.stack([net.init_theta(rng, s.init, **s.kwargs) for s in schemes])
    result = run(net, sgd(lr), theta0, steps, record_every=steps)
    return SymmetryResult(
        labels=tuple(s.label for s in schemes),
        steps=steps,
        spread_start=_hidden_spread(net, theta0),
        spread_end=_hidden_spread(net, result.final_theta),
        final_loss=result.loss[-1],
    )
