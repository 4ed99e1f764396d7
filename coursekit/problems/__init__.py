"""Optimization problems: each a cost J(θ), its gradient and a minibatch gradient."""

from .base import FiniteSumProblem, Problem
from .least_squares import LeastSquares, make_least_squares
from .lessard import LessardFunction
from .linear import LinearCost
from .logistic import LogisticRegression, digits_softmax
from .mlp import MLP
from .quadratic import Quadratic, canyon, quadratic_with_spectrum

__all__ = [
    "FiniteSumProblem",
    "LeastSquares",
    "LessardFunction",
    "LinearCost",
    "LogisticRegression",
    "MLP",
    "Problem",
    "Quadratic",
    "canyon",
    "digits_softmax",
    "make_least_squares",
    "quadratic_with_spectrum",
]
