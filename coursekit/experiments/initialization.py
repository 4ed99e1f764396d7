"""Experiments of the lecture on parameter initialization (book section 8.4).

Each function runs one experiment from an explicit ``seed`` and returns a
frozen dataclass with the arrays to plot and the numbers the lecture prints:

- :func:`compare_initializers`: claim C21 on the digits MLP, every scheme ×
  several seeds trained as ONE batch of θ with the same optimizer;
- :func:`symmetry`: equal initial weights keep the hidden units identical;
- :func:`signal_propagation`: per-layer std of activations and of
  back-propagated gradients through a deep stack of square layers;
- :func:`linear_products`: singular values of products of orthogonal
  versus Gaussian matrices (Saxe et al., 2013);
- :func:`sparse_stats`: exactly k non-zero incoming weights per unit
  (Martens, 2010) and what that does to the scale and diversity of units;
- :func:`relu_bias`: dead ReLU units with bias 0 versus 0.1;
- :func:`output_bias`: the marginal output bias makes the initial cost equal
  the label entropy.

Weights follow the layout of :mod:`coursekit.initializers`: W has shape
(fan_in, fan_out) = (m, n) and a layer computes h = act(x @ W + b).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_finite, check_int, check_int_tuple, check_scalar
from ..data import digits_split
from ..initializers import get_weight_initializer
from ..optimizers import momentum, sgd
from ..problems.mlp import MLP
from ..runner import RunResult, run

__all__ = [
    "DEEP_SCHEMES",
    "MLP_SCHEMES",
    "BiasResult",
    "ComparisonResult",
    "LinearProductResult",
    "OutputBiasResult",
    "PropagationResult",
    "Scheme",
    "SparseResult",
    "SymmetryResult",
    "closing_table",
    "compare_initializers",
    "comparison_table",
    "dead_units",
    "deep_weights",
    "label_entropy",
    "linear_products",
    "linear_products_table",
    "output_bias",
    "propagate",
    "propagation_table",
    "relu_bias",
    "signal_propagation",
    "sparse_stats",
    "sparse_table",
    "symmetry",
    "unit_spread",
]

_ACTIVATIONS = ("tanh", "relu")


# -- the schemes compared ---------------------------------------------------------
@dataclass(frozen=True)
class Scheme:
    """One weight initializer with fixed parameters, and how to cite it.

    ``init`` is a name in :data:`coursekit.initializers.WEIGHT_INITIALIZERS`
    and ``params`` its keyword arguments as ``((name, value), ...)``.
    """

    label: str
    init: str
    params: tuple = ()
    formula: str = ""
    reference: str = ""

    @property
    def kwargs(self) -> dict:
        return dict(self.params)

    def weights(self, rng, fan_in: int, fan_out: int, batch_shape=()) -> np.ndarray:
        """W of shape ``batch_shape + (fan_in, fan_out)`` drawn with this scheme."""
        return get_weight_initializer(self.init)(rng, fan_in, fan_out, batch_shape=batch_shape,
                                                 **self.kwargs)


_ZEROS = Scheme("zeros", "constant", (("value", 0.0),), "W = 0", "§8.4 (symmetry)")
_SMALL = Scheme("too small", "normal", (("std", 0.01),), "N(0, 0.01²)", "§8.4 (scale)")
_LARGE = Scheme("too large", "normal", (("std", 1.0),), "N(0, 1)", "§8.4 (scale)")
_FAN_IN = Scheme("U(±1/√m)", "uniform_fan_in", (), "U(−1/√m, 1/√m)", "§8.4 heuristic")
_GLOROT = Scheme("Glorot", "glorot_uniform", (), "U(±√(6/(m+n)))",
                 "eq. 8.23, Glorot & Bengio 2010")
_HE = Scheme("He", "he_normal", (), "N(0, 2/m)", "He et al. 2015 (not in book)")
_ORTHO = Scheme("orthogonal", "orthogonal", (("gain", 1.0),), "gain·Q, QᵀQ = I",
                "§8.4, Saxe et al. 2013")
_SPARSE = Scheme("sparse k=16", "sparse", (("nonzero", 16), ("std", 0.25)),
                 "16 per unit ~ N(0, 1/16)", "§8.4, Martens 2010")
_HUGE = Scheme("huge", "normal", (("std", 1000.0),), "N(0, 1000²)", "§8.4 (stability)")

#: The schemes of the deep-network scale experiment (all have a non-zero scale).
DEEP_SCHEMES = (_SMALL, _LARGE, _FAN_IN, _GLOROT, _HE, _ORTHO, _SPARSE)
#: The schemes trained on the digits in :func:`compare_initializers` (claim C21).
MLP_SCHEMES = (_ZEROS, _SMALL, _FAN_IN, _GLOROT, _HE, _ORTHO, _SPARSE, _LARGE, _HUGE)


def _check_schemes(schemes) -> tuple:
    schemes = tuple(schemes)
    if not schemes or not all(isinstance(s, Scheme) for s in schemes):
        raise TypeError("schemes must be a non-empty sequence of Scheme objects")
    return schemes


def _check_activation(activation: str) -> str:
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of 'tanh', 'relu'; got {activation!r}")
    return activation


# -- shared small computations ------------------------------------------------------
def label_entropy(y, n_classes: int) -> float:
    """H(p̂) = −Σ_c p̂_c log p̂_c of the label frequencies p̂ (nats).

    The cost of a classifier that predicts the marginals p̂ for every input.

    >>> round(label_entropy([0, 1, 0, 1], 2), 6)
    0.693147
    """
    n_classes = check_int("n_classes", n_classes, low=2)
    y = np.asarray(y)
    counts = np.bincount(y, minlength=n_classes)
    p = counts[counts > 0] / y.size
    return float(-(p * np.log(p)).sum())


def unit_spread(weight) -> np.ndarray:
    """Largest difference between any two hidden units' incoming weights.

    ``weight`` has shape (..., m, n): the n columns are the units. Returns
    max over i, j, r of |W_rj − W_ri|, i.e. max_r (max_j W_rj − min_j W_rj),
    shape (...). Zero exactly when all units are identical.
    """
    w = check_finite("weight", weight)
    if w.ndim < 2:
        raise ValueError(f"weight must have shape (..., m, n), got shape {w.shape}")
    return (w.max(axis=-1) - w.min(axis=-1)).max(axis=-1)


def _dead_counts(net: MLP, theta: np.ndarray) -> np.ndarray:
    """Hidden units whose ReLU output is 0 on every training example, per network."""
    layers = net.forward(theta)[:-1]
    return sum((h <= 0.0).all(axis=-2).sum(axis=-1) for _, h in layers)


def dead_units(net: MLP, theta) -> np.ndarray:
    """Number of hidden units never active (h = 0) on the training inputs, shape (...)."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    return _dead_counts(net, net.check_theta(theta))


