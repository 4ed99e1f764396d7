"""The lectures' interactive explorers, one module per lecture topic.

Each function builds a :class:`coursekit.widgets.Explorer` (sliders, one
figure, an update callback that moves existing artists) on the vectorized
runner. Needs ipywidgets (the ``course`` extra), like ``coursekit.widgets``.
Import the module you need, for example
``from coursekit.explorers import decay``.
"""

from __future__ import annotations

__all__: list[str] = []
