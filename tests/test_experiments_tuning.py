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


# -- controls of C4: full gradient, least squares ---------------------------------


def test_curves_full_gradient_is_batch_gradient_descent():
    result = tuning.learning_rate_curves((0.3,), steps=20, record_every=5, batch_size=None)
    data = digits_split()
    plain = LogisticRegression(data.X, data.y, n_classes=10, l2=1e-3)
    direct = run(plain, sgd(np.array([0.3])), np.zeros(650), 20, record_every=5)
    np.testing.assert_allclose(result.loss, direct.loss, rtol=1e-9)
    assert result.batch_size is None and result.problem == "softmax"


def test_curves_least_squares_is_the_regression_of_the_label_on_the_same_pixels():
    from coursekit.problems import LeastSquares

    result = tuning.learning_rate_curves((0.003, 30.0), steps=20, record_every=5, problem="least squares")
    data = digits_split()
    plain = LeastSquares(data.X, data.y.astype(float), l2=1e-3)
    direct = run(plain, sgd(np.array([0.003, 30.0])), np.zeros(64), 20, batch_size=32,
                 rng=np.random.default_rng(0), record_every=5)
    np.testing.assert_array_equal(np.isnan(result.loss), np.isnan(direct.loss))
    np.testing.assert_allclose(result.loss[:, 0], direct.loss[:, 0], rtol=1e-9)
    assert result.status == (direct.status(0), direct.status(1))
    assert result.status[1].startswith("diverged at step")
    assert np.isfinite(result.max_grad_norm[0]) and result.problem == "least squares"


def test_curves_max_grad_norm_is_the_largest_recorded_gradient():
    result = tuning.learning_rate_curves((0.01, 1.0), steps=30, record_every=5, seed=2)
    data = digits_split()
    plain = LogisticRegression(data.X, data.y, n_classes=10, l2=1e-3)
    direct = run(plain, sgd(np.array([0.01, 1.0])), np.zeros(650), 30, batch_size=32,
                 rng=np.random.default_rng(2), record_every=5)
    np.testing.assert_allclose(result.max_grad_norm, np.nanmax(direct.grad_norm, axis=0), rtol=1e-12)


def test_curves_unknown_problem():
    with pytest.raises(ValueError, match="problem must be one of 'softmax', 'least squares'"):
        tuning.learning_rate_curves(problem="hinge")


# -- too_small_run -----------------------------------------------------------------


def test_too_small_run_equals_three_direct_runs_of_eq_8_14():
    from coursekit.schedules import linear_decay

    result = tuning.too_small_run(0.01, 0.5, tau=20, steps=60, record_every=10, seed=3)
    data = digits_split()
    plain = LogisticRegression(data.X, data.y, n_classes=10, l2=1e-3)
    for j, (lr0, lr_tau) in enumerate([(0.01, 0.0001), (0.5, 0.005), (0.01, 0.01)]):
        alone = run(plain, sgd(linear_decay(lr0, lr_tau, 20)), np.zeros(650), 60, batch_size=32,
                    rng=np.random.default_rng(3), record_every=10)
        np.testing.assert_allclose(result.loss[:, j], alone.loss, rtol=1e-9)
        rates = [(1 - min(k / 20, 1)) * lr0 + min(k / 20, 1) * lr_tau for k in range(1, 61)]
        assert result.travel[j] == pytest.approx(sum(rates), rel=1e-12)
        assert result.lr[-1, j] == pytest.approx(lr_tau)
    np.testing.assert_allclose(result.loss_at_tau, result.loss[2])
    np.testing.assert_allclose(result.drop_after_tau, result.loss[2] - result.loss[-1])
    assert result.min_loss == pytest.approx(float(plain.loss(plain.solve())), rel=1e-12)
    assert result.labels[2] == "ε = 0.01 constant"


@pytest.mark.parametrize("kwargs, match", [
    (dict(small=0.0), r"small must be in \(0, inf\), got 0.0"),
    (dict(tau=100, steps=100), r"steps must be an integer in \[101, inf\], got 100"),
    (dict(tau=150, record_every=100), "tau must be a multiple of record_every = 100"),
    (dict(final_fraction=-0.1), r"final_fraction must be in \[0, 1\], got -0.1"),
])
def test_too_small_run_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tuning.too_small_run(**kwargs)


# -- SweepResult helpers, sweep_mlp --------------------------------------------------