# -- C21: the same training from different initial points ---------------------------
@dataclass(frozen=True)
class ComparisonResult:
    """Training of the digits MLP from each scheme × seed with one optimizer.

    Arrays have a leading axis over ``labels`` and a second over seeds.
    loss (R, S, seeds) training cost J(θ_k) at ``steps`` (NaN after divergence);
    initial_loss, final_loss, train_accuracy, test_accuracy (S, seeds);
    steps_to_target (S, seeds) first recorded k with J ≤ ``target`` (−1: never);
    diverged, diverged_at (S, seeds); ``run`` the full RunResult.
    """

    labels: tuple
    schemes: tuple
    steps: np.ndarray
    loss: np.ndarray
    initial_loss: np.ndarray
    final_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    steps_to_target: np.ndarray
    target: float
    diverged: np.ndarray
    diverged_at: np.ndarray
    run: RunResult

    def statuses(self, index: int) -> list:
        """RunResult.status of every seed of scheme ``index``."""
        return [self.run.status((index, s)) for s in range(self.diverged.shape[1])]


def compare_initializers(
    schemes=MLP_SCHEMES,
    *,
    hidden=(32, 32),
    activation: str = "relu",
    steps: int = 200,
    lr: float = 0.05,
    momentum_value: float = 0.9,
    batch_size: int = 64,
    seeds: int = 3,
    record_every: int = 25,
    target: float = 0.1,
    seed: int = 0,
) -> ComparisonResult:
    """Claim C21: train the digits MLP from every scheme with the same optimizer.

    All len(schemes) × ``seeds`` networks form one batch θ_0 of shape
    (S, seeds, d) and are trained together by :func:`coursekit.run` with
    momentum SGD (Algorithm 8.2), minibatches of ``batch_size`` shared by all
    networks (common random numbers), ``steps`` updates. Divergence is
    reported by the runner, not raised.
    """
    schemes = _check_schemes(schemes)
    steps = check_int("steps", steps, low=1)
    seeds = check_int("seeds", seeds, low=1)
    seed = check_int("seed", seed, low=0)
    target = check_scalar("target", target, 0.0, low_open=True)
    _check_activation(activation)
    data = digits_split(seed=0)
    net = MLP(data.X, data.y, hidden=hidden, activation=activation,
              X_test=data.X_test, y_test=data.y_test)
    rng = np.random.default_rng(seed)
    theta0 = np.stack([net.init_theta(rng, s.init, batch_shape=(seeds,), **s.kwargs)
                       for s in schemes])
    result = run(net, momentum(lr, momentum_value), theta0, steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed + 1), noise="common",
                 record_every=record_every)
    final = result.final_theta
    with np.errstate(invalid="ignore"):
        reached = result.loss <= target
    first = np.where(reached.any(axis=0), result.steps[np.argmax(reached, axis=0)], -1)
    final_loss = net.loss(final)
    return ComparisonResult(
        labels=tuple(s.label for s in schemes),
        schemes=schemes,
        steps=result.steps,
        loss=result.loss,
        initial_loss=result.loss[0],
        final_loss=np.where(result.diverged, np.nan, final_loss),
        train_accuracy=net.accuracy(final, "train"),
        test_accuracy=net.accuracy(final, "test"),
        steps_to_target=first,
        target=target,
        diverged=result.diverged,
        diverged_at=result.diverged_at,
        run=result,
    )


