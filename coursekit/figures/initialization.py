"""Figures of the lecture on parameter initialization (book section 8.4).

Each function takes a result of :mod:`coursekit.experiments.initialization`
and returns a :class:`~coursekit.plotting.Drawn`, which unpacks as
``(fig, ax)`` or ``(fig, axes)`` and names its lines.
"""

from __future__ import annotations

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


def comparison_curves(result: ComparisonResult, *, seed: int = 0, ax=None) -> Drawn:
    """Training cost J(θ_k) of every scheme for one seed (claim C21), log y.

    Diverged runs end with a cross (:func:`coursekit.plotting.learning_curves`).
    The y axis is cut at 10³ so that the astronomically large start of a
    huge initialization does not flatten the other curves. Lines:
    ``"curves"``, one per scheme of ``result.labels``.
    """
    check_instance("result", result, ComparisonResult)
    seed = check_int("seed", seed, low=0, high=result.loss.shape[2] - 1)
    curves = learning_curves(
        result.steps, result.loss[:, :, seed], list(result.labels), ax=ax,
        colors=[_COLORS[i % len(_COLORS)] for i in range(len(result.labels))],
        ylabel="training cost J(θ_k) (nats)",
        title="Same optimizer, different starts: stuck, slow, fast, poor or diverged",
    )
    fig, ax = curves
    ax.set_ylim(top=1e3)
    ax.legend(fontsize="x-small", ncols=2, framealpha=0.9, loc="lower left")
    return Drawn(fig, ax, {"curves": tuple(curves.lines.values())})


def propagation(result: PropagationResult, *, quantity: str = "activation") -> Drawn:
    """Per-layer std of activations (or gradients) for each scheme, one panel per activation.

    ``quantity`` is "activation" (std of h_l) or "gradient" (std of ∂J/∂z_l).
    Log y: a straight line is a constant factor per layer. Lines: one entry
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
                             layout="constrained", sharey=True, squeeze=False)
    axes = tuple(axes[0])
    lines = {}
    for a, (ax, activation) in enumerate(zip(axes, result.activations)):
        panel = []
        for s, label in enumerate(result.labels):
            panel += ax.plot(result.layers, data[a, s], marker=_MARKERS[s % len(_MARKERS)],
                             markersize=4, color=_COLORS[s % len(_COLORS)], label=label, alpha=0.9)
        lines[activation] = tuple(panel)
        ax.set_yscale("log", nonpositive="mask")
        ax.set_xlabel("layer l")
        ax.set_title(f"{activation}, width {result.width}")
        ax.grid(True, alpha=0.3)
    symbol = "h_l" if quantity == "activation" else "∂J/∂z_l"
    axes[0].set_ylabel(f"std of {symbol}")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right center",
               fontsize="small")
    if quantity == "activation":
        fig.suptitle("Forward: activations vanish or explode unless the scale fits the activation")
    else:
        fig.suptitle("Backward: gradients shrink or grow layer by layer in the same way")
    return Drawn(fig, axes, lines)


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
                          label="Gaussian N(0, gain²/m)")
    ax.set_yscale("log")
    ax.set_xticks(result.depths)
    ax.set_xlabel("depth L (number of layers)")
    ax.set_ylabel("σ_max / σ_min of W_1⋯W_L")
    ax.set_title("Deep linear nets: orthogonal layers keep every direction's scale")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")
    return Drawn(fig, ax, {"orthogonal": orthogonal, "gaussian": gaussian})
