"""Claims C4 and C5 (book section 8.3.1), measured with the notebook's own experiments.

Numbers measured with the defaults (seed 0) and stated in
notebooks/02_tuning_the_learning_rate.ipynb:
- C4, too large: ε = 30 with λ = 10⁻³ never diverges and its cost over the second half stays
  above 1.5 J(θ_0), about half of it the weight-decay penalty (1.5 J_0 + 1.5 J_0); without
  weight decay the same rate lowers the cost (0.19 J_0) but still oscillates (up at over 30%
  of the records, jumps above 1.5× between records). At the same ε·L ≈ 22 (L = 0.7331 for
  the softmax at θ_0, 7.322 for least squares) least squares on the same pixels diverges at
  step 3; at ε·L ≈ 0.22 both finish.
- C4, good: ε = 0.3 ends at 0.0954 and goes up at 14% of the records; with the full
  gradient it never goes up and ends at 0.0932 (the noise adds 2% to the cost, 14% to its
  excess over J* = 0.0774), in one seed.
- C4, too small: ε = 0.003 ends at 0.927, 9.7× the good run (47× in excess). Under eq. 8.14
  (τ = 1000, K = 5000) it gains 0.041 after τ and ends at 0.881 = 11.4 J*; kept constant it
  gains 0.370; with ε_0 = 1 it ends at 1.027 J*, still gaining after τ, while SGD at its final
  rate ε_τ = 0.01 started at θ* stays at 1.0003 J* (the ε_τ floor is 1% of the excess). The
  same schedule with the full gradient ends at 1.019 J*: 70% of the excess is unfinished
  optimization, 30% noise left from the early large steps. Σε_k = 1.63, 15 and 545.
- C5, weight decay 10⁻³: τ is 23.7 passes; best at k = 100 ε_0 = 0.646, best at k = 1000
  ε_0 = 1.39 (one grid step, excess 1.5×, raw gain 2%): no reliable difference, since one seed
  of 4 and the early looks at k = 25, 75, 200, 300 already pick 1.39. Fastest to J ≤ 0.1
  ε_0 = 0.646, to J ≤ 0.09 ε_0 = 1.39.
- C5, smaller weight decay: λ = 10⁻⁵ (unique minimum) gives rates 1.39 → 6.46 (×4.64), final
  excess 0.0157 against 0.0041 (3.8×, raw gain 59%); λ = 10⁻⁴ 1.6×. The best runs' absolute
  excesses are alike (0.0034, 0.0055, 0.0041), so "less left to gain" is not the cause; the
  lecture names no cause.
- C5, no weight decay: best at k = 100 ε_0 = 1.39, best final the grid's largest, 30; beyond
  it 300 and 3000 end lower still (below 1e-6; chaotic runs, so no digits) and none diverges.
- C5, the ReLU MLP of lecture 07: best early 0.3, best final 0.646 (one grid step, final cost
  3.1× lower), but at k = 100 the paired difference 0.646 − 0.3 is 0.0343 ± 0.0303 (one SE):
  the early look cannot separate them. At the end 0.646 beats 0.3 in every seed; ε_0 = 1.39
  ends > 100× higher and 3 and 6.46 diverge in 1 of 3 seeds.
- The practical rule: ε_0 = 3 with weight decay (excess 5.50e-03 against the early pick's
  5.04e-03, paired difference 4.55e-04 ± 9.88e-04), 3 without (7.28e-03 against 1.85e-02), 0.646
  on the MLP (the best). Its verdict depends on the tolerance: with λ = 10⁻³, 1.5× picks 1.39
  (0.67× the early pick's excess), 5× picks 6.46 (2.23×; 3.14× with λ = 10⁻⁴); with λ = 10⁻⁵
  and without weight decay 5× does best (0.26× and 0.07×).
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.experiments import tuning


@pytest.fixture(scope="module")
def curves():
    return tuning.learning_rate_curves()


@pytest.fixture(scope="module")
def sweep():
    return tuning.sweep_initial_rate()


@pytest.fixture(scope="module")
def sweep_no_decay():
    return tuning.sweep_initial_rate(l2=0.0)


@pytest.fixture(scope="module")
def weaker_decay():
    return {l2: tuning.sweep_initial_rate(l2=l2) for l2 in (1e-4, 1e-5)}


@pytest.fixture(scope="module")
def stuck():
    return tuning.too_small_run()


@pytest.fixture(scope="module")
def mlp():
    return tuning.sweep_mlp()


# -- C4: too large -----------------------------------------------------------


def test_c4_too_large_makes_the_cost_rise(curves):
    too_large = -1
    # The run is chaotic (its endpoint varies with the arithmetic): judge the average
    # of the second half, measured 2.99 times J(θ_0).
    assert curves.diverged_at[too_large] >= 0 or curves.tail_ratio[too_large] > 1.5
    assert curves.frac_up[too_large] > 2 * curves.frac_up[1]  # measured 0.47 vs 0.14


def test_c4_half_of_the_rise_is_the_penalty_and_without_weight_decay_the_cost_falls(curves):
    """Effect: with λ = 10⁻³ the tail cost at ε = 30 is about half penalty, half cross-entropy
    (1.5 + 1.5 J_0), and the cross-entropy part alone is above J_0. Control: the same ε = 30
    without weight decay ends its second half far below J_0 (0.19 J_0), without diverging."""
    data, penalty = curves.tail_data_ratio[-1], curves.tail_penalty_ratio[-1]
    assert data + penalty == pytest.approx(curves.tail_ratio[-1])
    assert 0.3 < penalty / (data + penalty) < 0.7 and data > 1.0
    assert curves.tail_penalty_ratio[1] < 0.01 * curves.tail_ratio[-1]  # ε = 0.3: no such penalty
    free = tuning.learning_rate_curves(curves.lrs[-1:], l2=0.0)
    assert free.diverged_at[0] < 0 and free.tail_ratio[0] < 0.5     # measured 0.19
    # The oscillation of C4 does not need weight decay: up at over 30% of records, big jumps.
    assert free.frac_up[0] > 0.3 and np.max(free.loss[1:, 0] / free.loss[:-1, 0]) > 1.5
    assert np.all(np.abs(free.tail_penalty_ratio) < 1e-12)      # no penalty without weight decay


def test_c4_bounded_gradient_no_divergence_but_growing_gradient_diverges_at_the_same_eps_L(curves):
    """Effect: the softmax (bounded per-example gradient) never diverges, even at ε·L ≈ 22.
    Control: least squares on the same pixels at the same ε·L diverges at ε·L ≈ 22 and
    finishes at ε·L ≈ 0.22 and 0.0022."""
    squares = tuning.learning_rate_curves((0.0003, 0.03, 3.0), problem="least squares")
    assert curves.curvature == pytest.approx(0.7331, abs=1e-4)
    assert squares.curvature == pytest.approx(7.322, abs=1e-3)
    np.testing.assert_allclose(squares.lrs * squares.curvature, curves.lrs * curves.curvature, rtol=0.01)
    assert np.all(curves.diverged_at < 0)
    assert np.all(squares.diverged_at[:2] < 0)                 # ε·L ≈ 0.0022 and 0.22 finish
    assert 0 < squares.diverged_at[2] <= 5                     # ε·L ≈ 22: measured step 3
    assert 2 / squares.curvature < 0.3 < 2 / curves.curvature  # why equal ε was unfair


# -- C4: good, gentle oscillation ---------------------------------------------


def test_c4_good_rate_oscillates_gently_but_progresses(curves):
    assert 0.0 < curves.frac_up[1] < 0.3                       # measured 0.14
    assert curves.final_loss[1] < 0.05 * curves.start_loss     # measured 0.0954 / 2.303


def test_c4_the_oscillation_is_minibatch_noise_and_costs_little(curves):
    """Effect: with minibatches ε = 0.3 goes up at 14% of the records. Control: the same rate
    with the full gradient never goes up; the final costs differ by about 2%, the excesses
    over J* by about 14%."""
    full = tuning.learning_rate_curves(curves.lrs[1:2], batch_size=None)
    assert full.frac_up[0] == 0.0 and curves.frac_up[1] > 0.1
    gap = curves.final_loss[1] / full.final_loss[0] - 1.0
    assert 0.0 < gap < 0.05                                    # measured 0.024
    excess_gap = (curves.final_loss[1] - curves.min_loss) / (full.final_loss[0] - curves.min_loss) - 1.0
    assert 0.05 < excess_gap < 0.25                            # measured 0.14


# -- C4: too small ---------------------------------------------------------------


def test_c4_too_small_is_slow(curves):
    ratio = curves.final_loss[0] / curves.final_loss[1]
    assert 5.0 < ratio < 20.0                                  # measured 9.7
    excess = (curves.final_loss[0] - curves.min_loss) / (curves.final_loss[1] - curves.min_loss)
    assert 30.0 < excess < 70.0                                # measured 47
    assert curves.frac_up[0] == 0.0                            # smooth, no oscillation


def test_c4_too_small_with_decay_is_stuck_high_and_the_decay_is_why(stuck):
    """Effect: ε_0 = 0.003 under eq. 8.14 barely moves after τ and stays far above J*.
    Controls: the same small rate kept constant keeps falling; the same schedule from
    ε_0 = 1 ends near J* (1.03 J*) and is still gaining after τ, while SGD at its final rate
    started at θ* stays at 1.0003 J*: that run's excess is mostly unfinished optimization,
    not the noise floor. The decayed small run has far less total travel Σε_k."""
    small, good, constant = 0, 1, 2
    assert stuck.final_loss[small] > 10 * stuck.min_loss            # measured 11.4 J*
    assert stuck.drop_after_tau[small] < 0.06                       # measured 0.041
    assert stuck.drop_after_tau[constant] > 5 * stuck.drop_after_tau[small]  # measured 0.370
    assert stuck.final_loss[constant] < 0.5 * stuck.final_loss[small]
    assert stuck.min_loss < stuck.final_loss[good] < 1.05 * stuck.min_loss  # measured 1.03 J*
    assert stuck.travel[small] < 0.2 * stuck.travel[constant]       # 1.63 against 15
    assert stuck.drop_after_tau[small] > 0.0                        # slow, not trapped: still falling
    floor = tuning.noise_floor(stuck.lr_tau[good])
    assert 1.0 < floor < 1.001                                      # measured 1.0003
    assert stuck.final_loss[good] / stuck.min_loss - 1 > 20 * (floor - 1)  # 0.03 against 0.0003
    assert stuck.drop_after_tau[good] > 0.0                         # still falling after τ


def test_c4_the_good_runs_excess_is_two_thirds_unfinished_optimization_one_third_early_noise(stuck):
    """Effect: with minibatches, eq. 8.14 from ε_0 = 1 ends at 1.027 J*. Controls: the same
    schedule with the full gradient (no noise) ends at 1.019 J*, lower but with most of the
    excess still there (unfinished optimization, 70%); SGD at ε_τ started at θ* stays at
    1.0003 J*, so the ε_τ floor is a tiny part (1%) of the 30% the noise leaves."""
    mini = stuck.final_loss[1] / stuck.min_loss
    full = tuning.decayed_final_ratio(stuck.lr0[1], batch_size=None)
    floor = tuning.noise_floor(stuck.lr_tau[1])
    assert full < mini                                              # 1.019 against 1.027
    assert floor - 1 < 0.1 * (mini - 1)                             # 0.0003 against 0.027
    assert full - 1 > 0.5 * (mini - 1)                              # 70% of the excess
    assert 0.6 < (full - 1) / (mini - 1) < 0.8                      # measured 0.70


# -- C5: weight decay ---------------------------------------------------------------


def test_c5_the_budget_is_tens_of_passes_not_hundreds(sweep):
    assert sweep.passes == pytest.approx(1000 * 32 / 1348)     # 23.7


def test_c5_with_weight_decay_early_and_final_picks_are_not_reliably_different(sweep):
    """Effect (as the book says): at k = 100 the best ε_0 is one grid step below the best final
    one, and the final excess is 1.5× lower. Where it fails: one seed of 4 already picks the
    final rate at k = 100, and the early looks at k = 25, 75, 200, 300 of the same runs pick it
    too; at k = 100 the two means are within 2.5 standard errors."""
    assert sweep.final_to_early_ratio == pytest.approx(2.154, rel=0.01)
    assert 1.0 < sweep.excess_ratio < 2.0                      # measured 1.5
    gain = 1.0 - sweep.best_final_loss / sweep.early_pick_final_loss
    assert 0.0 < gain < 0.05                                   # measured 0.02 raw
    early, final = sweep.seed_picks
    assert np.all(final == sweep.best_final_lr)
    assert np.sum(early == sweep.best_final_lr) == 1 and np.sum(early == sweep.best_early_lr) == 3
    assert sweep.best_at(100) == sweep.best_early_lr
    assert [k for k in (25, 50, 75, 100, 150, 200, 250, 300)
            if sweep.best_at(k) == sweep.best_final_lr] == [25, 75, 200, 300]
    se = sweep.standard_error(100)
    i, j = (int(np.flatnonzero(sweep.lrs == lr)[0]) for lr in (sweep.best_early_lr, sweep.best_final_lr))
    assert sweep.mean_early[j] - sweep.mean_early[i] < 2.5 * max(se[i], se[j])
    assert sweep.fastest_lr == pytest.approx(sweep.best_early_lr)  # time to J ≤ 0.1: no gain


def test_c5_a_smaller_weight_decay_widens_the_gap_and_absolute_excess_does_not_explain_it(sweep, weaker_decay):
    """Effect: with λ = 10⁻⁵ the cost still has a unique minimum, yet the final pick is far
    above the early one (×4.64, final excess 0.0157 against 0.0041, 3.8×, raw 59%); λ = 10⁻⁴
    lies between (1.6×). Control against the explanation "λ = 10⁻³ has less left to gain":
    in absolute terms the best runs are left with about the same excess at all three
    weight decays (0.0034, 0.0055, 0.0041), and J* itself shrinks about twentyfold."""
    tiny, small = weaker_decay[1e-5], weaker_decay[1e-4]
    for result in (sweep, small, tiny):
        assert result.min_loss > 0                             # a minimum exists in all three
    assert tiny.final_to_early_ratio > 4.0 and tiny.excess_ratio > 3.0
    assert 1.0 - tiny.best_final_loss / tiny.early_pick_final_loss > 0.5
    assert sweep.excess_ratio < small.excess_ratio < tiny.excess_ratio
    best_excess = [r.best_final_loss - r.min_loss for r in (sweep, small, tiny)]
    assert max(best_excess) < 2 * min(best_excess)             # 0.0034, 0.0055, 0.0041
    assert sweep.min_loss > 15 * tiny.min_loss                 # 0.0774 against 0.0038


def test_c5_time_to_a_target_picks_the_early_favourite_only_for_a_loose_target(sweep, sweep_no_decay):
    """Effect: to J ≤ 0.1 the fastest ε_0 is the early favourite in both settings.
    Where it fails: to a tight target the fastest rate is larger (1.39 for J ≤ 0.09 with
    weight decay, 6.46 for J ≤ 0.01 without)."""
    for result in (sweep, sweep_no_decay):
        assert result.fastest_to(0.1)[0] == result.best_early_lr
    assert sweep.fastest_to(0.09)[0] == sweep.best_final_lr > sweep.best_early_lr
    assert sweep_no_decay.fastest_to(0.01)[0] > 2 * sweep_no_decay.best_early_lr


def test_c5_the_sweeps_share_the_minimum_of_section_2(sweep, stuck):
    assert sweep.min_loss == pytest.approx(stuck.min_loss)


# -- C5: no weight decay (the extreme: a cost without a minimum) ----------------------


def test_c5_without_weight_decay_the_best_rate_is_the_grid_edge_and_beyond_is_better(sweep_no_decay):
    """Effect: the best final ε_0 is the largest of the grid. Beyond it, 300 and 3000 look far
    worse at k = 100 (above J(θ_0)) yet end lower still, and none diverges: there is no optimal
    rate and no instability on this cost."""
    free = sweep_no_decay
    assert free.at_grid_edge and free.best_final_lr == 30.0
    assert free.best_final_loss < 1e-4 < free.early_pick_final_loss
    beyond = tuning.sweep_initial_rate(l2=0.0, lrs=(300.0, 3000.0), seeds=2)
    assert all(status.startswith("finished") for status in beyond.status)
    assert np.all(np.diff([free.mean_final[-1], *beyond.mean_final]) <= 0) and np.all(beyond.mean_final < 1e-6)
    assert np.all(beyond.mean_early > beyond.start_loss)
    assert free.min_loss == 0.0


def test_the_digits_are_linearly_separable(sweep_no_decay):
    # Mean cross-entropy below log(2)/n: every image's own is below log 2, so p_correct > 1/2.
    best = np.argmin(sweep_no_decay.mean_final)
    assert np.max(sweep_no_decay.final_loss[:, best]) < np.log(2) / sweep_no_decay.n_train


# -- C5: a deep network --------------------------------------------------------------


def test_c5_on_the_relu_mlp_the_claim_holds_by_one_grid_step(mlp):
    """Effect: the best final ε_0 is one grid step above the early favourite and beats it at
    the end in every seed. Where it fails: the early look cannot separate the two rates
    (paired difference at k = 100 within 1.5 standard errors, one seed's early pick already
    is the final one), and two grid steps up the network fails (ε_0 = 1.39 ends far higher;
    3 and 6.46 diverge in some seeds)."""
    assert mlp.final_to_early_ratio == pytest.approx(2.154, rel=0.01)
    assert mlp.min_loss == 0.0
    assert mlp.excess_ratio == pytest.approx(mlp.early_pick_final_loss / mlp.best_final_loss)
    assert mlp.excess_ratio > 2.0                                      # measured 3.1
    early, final = mlp.seed_picks
    assert np.all(final == mlp.best_final_lr)
    assert np.any(early == mlp.best_early_lr) and np.any(early == mlp.best_final_lr)
    je, jf = (int(np.flatnonzero(mlp.lrs == lr)[0]) for lr in (mlp.best_early_lr, mlp.best_final_lr))
    assert np.all(mlp.final_loss[:, jf] < mlp.final_loss[:, je])
    diff = mlp.early_loss[:, jf] - mlp.early_loss[:, je]
    assert 0 < diff.mean() < 1.5 * diff.std(ddof=1) / np.sqrt(diff.size)  # measured 0.0343 ± 0.0303
    above = mlp.lrs > mlp.best_final_lr
    assert np.all(np.nanmin(mlp.final_loss[:, above], axis=0) > 100 * mlp.best_final_loss)
    assert all("diverged" in status for lr, status in zip(mlp.lrs, mlp.status) if lr > 2.0)
    assert mlp.rule_lr == mlp.best_final_lr


# -- The practical rule ---------------------------------------------------------------


def test_c5_practical_rule_with_weight_decay_is_no_better_than_the_early_pick(sweep):
    """Effect: the rule goes two grid steps above the early pick. Control: its final excess is
    not below the early pick's, and the difference, paired seed by seed, is within one
    standard error (4.55e-04 ± 9.88e-04)."""
    assert sweep.rule_lr > sweep.best_final_lr > sweep.best_early_lr  # 3.0, 1.39, 0.646
    assert sweep.rule_final_loss > sweep.early_pick_final_loss        # 5.50e-03 against 5.04e-03
    rule, early = (int(np.flatnonzero(sweep.lrs == lr)[0]) for lr in (sweep.rule_lr, sweep.best_early_lr))
    paired = sweep.final_loss[:, rule] - sweep.final_loss[:, early]
    assert 0 < paired.mean() < paired.std(ddof=1) / np.sqrt(paired.size)


def test_c5_practical_rule_without_weight_decay_beats_the_early_pick_but_not_the_grid_edge(sweep_no_decay):
    free = sweep_no_decay
    assert free.rule_final_loss < 0.5 * free.early_pick_final_loss  # 7.28e-03 against 1.85e-02
    assert free.rule_final_loss > 100 * free.best_final_loss        # the grid's largest: below 1e-4


def test_c5_the_practical_rules_verdict_depends_on_its_tolerance(sweep, weaker_decay, sweep_no_decay, mlp):
    """Effect: with λ = 10⁻³ a tight tolerance (1.5×) picks 1.39 and beats the early pick, a loose
    one (5×) picks 6.46 and leaves more than twice its excess. Control: where the long run keeps
    rewarding bold rates (λ = 10⁻⁵, no weight decay) the loose tolerance wins instead; on the
    ReLU network the tolerance does not matter. All read from the same runs."""
    def excess(result, tolerance):
        lr, final = result.rule_at(tolerance)
        return lr, (final - result.min_loss) / (result.early_pick_final_loss - result.min_loss)

    assert sweep.rule_at(sweep.rule_tolerance) == (sweep.rule_lr, sweep.rule_final_loss)
    (lr15, x15), (lr5, x5) = excess(sweep, 1.5), excess(sweep, 5.0)
    assert lr15 == pytest.approx(1.39, abs=0.01) and lr5 == pytest.approx(6.46, abs=0.01)
    assert x15 < 1.0 < 2.0 < x5 and x15 < x5                      # 0.67x against 2.23x
    assert excess(weaker_decay[1e-4], 5.0)[1] > 2.0                # 3.14x
    assert excess(weaker_decay[1e-4], 1.5)[1] < 1.0                # 0.63x
    for loose_wins in (weaker_decay[1e-5], sweep_no_decay):       # 0.26x vs 0.35x, 0.07x vs 0.39x
        assert excess(loose_wins, 5.0)[1] < excess(loose_wins, 1.5)[1] < 1.0
    assert {mlp.rule_at(t)[0] for t in (1.5, 2.0, 5.0)} == {mlp.best_final_lr}