# -- symmetry ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SymmetryResult:
    """Max pairwise difference between hidden units, before and after training.

    spread_start, spread_end (S,): over the incoming weights and bias and the
    outgoing weights of the hidden units (the largest over hidden layers);
    final_loss (S,).
    """

    labels: tuple
    steps: int
    spread_start: np.ndarray
    spread_end: np.ndarray
    final_loss: np.ndarray


def _hidden_spread(net: MLP, theta: np.ndarray) -> np.ndarray:
    params = net.unpack(theta)
    spreads = []
    for layer in range(net.n_layers - 1):
        w_in, b = params[layer]
        w_out, _ = params[layer + 1]
        incoming = np.concatenate([w_in, b[..., None, :]], axis=-2)  # rows: inputs; cols: units
        spreads += [unit_spread(incoming), unit_spread(np.swapaxes(w_out, -1, -2))]
    return np.max(spreads, axis=0)


def symmetry(
    schemes=(_ZEROS, Scheme("constant 0.1", "constant", (("value", 0.1),), "W = 0.1"), _GLOROT),
    *,
    hidden=(16,),
    activation: str = "tanh",
    steps: int = 50,
    lr: float = 0.5,
    seed: int = 0,
) -> SymmetryResult:
    """Full-batch gradient descent from equal or random weights (section 8.4).

    With all incoming weights of a layer equal, every hidden unit computes
    the same function, so it receives the same gradient and stays equal to
    the others after any number of deterministic updates. The spread
    (:func:`unit_spread` of incoming and outgoing weights) stays exactly 0;
    a random start has a spread > 0 that training keeps.
    """
    schemes = _check_schemes(schemes)
    steps = check_int("steps", steps, low=1)
    seed = check_int("seed", seed, low=0)
    _check_activation(activation)
    data = digits_split(seed=0)
    net = MLP(data.X, data.y, hidden=hidden, activation=activation)
    rng = np.random.default_rng(seed)
    theta0 = np.stack([net.init_theta(rng, s.init, **s.kwargs) for s in schemes])
    result = run(net, sgd(lr), theta0, steps, record_every=steps)
    return SymmetryResult(
        labels=tuple(s.label for s in schemes),
        steps=steps,
        spread_start=_hidden_spread(net, theta0),
        spread_end=_hidden_spread(net, result.final_theta),
        final_loss=result.loss[-1],
    )


# -- deep networks: the scale of signals ----------------------------------------------
def deep_weights(scheme: Scheme, depth: int, width: int, *, seed: int = 0) -> np.ndarray:
    """``depth`` square weight matrices of one scheme, shape (depth, width, width)."""
    if not isinstance(scheme, Scheme):
        raise TypeError(f"scheme must be a Scheme, got {type(scheme).__name__}")
    depth = check_int("depth", depth, low=1)
    width = check_int("width", width, low=1)
    seed = check_int("seed", seed, low=0)
    return scheme.weights(np.random.default_rng(seed), width, width, batch_shape=(depth,))


