"""Momentum (Algorithm 8.2) and Nesterov (Algorithm 8.3) on the digits MLP, against SGD (Algorithm 8.1).

Each test calls the experiment lecture 06 calls, with its defaults, and
asserts an effect together with its control: the same comparison without
gradient noise (full-batch gradients), or at another effective step.
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import network_momentum as E

SMALL = (10 ** -1.5, 0.1, 10 ** -0.5)   # matched ε_eff well below SGD's edge
EDGE = 1.0                               # SGD's edge on this network
BEYOND = 10 ** 0.5                       # past SGD's edge


@pytest.fixture(scope="module")
def res():
    return E.network_momentum()


def test_the_budget_is_fixed_and_the_starts_and_minibatches_are_shared(res):
    assert res.steps == 80 and res.batch_size == 64 and res.seeds == 3
    assert {r.examples_seen for r in res.minibatch} == {80 * 64}
    assert {r.examples_seen for r in res.full_batch} == {80 * res.n_train}
    assert res.momentum == 0.9


def test_at_a_small_matched_effective_step_momentum_and_nesterov_track_sgd(res):
    # Measured ratios J(method)/J(SGD): 1.13-1.21 (the velocity needs ~1/(1-α) steps to build up).
    for eff in SMALL:
        ratio = res.matched_ratio("minibatch", eff)
        assert np.all((ratio[1:] > 0.9) & (ratio[1:] < 1.4)), (eff, ratio)
        assert np.all(res.matched_diverged("minibatch", eff) == 0)


def test_control_the_small_step_agreement_does_not_need_gradient_noise(res):
    # Full batch, same ε_eff = 10^-0.5: measured 1.16. Noise is not what makes them agree.
    ratio = res.matched_ratio("full batch", 10 ** -0.5)
    assert 0.9 < ratio[1] < 1.4


def test_at_sgd_edge_momentum_at_matched_step_still_trains(res):
    # ε_eff = 1: one SGD seed of three stalls (measured J = 1.74, the others 0.04 and 0.06),
    # no momentum or Nesterov seed does (all below 0.1).
    failed = res.failed("minibatch", EDGE)
    assert failed[0] >= 1 and failed[1] == 0 and failed[2] == 0
    assert np.all(res.matched_ratio("minibatch", EDGE)[1:] < 0.5)
    # Control, a step below the edge: nobody fails and SGD is the better one.
    assert np.all(res.failed("minibatch", 10 ** -0.5) == 0)
    assert np.all(res.matched_ratio("minibatch", 10 ** -0.5)[1:] > 1.0)


def test_without_noise_momentum_trains_past_the_edge_of_gradient_descent(res):
    failed = res.failed("full batch", BEYOND)
    assert failed[0] == 3 and failed[1] == 0                     # GD stalls (J 1.14-2.30), momentum trains
    assert res.matched_loss("full batch", BEYOND)[1] < 1e-3      # measured 3.2e-4
    # Control, at ε_eff = 1 (inside GD's edge): GD trains too, and momentum is not far ahead.
    assert np.all(res.failed("full batch", EDGE) == 0)
    assert 0.5 < res.matched_ratio("full batch", EDGE)[1] < 1.0  # measured 0.71


def test_with_noise_the_extra_stability_is_lost(res):
    # Same ε_eff past the edge with minibatches: every method stalls in every seed (J 1.29-2.40).
    assert np.all(res.failed("minibatch", BEYOND) == 3)
    assert np.all(res.matched_diverged("minibatch", BEYOND) == 0)  # stalled, not diverged


def test_tuned_momentum_beats_tuned_gd_only_without_noise(res):
    # Effect: full batch, both tuned on the same ε_eff grid: measured 30×.
    assert res.tuned_gain("full batch")[1] > 10.0
    # Control: minibatches, both tuned on the same raw-ε grid: measured 1.27× (momentum), 1.09× (Nesterov).
    gain = res.tuned_gain("minibatch")
    assert np.all((gain[1:] > 0.5) & (gain[1:] < 2.0))
    # The small minibatch gain of momentum is paired and consistent: lower in each seed.
    assert res.tuned_seed_wins("minibatch")[1] == res.seeds
    assert res.tuned_seed_wins("full batch")[1] == res.seeds
    assert res.tuned_seed_wins("minibatch")[0] == 0             # SGD never beats itself
    # No tuned setting diverged.
    for setting in ("minibatch", "full batch"):
        for r, (column, _, _) in zip(res.runs(setting), res.tuned(setting)):
            assert not r.diverged[:, column].any()


def test_nesterov_and_momentum_are_close_on_the_network(res):
    # Small steps: within 10%; tuned: within a factor 1.5 (measured 0.0622 against 0.0533).
    for eff in SMALL:
        loss = res.matched_loss("minibatch", eff)
        assert abs(loss[2] / loss[1] - 1) < 0.1
    best = np.array([loss for _, _, loss in res.tuned("minibatch")])
    assert 1 / 1.5 < best[2] / best[1] < 1.5
