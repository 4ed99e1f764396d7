"""Unit tests of coursekit.explorers.initialization.

Oracle: the deep stack recomputed here from the initializers with a plain
loop, numpy histograms of the normalized activations, and counters of the
computations a move asks for.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from coursekit.explorers import initialization as explorers
from coursekit.initializers import get_weight_initializer

pytestmark = pytest.mark.usefixtures("strict_and_leak_free")

WIDTH, SAMPLES, MAX_DEPTH, SEED = 16, 32, 12, 3


def _oracle(name, scale, depth, activation):
    """Activations of each layer with a plain loop, as documented by activation_explorer."""
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal((SAMPLES, WIDTH))
    scheme = explorers.EXPLORER_SCHEMES[name]
    w = get_weight_initializer(scheme.init)(np.random.default_rng(SEED + 1), WIDTH, WIDTH,
                                            batch_shape=(MAX_DEPTH,), **scheme.kwargs)
    act = np.tanh if activation == "tanh" else (lambda z: np.maximum(z, 0.0))
    hs, h = [], x
    for layer in range(depth):
        h = act(h @ (scale * w[layer]))
        hs.append(h)
    return hs


@pytest.fixture
def explorer():
    ex = explorers.activation_explorer(width=WIDTH, n_samples=SAMPLES, max_depth=MAX_DEPTH,
                                       depth=6, seed=SEED)
    yield ex
    ex.close()


def test_controls_move_the_artists_to_the_right_values(explorer):
    name = "He normal (He et al. 2015)"
    explorer.set(initializer=name, scale=2.0, depth=8, activation="relu")
    hs = _oracle(name, 2.0, 8, "relu")
    artists = explorer.artists
    act_line, grad_line = artists["activation std"], artists["gradient std"]
    np.testing.assert_array_equal(act_line.get_xdata(), np.arange(1, 9) / 8)
    np.testing.assert_allclose(act_line.get_ydata(), [h.std() for h in hs], rtol=1e-10)
    assert len(grad_line.get_ydata()) == 8
    # the histograms of layers 1, 4 and 8, normalized by each layer's std
    edges = np.linspace(-4, 4, 61)
    texts = artists["legend"].get_texts()
    histograms = [artists[f"histogram {i}"] for i in (1, 2, 3)]
    for line, text, layer in zip(histograms, texts, (1, 4, 8)):
        values = hs[layer - 1].ravel()
        counts, _ = np.histogram(values / values.std(), bins=edges)
        np.testing.assert_allclose(line.get_ydata(), counts / (values.size * np.diff(edges)))
        assert text.get_text() == f"layer {layer}: std {values.std():.3g}"
    ratio = (hs[-1].std() / hs[0].std()) ** 2
    assert artists["title"].get_text() == f"relu, ×2, L = 8: var(h_L)/var(h_1) = {ratio:.3g}"
    assert artists["title"] is explorer.figure.axes[1].title


def test_the_std_panel_spans_the_axis_at_every_depth(explorer):
    """Relative depth l/L on fixed limits: the last layer sits at 1 whether L is 2 or the maximum."""
    ax_std = explorer.figure.axes[1]
    for depth in (2, 6, MAX_DEPTH):
        explorer.set(depth=depth)
        x = explorer.artists["activation std"].get_xdata()
        assert x[-1] == 1.0 and x[0] == pytest.approx(1 / depth) and len(x) == depth
        assert ax_std.get_xlim() == (0.0, 1.04)


def test_a_shallow_stack_hides_the_histograms_it_does_not_need(explorer):
    explorer.set(depth=2)
    shown = [explorer.artists[f"histogram {i}"].get_visible() for i in (1, 2, 3)]
    assert shown == [True, True, False]
    texts = [t.get_text() for t in explorer.artists["legend"].get_texts() if t.get_visible()]
    assert [t.split(":")[0] for t in texts] == ["layer 1", "layer 2"]


def test_scale_changes_the_std_by_the_factor_for_relu(explorer):
    explorer.set(activation="relu", depth=5)
    before = np.array(explorer.artists["activation std"].get_ydata())
    explorer.controls["scale"].value = 0.5
    after = np.array(explorer.artists["activation std"].get_ydata())
    # ReLU is positively homogeneous: layer l is scaled by 0.5^l exactly
    np.testing.assert_allclose(after, before * 0.5 ** np.arange(1, 6), rtol=1e-10)


def test_layer_histograms_zero_std_gives_zero_histogram():
    dens, stds = explorers.layer_histograms(np.zeros((2, 4, 3)), [1, 2])
    assert stds.tolist() == [0.0, 0.0] and not dens.any()


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"depth must be an integer in \[1, 5\], got 6"):
        explorers.activation_explorer(max_depth=5, depth=6)
    with pytest.raises(TypeError, match="width must be an integer"):
        explorers.activation_explorer(width=3.0)


def test_a_setting_seen_before_is_not_recomputed(monkeypatch):
    """Moves are cached: weights are drawn once per initializer, and each setting
    (initializer, scale, depth, activation) is propagated once (how fast a move
    is, ``python -m benchmarks`` measures)."""
    drawn, propagated = [], []
    original_initializer, original_propagate = explorers.get_weight_initializer, explorers.propagate

    def counting_initializer(name):
        drawn.append(name)
        return original_initializer(name)

    def counting_propagate(weights, *args):
        propagated.append(weights.shape[0])
        return original_propagate(weights, *args)

    monkeypatch.setattr(explorers, "get_weight_initializer", counting_initializer)
    monkeypatch.setattr(explorers, "propagate", counting_propagate)
    ex = explorers.activation_explorer(width=WIDTH, n_samples=SAMPLES, max_depth=MAX_DEPTH,
                                       depth=6, seed=SEED)
    try:
        for scale in (0.05, 3.0, 0.05, 3.0, 1.0):
            ex.controls["scale"].value = scale
        assert len(propagated) == 3 and ex.n_updates == 6  # 1.0, 0.05 and 3.0, each once
        ex.controls["activation"].value = "relu"
        ex.controls["activation"].value = "tanh"
        assert len(propagated) == 4
        ex.controls["depth"].value = 9
        assert propagated[-1] == 9 and len(propagated) == 5
        assert drawn == ["glorot_uniform"]  # one draw of the deepest stack, cut to each depth
        ex.controls["initializer"].value = "He normal (He et al. 2015)"
        ex.controls["initializer"].value = "Glorot uniform (eq. 8.23)"
        assert drawn == ["glorot_uniform", "he_normal"] and len(propagated) == 6
        assert ex.last_error is None
    finally:
        ex.close()