def propagate(weights, x, activation: str, upstream=None) -> tuple:
    """Forward and backward pass through a stack of layers without biases.

    Forward: z_l = h_{l−1} W_l, h_l = act(z_l), h_0 = x. Backward, for the
    scalar J = Σ (upstream ⊙ h_L) (default upstream = 1):
    ∂J/∂h_L = upstream, ∂J/∂z_l = ∂J/∂h_l ⊙ act'(z_l), ∂J/∂h_{l−1} = ∂J/∂z_l W_lᵀ
    (book section 6.5).

    weights (..., L, m, m), x (N, m). Returns ``(h, g)`` with the
    activations h (..., L, N, m) and the back-propagated gradients
    g = ∂J/∂z_l (..., L, N, m), layer l = 1..L along axis −3.
    """
    _check_activation(activation)
    w = check_finite("weights", weights)
    x = check_finite("x", x)
    if w.ndim < 3 or w.shape[-1] != w.shape[-2] or x.ndim != 2 or x.shape[1] != w.shape[-1]:
        raise ValueError(
            f"weights must have shape (..., L, m, m) and x shape (N, m), got {w.shape} and {x.shape}"
        )
    depth = w.shape[-3]
    batch = w.shape[:-3]
    hs, ds = [], []
    h = x
    with np.errstate(over="ignore", invalid="ignore"):
        for layer in range(depth):
            z = h @ w[..., layer, :, :]
            h = np.tanh(z) if activation == "tanh" else np.maximum(z, 0.0)
            hs.append(h)
            ds.append(1.0 - h * h if activation == "tanh" else (z > 0.0).astype(float))
        g = np.ones_like(hs[-1]) if upstream is None else np.broadcast_to(
            check_finite("upstream", upstream), hs[-1].shape)
        grads = [None] * depth
        for layer in reversed(range(depth)):
            g = g * ds[layer]
            grads[layer] = g
            g = g @ np.swapaxes(w[..., layer, :, :], -1, -2)
    h_all = np.stack([np.broadcast_to(a, batch + a.shape[-2:]) for a in hs], axis=-3)
    return h_all, np.stack(grads, axis=-3)


@dataclass(frozen=True)
class PropagationResult:
    """Per-layer std of activations h_l and of gradients ∂J/∂z_l.

    activation_std, gradient_std (A, S, L) for activations × schemes ×
    layers 1..L; activation_ratio, gradient_ratio (A, S): var at layer L /
    var at layer 1 (forward) and var at layer 1 / var at layer L (backward:
    how much the gradient grew on its way down).
    """

    activations: tuple
    labels: tuple
    schemes: tuple
    layers: np.ndarray
    width: int
    activation_std: np.ndarray
    gradient_std: np.ndarray
    activation_ratio: np.ndarray
    gradient_ratio: np.ndarray


def signal_propagation(
    schemes=DEEP_SCHEMES,
    *,
    activations=("tanh", "relu"),
    depth: int = 10,
    width: int = 128,
    n_samples: int = 128,
    seed: int = 0,
) -> PropagationResult:
    """Std of activations and back-propagated gradients, layer by layer.

    Inputs x ~ N(0, 1) of shape (n_samples, width); ``depth`` square layers
    (no biases) from each scheme; upstream gradient ∂J/∂h_L ~ N(0, 1). The
    same weights (per scheme) are used for every activation. The std is
    pooled over examples and units of a layer.
    """
    schemes = _check_schemes(schemes)
    activations = tuple(_check_activation(a) for a in activations)
    depth = check_int("depth", depth, low=2)
    width = check_int("width", width, low=1)
    n_samples = check_int("n_samples", n_samples, low=2)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, width))
    upstream = rng.standard_normal((n_samples, width))
    weights = np.stack([s.weights(rng, width, width, batch_shape=(depth,)) for s in schemes])
    act_std, grad_std = [], []
    for activation in activations:
        h, g = propagate(weights, x, activation, upstream)
        act_std.append(h.std(axis=(-2, -1)))
        grad_std.append(g.std(axis=(-2, -1)))
    act_std, grad_std = np.array(act_std), np.array(grad_std)
    with np.errstate(divide="ignore", invalid="ignore"):
        act_ratio = (act_std[..., -1] / act_std[..., 0]) ** 2
        grad_ratio = (grad_std[..., 0] / grad_std[..., -1]) ** 2
    return PropagationResult(
        activations=activations,
        labels=tuple(s.label for s in schemes),
        schemes=schemes,
        layers=np.arange(1, depth + 1),
        width=width,
        activation_std=act_std,
        gradient_std=grad_std,
        activation_ratio=act_ratio,
        gradient_ratio=grad_ratio,
    )


