"""Unit tests for coursekit.experiments.tuning (choosing ε_0, section 8.3.1)."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import run, sgd
from coursekit.data import digits_split
from coursekit.experiments import tuning
from coursekit.problems import LogisticRegression


def test_curves_measured_numbers_match_a_direct_run():
    lrs = (0.01, 0.3, 30.0)
    result = tuning.learning_rate_curves(lrs, steps=40, record_every=4, seed=1)
    data = digits_split()
    plain = LogisticRegression(data.X, data.y, n_classes=10, l2=1e-3)
    direct = run(plain, sgd(np.array(lrs)), np.zeros(650), 40, batch_size=32,
                 rng=np.random.default_rng(1), record_every=4)
    np.testing.assert_allclose(result.loss, direct.loss, rtol=1e-9)
    assert result.start_loss == pytest.approx(np.log(10.0), rel=1e-12)  # θ_0 = 0: uniform softmax
    np.testing.assert_allclose(result.rise_ratio, direct.loss[-1] / np.log(10.0), rtol=1e-9)
    half = direct.loss[len(direct.loss) // 2:]  # records 5..10 of 0..10
    np.testing.assert_allclose(result.tail_ratio, half.mean(axis=0) / np.log(10.0), rtol=1e-9)
    ups = [np.mean([direct.loss[i + 1, j] > direct.loss[i, j] for i in range(10)]) for j in range(3)]
    np.testing.assert_allclose(result.frac_up, ups)
    assert result.status == ("finished 40 steps",) * 3


def test_sweep_argmins_and_hits_match_a_brute_force_loop():
    lrs = np.array([0.01, 0.1, 1.0, 10.0])
    result = tuning.sweep_initial_rate(lrs, seeds=2, steps=60, early_step=20, record_every=10,
                                       target=0.5, seed=2)
    assert result.loss.shape == (7, 2, 4)
    early = result.loss[2]
    np.testing.assert_array_equal(result.early_loss, early)
    best_early = lrs[np.argmin([np.mean(early[:, j]) for j in range(4)])]
    best_final = lrs[np.argmin([np.mean(result.loss[-1][:, j]) for j in range(4)])]
    assert result.best_early_lr == best_early and result.best_final_lr == best_final
    assert result.final_to_early_ratio == pytest.approx(best_final / best_early)
    for i in range(2):
        for j in range(4):
            curve = result.loss[:, i, j]
            below = [k for r, k in enumerate(result.steps) if all(curve[r:] <= 0.5)]
            assert result.steps_to_target[i, j] == (below[0] if below else -1)
    # The rule: the largest rate at or above the best early one within 2x of the best early loss.
    ok = [lr for lr, e in zip(lrs, result.mean_early) if lr >= best_early and e <= 2 * result.mean_early.min()]
    assert result.rule_lr == max(ok)


def test_sweep_schedule_is_linear_decay_per_rate():
    # One rate, one seed: the sweep equals a direct run of eq. 8.14.
    result = tuning.sweep_initial_rate([0.05, 0.5], seeds=1, steps=30, early_step=10, record_every=10, seed=4)
    data = digits_split()
    plain = LogisticRegression(data.X, data.y, n_classes=10, l2=1e-3)
    from coursekit.schedules import linear_decay
    direct = run(plain, sgd(linear_decay(np.array([0.05, 0.5]), np.array([0.0005, 0.005]), 30)),
                 np.zeros(650), 30, batch_size=32, rng=np.random.default_rng(4), repeats=1, record_every=10)
    np.testing.assert_allclose(result.loss, direct.loss, rtol=1e-9)


def test_inputs_are_not_mutated():
    lrs = np.array([0.01, 0.1])
    copy = lrs.copy()
    tuning.learning_rate_curves(lrs, steps=5, record_every=5)
    tuning.sweep_initial_rate(lrs, seeds=1, steps=10, early_step=5, record_every=5)
    np.testing.assert_array_equal(lrs, copy)


@pytest.mark.parametrize("kwargs, match", [
    (dict(lrs=(0.1, -1.0)), r"lrs must be in \(0, inf\), got"),
    (dict(lrs=(0.3, 0.1)), "lrs must be strictly increasing"),
    (dict(steps=0), r"steps must be an integer in \[1, inf\], got 0"),
    (dict(batch_size=0), r"batch_size must be an integer in \[1, 1348\], got 0"),
    (dict(l2=-1.0), r"l2 must be in \[0, inf\), got -1.0"),
])
def test_curves_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tuning.learning_rate_curves(**kwargs)


@pytest.mark.parametrize("kwargs, match", [
    (dict(early_step=30, record_every=25), "early_step must be a multiple of record_every = 25"),
    (dict(early_step=1000, steps=1000), r"early_step must be an integer in \[1, 999\], got 1000"),
    (dict(target=0.0), r"target must be in \(0, inf\), got 0.0"),
    (dict(rule_tolerance=0.5), r"rule_tolerance must be in \[1, inf\), got 0.5"),
    (dict(final_fraction=2.0), r"final_fraction must be in \[0, 1\], got 2.0"),
    (dict(lrs=[0.1]), "lrs must hold at least 2 rates"),
])
def test_sweep_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tuning.sweep_initial_rate(**kwargs)


def test_seed_type_error():
    with pytest.raises(TypeError, match="seed must be an integer"):
        tuning.learning_rate_curves(seed=1.5)


def test_short_run_entries_equal_the_runs_alone():
    """Common random numbers: entry j of a batched call is the run of lr0[j] by itself."""
    lrs = np.array([0.05, 0.5, 5.0])
    k, loss = tuning.short_run(lrs, steps=30, record_every=10, seed=3)
    assert k.tolist() == [0, 10, 20, 30] and loss.shape == (4, 3)
    data = digits_split()
    plain = LogisticRegression(data.X, data.y, n_classes=10, l2=1e-3)
    from coursekit.schedules import linear_decay
    for j, lr0 in enumerate(lrs):
        alone = run(plain, sgd(linear_decay(lr0, 0.01 * lr0, 30)), np.zeros(650), 30, batch_size=32,
                    rng=np.random.default_rng(3), record_every=10)
        np.testing.assert_allclose(loss[:, j], alone.loss, rtol=1e-9)
        _, single = tuning.short_run(lr0, steps=30, record_every=10, seed=3)
        assert single.shape == (4,)
        np.testing.assert_allclose(single, loss[:, j], rtol=1e-12)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(lr0=0.0), ValueError, r"lr0 must be in \(0, inf\), got 0.0"),
    (dict(lr0=[[0.1]]), ValueError, r"lr0 must be a number or a 1-D array, got shape \(1, 1\)"),
    (dict(lr0=0.1, steps=0), ValueError, r"steps must be an integer in \[1, inf\], got 0"),
    (dict(lr0=0.1, final_fraction=1.5), ValueError, r"final_fraction must be in \[0, 1\], got 1.5"),
    (dict(lr0=0.1, seed=0.5), TypeError, "seed must be an integer, got float 0.5"),
])
def test_short_run_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        tuning.short_run(**kwargs)
