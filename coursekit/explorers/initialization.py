"""Explorer of the lecture on parameter initialization (book section 8.4).

:func:`activation_explorer`: choose an initializer, a multiplier of its
scale, the depth and the activation of a deep stack of square layers, and
watch the distribution of the activations in the first, middle and last
layer and the per-layer std of activations and gradients.
"""

from __future__ import annotations

import ipywidgets
import numpy as np

from .._validation import check_int
from ..experiments.initialization import Scheme, propagate
from ..initializers import get_weight_initializer
from ..plotting import FIGSIZE, PALETTE
from ..widgets import Explorer, cached, log_slider

__all__ = ["EXPLORER_SCHEMES", "activation_explorer", "layer_histograms"]

#: Dropdown label → scheme (each at its own default scale; the slider multiplies W).
EXPLORER_SCHEMES = {
    "Glorot uniform (eq. 8.23)": Scheme("Glorot uniform", "glorot_uniform"),
    "Glorot normal": Scheme("Glorot normal", "glorot_normal"),
    "He normal (He et al. 2015)": Scheme("He normal", "he_normal"),
    "He uniform": Scheme("He uniform", "he_uniform"),
    "U(±1/√m)": Scheme("U(±1/√m)", "uniform_fan_in"),
    "orthogonal (Saxe et al. 2013)": Scheme("orthogonal", "orthogonal"),
    "sparse k=16 (Martens 2010)": Scheme("sparse", "sparse", (("nonzero", 16), ("std", 0.25))),
    "normal std 0.01": Scheme("normal 0.01", "normal", (("std", 0.01),)),
}

_EDGES = np.linspace(-4.0, 4.0, 61)  # histogram of h / std(h): the shape, scale-free
_STD_RANGE = (1e-8, 1e8)  # the std axis; values beyond it are drawn on its edge


def layer_histograms(h: np.ndarray, layers) -> tuple:
    """Density histograms of h_l / std(h_l) on :data:`_EDGES` for the given layers.

    h has shape (L, N, m) as returned by
    :func:`coursekit.experiments.initialization.propagate`; ``layers`` are
    1-based. Returns ``(densities (len(layers), 60), stds (len(layers),))``;
    a layer with std 0 (or not finite) gets a zero histogram.
    """
    densities, stds = [], []
    width = np.diff(_EDGES)
    for layer in layers:
        values = h[layer - 1].ravel()
        std = float(values.std()) if np.all(np.isfinite(values)) else float("nan")
        if std > 0.0 and np.isfinite(std):
            counts, _ = np.histogram(values / std, bins=_EDGES)
            densities.append(counts / (values.size * width))
        else:
            densities.append(np.zeros(width.size))
        stds.append(std)
    return np.array(densities), np.array(stds)