# -- orthogonal products ------------------------------------------------------------------
@dataclass(frozen=True)
class LinearProductResult:
    """Singular values of P_L = W_1 W_2 ⋯ W_L for L in ``depths``.

    orthogonal_ratio, gaussian_ratio (D,): σ_max / σ_min of P_L;
    orthogonal_error (D,): max_i |σ_i / gain^L − 1|; gaussian_log_spread (D,):
    std of log10 σ_i; orthogonal_sv, gaussian_sv (D, width).
    """

    depths: np.ndarray
    width: int
    gain: float
    orthogonal_sv: np.ndarray
    gaussian_sv: np.ndarray
    orthogonal_ratio: np.ndarray
    gaussian_ratio: np.ndarray
    orthogonal_error: np.ndarray
    gaussian_log_spread: np.ndarray


def linear_products(
    depths=(1, 2, 3, 5, 8), *, width: int = 64, gain: float = 1.0, seed: int = 0
) -> LinearProductResult:
    """Deep linear networks: orthogonal (× gain) versus Gaussian N(0, gain²/m) layers.

    Saxe et al. (2013): a product of orthogonal matrices is orthogonal, so
    every singular value of P_L = Π_l (gain·Q_l) equals gain^L and every
    input direction is scaled alike. Gaussian layers of the same variance
    keep the norm on average only: the singular values of the product
    spread out exponentially in L. Keep σ_max/σ_min below ~10¹² (L ≤ 8 for
    m = 64): beyond, σ_min falls under the float64 resolution of the SVD.
    """
    depths = check_int_tuple("depths", depths, low=1)
    if not depths or list(depths) != sorted(set(depths)):
        raise ValueError(f"depths must be a non-empty increasing tuple of integers >= 1, got {depths}")
    width = check_int("width", width, low=2)
    gain = check_scalar("gain", gain, 0.0, low_open=True)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    n_max = depths[-1]
    ortho = get_weight_initializer("orthogonal")(rng, width, width, batch_shape=(n_max,), gain=gain)
    gauss = rng.standard_normal((n_max, width, width)) * (gain / np.sqrt(width))
    prod_o, prod_g = np.eye(width), np.eye(width)
    sv_o, sv_g = [], []
    for layer in range(1, n_max + 1):
        prod_o = prod_o @ ortho[layer - 1]
        prod_g = prod_g @ gauss[layer - 1]
        if layer in depths:
            sv_o.append(np.linalg.svd(prod_o, compute_uv=False))
            sv_g.append(np.linalg.svd(prod_g, compute_uv=False))
    sv_o, sv_g = np.array(sv_o), np.array(sv_g)
    d = np.array(depths)
    return LinearProductResult(
        depths=d,
        width=width,
        gain=gain,
        orthogonal_sv=sv_o,
        gaussian_sv=sv_g,
        orthogonal_ratio=sv_o.max(axis=1) / sv_o.min(axis=1),
        gaussian_ratio=sv_g.max(axis=1) / sv_g.min(axis=1),
        orthogonal_error=np.abs(sv_o / gain ** d[:, None] - 1.0).max(axis=1),
        gaussian_log_spread=np.log10(sv_g).std(axis=1),
    )


# -- sparse initialization -------------------------------------------------------------------
@dataclass(frozen=True)
class SparseResult:
    """Sparse (k non-zeros ~ N(0, σ²)) versus dense layers, per fan-in m.

    min_count, max_count (M,): fewest / most non-zero incoming weights of a
    unit; sparse_std, dense_std, matched_std (M,): std of the pre-activation
    z = x W for x ~ N(0, 1) with sparse W, dense N(0, σ²) W and dense
    N(0, kσ²/m) W (same total variance as sparse); sparse_spread,
    matched_spread (M,): relative spread (std/mean) across units of the
    incoming weight norms ‖W_:j‖.
    """

    fan_ins: np.ndarray
    fan_out: int
    nonzero: int
    std: float
    min_count: np.ndarray
    max_count: np.ndarray
    sparse_std: np.ndarray
    dense_std: np.ndarray
    matched_std: np.ndarray
    sparse_spread: np.ndarray
    matched_spread: np.ndarray


