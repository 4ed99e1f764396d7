"""Figures of the lecture on parameter initialization (book section 8.4).

Each function takes a result of :mod:`coursekit.experiments.initialization`
and returns a :class:`~coursekit.plotting.Drawn`, which unpacks as
``(fig, ax)`` or ``(fig, axes)`` and names its lines.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_instance, check_int
from ..experiments.initialization import (
    ComparisonResult,
    LinearProductResult,
    PropagationResult,
)
from ..plotting import FIGSIZE, PALETTE, Drawn, learning_curves

__all__ = ["comparison_curves", "propagation", "singular_value_spread"]

# Eight Okabe–Ito colours plus grey for a ninth curve.
_COLORS = PALETTE + ("#999999",)
# Schemes with the same variance draw on top of each other: markers tell them apart.
_MARKERS = ("o", "s", "^", "v", "D", "x", "+", "*", "P")
_STYLES = ("-", "--", ":", "-.")
# Horizontal shift between schemes in the propagation panels (in layers): curves
# of schemes with the same variance lie on top of each other, side by side they show.
_DODGE = 0.08


def comparison_curves(result: ComparisonResult, *, seed: int = 0, ax=None) -> Drawn:
    """Training cost J(θ_k) of every scheme for one seed (claim C21), log y.

    Diverged runs end with a cross (:func:`coursekit.plotting.learning_curves`).
    The y axis is cut at 10³ so that the astronomically large start of a
    huge initialization does not flatten the other curves. Every curve has
    its own marker and line style, and earlier schemes are drawn on top, so
    that the flat curve of the zero start stays visible where others run
    along it at the label entropy. The title names the seed and the record
    grid. Lines: ``"curves"``, one per scheme of ``result.labels``.
    """
    check_instance("result", result, ComparisonResult)
    n_seeds = result.loss.shape[2]
    seed = check_int("seed", seed, low=0, high=n_seeds - 1)
    every = int(result.steps[1] - result.steps[0]) if result.steps.size > 1 else 0
    curves = learning_curves(
        result.steps, result.loss[:, :, seed], list(result.labels), ax=ax,
        colors=[_COLORS[i % len(_COLORS)] for i in range(len(result.labels))],
        ylabel="training cost J(θ_k) (nats)",
        title=f"Same optimizer, different starts (seed {seed} of {n_seeds}, J every {every} updates)",
    )
    fig, ax = curves
    n = len(result.labels)
    for i, line in enumerate(curves.lines.values()):
        line.set_marker(_MARKERS[i % len(_MARKERS)])
        line.set_markersize(4)
        line.set_linestyle(_STYLES[i % len(_STYLES)])
        line.set_zorder(2.0 + (n - i) / n)
    top = 1e3
    ax.set_ylim(top=top)
    off = []
    for i, line in enumerate(curves.lines.values()):
        y = np.asarray(line.get_ydata(), dtype=float)
        if i == 0:  # the first (zero) start lies under others at the label entropy: hollow and larger
            line.set_markersize(8)
            line.set_markerfacecolor("none")
        if not np.any(np.isfinite(y) & (y <= top)):  # never inside the plot: no legend entry without a curve
            off.append(line.get_label())
            line.set_label("_" + line.get_label())
    ax.legend(fontsize="x-small", ncols=2, framealpha=0.9, loc="lower left")
    if off:
        ax.text(0.99, 0.98, "above the plot (J > 10³): " + ", ".join(off), transform=ax.transAxes,
                ha="right", va="top", fontsize="x-small")
    return Drawn(fig, ax, {"curves": tuple(curves.lines.values())})


def propagation(result: PropagationResult, *, quantity: str = "activation") -> Drawn:
    """Per-layer std of activations (or gradients) for each scheme, one panel per activation.

    ``quantity`` is "activation" (std of h_l) or "gradient" (std of ∂J/∂z_l).
    Log y: a straight line is a constant factor per layer. Schemes of equal
    variance give nearly the same curve, so each scheme is shifted sideways
    by a small amount (the markers stand beside one another at every layer)
    and has its own marker and line style. Lines: one entry
    per activation of ``result.activations`` (e.g. ``"tanh"``), each a tuple
    with one line per scheme of ``result.labels``.
    """
    check_instance("result", result, PropagationResult)
    if quantity not in ("activation", "gradient"):
        raise ValueError(f"quantity must be one of 'activation', 'gradient'; got {quantity!r}")
    import matplotlib.pyplot as plt

    data = result.activation_std if quantity == "activation" else result.gradient_std
    n_panels = len(result.activations)
    fig, axes = plt.subplots(1, n_panels, figsize=(FIGSIZE[0] * 1.6, FIGSIZE[1]),
                             layout="constrained", sharey=False, squeeze=False)
    axes = tuple(axes[0])
    lines = {}
    for a, (ax, activation) in enumerate(zip(axes, result.activations)):
        panel = []
        n = len(result.labels)
        for s, label in enumerate(result.labels):
            shift = (s - (n - 1) / 2) * _DODGE
            panel += ax.plot(result.layers + shift, data[a, s], marker=_MARKERS[s % len(_MARKERS)],
                             markersize=4, color=_COLORS[s % len(_COLORS)], label=label,
                             linestyle=_STYLES[s % len(_STYLES)], alpha=0.9)
        lines[activation] = tuple(panel)
        _zoom(ax, result.layers, data[a], result.labels)
        ax.set_yscale("log", nonpositive="mask")
        ax.set_xlabel("layer l")
        ax.set_xticks(result.layers)
        ax.set_title(f"{activation}, width {result.width}")
        ax.grid(True, alpha=0.3)
    # Each panel its own y range (tanh spans far fewer decades than ReLU), with room
    # above the curves for the zoom inset, so that it hides no curve.
    for a, ax in enumerate(axes):
        panel = data[a]
        positive = panel[np.isfinite(panel) & (panel > 0)]
        if positive.size:
            low, high = np.log10(positive.min()) - 0.5, np.log10(positive.max()) + 0.5
            ax.set_ylim(10.0 ** low, 10.0 ** (low + (high - low) / 0.58))
    symbol = "h_l" if quantity == "activation" else "∂J/∂z_l"
    for ax in axes:
        ax.set_ylabel(f"std of {symbol}")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right center",
               fontsize="small")
    if quantity == "activation":
        fig.suptitle("Forward: activations vanish or explode unless the scale fits the activation")
    else:
        fig.suptitle("Backward: gradients shrink or grow layer by layer in the same way")
    return Drawn(fig, axes, lines)


def _zoom(ax, layers, data, labels) -> None:
    """An inset with the schemes whose std changes by less than 100× over the stack.

    Their curves are close together on the panel's many decades; the inset
    spreads them over its own narrower log axis.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = data[:, -1] / data[:, 0]
    keep = [s for s in range(len(labels)) if np.isfinite(ratio[s]) and 1e-2 <= ratio[s] <= 1e2]
    if len(keep) < 2:
        return
    from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

    inset = ax.inset_axes([0.16, 0.6, 0.46, 0.34])
    n = len(labels)
    for s in keep:
        shift = (s - (n - 1) / 2) * _DODGE
        inset.plot(layers + shift, data[s], marker=_MARKERS[s % len(_MARKERS)], markersize=3,
                   color=_COLORS[s % len(_COLORS)], linestyle=_STYLES[s % len(_STYLES)],
                   linewidth=1.0)
    inset.set_yscale("log")
    # Ticks at 1, 2, 5 × 10^k so that values such as 0.13 can be read off the inset.
    inset.yaxis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
    inset.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    inset.yaxis.set_minor_formatter(NullFormatter())  # minor labels would crowd the panel
    # Start the axis at a 1-2-5 value, so that the lowest curve has a labelled tick below it.
    low, high = np.nanmin(data[keep]), np.nanmax(data[keep])
    decade = 10.0 ** np.floor(np.log10(low))
    floor = decade * max(c for c in (1.0, 2.0, 5.0) if c * decade <= low)
    inset.set_ylim(floor / 1.05, high * 1.1)
    inset.set_xticks([layers[0], layers[-1]])
    inset.tick_params(labelsize="x-small")
    inset.set_title("zoom: schemes changing < 100×", fontsize="x-small")
    inset.grid(True, alpha=0.3)


def singular_value_spread(result: LinearProductResult, *, ax=None) -> Drawn:
    """σ_max/σ_min of W_1⋯W_L versus depth L: orthogonal stays at 1, Gaussian explodes.

    Lines: ``"orthogonal"`` and ``"gaussian"``.
    """
    check_instance("result", result, LinearProductResult)
    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    else:
        fig = ax.figure
    (orthogonal,) = ax.plot(result.depths, result.orthogonal_ratio, marker="o", color=PALETTE[0],
                            label=f"orthogonal × gain {result.gain:g}")
    (gaussian,) = ax.plot(result.depths, result.gaussian_ratio, marker="s", color=PALETTE[1],
                          label="Gaussian N(0, gain²/m), one draw")
    ax.set_yscale("log")
    ax.set_xticks(result.depths)
    ax.set_xlabel("depth L (number of layers)")
    ax.set_ylabel("σ_max / σ_min of W_1⋯W_L")
    ax.set_title("Deep linear nets: orthogonal layers keep every direction's scale")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return Drawn(fig, ax, {"orthogonal": orthogonal, "gaussian": gaussian})
