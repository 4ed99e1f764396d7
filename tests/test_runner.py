"""The runner: batching, records, divergence as a result, and validation."""

from __future__ import annotations

import inspect
import math
import warnings

import numpy as np
import pytest

from coursekit import optimizers as O
from coursekit import schedules as S
from coursekit.problems import LinearCost, canyon, make_least_squares, quadratic_with_spectrum
from coursekit.runner import run


@pytest.fixture(autouse=True)
def no_runtime_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def manual_run(problem, opt, theta, steps):
    """The plain loop the runner must reproduce, from the public API only."""
    state = opt.init(theta)
    losses = [problem.loss(theta)]
    for _ in range(steps):
        theta, state = opt.step(theta, state, problem.grad)
        losses.append(problem.loss(theta))
    return theta, np.array(losses)


@pytest.mark.parametrize("factory", [O.momentum, O.nesterov])
def test_batched_run_equals_the_loop_over_settings_exactly(factory):
    problem = canyon(30.0)
    lrs = np.array([0.005, 0.02, 0.04])  # ελ ≤ 1.2: stable for both methods
    alphas = np.array([0.0, 0.5, 0.9])
    theta0 = np.array([-1.0, 0.5])
    result = run(problem, factory(lrs, alphas), theta0, 120)
    for j in range(3):
        single = run(problem, factory(lrs[j], alphas[j]), theta0, 120)
        np.testing.assert_array_equal(result.loss[:, j], single.loss)
        np.testing.assert_array_equal(result.final_theta[j], single.final_theta)
        theta, losses = manual_run(problem, factory(lrs[j], alphas[j]), theta0, 120)
        np.testing.assert_array_equal(single.final_theta, theta)
        np.testing.assert_allclose(single.loss, losses, rtol=1e-15, atol=0)


def test_common_noise_makes_a_stochastic_batch_equal_its_loop():
    problem = make_least_squares(200, 5, np.random.default_rng(1), noise=0.3)
    lrs = np.array([0.01, 0.05, 0.1])
    batched = run(problem, O.sgd(lrs), np.zeros(5), 50, batch_size=8,
                  rng=np.random.default_rng(7), noise="common")
    for j, lr in enumerate(lrs):
        single = run(problem, O.sgd(lr), np.zeros(5), 50, batch_size=8,
                     rng=np.random.default_rng(7), noise="common")
        np.testing.assert_array_equal(batched.final_theta[j], single.final_theta)


def test_independent_noise_differs_between_repeats_and_is_reproducible():
    problem = make_least_squares(200, 5, np.random.default_rng(1), noise=0.3)
    kwargs = dict(batch_size=4, repeats=3, noise="independent")
    a = run(problem, O.sgd(0.05), np.zeros(5), 30, rng=np.random.default_rng(3), **kwargs)
    b = run(problem, O.sgd(0.05), np.zeros(5), 30, rng=np.random.default_rng(3), **kwargs)
    assert a.final_theta.shape == (3, 5)
    np.testing.assert_array_equal(a.final_theta, b.final_theta)
    assert not np.allclose(a.final_theta[0], a.final_theta[1])


def test_divergence_is_reported_at_the_predicted_step():
    # J = ½θ², θ0 = 1, ε = 3: θ_k = (−2)^k, J_k = ½·4^k. The limit is
    # 1e6·max(J_0, 1) = 1e6, first exceeded when 4^k > 2e6, i.e. k = 11.
    problem = quadratic_with_spectrum([1.0])
    result = run(problem, O.sgd(np.array([0.5, 3.0])), np.array([1.0]), 40)
    expected = math.ceil(math.log(2e6) / math.log(4))
    assert expected == 11
    assert result.diverged.tolist() == [False, True]
    assert result.diverged_at.tolist() == [-1, 11]
    assert result.status(1) == "diverged at step 11"
    assert result.status(0) == "finished 40 steps"
    assert np.all(np.isfinite(result.loss[:11, 1])) and np.all(np.isnan(result.loss[11:, 1]))
    assert np.all(np.isfinite(result.final_theta))
    assert result.loss[10, 1] == pytest.approx(0.5 * 4.0**10)


@pytest.mark.parametrize("record_every", [1, 2, 7, 25, 1000])
def test_divergence_step_does_not_depend_on_the_record_grid(record_every):
    lrs = np.array([0.05, 0.35, 0.5])  # ελ = 3.5 and 5 pass the edge 2 + 2α = 3
    kwargs = dict(average=True, keep_path=True)
    reference = run(canyon(10.0), O.momentum(lrs, 0.5), [1.0, 1.0], 200, **kwargs)
    result = run(canyon(10.0), O.momentum(lrs, 0.5), [1.0, 1.0], 200, record_every=record_every,
                 **kwargs)
    assert reference.diverged_at.tolist()[0] == -1 and min(reference.diverged_at[1:]) > 1
    np.testing.assert_array_equal(result.diverged_at, reference.diverged_at)
    np.testing.assert_array_equal(result.final_theta, reference.final_theta)
    np.testing.assert_array_equal(result.final_velocity, reference.final_velocity)
    # Every record, the running average included, is the reference's at the same k.
    np.testing.assert_array_equal(result.loss, reference.loss[result.steps])
    np.testing.assert_allclose(result.average_loss, reference.average_loss[result.steps], rtol=1e-12)
    np.testing.assert_array_equal(result.theta, reference.theta[result.steps])