def sparse_stats(
    fan_ins=(64, 256, 1024, 4096),
    *,
    fan_out: int = 256,
    nonzero: int = 16,
    std: float = 1.0,
    n_samples: int = 256,
    seed: int = 0,
) -> SparseResult:
    """Sparse initialization (Martens, 2010) for several fan-ins m.

    Each unit has exactly k = ``nonzero`` non-zero incoming weights, so its
    pre-activation has variance k σ² whatever m: the non-zero weights can
    stay large (σ = 1) without the unit's total input growing like √m, as it
    would for a dense N(0, σ²) layer. Compared with a dense layer of the
    same total variance (N(0, kσ²/m)), the units differ more from one
    another: their weight norms spread like 1/√(2k) instead of 1/√(2m).
    """
    fan_ins = check_int_tuple("fan_ins", fan_ins, low=1)
    if not fan_ins:
        raise ValueError("fan_ins must hold at least one fan-in, got none")
    fan_out = check_int("fan_out", fan_out, low=2)
    nonzero = check_int("nonzero", nonzero, low=1, high=min(fan_ins))
    std = check_scalar("std", std, 0.0, low_open=True)
    n_samples = check_int("n_samples", n_samples, low=2)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    sparse_init = get_weight_initializer("sparse")
    out = {key: [] for key in ("minc", "maxc", "s", "d", "m", "ss", "ms")}
    for m in fan_ins:
        x = rng.standard_normal((n_samples, m))
        w_sparse = sparse_init(rng, m, fan_out, nonzero=nonzero, std=std)
        w_dense = rng.standard_normal((m, fan_out)) * std
        w_matched = w_dense * np.sqrt(nonzero / m)
        counts = (w_sparse != 0.0).sum(axis=0)
        out["minc"].append(counts.min())
        out["maxc"].append(counts.max())
        out["s"].append((x @ w_sparse).std())
        out["d"].append((x @ w_dense).std())
        out["m"].append((x @ w_matched).std())
        for key, w in (("ss", w_sparse), ("ms", w_matched)):
            norms = np.sqrt((w * w).sum(axis=0))
            out[key].append(norms.std() / norms.mean())
    arr = {key: np.array(value) for key, value in out.items()}
    return SparseResult(
        fan_ins=np.array(fan_ins), fan_out=fan_out, nonzero=nonzero, std=std,
        min_count=arr["minc"], max_count=arr["maxc"], sparse_std=arr["s"],
        dense_std=arr["d"], matched_std=arr["m"], sparse_spread=arr["ss"],
        matched_spread=arr["ms"],
    )


# -- biases ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class BiasResult:
    """Dead ReLU units (never active on the training set) per bias value × seed.

    dead_start, dead_end (B, seeds): at initialization and after ``steps``
    updates; n_hidden the number of hidden units; final_loss (B, seeds).
    """

    bias_values: np.ndarray
    n_hidden: int
    steps: int
    dead_start: np.ndarray
    dead_end: np.ndarray
    final_loss: np.ndarray


def relu_bias(
    bias_values=(0.0, 0.1),
    *,
    weight_init: str = "uniform_fan_in",
    hidden=(32, 32, 32, 32, 32, 32),
    steps: int = 200,
    lr: float = 0.05,
    momentum_value: float = 0.9,
    batch_size: int = 64,
    seeds: int = 4,
    seed: int = 0,
) -> BiasResult:
    """ReLU hidden biases 0 versus a small positive constant (section 8.4).

    A ReLU unit whose pre-activation is ≤ 0 on every training input gets no
    gradient through its input weights and may never recover (a "dead"
    unit). A bias of 0.1 pushes units into the active region at the start.
    All bias values × seeds are trained as one batch with the same optimizer
    and the same minibatches.
    """
    bias_values = check_finite("bias_values", bias_values)
    if bias_values.ndim != 1 or bias_values.size == 0:
        raise ValueError(f"bias_values must be a non-empty 1-d sequence, got shape {bias_values.shape}")
    seeds = check_int("seeds", seeds, low=1)
    steps = check_int("steps", steps, low=0)
    seed = check_int("seed", seed, low=0)
    data = digits_split(seed=0)
    net = MLP(data.X, data.y, hidden=hidden, activation="relu")
    rng = np.random.default_rng(seed)
    weights = net.init_theta(rng, weight_init, batch_shape=(seeds,))
    # The same weights for every bias value: only the bias differs.
    params = [(w, np.broadcast_to(bias_values[:, None, None], (bias_values.size, seeds, b.shape[-1])))
              for w, b in net.unpack(weights)]
    theta0 = net.pack(params)
    result = run(net, momentum(lr, momentum_value), theta0, steps, batch_size=batch_size,
                 rng=np.random.default_rng(seed + 1), noise="common",
                 record_every=max(steps, 1))
    return BiasResult(
        bias_values=bias_values.copy(),
        n_hidden=int(sum(net.hidden)),
        steps=steps,
        dead_start=_dead_counts(net, theta0),
        dead_end=_dead_counts(net, result.final_theta),
        final_loss=result.loss[-1],
    )


