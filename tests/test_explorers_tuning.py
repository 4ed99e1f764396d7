"""Tests for coursekit.explorers.tuning: the ε_0 slider moves the right artists.

Oracle: an independent run of eq. 8.14 on the digits, and counters of the
runs the explorer asks for (a move must look a curve up, never run SGD).
"""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import run, sgd
from coursekit.data import digits_split
from coursekit.experiments import tuning
from coursekit.explorers import tuning as explorers
from coursekit.problems import LogisticRegression
from coursekit.schedules import linear_decay


@pytest.fixture(scope="module")
def sweep():
    return tuning.sweep_initial_rate([0.03, 0.3, 3.0], seeds=1, steps=40, early_step=20,
                                     record_every=10)


def independent_curve(lr0, steps=60):
    data = digits_split()
    plain = LogisticRegression(data.X, data.y, n_classes=10, l2=1e-3)
    result = run(plain, sgd(linear_decay(lr0, 0.01 * lr0, steps)), np.zeros(650), steps,
                 batch_size=32, rng=np.random.default_rng(0), record_every=5)
    return result.loss


def test_slider_moves_the_live_curve_and_marker(sweep, strict_and_leak_free):
    explorer = explorers.learning_rate_explorer(sweep, steps=60, record_every=5)
    try:
        live, marker, readout = (explorer.artists[name] for name in ("curve", "marker", "readout"))
        slider = explorer.controls["lr"]
        grid_value = 10.0 ** (slider.min + 4 * slider.step)  # the 4th slider position
        explorer.controls["lr"].value = grid_value
        np.testing.assert_allclose(live.get_ydata(), independent_curve(grid_value), rtol=1e-8)
        assert marker.get_xdata()[0] == pytest.approx(grid_value, rel=1e-9)
        assert f"ε₀ = {grid_value:.3g}" in readout.get_text()
        before = np.array(live.get_ydata())
        explorer.controls["lr"].value = 10.0
        assert not np.allclose(live.get_ydata(), before)
    finally:
        explorer.close()


def test_reference_curves_are_the_sweep_argmins(sweep, strict_and_leak_free):
    explorer = explorers.learning_rate_explorer(sweep, steps=60, record_every=5)
    try:
        by_label = {line.get_label(): line for line in explorer.figure.axes[0].get_lines()}
        early = by_label[f"best at k = {sweep.early_step}: ε₀ = {sweep.best_early_lr:.3g}"]
        final = by_label[f"best at k = {int(sweep.steps[-1])}: ε₀ = {sweep.best_final_lr:.3g}"]
        np.testing.assert_allclose(early.get_ydata(), independent_curve(sweep.best_early_lr), rtol=1e-8)
        np.testing.assert_allclose(final.get_ydata(), independent_curve(sweep.best_final_lr), rtol=1e-8)
        # Drawn over the live curve, so that they stay visible when the slider sits on them.
        live = explorer.artists["curve"]
        assert early.get_zorder() > live.get_zorder() and final.get_zorder() > live.get_zorder()
    finally:
        explorer.close()


def test_defaults_run_the_sweeps_budget_and_start_at_the_rule(sweep, strict_and_leak_free):
    """By default every curve is as long as the sweep's runs (τ = its budget), so the label
    "best at k = <budget>" is true, and the slider starts at the practical rule's pick."""
    explorer = explorers.learning_rate_explorer(sweep)
    try:
        budget = int(sweep.steps[-1])
        live = explorer.artists["curve"]
        assert live.get_xdata()[-1] == budget
        slider = explorer.controls["lr"]
        assert slider.value == pytest.approx(sweep.rule_lr)
        positions = int(round((slider.max - slider.min) / slider.step)) + 1
        grid = 10.0 ** (slider.min + slider.step * np.arange(positions))
        shown = grid[np.argmin(np.abs(np.log(grid) - np.log(sweep.rule_lr)))]
        data = digits_split()
        plain = LogisticRegression(data.X, data.y, n_classes=10, l2=1e-3)
        alone = run(plain, sgd(linear_decay(shown, 0.01 * shown, budget)), np.zeros(650), budget,
                    batch_size=32, rng=np.random.default_rng(0), record_every=20)
        np.testing.assert_allclose(live.get_ydata(), alone.loss, rtol=1e-8)
        assert f"after {budget} steps" in explorer.artists["readout"].get_text()
    finally:
        explorer.close()


def test_every_line_of_the_sweep_panel_has_a_legend_entry(sweep, strict_and_leak_free):
    explorer = explorers.learning_rate_explorer(sweep, steps=60)
    try:
        panel = explorer.figure.axes[1]
        labels = [t.get_text() for t in panel.get_legend().get_texts()]
        assert len(labels) == len(panel.get_lines())
        assert f"best at k = {sweep.early_step}: ε₀ = {sweep.best_early_lr:.3g}" in labels
        assert f"best at k = {int(sweep.steps[-1])}: ε₀ = {sweep.best_final_lr:.3g}" in labels
        assert "ε₀ on the slider" in labels
    finally:
        explorer.close()


def test_moves_only_look_up_precomputed_curves(sweep, strict_and_leak_free, monkeypatch):
    """Every slider position is run once, in one batched call, when the explorer is built."""
    calls = []
    original = explorers.short_run

    def counting_short_run(lr0, **kwargs):
        calls.append(np.size(lr0))
        return original(lr0, **kwargs)

    monkeypatch.setattr(explorers, "short_run", counting_short_run)
    explorer = explorers.learning_rate_explorer(sweep, steps=20)
    try:
        slider = explorer.controls["lr"]
        positions = int(round((slider.max - slider.min) / slider.step)) + 1
        assert calls == [positions + 2]  # every slider position and the two references, at once
        for lr in np.geomspace(0.002, 20.0, 12):
            slider.value = lr
        assert calls == [positions + 2] and explorer.n_updates == 13
        assert explorer.last_error is None
    finally:
        explorer.close()


def test_bad_input(sweep):
    with pytest.raises(TypeError, match="sweep must be a SweepResult"):
        explorers.learning_rate_explorer(None)
    with pytest.raises(ValueError, match=r"lr must be in \[0.001, 30\], got 100.0"):
        explorers.learning_rate_explorer(sweep, lr=100.0)
