"""Claims C6-C10 of lecture 03 (book section 8.3.1), measured with the notebook's own calls.

Each causal sentence of the lecture is asserted with its control: the effect with
the cause, and its absence or change without it.
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import rates


@pytest.fixture(scope="module")
def convex():
    return rates.convex_rate()


@pytest.fixture(scope="module")
def strong():
    return rates.strongly_convex_rate()


@pytest.fixture(scope="module")
def one():
    return rates.one_pass()


@pytest.fixture(scope="module")
def floor():
    return rates.statistical_floor()


@pytest.fixture(scope="module")
def growing():
    return rates.growing_batch()


def test_c8_convex_slope_one_half_is_already_the_bias_term(convex):
    # Window k in [50, 5000], ε_k = 0.5/√k. Without noise (σ = 0) the slope is −1/2 already:
    # the deterministic term, not the noise, gives the −1/2 on this spectrum.
    assert convex.window == (50, 5000) and convex.lr0 == 0.5
    assert -0.55 < convex.slope_bias_average < -0.48
    assert -0.55 < convex.slope_bias_last < -0.48
    # Control for "the decaying step makes the bias 1/√k": a constant step gives 1/k.
    assert convex.slope_constant == pytest.approx(-1.0, abs=0.02)


def test_c8_convex_noise_term_is_flatter_than_one_over_sqrt_k(convex):
    # The exact expectation of the noise term (no sampling error) is flatter than −1/2:
    # −0.381 averaged, −0.383 last iterate, on k in [50, 5000].
    assert -0.42 < convex.slope_expected_noise_average < -0.35
    assert -0.42 < convex.slope_expected_noise_last < -0.35
    assert convex.slope_expected_noise_average > convex.slope_bias_average + 0.1
    # The 16-seed Monte Carlo mean is one draw around it: within 0.1 in slope, within 20%
    # pointwise on the window (its slope −0.345 is *not* a three-digit match to log k/√k).
    lo, hi = convex.window
    inside = (convex.steps >= lo) & (convex.steps <= hi)
    assert np.all(np.abs(convex.slope_noise_average - convex.slope_expected_noise_average) < 0.1)
    ratio = convex.noise_average[inside] / convex.expected_noise_average[inside]
    assert np.all((0.8 < ratio) & (ratio < 1.2))
    assert np.all(convex.slope_noise_last < -0.3) and np.all(convex.slope_noise_last > -0.45)
    # Control for "the log depends on the spread of the spectrum": with curvatures 1e-2 to 1
    # the exact noise term has the slope −1/2 of the bias (no log visible on this window).
    assert convex.narrow_smallest_curvature == 1e-2
    assert abs(convex.slope_expected_noise_narrow_average + 0.5) < 0.03
    assert abs(convex.slope_expected_noise_narrow_last + 0.5) < 0.03
    assert convex.slope_expected_noise_narrow_average < convex.slope_expected_noise_average - 0.1
    # Same draws: the noise term scales exactly like σ².
    s2 = (convex.noise[1] / convex.noise[0]) ** 2
    np.testing.assert_allclose(convex.noise_average[1:, 1] / convex.noise_average[1:, 0], s2,
                               rtol=1e-9)


def test_c8_convex_whole_slope_follows_the_dominant_term(convex):
    # σ = 0.3: the bias dominates and the whole slope is the bias's. σ = 1: the noise term is
    # larger than the bias over the whole window and the whole slope is flatter.
    lo, hi = convex.window
    inside = (convex.steps >= lo) & (convex.steps <= hi)
    assert np.all(convex.noise_average[inside, 1] > convex.bias_average[inside])
    assert np.all(convex.noise_average[inside, 0] < convex.bias_average[inside])
    assert abs(convex.slope_total_average[0] - convex.slope_bias_average) < 0.05
    assert convex.slope_total_average[1] > convex.slope_total_average[0] + 0.05
    # E[J] − J* = bias + noise term up to the seeds' mean cross term (Monte Carlo, 16 seeds):
    # its mean over the seeds is not zero, but it stays within 15% of the sum.
    gap = (convex.total_average[inside]
           / (convex.bias_average[inside, None] + convex.noise_average[inside]) - 1.0)
    assert np.all(np.abs(gap) < 0.15)


def test_c8_averaging_raises_the_bias_and_barely_lowers_the_noise(convex):
    # "Averaging is what the proof needs", not what makes the rate here: last iterate vs average.
    assert 1.5 < convex.bias_average[-1] / convex.bias_last[-1] < 1.8
    gain = convex.noise_last[-1, 1] / convex.noise_average[-1, 1]
    assert 1.0 < gain < 1.3
    # The same in exact expectation: with curvature at every scale averaging barely lowers
    # the noise term (contrast test_c8_averaging_gets_one_over_k_without_knowing_mu).
    exact_gain = convex.expected_noise_last[-1, 1] / convex.expected_noise_average[-1, 1]
    assert 1.0 < exact_gain < 1.3


def test_c8_the_flat_noise_term_and_useless_averaging_come_from_the_isotropic_noise(convex):
    # Effect of the noise model (exact expectations, no sampling error): with a covariance
    # ∝ diag(λ_i) at the same total variance (least squares near θ*), the averaged noise term
    # falls with slope −0.83, far steeper than the −0.38 of isotropic noise (the control).
    assert convex.slope_shaped_noise_average < -0.75
    assert convex.slope_expected_noise_average > -0.42
    assert convex.slope_shaped_noise_average < convex.slope_expected_noise_average - 0.35
    # Averaging then pays: noise term divided by ~4.5, whole error ~2.6 times lower at k = 5000...
    gain_shaped = convex.shaped_noise_last[-1] / convex.shaped_noise_average[-1]
    whole_shaped = ((convex.bias_last[-1] + convex.shaped_noise_last[-1])
                    / (convex.bias_average[-1] + convex.shaped_noise_average[-1]))
    assert gain_shaped > 4.0 and whole_shaped > 2.2
    # ...while with isotropic noise (control) it divides the noise term by < 1.3 and the whole
    # error is not lower averaged.
    s = len(convex.noise) - 1
    gain_iso = convex.expected_noise_last[-1, s] / convex.expected_noise_average[-1, s]
    whole_iso = ((convex.bias_last[-1] + convex.expected_noise_last[-1, s])
                 / (convex.bias_average[-1] + convex.expected_noise_average[-1, s]))
    assert gain_iso < 1.3 and whole_iso < 1.05
    # Averaged constant step (Bach & Moulines, 2013): close to 1/k with the least-squares-shaped
    # noise, flat with isotropic noise.
    assert convex.constant_average_slope_shaped < -0.75
    assert convex.constant_average_slope_isotropic > -0.1


def test_c8_strongly_convex_rate_is_one_over_k_from_the_noise_term(strong):
    # ε_k = 1/(μ(k + k0)), μ = 0.1, k0 = L/μ = 10, window k in [50, 5000].
    assert strong.window == (50, 5000) and strong.offset == 10.0
    assert -1.05 < strong.slope < -0.93
    assert -1.05 < strong.slope_noise < -0.93
    assert strong.slope_bias < -1.8  # the bias falls much faster: the rate is the noise term's


def test_c8_strongly_convex_last_iterate_controls_without_the_one_over_mu_k_step(strong):
    # Last iterate. Control: the same form with a constant 4 times too small, and ε_0/√k:
    # both slower than 1/k.
    small, sqrt, averaged = strong.control_slopes
    assert strong.small_constant == 0.25
    assert "last" in strong.control_labels[0] and "last" in strong.control_labels[1]
    assert -0.8 < small < -0.6 and small > strong.slope + 0.2
    assert -0.6 < sqrt < -0.48


def test_c8_small_constant_slope_is_a_window_mixture_tending_to_minus_2c(strong):
    # Exact expectation: −0.70 on [50, 5000], flatter later, towards −2c λ_min/μ = −0.5.
    assert strong.small_asymptote == -0.5
    assert -0.75 < strong.expected_small_slope < -0.65
    assert strong.late_window == (10_000, 100_000)
    assert strong.expected_small_slope < strong.expected_small_late_slope - 0.04
    assert strong.small_asymptote - 0.2 < strong.expected_small_late_slope < strong.small_asymptote
    # The 16-seed run agrees with the expectation on the window.
    assert abs(strong.control_slopes[0] - strong.expected_small_slope) < 0.08


def test_c8_averaging_gets_one_over_k_without_knowing_mu(strong):
    # Effect: ε_k = 1/√k (no μ) with the averaged iterate has slope ≈ −1 and ends below the
    # μ-tuned last iterate at k = 5000.
    small, sqrt, averaged = strong.control_slopes
    assert "averaged" in strong.control_labels[2]
    assert -1.15 < averaged < -0.9
    assert strong.control_excess[-1, 2] < strong.excess[-1]
    # Control: the same schedule and the same draws without averaging stay at O(1/√k).
    assert sqrt > averaged + 0.4
    assert strong.control_excess[-1, 1] > 5 * strong.control_excess[-1, 2]
    # Mechanism: the average is the mean of the noise divided by the curvature, so its excess
    # is about Σ_i σ²/(2 λ_i k) (Polyak & Juditsky), though the iterates stay correlated over
    # 1/(ε_k μ) ≈ 707 steps at k = 5000 (not a mean of independent iterates).
    k = strong.steps[-1]
    lam = np.geomspace(strong.mu, strong.L, 24)
    predicted = np.sum(strong.noise**2 / (2 * lam * k))
    assert 0.75 < strong.control_excess[-1, 2] / predicted < 1.25
    assert 1 / (strong.sqrt_lr0 / np.sqrt(k) * strong.mu) > 500


def test_c6_work_per_update_is_flat_for_sgd_and_linear_for_batch():
    result = rates.work_per_update()
    assert result.sizes.tolist() == [100, 1000, 10_000, 100_000]
    assert result.sgd_examples_per_update.tolist() == [10, 10, 10, 10]
    assert result.gd_examples_per_update.tolist() == [100, 1000, 10_000, 100_000]
    assert abs(result.sgd_slope) < 1e-12
    assert abs(result.gd_slope - 1.0) < 1e-12


def test_c7_test_loss_within_one_percent_before_one_epoch(one):
    assert one.n == 10**6 and one.tolerance == 0.01
    assert 0 < one.examples_to_tolerance < 0.05 * one.n
    # The final test loss is the test set's own loss at θ_true, to five digits.
    assert abs(one.final_test_loss - one.test_floor) < 1e-5
    assert abs(one.test_floor - one.noise_floor) > 1e-3  # which is not σ²/2


def test_c7_the_excess_error_keeps_falling_during_the_pass(one):
    # Stated on the excess error the claim fails: it falls > 100 times after the test loss
    # is within tolerance, and is within 2x of its final value only late in the pass.
    assert one.excess_at_tolerance > 100 * one.final_excess
    assert one.examples_to_excess_factor > 0.3 * one.n
    # The excess error is the population loss minus σ²/2: one pass ends near σ²d/(2n).
    assert one.final_excess < 3 * one.noise_floor * 2 * one.dim / (2 * one.n)


def test_c9_tuning_picks_an_interior_constant_by_the_same_rule(floor):
    assert floor.sgd_constants.tolist() == [0.5, 1.0, 2.0, 4.0]
    for j in range(2):
        assert floor.sgd_final[j, floor.sgd_best[j]] == floor.sgd_final[j].min()
        assert 0 < floor.sgd_best[j] < floor.sgd_constants.size - 1
    assert floor.gd_lr == 1.0 and 0 < floor.gd_best < len(floor.gd_lrs) - 1


def test_c9_one_pass_without_replacement_reaches_the_statistical_rate(floor):
    # Effect: one random permutation (each example once) ends the pass within 10% of σ²d/(2k),
    # within 5% of the least-squares fit on all n examples, with no late growth of the ratio.
    assert floor.sampling[1].startswith("without replacement")
    assert 0.95 < floor.ratio[-1, 1] < 1.15
    assert floor.sgd_excess[-1, 1] < 1.05 * floor.ols_excess
    assert floor.late_ratio_growth[1] < 1.1
    # Other draws of the data: around 1 too.
    assert np.all((0.7 < floor.seed_ratios[:, 1]) & (floor.seed_ratios[:, 1] < 1.4))


def test_c9_with_replacement_the_ratio_follows_one_plus_k_over_n(floor):
    # Repeats and omissions: the effective sample size is k/(1 + k/n), so the excess with
    # replacement is about (1 + k/n) σ²d/(2k) from the start of the pass, not only late.
    # Pooled over 4 draws of the data (8 seeds each).
    assert floor.pass_budgets.tolist() == [2000, 10_000, 20_000]
    np.testing.assert_allclose(floor.replacement_prediction, [1.1, 1.5, 2.0])
    assert np.all(np.abs(floor.replacement_ratio[1:] / floor.replacement_prediction[1:] - 1) < 0.15)
    assert np.all(np.abs(floor.replacement_floor_ratio / floor.replacement_prediction - 1) < 0.15)
    # Already at half the pass the ratio is well above 1: not a late effect.
    assert floor.replacement_ratio[1] > 1.25
    # Each draw ends near 1 + k/n = 2 with replacement...
    assert 1.8 < floor.ratio[-1, 0] < 2.2
    assert np.all((1.8 < floor.seed_ratios[:, 0]) & (floor.seed_ratios[:, 0] < 2.2))
    # ...control: without replacement (each example once) no such factor, on every draw.
    assert np.all(floor.seed_ratios[:, 0] > floor.seed_ratios[:, 1] + 0.5)


def test_c9_same_rate_different_constant_only_above_the_threshold(floor):
    # The training cost's curvatures are 0.949 to 1.059: c = 0.5 has c λ_min = 0.47 < 1/2,
    # below the threshold of the O(1/k) rate; c = 1, 2, 4 are above it.
    lam_min = floor.hessian_extremes[0]
    assert floor.sgd_constants[0] * lam_min < 0.5 < floor.sgd_constants[1] * lam_min
    relative = floor.sgd_final / floor.sgd_final[:, [1]]          # (2 orders, 4 constants)
    # Same rate: c = 2 ends within 1.3x of c = 1 in both orders, c = 4 within 2.5x...
    assert np.all(relative[:, 2] < 1.3) and np.all(relative[:, 3] < 2.5)
    # ...control, below the threshold: c = 0.5 ends > 3x above in both orders.
    assert np.all(relative[:, 0] > 3.0)


def test_c9_batch_gd_is_behind_in_the_first_epoch_and_fast_only_because_kappa_is_one(floor):
    # During the first epoch SGD is far ahead (batch GD has made at most one update).
    early = floor.budgets < floor.n
    assert np.all(floor.sgd_at_budgets[early].max(axis=1) * 10 < floor.gd_at_budgets[early])
    # With κ = 1 (x ~ N(0, I), ε = 1 a Newton step) it is within 10% of the least-squares
    # fit after 2 epochs...
    assert floor.epochs_to_ols == 2 and floor.ols_tolerance == 1.1
    assert floor.gd_excess[-1] < 1.01 * floor.ols_excess
    # ...where one pass of SGD without replacement already is; with replacement it is ~2x above.
    assert floor.gd_excess[2] > 0.95 * floor.sgd_excess[-1, 1]
    assert floor.gd_excess[2] * 1.5 < floor.sgd_excess[-1, 0]
    # Control, κ = 100: the best ε of the grid needs ~100 epochs, the rest more than 100.
    assert floor.ill_condition_number == 100.0
    reached = floor.ill_epochs_to_ols[floor.ill_epochs_to_ols >= 0]
    assert reached.size >= 1 and 50 < reached.min() < 150
    assert np.all((floor.ill_epochs_to_ols > 100) | (floor.ill_epochs_to_ols == -1)
                  | (floor.ill_epochs_to_ols == reached.min()))
    # More optimization never hurt here: batch GD's excess falls at every epoch.
    assert np.all(np.diff(floor.gd_excess) < 0)


def test_c10_each_policy_is_tuned_by_the_same_rule(growing):
    # The grid reaches past batch GD's best step 2/(L + μ); each policy takes the ε with the
    # lowest excess at the end of the budget, and at each budget the per-budget best.
    assert growing.lrs.max() > 2.0 / (growing.L + growing.mu)
    best = np.array([np.nanargmin(row) for row in growing.final_by_lr])
    np.testing.assert_array_equal(growing.best_lr, growing.lrs[best])
    # A log-uniform grid without gaps (factor √2), from 1/1024 to 1.95.
    step = np.diff(np.log(growing.lrs))
    np.testing.assert_allclose(step, np.log(np.sqrt(2.0)), rtol=0.01)
    assert growing.lrs.size == 23 and growing.best_lr[1] > 1.0
    for j in range(4):
        np.testing.assert_array_equal(growing.excess[j][-1], growing.final_by_lr[j, best[j]])
    # The tuned ε of each policy beats the grid value nearest 0.5 at the end of the budget.
    half = int(np.argmin(np.abs(np.log(growing.lrs / 0.5))))
    assert np.all(growing.final_by_lr[[0, 1, 3], best[[0, 1, 3]]]
                  < growing.final_by_lr[[0, 1, 3], half])


def test_c10_growing_batch_starts_like_sgd_and_is_ahead_at_20000_examples(growing):
    sgd, grown, sampled, batch = growing.at_budgets
    assert growing.budgets.tolist() == [200, 2000, 20_000, 40_000, 80_000]
    # At 200 examples it is as good as SGD (within a factor 2) and far ahead of batch GD.
    assert grown[0] < 2 * sgd[0] and grown[0] * 10 < batch[0]
    # At 20,000 examples, all tuned for that budget: below SGD and > 3x below batch GD, the
    # latter on each of the three draws of the data (7.15 to 20 times).
    assert grown[2] < sgd[2] and grown[2] * 3 < batch[2]
    tables = np.concatenate([growing.at_budgets[None, 1:], growing.seed_at_budgets])
    assert tables.shape[:2] == (3, 3)
    assert np.all(tables[:, 0, 2] * 3 < tables[:, 2, 2])
    # What it trades: its late updates cost as much as batch GD's.
    assert growing.updates_at_budgets[1, -1] < growing.updates_at_budgets[0, -1] / 50


def test_c10_the_lead_is_a_head_start_not_a_faster_rate(growing):
    sgd, grown, sampled, batch = growing.at_budgets
    # Once exact, it converges linearly at batch GD's per-update factor (same tuned ε)...
    assert growing.contraction[1] < 0.8
    assert abs(growing.contraction[1] - growing.contraction[3]) < 0.02
    assert growing.contraction[3] <= growing.theory_contraction + 0.01
    # ...so the lead at the end is the head start, kept: ahead on every draw, by a factor that
    # depends on the draw (8.46 to 82.3 at 80,000 examples), not by a rate.
    tables = np.concatenate([growing.at_budgets[None, 1:], growing.seed_at_budgets])
    end = tables[:, 2, -1] / tables[:, 0, -1]
    assert np.all(end > 1) and end.max() / end.min() > 3


def test_c10_controls_fixed_small_batch_and_sampling_with_replacement_stall(growing):
    sgd, grown, sampled, batch = growing.at_budgets
    # Control 1 (fixed m = 10): a floor, the growing batch goes far below it once exact.
    assert growing.contraction[0] > 0.99 and np.all(grown[3:] * 100 < sgd[3:])
    # Control 2 (m_k = n drawn with replacement): the same until the switch, then a floor.
    np.testing.assert_array_equal(sampled[:3], grown[:3])
    assert growing.contraction[2] > 0.95
    assert sampled[-1] > 1e-5 and sampled[-1] > 1e3 * grown[-1]