@pytest.mark.parametrize("factory", [O.sgd, O.momentum, O.nesterov])
def test_a_noisy_sweep_reports_the_same_divergence_on_every_record_grid(factory):
    # Minibatch noise makes some costs cross the limit and fall back between
    # records: the checks that decide divergence must not be the records.
    problem = make_least_squares(200, 10, np.random.default_rng(1), condition_number=100.0,
                                 n_test=40)
    opt = factory(np.geomspace(0.1, 5.0, 10)) if factory is O.sgd else factory(
        np.geomspace(0.1, 5.0, 10), 0.9)
    runs = [run(problem, opt, np.zeros(10), 200, batch_size=8, rng=np.random.default_rng(2),
                repeats=2, record_every=every, test_every=5, average=True)
            for every in (1, 17, 200)]
    assert runs[0].diverged.any() and not runs[0].diverged.all()
    for other in runs[1:]:
        np.testing.assert_array_equal(other.diverged_at, runs[0].diverged_at)
        np.testing.assert_array_equal(other.final_theta, runs[0].final_theta)
        np.testing.assert_array_equal(other.test_loss, runs[0].test_loss)
        np.testing.assert_array_equal(other.loss, runs[0].loss[other.steps])
        np.testing.assert_allclose(other.average_loss, runs[0].average_loss[other.steps], rtol=1e-12)


def test_examples_seen_stay_at_their_count_after_an_early_stop():
    problem = make_least_squares(100, 5, np.random.default_rng(1))
    for every in (1, 3, 40):
        result = run(problem, O.sgd(np.array([50.0, 80.0])), np.zeros(5), 40, record_every=every)
        assert result.diverged.all()
        stop = int(result.diverged_at.max())
        expected = np.minimum(result.steps, stop) * 100
        np.testing.assert_array_equal(result.examples_seen, expected)


def test_a_long_stretch_without_records_is_checked_silently(monkeypatch):
    from coursekit import recorder

    # With room for only 16 steps between checks, a run recorded only at its end
    # still reports the step of divergence found with a record at every step.
    monkeypatch.setattr(recorder, "WINDOW_BYTES", 0)
    lrs = np.array([0.05, 0.31, 0.35])
    reference = run(canyon(10.0), O.momentum(lrs, 0.5), [1.0, 1.0], 300)
    sparse = run(canyon(10.0), O.momentum(lrs, 0.5), [1.0, 1.0], 300, record_every=300,
                 average=True)
    assert reference.diverged_at[1] > 16 and reference.diverged_at[2] > 1
    np.testing.assert_array_equal(sparse.diverged_at, reference.diverged_at)
    np.testing.assert_array_equal(sparse.final_theta, reference.final_theta)


def test_a_non_finite_theta_with_a_finite_gradient_is_caught_at_its_step():
    # J = θ_1 + θ_2: the gradient is (1, 1) everywhere, always finite, while
    # θ_k = 1 − k·ε overflows at k = 2 for ε = 1e308.
    result = run(LinearCost([1.0, 1.0]), O.sgd(np.array([0.1, 1e308])), [1.0, 1.0], 5)
    assert result.diverged_at.tolist() == [-1, 2]
    assert np.isfinite(result.final_theta).all()


def test_a_schedule_of_unknown_range_is_checked_over_the_run():
    problem = canyon(10.0)
    ok = run(problem, O.momentum(lambda k: 0.05 / k, lambda k: 0.5), [1.0, 1.0], 20)
    same = run(problem, O.momentum(S.inverse_k(0.05), 0.5), [1.0, 1.0], 20)
    np.testing.assert_allclose(ok.loss, same.loss, rtol=1e-13)
    with pytest.raises(ValueError, match=r"momentum \(schedule momentum\(k\)\) must be in \[0, 1\)"):
        run(problem, O.momentum(0.01, lambda k: min(0.9 + 0.01 * k, 1.0)), [1.0, 1.0], 20)


def test_the_runner_is_a_short_loop_over_the_optimizers_own_update():
    source = inspect.getsource(run)
    assert len(source.splitlines()) < 60
    assert "optimizer.update.unchecked" in source and "optimizer.gradient_point.unchecked" in source


def test_overflow_is_a_result_not_a_crash():
    problem = canyon(10.0)
    result = run(problem, O.momentum(np.array([1e200, 0.01]), 0.9), np.array([1.0, 1.0]), 30)
    assert result.diverged_at[0] in (1, 2)
    assert not result.diverged[1]
    assert np.all(np.isfinite(result.final_theta))


