"""coursekit: the numpy library behind the course on optimization for
training deep models (Goodfellow, Bengio & Courville, *Deep Learning*,
sections 8.3.1-8.4).

Modules
-------
optimizers
    SGD, momentum (Algorithm 8.2) and Nesterov momentum (Algorithm 8.3) as
    explicit init/update pairs, written as the book's lines.
optimizer_checks
    The optimizers' argument checks, kept out of the algorithms' way.
schedules
    Learning-rate and momentum schedules: pure functions k ↦ ε_k (or α_k);
    any callable, a table of values, schedules joined or stacked.
robbins_monro
    Checks a schedule against the Robbins–Monro conditions (eqs. 8.12, 8.13).
runner
    Runs an optimizer on a problem, many trajectories at once.
recorder
    The grid of recorded steps, and what a run records: losses, norms,
    divergence (checked on every step), averages and the path.
problems
    Cost functions J(θ) with exact and minibatch gradients.
initializers
    Weight and bias initialization schemes of section 8.4.
data
    The small dataset shipped with the course and its loader.
analysis
    Rates, contraction factors, noise floors and hitting times measured on
    learning curves.
plotting
    Learning curves and optimizer paths over contour lines, as (fig, ax).
momentum_theory
    Heavy-ball momentum on a quadratic, one eigen-direction at a time: the
    2×2 iteration matrix, its stability region and convergence rate, and
    the optimal (ε, α) for a condition number κ.
physics
    Momentum as a particle with mass under a force and a drag (eqs.
    8.18-8.20): viscous, turbulent and dry-friction drag, Euler steps and a
    fine reference integration.
conventions
    The same updates as PyTorch, optax and the damped (averaged-gradient)
    form write them, and the exact change of variables to the book's form.
experiments
    The experiments behind each lecture's claims, one module per topic.
figures
    The lectures' static figures, one module per topic, as (fig, ax).
explorers
    The lectures' interactive explorers, one module per topic (needs
    ipywidgets, like ``widgets``).
checks
    The checks behind the graded exercises: each runs a battery of cases
    against a student's function and explains the first wrong answer,
    naming the common mistake when it recognises one.
grade
    ``python -m coursekit.grade NOTEBOOK.ipynb``: runs exercise notebooks in
    a fresh kernel, without changing them, and prints the points earned.
widgets
    Explorers: sliders that re-run an experiment and redraw a figure in
    place. Needs ipywidgets (the ``course`` extra), so it is not imported
    here: ``from coursekit.widgets import Explorer``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import (
    analysis,
    data,
    initializers,
    optimizers,
    plotting,
    problems,
    robbins_monro,
    runner,
    schedules,
)
from .optimizers import momentum, nesterov, sgd
from .runner import run

__all__ = [
    "__version__",
    "analysis",
    "data",
    "initializers",
    "momentum",
    "nesterov",
    "optimizers",
    "plotting",
    "problems",
    "robbins_monro",
    "run",
    "runner",
    "schedules",
    "sgd",
]