def test_fastest_to_and_seed_picks_match_a_loop():
    result = tuning.sweep_initial_rate([0.01, 0.1, 1.0, 10.0], seeds=3, steps=60, early_step=20,
                                       record_every=10, target=0.5, seed=2)
    lr, steps = result.fastest_to(0.5)
    assert lr == result.fastest_lr
    assert steps == np.min(result.median_steps_to_target)
    assert result.fastest_to(1e-9) == (pytest.approx(np.nan, nan_ok=True), np.inf)
    early, final = result.seed_picks
    for i in range(3):
        assert early[i] == result.lrs[np.argmin(result.early_loss[i])]
        assert final[i] == result.lrs[np.argmin(result.final_loss[i])]
    assert result.passes == pytest.approx(60 * 32 / 1348) and result.n_train == 1348
    assert result.early_pick_final_loss == result.mean_final[np.argmin(result.mean_early)]
    assert result.status == ("finished 60 steps",) * 4


def test_sweep_mlp_equals_direct_runs_of_the_network():
    from coursekit.experiments.initialization.schemes import digits_mlp
    from coursekit.schedules import linear_decay

    lrs = np.array([0.1, 1.0, 30.0])
    result = tuning.sweep_mlp(lrs, hidden=(8,), seeds=2, steps=40, early_step=20, record_every=10, seed=5)
    net = digits_mlp((8,))
    theta0 = net.init_theta(np.random.default_rng(5), "glorot_uniform", batch_shape=(2, 1))
    direct = run(net, sgd(linear_decay(lrs, 0.01 * lrs, 40)), theta0, 40, batch_size=32,
                 rng=np.random.default_rng(6), record_every=10)
    np.testing.assert_array_equal(np.isnan(result.loss), np.isnan(direct.loss))
    np.testing.assert_allclose(result.loss[:, :, :2], direct.loss[:, :, :2], rtol=1e-9)
    assert result.loss.shape == (5, 2, 3) and result.l2 == 0.0
    assert result.status[2] == f"diverged in 2 of 2 seeds, first at step {int(direct.diverged_at[:, 2].min())}"
    assert np.isinf(result.mean_final[2]) and result.best_final_lr < 30.0


def test_sweep_mlp_bad_activation():
    with pytest.raises(ValueError, match="activation must be one of 'tanh', 'relu'"):
        tuning.sweep_mlp(activation="sigmoid")


# -- Curvature, the parts of the cost, the floor J* ------------------------------------


def test_largest_curvature_is_the_top_hessian_eigenvalue():
    from coursekit.problems import LeastSquares, digits_softmax

    data = digits_split()
    squares = LeastSquares(data.X, data.y.astype(float), l2=1e-3)
    assert tuning.largest_curvature(squares, np.zeros(64), iters=300) == pytest.approx(squares.L, rel=1e-6)
    softmax = digits_softmax(l2=1e-3)
    exact = np.linalg.eigvalsh(softmax._hessian_at(np.zeros(650)))[-1]  # the explicit Hessian
    assert tuning.largest_curvature(softmax, np.zeros(650)) == pytest.approx(exact, rel=1e-6)
    # Away from θ_0 the top eigenvalues cluster and the iteration converges slowly, from below.
    theta = 0.01 * np.random.default_rng(3).standard_normal(650)
    exact = np.linalg.eigvalsh(softmax._hessian_at(theta))[-1]
    assert 0.99 * exact < tuning.largest_curvature(softmax, theta) <= exact * (1 + 1e-9)
    with pytest.raises(ValueError, match="theta must have shape"):
        tuning.largest_curvature(softmax, np.zeros(3))


