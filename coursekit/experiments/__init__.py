"""The experiments behind the lectures' claims, one module per lecture topic.

Each function runs one experiment on the vectorized runner from an explicit
seed and returns a small result object (arrays and the measured numbers that
the lecture prints and the claim tests assert). Import the module you need,
for example ``from coursekit.experiments import decay``.
"""

from __future__ import annotations

__all__: list[str] = []
