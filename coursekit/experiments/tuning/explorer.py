"""The run behind the lecture's explorer: one learning curve per ε_0, all in one call.

:func:`short_run` is the learning curve of SGD with the schedule of eq. 8.14
for any number of ε_0 at once.
"""

from __future__ import annotations

import numpy as np

from ..._validation import check_int, check_interval, check_scalar
from ...optimizers import sgd
from ...problems import digits_softmax
from ...runner import run
from ...schedules import linear_decay

__all__ = [
    "short_run",
]


# --------------------------------------------------------------------------
# The explorer's run: one learning curve per ε_0, all in one call
# --------------------------------------------------------------------------


def short_run(lr0, *, steps: int = 200, batch_size: int = 32, final_fraction: float = 0.01,
              l2: float = 1e-3, seed: int = 0, record_every: int = 5) -> tuple:
    """(k, J(θ_k)) of SGD with ε_k linear from ε_0 to ``final_fraction``·ε_0 over ``steps`` (eq. 8.14).

    ``lr0`` is a number or a 1-D array of ε_0, one trajectory per entry, run
    in one runner call from θ_0 = 0 on :func:`coursekit.problems.digits_softmax`.
    Minibatches of size m = ``batch_size`` come from
    ``np.random.default_rng(seed)`` and are the same for every entry (common
    random numbers), so entry j equals the run of ``lr0[j]`` alone. Returns
    the recorded k, shape (R,), and J(θ_k), shape (R,) or (R, len(lr0)).

    >>> k, loss = short_run([0.1, 1.0], steps=20, record_every=10)
    >>> k.tolist(), loss.shape
    ([0, 10, 20], (3, 2))
    """
    lr0 = check_interval("lr0", lr0, 0.0, np.inf, low_open=True, high_open=True)
    if lr0.ndim > 1:
        raise ValueError(f"lr0 must be a number or a 1-D array, got shape {lr0.shape}")
    steps = check_int("steps", steps, low=1)
    batch_size = check_int("batch_size", batch_size, low=1, high=1348)
    final_fraction = check_scalar("final_fraction", final_fraction, 0.0, 1.0)
    seed = check_int("seed", seed, low=0)
    record_every = check_int("record_every", record_every, low=1)
    problem = digits_softmax(l2=l2)
    schedule = linear_decay(lr0, final_fraction * lr0, steps)
    result = run(problem, sgd(schedule), np.zeros(problem.dim), steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed), noise="common", record_every=record_every)
    return result.steps, result.loss