def test_curves_split_the_tail_cost_into_data_term_and_penalty():
    from coursekit.problems import digits_softmax

    result = tuning.learning_rate_curves((0.3, 30.0), steps=40, record_every=4, seed=1)
    direct = run(digits_softmax(l2=1e-3), sgd(np.array([0.3, 30.0])), np.zeros(650), 40, batch_size=32,
                 rng=np.random.default_rng(1), record_every=4, keep_path=True)
    half = direct.theta[len(direct.theta) // 2:]
    w = half.reshape(half.shape[:-1] + (65, 10))[..., :64, :]  # the bias row carries no penalty
    penalty = 0.5 * 1e-3 * np.sum(w * w, axis=(-2, -1))
    np.testing.assert_allclose(result.tail_penalty_ratio, penalty.mean(axis=0) / np.log(10.0), rtol=1e-6)
    np.testing.assert_allclose(result.tail_data_ratio + result.tail_penalty_ratio, result.tail_ratio, rtol=1e-12)
    assert result.min_loss == pytest.approx(float(digits_softmax(l2=1e-3).loss(digits_softmax(l2=1e-3).solve())))
    free = tuning.learning_rate_curves((0.3,), steps=10, record_every=5, l2=0.0)
    assert free.min_loss == 0.0 and free.l2 == 0.0
    squares = tuning.learning_rate_curves((0.03, 3.0), steps=20, record_every=2, problem="least squares")
    assert squares.diverged_at[1] > 0 and np.isnan(squares.tail_data_ratio[1])  # diverged: no parts
    assert squares.min_loss > 0 and np.isfinite(squares.tail_penalty_ratio[0])


def test_sweep_helpers_best_at_standard_error_excess_and_edge():
    result = tuning.sweep_initial_rate([0.01, 0.1, 1.0, 10.0], seeds=3, steps=60, early_step=20,
                                       record_every=10, target=0.5, seed=2)
    for k in (10, 20, 60):
        row = int(np.flatnonzero(result.steps == k)[0])
        assert result.best_at(k) == result.lrs[np.argmin(result.loss[row].mean(axis=0))]
        np.testing.assert_allclose(result.standard_error(k), result.loss[row].std(axis=0, ddof=1) / np.sqrt(3))
    assert result.best_at(20) == result.best_early_lr and result.best_at(60) == result.best_final_lr
    with pytest.raises(ValueError, match="not recorded"):
        result.best_at(15)
    j = np.min(result.min_loss)
    assert result.excess_ratio == pytest.approx((result.early_pick_final_loss - j) / (result.best_final_loss - j))
    assert result.at_grid_edge == (result.best_final_lr == 10.0)
    one = tuning.sweep_initial_rate([0.1, 1.0], seeds=1, steps=20, early_step=10, record_every=10)
    assert np.all(np.isnan(one.standard_error(10)))


# -- noise_floor, too_small_run with the full gradient ---------------------------------


def test_noise_floor_is_the_tail_mean_of_sgd_started_at_the_minimum():
    from coursekit.problems import digits_softmax

    problem = digits_softmax(l2=1e-3)
    theta_star = problem.solve()
    j_star = float(problem.loss(theta_star))
    direct = run(problem, sgd(np.array([0.05])), theta_star, 40, batch_size=32,
                 rng=np.random.default_rng(2), repeats=3, record_every=10)
    # 5 records (k = 0..40): the last half is the last 3, averaged over records and seeds.
    expected = float(np.mean(direct.loss[-3:])) / j_star
    got = tuning.noise_floor(0.05, steps=40, seeds=3, seed=2, record_every=10)
    assert got == pytest.approx(expected, rel=1e-12)
    assert got > 1.0  # above the minimum: the minibatch noise keeps SGD off θ*
    with pytest.raises(ValueError, match=r"lr must be in \(0, inf\)"):
        tuning.noise_floor(0.0)


def test_too_small_run_accepts_the_full_gradient():
    from coursekit.schedules import linear_decay

    result = tuning.too_small_run(0.01, 0.5, tau=20, steps=40, record_every=10, batch_size=None)
    data = digits_split()
    plain = LogisticRegression(data.X, data.y, n_classes=10, l2=1e-3)
    direct = run(plain, sgd(linear_decay(np.array([0.01, 0.5, 0.01]), np.array([0.0001, 0.005, 0.01]), 20)),
                 np.zeros(650), 40, record_every=10)
    np.testing.assert_allclose(result.loss, direct.loss, rtol=1e-9)


def test_decayed_final_ratio_is_one_direct_run_of_eq_8_14():
    from coursekit.problems import digits_softmax
    from coursekit.schedules import linear_decay

    problem = digits_softmax(l2=1e-3)
    j_star = float(problem.loss(problem.solve()))
    direct = run(problem, sgd(linear_decay(np.array([0.5]), np.array([0.005]), 20)), np.zeros(650), 40,
                 record_every=40)
    assert tuning.decayed_final_ratio(0.5, tau=20, steps=40) == pytest.approx(direct.loss[-1, 0] / j_star, rel=1e-9)
    # With minibatches it equals the same run of too_small_run (common random numbers, same seed).
    stuck = tuning.too_small_run(0.01, 0.5, tau=20, steps=40, record_every=10, seed=3)
    mini = tuning.decayed_final_ratio(0.5, tau=20, steps=40, batch_size=32, seed=3)
    assert mini == pytest.approx(stuck.final_loss[1] / stuck.min_loss, rel=1e-9)
    with pytest.raises(ValueError, match=r"lr0 must be in \(0, inf\)"):
        tuning.decayed_final_ratio(0.0)


def test_rule_at_recomputes_the_rule_from_the_stored_early_costs():
    result = tuning.sweep_initial_rate([0.01, 0.1, 1.0, 10.0], seeds=2, steps=40, early_step=10, record_every=10)
    assert result.rule_at(result.rule_tolerance) == (result.rule_lr, result.rule_final_loss)
    for tolerance in (1.0, 1.5, 5.0, 1e9):
        ok = (result.lrs >= result.best_early_lr) & (result.mean_early <= tolerance * result.mean_early.min())
        j = int(np.flatnonzero(ok)[-1])
        assert result.rule_at(tolerance) == (float(result.lrs[j]), float(result.mean_final[j]))
    assert result.rule_at(1.0)[0] == result.best_early_lr
    with pytest.raises(ValueError, match=r"tolerance must be in \[1, inf\)"):
        result.rule_at(0.5)
