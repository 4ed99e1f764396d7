"""Unit tests of coursekit.experiments.network_momentum: inputs, bookkeeping, tables."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import momentum_theory
from coursekit.experiments import network_momentum as E


@pytest.fixture(scope="module")
def tiny():
    return E.network_momentum(lrs=(0.01, 0.1), effective_lrs=(0.1,), full_batch_effective_lrs=(0.1, 1.0),
                              full_batch_momentum_extra=(), full_batch_gd_extra=(), full_batch_nesterov_extra=(),
                              full_batch_methods=("SGD", "momentum"), steps=3, seeds=2, batch_size=8)


def test_stability_edges_match_the_quadratic_theory():
    edges = E.stability_edges(0.9)
    assert edges[0] == 2.0
    assert edges[1] == pytest.approx(momentum_theory.max_stable_lr(0.9, 1.0) / (1 - 0.9), rel=1e-12)
    assert edges[2] == pytest.approx(3.8 / (2.8 * 0.1), rel=1e-12)
    np.testing.assert_allclose(E.stability_edges(0.0), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("alpha", [1.0, -0.1, 1.5])
def test_stability_edges_reject_a_momentum_outside_zero_one(alpha):
    with pytest.raises(ValueError, match="momentum"):
        E.stability_edges(alpha)


@pytest.mark.parametrize("kwargs, match", [
    ({"lrs": (-0.1,)}, "lrs"),
    ({"lrs": (0.0,)}, "lrs"),
    ({"effective_lrs": (np.nan,)}, "effective_lrs"),
    ({"full_batch_effective_lrs": (-1.0,)}, "full_batch_effective_lrs"),
    ({"full_batch_momentum_extra": (-1.0,)}, "full_batch_momentum_extra"),
    ({"momentum_value": 1.0}, "momentum_value"),
    ({"momentum_value": -0.5}, "momentum_value"),
    ({"batch_size": 0}, "batch_size"),
    ({"batch_size": 5000}, "batch_size"),
    ({"methods": ("Adam",)}, "methods"),
    ({"full_batch_methods": ()}, "full_batch_methods"),
])
def test_bad_inputs_raise_value_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        E.network_momentum(steps=1, seeds=1, **kwargs)


@pytest.mark.parametrize("kwargs", [{"steps": 1.5}, {"seeds": "3"}, {"seed": 0.0}])
def test_non_integer_counts_raise_type_errors(kwargs):
    with pytest.raises(TypeError):
        E.network_momentum(**kwargs)


def test_the_runs_have_the_asked_shapes_and_grids(tiny):
    assert [r.method for r in tiny.minibatch] == ["SGD", "momentum", "Nesterov"]
    assert [r.method for r in tiny.full_batch] == ["GD", "momentum"]
    sgd, mom, _ = tiny.minibatch
    np.testing.assert_allclose(sgd.lr, [0.01, 0.1])            # ε_eff = 0.1 is already in the grid
    np.testing.assert_allclose(mom.lr, [0.01, 0.1])            # ε = 0.1 · (1 − 0.9) = 0.01 likewise
    assert mom.index(0.1, effective=True) == 1 - 1              # ε = 0.01 is ε_eff = 0.1
    assert sgd.final_loss.shape == (2, 2) and sgd.examples_seen == 3 * 8
    assert tiny.full_batch[0].examples_seen == 3 * tiny.n_train
    np.testing.assert_allclose(tiny.full_batch[1].effective_lr, [0.1, 1.0])
    with pytest.raises(ValueError, match="was not run"):
        sgd.index(0.5)


def test_same_seed_same_result_and_shared_minibatches():
    a = E.network_momentum(lrs=(0.1,), effective_lrs=(0.1,), full_batch_effective_lrs=(0.1,),
                           steps=2, seeds=1, methods=("SGD",), full_batch_methods=("SGD",))
    b = E.network_momentum(lrs=(0.1,), effective_lrs=(0.1,), full_batch_effective_lrs=(0.1,),
                           steps=2, seeds=1, methods=("SGD",), full_batch_methods=("SGD",))
    np.testing.assert_array_equal(a.minibatch[0].final_loss, b.minibatch[0].final_loss)
    c = E.network_momentum(lrs=(0.1,), effective_lrs=(0.1,), full_batch_effective_lrs=(0.1,),
                           steps=2, seeds=1, methods=("SGD",), full_batch_methods=("SGD",), seed=1)
    assert not np.array_equal(a.minibatch[0].final_loss, c.minibatch[0].final_loss)


def test_mean_loss_and_best_skip_diverged_seeds():
    runs = E.MethodRuns("SGD", 0.0, np.array([0.1, 1.0, 10.0]),
                        final_loss=np.array([[0.5, 0.1, np.nan], [0.7, np.nan, np.nan]]),
                        test_accuracy=np.zeros((2, 3)),
                        diverged=np.array([[False, False, True], [False, True, True]]),
                        examples_seen=0)
    mean = runs.mean_loss()
    np.testing.assert_allclose(mean[:2], [0.6, 0.1])
    assert np.isnan(mean[2])
    assert runs.best([0.1, 1.0, 10.0]) == 0                    # 1.0 is lower but a seed diverged there
    with pytest.raises(ValueError, match="diverged at every"):
        runs.best([10.0])


def test_a_diverging_rate_is_reported_not_raised():
    res = E.network_momentum(lrs=(1e3,), effective_lrs=(1e3,), full_batch_effective_lrs=(1e3,),
                             steps=5, seeds=1, methods=("SGD",), full_batch_methods=("SGD",))
    assert res.minibatch[0].diverged.all() and res.matched_diverged("minibatch", 1e3)[0] == 1
    assert res.failed("minibatch", 1e3)[0] == 1
    table = E.comparison_table(res, "minibatch", E.matched_rows(res, "minibatch"))
    assert "—" in table and "failed in 1/1" in table and "nan" not in table


def test_tables_have_the_columns_and_fixed_precision(tiny):
    table = E.comparison_table(tiny, "minibatch", E.matched_rows(tiny, "minibatch"))
    head = table.splitlines()[0]
    for column in ("method", "ε", "α", "ε/(1−α)", "final J (mean ± sd)", "test acc", "diverged"):
        assert column in head
    assert len(table.splitlines()) == 2 + 3
    tuned = E.comparison_table(tiny, "full batch", E.tuned_rows(tiny, "full batch"), group=False)
    assert "" not in tuned.splitlines()
    with pytest.raises(ValueError, match="setting"):
        tiny.runs("stochastic")


def test_runner_steps_equal_algorithm_8_3_written_out():
    theta0, theta_k = E.runner_steps("Nesterov", 0.05, 0.9, 3)
    net = E.digits_network()
    theta, velocity = theta0.copy(), np.zeros_like(theta0)
    for _ in range(3):
        velocity = 0.9 * velocity - 0.05 * net.grad(theta + 0.9 * velocity)
        theta = theta + velocity
    assert np.max(np.abs(theta - theta_k)) <= 1e-12
    # Momentum (Algorithm 8.2) takes its gradient at θ, so it differs.
    _, theta_m = E.runner_steps("momentum", 0.05, 0.9, 3)
    assert np.max(np.abs(theta_m - theta_k)) > 1e-6
    with pytest.raises(ValueError, match="method"):
        E.runner_steps("Adam", 0.05, 0.9, 3)


def test_tuned_bookkeeping_is_consistent(tiny):
    for setting in ("minibatch", "full batch"):
        tuned = tiny.tuned(setting)
        wins = tiny.tuned_seed_wins(setting)
        assert wins[0] == 0 and np.all((wins >= 0) & (wins <= tiny.seeds))
        gain = tiny.tuned_gain(setting)
        assert gain[0] == 1.0
        for r, (column, lr, loss) in zip(tiny.runs(setting), tuned):
            assert r.lr[column] == lr and r.mean_loss()[column] == loss


@pytest.mark.parametrize("args, match", [
    (("SGD", -0.1, 0.9, 2), r"lr must be in \[0, inf\)"),          # the optimizers' own check
    (("momentum", 0.1, 1.0, 2), r"momentum_value must be in \[0, 1\)"),
    (("Nesterov", 0.1, 0.9, 0), "steps"),
])
def test_runner_steps_rejects_bad_hyperparameters(args, match):
    with pytest.raises(ValueError, match=match):
        E.runner_steps(*args)


def test_extra_full_batch_steps_and_failure_lines():
    res = E.network_momentum(lrs=(0.1,), effective_lrs=(0.1,), full_batch_effective_lrs=(0.1,),
                             full_batch_momentum_extra=(1.0,), full_batch_gd_extra=(0.2,),
                             full_batch_nesterov_extra=(0.3,), full_batch_seeds=1, steps=2, seeds=2,
                             batch_size=8)
    assert res.full_batch_seeds == 1 and res.seeds == 2
    assert [r.seeds for r in res.full_batch] == [1, 1, 1] and [r.seeds for r in res.minibatch] == [2, 2, 2]
    np.testing.assert_allclose(res.full_batch[0].effective_lr, [0.1, 0.2])     # GD: its own extra
    np.testing.assert_allclose(res.full_batch[1].effective_lr, [0.1, 1.0])     # momentum: also 1.0
    np.testing.assert_allclose(res.full_batch[2].effective_lr, [0.1, 0.3])     # Nesterov: also 0.3
    # Full batch is tuned over every step a method was run at.
    assert res.tuned("full batch")[0][1] in (0.1, 0.2)
    assert res.failed("full batch", 1.0)[0] == -1 and res.failed("full batch", 1.0)[2] == -1
    kinds = res.failure_kinds("full batch", 1.0)
    assert kinds.shape == (3, 4) and (kinds[0] == -1).all() and kinds[1].sum() <= 1
    assert np.isnan(res.dead("full batch", 1.0)[0]).all()
    dead = res.dead("full batch", 1.0)[1]
    assert 0.0 <= dead[0] <= dead[1] <= dead[2] <= 1.0
    line = E.failure_line(res, "full batch", 1.0)
    assert line.startswith("full batch, ε/(1−α) = 1: failed momentum ") and "GD" not in line
    assert "stalled" in line and "unfinished" in line and "/1" in line
    assert res.full_batch[1].dead_units.shape == (1, 2)


def test_quadratic_order_matches_a_loop_over_the_optimizers():
    # Oracle: the same quadratic stepped by hand with Algorithm 8.2 / 8.3 in their two-line form.
    lam = np.logspace(-3.0, 0.0, 50)
    for row, look_ahead in enumerate((False, True)):
        theta, velocity = np.ones(50), np.zeros(50)
        for _ in range(80):
            grad = lam * (theta + 0.9 * velocity if look_ahead else theta)
            velocity = 0.9 * velocity - 0.3 * grad
            theta = theta + velocity
        expected = 0.5 * np.sum(lam * theta ** 2)
        assert E.quadratic_order(3.0)[row, 0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("kwargs, error", [({"momentum_value": 1.0}, ValueError),
                                           ({"steps": 0}, ValueError),
                                           ({"effective_lrs": np.nan}, ValueError)])
def test_quadratic_order_rejects_bad_input(kwargs, error):
    kwargs = {"effective_lrs": 1.0, **kwargs}
    with pytest.raises(error):
        E.quadratic_order(**kwargs)
