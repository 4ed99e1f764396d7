"""A small fully connected classifier with hand-written backpropagation.

The network with layer sizes (p, n_1, ..., n_{L-1}, C) computes, for an
input row x,

    h_0 = x,   z_l = h_{l-1} @ W_l + b_l,   h_l = act(z_l)  (l < L),
    ŷ = softmax(z_L),

with W_l of shape (fan_in, fan_out) as documented in
:mod:`coursekit.initializers`, act = tanh or ReLU. The cost is the mean
cross-entropy plus an optional weight decay on the weights (not the biases),

    J(θ) = (1/n) Σ_i [logsumexp(z_L(x_i)) − z_L(x_i)_{y_i}] + (λ/2) Σ_l ‖W_l‖²,

and its gradient is computed by back-propagation (book section 6.5):

    δ_L = (softmax(z_L) − onehot(y)) / m,
    ∇W_l = h_{l-1}ᵀ δ_l + λ W_l,   ∇b_l = Σ_rows δ_l,
    δ_{l-1} = (δ_l W_lᵀ) ⊙ act'(z_{l-1}).

All layers' parameters live in ONE flat vector θ = (W_1, b_1, ..., W_L, b_L)
(each W flattened row-major), so the optimizers and the runner treat the
network like any other :class:`~coursekit.problems.base.Problem`. Every
method accepts a batch of networks θ of shape (..., d) and evaluates them
together with broadcasting matrix products.
"""

from __future__ import annotations

import numpy as np

from .._validation import (
    as_float_array,
    check_batch_compatible,
    check_batch_shape,
    check_finite,
    check_int_tuple,
    check_labels,
    check_rng,
)
from ..initializers import constant_bias, get_weight_initializer, marginal_output_bias
from .base import FiniteSumProblem, check_classes, check_design, check_l2, check_split, readonly_copy

__all__ = ["MLP"]

_ACTIVATIONS = ("tanh", "relu")