def test_run_stops_early_when_every_trajectory_diverged():
    result = run(canyon(10.0), O.sgd(np.array([1.0, 2.0])), np.array([1.0, 1.0]), 10**6)
    assert result.diverged.all() and result.diverged_at.max() < 100


def test_records_examples_and_learning_rates():
    problem = make_least_squares(100, 3, np.random.default_rng(0), n_test=20)
    sched = S.linear_decay(0.1, 0.001, 20)
    result = run(problem, O.sgd(sched), np.zeros(3), 30, batch_size=5,
                 rng=np.random.default_rng(0), record_every=7, test_every=10)
    assert result.steps.tolist() == [0, 7, 14, 21, 28, 30]
    assert result.examples_seen.tolist() == [0, 35, 70, 105, 140, 150]
    np.testing.assert_allclose(result.lr[1:], [sched(k) for k in (7, 14, 21, 28, 30)])
    assert result.test_steps.tolist() == [0, 10, 20, 30]
    assert result.test_loss.shape == (4,)
    full = run(problem, O.sgd(0.1), np.zeros(3), 4)
    assert full.examples_seen.tolist() == [0, 100, 200, 300, 400]


def test_growing_minibatch_counts_examples():
    problem = make_least_squares(1000, 3, np.random.default_rng(0))
    growing = S.linear_decay(2.0, 20.0, 9)  # m_k = 2 + 2k for k ≤ 9, then 20
    result = run(problem, O.sgd(0.05), np.zeros(3), 12, batch_size=growing,
                 rng=np.random.default_rng(0))
    expected = np.cumsum([0] + [int(round(growing(k))) for k in range(1, 13)])
    np.testing.assert_array_equal(result.examples_seen, expected)


def test_path_and_average_match_an_independent_computation():
    problem = canyon(20.0)
    result = run(problem, O.momentum(0.02, 0.8), np.array([1.0, -1.0]), 25,
                 keep_path=True, average=True)
    path = result.theta
    assert path.shape == (26, 2)
    for k in (1, 10, 25):
        mean = path[1:k + 1].mean(axis=0)
        assert result.average_loss[k] == pytest.approx(problem.loss(mean), rel=1e-12)
    np.testing.assert_allclose(result.speed[1:], np.linalg.norm(result.velocity[1:], axis=-1))
    np.testing.assert_allclose(
        result.grad_norm[1:], np.linalg.norm(problem.grad(path[:-1]), axis=-1), rtol=1e-13)


def test_theta0_is_not_mutated_and_results_do_not_alias_it():
    theta0 = np.array([1.0, 2.0])
    kept = theta0.copy()
    result = run(canyon(5.0), O.nesterov(0.05, 0.9), theta0, 10)
    np.testing.assert_array_equal(theta0, kept)
    assert not np.shares_memory(result.final_theta, theta0)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(batch_size=4), TypeError, "rng is required"),
        (dict(batch_size=0, rng=np.random.default_rng(0)), ValueError, r"batch_size must be an integer in \[1, 50\]"),
        (dict(batch_size=51, rng=np.random.default_rng(0)), ValueError, r"batch_size must be an integer in \[1, 50\], got 51"),
        (dict(batch_size=4, rng=0), TypeError, "rng must be a numpy Generator"),
        (dict(noise="shared"), ValueError, "noise must be 'independent' or 'common'"),
        (dict(test_every=5), ValueError, "has no test split"),
        (dict(record_every=0), ValueError, "record_every must be an integer"),
        (dict(divergence_factor=0.5), ValueError, r"divergence_factor must be in \[1, inf\)"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    problem = make_least_squares(50, 3, np.random.default_rng(0))
    with pytest.raises(error, match=message):
        run(problem, O.sgd(0.1), np.zeros(3), 5, **kwargs)


def test_bad_theta0_and_types():
    problem = canyon(5.0)
    with pytest.raises(ValueError, match=r"theta0 must have shape \(\.\.\., 2\), got shape \(3,\)"):
        run(problem, O.sgd(0.1), np.zeros(3), 5)
    with pytest.raises(ValueError, match="theta0 must be finite"):
        run(problem, O.sgd(0.1), np.array([np.nan, 0.0]), 5)
    with pytest.raises(ValueError, match="steps must be an integer"):
        run(problem, O.sgd(0.1), np.zeros(2), -1)
    with pytest.raises(TypeError, match="optimizer must be a coursekit Optimizer"):
        run(problem, "sgd", np.zeros(2), 5)
    with pytest.raises(TypeError, match="problem must be a coursekit Problem"):
        run(None, O.sgd(0.1), np.zeros(2), 5)
    with pytest.raises(ValueError, match=r"theta0 has batch shape \(2,\).*\(3,\)"):
        run(problem, O.sgd(np.ones(3) * 0.1), np.zeros((2, 2)), 5)