def activation_explorer(
    *, width: int = 64, n_samples: int = 128, max_depth: int = 30, depth: int = 10,
    seed: int = 0,
) -> Explorer:
    """Initializer (dropdown), scale multiplier (log slider), depth, activation (toggle).

    Weights W_l = multiplier × (a draw of the chosen initializer), l = 1..L,
    square layers of ``width`` units without biases, inputs x ~ N(0, 1).
    Left: histograms of h_l / std(h_l) for layers 1, ⌈L/2⌉ and L (the
    shape: saturation of tanh shows as peaks at the edges, dead ReLUs as a
    spike at 0), with each layer's std in the legend. Right: std of h_l and
    of the back-propagated ∂J/∂z_l against the relative depth l/L, log y
    (the scale): the line spans the panel at every depth, and the limits
    stay fixed, so that a move only redraws the lines.

    The moving artists, in ``explorer.artists``: ``"histogram 1"``,
    ``"histogram 2"`` and ``"histogram 3"`` (the distinct layers of 1, ⌈L/2⌉,
    L in that order; a histogram left over when L < 3 is hidden),
    ``"legend"`` (its texts give each layer's std), ``"activation std"``,
    ``"gradient std"`` and ``"title"`` (the right panel's).
    """
    width = check_int("width", width, low=2)
    n_samples = check_int("n_samples", n_samples, low=2)
    max_depth = check_int("max_depth", max_depth, low=2)
    depth = check_int("depth", depth, low=1, high=max_depth)
    seed = check_int("seed", seed, low=0)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import (FixedLocator, FuncFormatter, LogLocator, NullLocator)

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, width))
    upstream = rng.standard_normal((n_samples, width))

    @cached(maxsize=16)
    def base_weights(name):
        scheme = EXPLORER_SCHEMES[name]
        init = get_weight_initializer(scheme.init)
        return init(np.random.default_rng(seed + 1), width, width, batch_shape=(max_depth,),
                    **scheme.kwargs)

    @cached(maxsize=64)
    def compute(name, scale, n_layers, activation):
        weights = base_weights(name)[:n_layers] * scale
        h, g = propagate(weights, x, activation, upstream)
        layers = sorted({1, (n_layers + 1) // 2, n_layers})
        dens, stds = layer_histograms(h, layers)
        with np.errstate(over="ignore", invalid="ignore"):
            act_std = h.std(axis=(-2, -1))
            grad_std = g.std(axis=(-2, -1))
        return layers, dens, stds, act_std, grad_std

    controls = {
        "initializer": ipywidgets.Dropdown(options=list(EXPLORER_SCHEMES),
                                           value="Glorot uniform (eq. 8.23)",
                                           description="initializer"),
        "scale": log_slider("scale multiplier", 0.01, 100.0, 1.0, steps=80),
        "depth": ipywidgets.IntSlider(value=depth, min=1, max=max_depth, description="depth L"),
        "activation": ipywidgets.ToggleButtons(options=["tanh", "relu"], value="tanh",
                                               description="activation"),
    }

    centres = 0.5 * (_EDGES[:-1] + _EDGES[1:])
    with plt.ioff():
        # dpi 80: the image is re-encoded on every move; fewer pixels, faster updates.
        fig, (ax_hist, ax_std) = plt.subplots(1, 2, figsize=(FIGSIZE[0] * 1.6, FIGSIZE[1]),
                                              layout="constrained", dpi=80)
    hist_lines = [ax_hist.plot(centres, np.zeros_like(centres), drawstyle="steps-mid",
                               color=PALETTE[i], label=f"layer {i}: std 0.000e+00")[0]
                  for i in range(3)]
    ax_hist.set_xlim(_EDGES[0], _EDGES[-1])
    ax_hist.set_xlabel("h_l / std(h_l)")
    ax_hist.set_ylabel("density (shape only; spikes cut at 1)")
    # Fixed: a standard normal peaks at 0.4; the spikes of dead ReLUs (at 0) or
    # saturated tanh units (at ±1/std) run off the top, which is what to see.
    ax_hist.set_ylim(0.0, 1.0)
    ax_hist.set_title("Shape of h_l in layers 1, L/2, L", fontsize="medium")
    # Texts of one legend are updated in place: rebuilding a legend costs a redraw's worth.
    legend = ax_hist.legend(fontsize="small", loc="upper right")
    (act_line,) = ax_std.plot([], [], marker="o", markersize=3, color=PALETTE[0],
                              label="std of h_l (forward)")
    (grad_line,) = ax_std.plot([], [], marker="s", markersize=3, color=PALETTE[1],
                               label="std of ∂J/∂z_l (backward)")
    ax_std.set_yscale("log")
    ax_std.set_ylim(*_STD_RANGE)
    # Relative depth l/L: fixed limits whatever L (a change of limits would redraw the background).
    ax_std.set_xlim(0.0, 1.04)
    # Few ticks: measuring tick labels is most of a redraw, and the range spans many decades.
    ax_std.yaxis.set_major_locator(LogLocator(base=10.0, numticks=5))
    ax_std.yaxis.set_minor_locator(NullLocator())
    # Plain "1e+05" labels: the default 10^x labels go through mathtext, slow to re-parse.
    ax_std.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0e}"))
    ax_std.xaxis.set_major_locator(FixedLocator([0.0, 0.25, 0.5, 0.75, 1.0]))
    ax_hist.xaxis.set_major_locator(FixedLocator([-4, -2, 0, 2, 4]))
    ax_hist.yaxis.set_major_locator(NullLocator())  # densities of a rescaled variable: shape only
    ax_std.set_xlabel("relative depth l / L")
    ax_std.set_ylabel("std")
    std_title = ax_std.set_title(" ", fontsize="medium")
    ax_std.legend(fontsize="small", loc="upper left")

    def update(values):
        name = values["initializer"]
        scale = float(values["scale"])
        n_layers = int(values["depth"])
        layers, dens, stds, act_std, grad_std = compute(name, scale, n_layers,
                                                        values["activation"])
        for i, (line, text) in enumerate(zip(hist_lines, legend.get_texts())):
            shown = i < len(layers)
            line.set_visible(shown)
            legend.legend_handles[i].set_visible(shown)
            text.set_visible(shown)
            if shown:
                line.set_ydata(dens[i])
                text.set_text(f"layer {layers[i]}: std {stds[i]:.3g}")
        ls = np.arange(1, n_layers + 1) / n_layers
        # Fixed y limits, so that a move shows the signal growing or shrinking against the
        # same axes (and only blits): values beyond them sit on the edge; overflowed
        # layers (inf/NaN) are left out.
        act_line.set_data(ls, np.where(np.isfinite(act_std), np.clip(act_std, *_STD_RANGE), np.nan))
        grad_line.set_data(ls, np.where(np.isfinite(grad_std), np.clip(grad_std, *_STD_RANGE), np.nan))
        ratio = (act_std[-1] / act_std[0]) ** 2 if act_std[0] > 0 else float("nan")
        std_title.set_text(f"{values['activation']}, ×{scale:.3g}, L = {n_layers}: "
                           f"var(h_L)/var(h_1) = {ratio:.3g}")

    moving = {f"histogram {i + 1}": line for i, line in enumerate(hist_lines)}
    moving.update({"legend": legend, "activation std": act_line, "gradient std": grad_line,
                   "title": std_title})
    return Explorer(controls, fig, update, animated=moving)
