"""The lectures' static figures, one module per lecture topic.

Every function takes the result of an experiment (data, never globals) and
returns ``(fig, ax)``, with labelled axes, a legend and a title that states
the point. Import the module you need, for example
``from coursekit.figures import decay``.
"""

from __future__ import annotations

__all__: list[str] = []