class MLP(FiniteSumProblem):
    """Softmax classifier with tanh or ReLU hidden layers; J is the mean cross-entropy.

    Parameters
    ----------
    X : array of shape (n, p)
        Training inputs.
    y : int array of shape (n,)
        Training labels in [0, n_classes).
    hidden : sequence of int, or int
        Hidden layer widths; ``()`` gives multinomial logistic regression.
    activation : {"tanh", "relu"}
        Hidden-unit nonlinearity.
    n_classes : int, optional
        C ≥ 2; by default 1 + the largest label of ``y``, which must then
        hold at least 2 classes (labels all 0 raise: pass ``n_classes``).
    l2 : float
        λ ≥ 0, weight decay (λ/2) Σ‖W_l‖² on the weights only.
    X_test, y_test : optional
        A held-out split, enabling :meth:`test_loss` and ``accuracy(split="test")``;
        give both or neither. Its labels must lie in [0, C)
        (:func:`~coursekit.problems.base.check_split`).
    name : str, optional
        Label for plots.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((40, 5)), rng.integers(0, 3, 40)
    >>> net = MLP(X, y, hidden=(8,))
    >>> net.layer_sizes, net.dim
    ((5, 8, 3), 75)
    >>> theta = net.init_theta(rng, batch_shape=(4,))
    >>> net.loss(theta).shape, net.grad(theta).shape
    ((4,), (4, 75))
    """

    def __init__(
        self,
        X,
        y,
        hidden=(32,),
        activation: str = "tanh",
        n_classes: int | None = None,
        l2: float = 0.0,
        X_test=None,
        y_test=None,
        name: str | None = None,
    ):
        X = check_design("X", X)
        n_classes = check_classes(check_labels("y", y, n=X.shape[0]), n_classes)
        y = check_labels("y", y, n_classes, n=X.shape[0])
        X_test, y_test = check_split(X_test, y_test, n_features=X.shape[1], n_classes=n_classes)

        hidden = check_int_tuple("hidden", hidden, low=1)
        hidden = tuple(int(width) for width in hidden)

        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of 'tanh', 'relu'; got {activation!r}")
        l2 = check_l2(l2)

        self.hidden = hidden
        self.activation = activation
        self.n_classes = n_classes
        self.l2 = l2
        self.layer_sizes = (X.shape[1],) + hidden + (n_classes,)
        self.X = X  # check_design returned private read-only copies
        self.y = readonly_copy(y)
        self.X_test, self.y_test = X_test, y_test  # check_split returned read-only copies
        self.n_train = X.shape[0]
        self.has_test = X_test is not None
        eye = np.eye(n_classes)
        self._onehot = readonly_copy(eye[self.y])
        self._onehot_test = None if y_test is None else readonly_copy(eye[self.y_test])
        if name is None:
            name = f"MLP {'-'.join(map(str, self.layer_sizes))} {activation}"
        self.name = str(name)

        # Slices of θ: W_l then b_l for each layer, in order.
        self._slices = []
        start = 0
        for fan_in, fan_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            w_slice = slice(start, start + fan_in * fan_out)
            start += fan_in * fan_out
            b_slice = slice(start, start + fan_out)
            start += fan_out
            self._slices.append((fan_in, fan_out, w_slice, b_slice))
        self.dim = start

    @property
    def n_layers(self) -> int:
        """L, the number of weight layers (hidden layers + 1)."""
        return len(self._slices)

    # -- parameter layout -----------------------------------------------
    def _unpack(self, theta: np.ndarray) -> list:
        batch = theta.shape[:-1]
        return [
            (theta[..., ws].reshape(batch + (fan_in, fan_out)), theta[..., bs])
            for fan_in, fan_out, ws, bs in self._slices
        ]

    def unpack(self, theta) -> list:
        """θ (..., d) → [(W_1, b_1), ..., (W_L, b_L)].

        W_l has shape (..., fan_in, fan_out) and b_l shape (..., fan_out).

        The arrays are views into θ (for θ whose last axis is contiguous, as
        any freshly built array is): writing to them writes to θ.
        """
        arr = as_float_array("theta", theta)
        if arr.ndim == 0 or arr.shape[-1] != self.dim:
            raise ValueError(
                f"theta must have shape (..., {self.dim}), got shape {np.shape(theta)}"
            )
        return self._unpack(arr)

    def pack(self, params) -> np.ndarray:
        """[(W_1, b_1), ..., (W_L, b_L)] → a new θ of shape (..., d).

        The batch shapes of all the arrays are broadcast together.
        """
        params = list(params)
        if len(params) != self.n_layers:
            raise ValueError(
                f"params must hold {self.n_layers} (W, b) pairs, got {len(params)}"
            )
        arrays, batches = [], []
        for index, (pair, (fan_in, fan_out, _, _)) in enumerate(zip(params, self._slices)):
            try:
                weight, bias = pair
            except (TypeError, ValueError):
                raise TypeError(f"params[{index}] must be a (W, b) pair") from None
            weight = check_finite(f"W_{index + 1}", weight)
            bias = check_finite(f"b_{index + 1}", bias)
            if weight.shape[-2:] != (fan_in, fan_out) or weight.ndim < 2:
                raise ValueError(
                    f"W_{index + 1} must have shape (..., {fan_in}, {fan_out}), "
                    f"got shape {weight.shape}"
                )
            if bias.ndim < 1 or bias.shape[-1] != fan_out:
                raise ValueError(
                    f"b_{index + 1} must have shape (..., {fan_out}), got shape {bias.shape}"
                )
            arrays.append((weight, bias))
            batches += [weight.shape[:-2], bias.shape[:-1]]
        try:
            batch = np.broadcast_shapes(*batches)
        except ValueError:
            raise ValueError(
                f"the batch shapes of params do not broadcast together: {batches}"
            ) from None
        theta = np.empty(batch + (self.dim,))
        for (weight, bias), (fan_in, fan_out, ws, bs) in zip(arrays, self._slices):
            theta[..., ws] = np.broadcast_to(weight, batch + (fan_in, fan_out)).reshape(
                batch + (fan_in * fan_out,)
            )
            theta[..., bs] = bias
        return theta

    # -- forward and backward passes -------------------------------------
    def _act(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z) if self.activation == "tanh" else np.maximum(z, 0.0)

    def _act_deriv(self, z: np.ndarray, h: np.ndarray) -> np.ndarray:
        # tanh' = 1 − tanh² reuses the activation; ReLU' is 1 where z > 0 (0 at the kink).
        if self.activation == "tanh":
            return 1.0 - h * h
        return (z > 0.0).astype(float)

    def _forward(self, params: list, X: np.ndarray):
        """Pre-activations z_1..z_L and activations h_0 = X, h_1..h_{L-1}."""
        pres, acts = [], [X]
        last = len(params) - 1
        for index, (weight, bias) in enumerate(params):
            z = acts[-1] @ weight + bias[..., None, :]
            pres.append(z)
            if index < last:
                acts.append(self._act(z))
        return pres, acts

    def _cross_entropy(self, logits: np.ndarray, onehot: np.ndarray) -> np.ndarray:
        """Mean over examples of logsumexp(z) − z_y, shape (...)."""
        zmax = logits.max(axis=-1, keepdims=True)
        lse = zmax[..., 0] + np.log(np.exp(logits - zmax).sum(axis=-1))
        per_example = lse - np.where(onehot > 0.0, logits, 0.0).sum(axis=-1)
        # Overflowed logits give inf − inf = nan: a diverged network costs +inf.
        per_example = np.where(np.isnan(per_example), np.inf, per_example)
        return per_example.mean(axis=-1)

    def _penalty(self, params: list) -> np.ndarray | float:
        if self.l2 == 0.0:
            return 0.0
        return 0.5 * self.l2 * sum((w * w).sum(axis=(-2, -1)) for w, _ in params)

    def _cost(self, theta: np.ndarray, X: np.ndarray, onehot: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            params = self._unpack(theta)
            pres, _ = self._forward(params, X)
            return self._cross_entropy(pres[-1], onehot) + self._penalty(params)

    def _backprop(self, theta: np.ndarray, X: np.ndarray, onehot: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            params = self._unpack(theta)
            pres, acts = self._forward(params, X)
            logits = pres[-1]
            exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
            probs = exp / exp.sum(axis=-1, keepdims=True)
            delta = (probs - onehot) / X.shape[-2]
            batch = delta.shape[:-2]
            grad = np.empty(batch + (self.dim,))
            for index in reversed(range(self.n_layers)):
                weight, _ = params[index]
                fan_in, fan_out, ws, bs = self._slices[index]
                grad_w = np.swapaxes(acts[index], -1, -2) @ delta
                if self.l2 != 0.0:
                    grad_w = grad_w + self.l2 * weight
                grad[..., ws] = np.broadcast_to(grad_w, batch + (fan_in, fan_out)).reshape(
                    batch + (fan_in * fan_out,)
                )
                grad[..., bs] = delta.sum(axis=-2)
                if index > 0:
                    delta = (delta @ np.swapaxes(weight, -1, -2)) * self._act_deriv(
                        pres[index - 1], acts[index]
                    )
            return grad

    # -- Problem interface (unchecked hot path) ---------------------------
    def _loss(self, theta: np.ndarray) -> np.ndarray:
        return self._cost(theta, self.X, self._onehot)

    def _grad(self, theta: np.ndarray) -> np.ndarray:
        return self._backprop(theta, self.X, self._onehot)

    def _minibatch_grad(self, theta: np.ndarray, batch) -> np.ndarray:
        """g = ∇ of the mean cost over the examples ``batch`` (..., m) (+ weight decay).

        Indices of shape (m,) are shared by every network in θ; otherwise the
        batch shapes of θ and of the indices broadcast together.
        """
        idx = np.asarray(batch)
        return self._backprop(theta, self.X[idx], self._onehot[idx])

    def _test_loss(self, theta: np.ndarray) -> np.ndarray:
        if not self.has_test:
            return super()._test_loss(theta)
        return self._cost(theta, self.X_test, self._onehot_test)

    # -- inspection ---------------------------------------------------------
    def forward(self, theta, X=None) -> list:
        """Per-layer [(z_1, h_1), ..., (z_L, ŷ)] for inputs X (default: the training inputs).

        z_l = h_{l-1} @ W_l + b_l is the pre-activation, shape (..., n_examples,
        n_l); h_l = act(z_l) for a hidden layer and ŷ = softmax(z_L) (class
        probabilities) for the output layer. Used to plot the per-layer
        activation statistics of section 8.4.
        """
        theta = self.check_theta(theta)
        X = self.X if X is None else check_design("X", X, self.layer_sizes[0])
        with np.errstate(all="ignore"):
            pres, acts = self._forward(self._unpack(theta), X)
            logits = pres[-1]
            exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
            probs = exp / exp.sum(axis=-1, keepdims=True)
        return list(zip(pres, acts[1:] + [probs]))

    def accuracy(self, theta, split: str = "train") -> np.ndarray:
        """Fraction of examples whose largest logit is the true class, shape (...)."""
        theta = self.check_theta(theta)
        if split == "train":
            X, y = self.X, self.y
        elif split == "test":
            if not self.has_test:
                raise ValueError(f"problem {self.name!r} has no test split")
            X, y = self.X_test, self.y_test
        else:
            raise ValueError(f"split must be one of 'train', 'test'; got {split!r}")
        with np.errstate(all="ignore"):
            pres, _ = self._forward(self._unpack(theta), X)
        return (pres[-1].argmax(axis=-1) == y).mean(axis=-1)

    # -- initialization -------------------------------------------------------
    def init_theta(
        self,
        rng,
        weight_init="glorot_uniform",
        bias_init=0.0,
        output_bias: str | None = None,
        batch_shape=(),
        **init_kwargs,
    ) -> np.ndarray:
        """A fresh θ of shape ``batch_shape + (d,)`` built layer by layer (section 8.4).

        ``weight_init`` is a name in
        :data:`coursekit.initializers.WEIGHT_INITIALIZERS` or a callable
        ``f(rng, fan_in, fan_out, *, batch_shape, **init_kwargs)``; it is
        called once per layer with ``init_kwargs``. Every bias is set to
        ``bias_init`` (a number, or an array broadcasting against
        ``batch_shape``: one value per network). ``output_bias="marginal"``
        then replaces the last bias by the log class frequencies of the
        training labels, so that softmax(b_L) equals the label marginals
        (:func:`coursekit.initializers.marginal_output_bias`).
        """
        rng = check_rng(rng)
        batch_shape = check_batch_shape(batch_shape)
        if callable(weight_init):
            init = weight_init
        else:
            init = get_weight_initializer(weight_init)
        if output_bias not in (None, "marginal"):
            raise ValueError(f"output_bias must be None or 'marginal', got {output_bias!r}")
        bias_value = check_finite("bias_init", bias_init)
        check_batch_compatible("bias_init", bias_value, batch_shape, against="batch_shape",
                               hint=" (use one value per network, or a number)")

        params = []
        for index, (fan_in, fan_out, _, _) in enumerate(self._slices):
            try:
                weight = init(rng, fan_in, fan_out, batch_shape=batch_shape, **init_kwargs)
            except ValueError as err:
                raise ValueError(
                    f"layer {index + 1} ({fan_in} -> {fan_out} units): {err}"
                ) from None
            weight = np.asarray(weight, dtype=float)
            if weight.shape != batch_shape + (fan_in, fan_out):
                raise ValueError(
                    f"weight_init returned shape {weight.shape} for layer {index + 1}, "
                    f"expected {batch_shape + (fan_in, fan_out)}"
                )
            bias = constant_bias(fan_out, bias_value[..., None], batch_shape=batch_shape)
            params.append((weight, bias))
        if output_bias == "marginal":
            weight, _ = params[-1]
            marginal = marginal_output_bias(self.y, self.n_classes)
            params[-1] = (weight, np.broadcast_to(marginal, batch_shape + marginal.shape))
        return self.pack(params)