@dataclass(frozen=True)
class OutputBiasResult:
    """Initial cost with the output bias b_L = log p̂ (section 8.4).

    entropy: H(p̂) of the training labels; loss_zero_weights: J(θ_0) with
    W_L = 0 and b_L = log p̂; loss_small_weights (seeds,): with W_L small
    random; loss_zero_bias: J(θ_0) with W_L = 0 and b_L = 0 (= log C).
    """

    entropy: float
    log_classes: float
    loss_zero_weights: float
    loss_small_weights: np.ndarray
    loss_zero_bias: float
    output_std: float


def output_bias(
    *, hidden=(32,), activation: str = "relu", output_std: float = 0.01, seeds: int = 3,
    seed: int = 0,
) -> OutputBiasResult:
    """The marginal output bias makes the untrained network predict p̂.

    With W_L = 0 the logits are z_L = b_L = log p̂ for every input, so
    softmax(z_L) = p̂ and the cost (mean cross-entropy) is exactly
    −Σ_c p̂_c log p̂_c, the entropy of the labels. With small output weights
    N(0, ``output_std``²) the cost moves away from it only slightly.
    """
    output_std = check_scalar("output_std", output_std, 0.0, low_open=True)
    seeds = check_int("seeds", seeds, low=1)
    seed = check_int("seed", seed, low=0)
    _check_activation(activation)
    data = digits_split(seed=0)
    net = MLP(data.X, data.y, hidden=hidden, activation=activation)
    rng = np.random.default_rng(seed)
    theta = net.init_theta(rng, "he_normal", output_bias="marginal", batch_shape=(seeds,))
    params = net.unpack(theta)
    w_last, b_last = params[-1]
    small = rng.standard_normal(w_last.shape) * output_std
    zero_w = net.pack(params[:-1] + [(np.zeros_like(w_last), b_last)])
    small_w = net.pack(params[:-1] + [(small, b_last)])
    zero_b = net.pack(params[:-1] + [(np.zeros_like(w_last), np.zeros_like(b_last))])
    return OutputBiasResult(
        entropy=label_entropy(data.y, net.n_classes),
        log_classes=float(np.log(net.n_classes)),
        loss_zero_weights=float(net.loss(zero_w)[0]),
        loss_small_weights=net.loss(small_w),
        loss_zero_bias=float(net.loss(zero_b)[0]),
        output_std=output_std,
    )


# -- tables printed by the lecture --------------------------------------------------------------
def _mean_or_nan(values) -> float:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else float("nan")


def comparison_table(result: ComparisonResult) -> str:
    """Claim C21 as fixed-precision text: one row per scheme, means over seeds.

    Columns: J(θ_0), first recorded k with J ≤ target ("never" if none),
    final J (over the seeds that did not diverge), train and test accuracy,
    and how many seeds diverged.
    """
    if not isinstance(result, ComparisonResult):
        raise TypeError(f"result must be a ComparisonResult, got {type(result).__name__}")
    n_seeds = result.diverged.shape[1]
    head = (f"{'scheme':<13}{'J(θ_0)':>10}{'k: J≤' + format(result.target, 'g'):>10}"
            f"{'final J':>10}{'train acc':>11}{'test acc':>10}{'diverged':>10}")
    lines = [head, "-" * len(head)]
    for i, label in enumerate(result.labels):
        reached = result.steps_to_target[i]
        k = "never" if (reached < 0).any() else f"{np.median(reached):.0f}"
        final = _mean_or_nan(result.final_loss[i])
        final_text = "—" if np.isnan(final) else f"{final:.3g}"
        lines.append(
            f"{label:<13}{np.median(result.initial_loss[i]):>10.3g}{k:>10}{final_text:>10}"
            f"{result.train_accuracy[i].mean():>11.3f}{result.test_accuracy[i].mean():>10.3f}"
            f"{f'{int(result.diverged[i].sum())}/{n_seeds}':>10}"
        )
    return "\n".join(lines)


def closing_table(comparison: ComparisonResult, propagation: PropagationResult) -> str:
    """Every scheme: formula, reference, and what the lecture measured.

    std(h_L) in the deep tanh and ReLU stacks of :func:`signal_propagation`
    ("—" for schemes not in it), mean final training cost and mean test
    accuracy of :func:`compare_initializers` (same optimizer and budget).
    """
    if not isinstance(comparison, ComparisonResult):
        raise TypeError(f"comparison must be a ComparisonResult, got {type(comparison).__name__}")
    if not isinstance(propagation, PropagationResult):
        raise TypeError(f"propagation must be a PropagationResult, got {type(propagation).__name__}")
    depth = int(propagation.layers[-1])
    std_cols = [f"std h_{depth} {a}" for a in propagation.activations]
    head = (f"{'scheme':<13}{'formula':<26}{'reference':<32}"
            + "".join(f"{c:>16}" for c in std_cols) + f"{'final J':>10}{'test acc':>10}")
    lines = [head, "-" * len(head)]
    for i, scheme in enumerate(comparison.schemes):
        stds = []
        for a in range(len(propagation.activations)):
            if scheme.label in propagation.labels:
                value = propagation.activation_std[a, propagation.labels.index(scheme.label)][-1]
                stds.append(f"{value:>16.3g}")
            elif scheme.init == "constant" and dict(scheme.params).get("value") == 0.0:
                stds.append(f"{'0 (exactly)':>16}")
            else:
                stds.append(f"{'—':>16}")
        final = _mean_or_nan(comparison.final_loss[i])
        final_text = "diverged" if np.isnan(final) else f"{final:.3g}"
        lines.append(f"{scheme.label:<13}{scheme.formula:<26}{scheme.reference:<32}" + "".join(stds)
                     + f"{final_text:>10}{comparison.test_accuracy[i].mean():>10.3f}")
    return "\n".join(lines)


def propagation_table(result: PropagationResult) -> str:
    """var(h_L)/var(h_1) and gradient growth var(g_1)/var(g_L) per scheme and activation."""
    if not isinstance(result, PropagationResult):
        raise TypeError(f"result must be a PropagationResult, got {type(result).__name__}")
    cols = [f"{kind} {a}" for a in result.activations for kind in ("fwd", "bwd")]
    head = f"{'scheme':<13}" + "".join(f"{c:>12}" for c in cols)
    lines = [head, "-" * len(head)]
    for s, label in enumerate(result.labels):
        cells = []
        for a in range(len(result.activations)):
            cells += [result.activation_ratio[a, s], result.gradient_ratio[a, s]]
        lines.append(f"{label:<13}" + "".join(f"{c:>12.3g}" for c in cells))
    return "\n".join(lines)


def linear_products_table(result: LinearProductResult) -> str:
    """σ_max/σ_min of the products, and the largest |σ_i/gain^L − 1| of the orthogonal ones."""
    if not isinstance(result, LinearProductResult):
        raise TypeError(f"result must be a LinearProductResult, got {type(result).__name__}")
    head = f"{'depth L':>8}{'orthogonal σmax/σmin':>22}{'max|σ/gain^L − 1|':>20}{'Gaussian σmax/σmin':>20}"
    lines = [head, "-" * len(head)]
    for i, depth in enumerate(result.depths):
        # the orthogonal error is a few ulps: print whether it is below 1e-12, not its noise
        err = "< 1e-12" if result.orthogonal_error[i] < 1e-12 else f"{result.orthogonal_error[i]:.1e}"
        lines.append(f"{depth:>8d}{result.orthogonal_ratio[i]:>22.6f}{err:>20}"
                     f"{result.gaussian_ratio[i]:>20.3g}")
    return "\n".join(lines)


def sparse_table(result: SparseResult) -> str:
    """Per fan-in m: non-zero counts, pre-activation std and spread of unit weight norms."""
    if not isinstance(result, SparseResult):
        raise TypeError(f"result must be a SparseResult, got {type(result).__name__}")
    head = (f"{'fan-in m':>9}{'non-zeros/unit':>16}{'std z sparse':>14}{'std z dense':>13}"
            f"{'std z matched':>15}{'spread sparse':>15}{'spread matched':>16}")
    lines = [head, "-" * len(head)]
    for i, m in enumerate(result.fan_ins):
        count = (f"{result.min_count[i]}" if result.min_count[i] == result.max_count[i]
                 else f"{result.min_count[i]}-{result.max_count[i]}")
        lines.append(f"{m:>9d}{count:>16}{result.sparse_std[i]:>14.2f}{result.dense_std[i]:>13.2f}"
                     f"{result.matched_std[i]:>15.2f}{result.sparse_spread[i]:>15.3f}"
                     f"{result.matched_spread[i]:>16.3f}")
    return "\n".join(lines)
