"""The controls of an explorer: made, checked, set in a row, with a status line under them.

One part of :class:`coursekit.widgets.Explorer` (which imports ipywidgets
behind an error that names the install command). The other parts: how the
figure reaches the screen (:mod:`coursekit._explorer_render`) and the
update loop (the Explorer itself). :func:`log_slider` makes the control of
a scale (ε, σ, κ); :class:`ControlPanel` holds the controls.
"""

from __future__ import annotations

import html
import keyword
from collections.abc import Callable, Mapping

import ipywidgets
import numpy as np

from ._validation import check_int, check_scalar

__all__ = ["ControlPanel", "check_controls", "log_slider"]

ERROR_COLOUR = "#D55E00"  # vermillion of coursekit.plotting.PALETTE


def check_controls(controls) -> dict:
    """``controls`` as a new dict name → value widget, names being Python identifiers.

    Each widget may appear once: one widget under two names would update
    the figure twice per move.
    """
    if not isinstance(controls, Mapping):
        raise TypeError(f"controls must be a dict of name -> widget, got {type(controls).__name__}")
    if not controls:
        raise ValueError("controls must hold at least one control, got none")
    seen = {}
    for name, control in controls.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ValueError(f"control names must be Python identifiers, got {name!r}")
        if not isinstance(control, ipywidgets.ValueWidget):
            raise TypeError(
                f"controls[{name!r}] must be an ipywidgets value widget (a slider, dropdown, ...), "
                f"got {type(control).__name__}"
            )
        if id(control) in seen:
            raise ValueError(f"controls[{name!r}] is the same widget as controls[{seen[id(control)]!r}]")
        seen[id(control)] = name
    return dict(controls)


def log_slider(
    description: str,
    low: float,
    high: float,
    value: float,
    *,
    steps: int = 60,
    readout_format: str = ".3g",
) -> ipywidgets.FloatLogSlider:
    """A slider over [low, high] on a log scale, for ε, σ, κ and other scales.

    The handle moves in equal steps of log10, about ``steps`` of them over
    the range, on a grid that passes through ``value`` exactly. JupyterLab
    snaps a slider's value to its grid as soon as the slider is shown and
    sends the snapped value back, so an initial value off the grid would
    silently become its neighbour (κ = 100 would turn into 106.5). The step
    is therefore chosen so that ``value`` is a grid point and the grid stays
    inside [low, high] while reaching as close to both ends as it can (with
    round numbers, exactly to them).
    ``continuous_update`` is on: the explorer updates while the handle is
    dragged.

    Parameters
    ----------
    description : str
        The label, e.g. ``"learning rate ε"``.
    low, high : float
        The range, 0 < low < high.
    value : float
        The initial value, low ≤ value ≤ high.
    steps : int
        About how many grid steps between low and high, ≥ 1.
    readout_format : str
        Format of the number shown next to the slider (d3-format, which
        accepts the usual Python specs such as ``".3g"``).

    Examples
    --------
    >>> slider = log_slider("ε", 1e-3, 1.0, 0.01)
    >>> slider.value, round(slider.min, 12), round(slider.max, 12), round(slider.step, 12)
    (0.01, -3.0, 0.0, 0.05)
    >>> slider = log_slider("κ", 2.0, 200.0, 100.0)
    >>> k = (np.log10(100.0) - slider.min) / slider.step  # the value is a grid point
    >>> bool(abs(k - round(k)) < 1e-9), bool(10**slider.max <= 200.0)
    (True, True)
    """
    if not isinstance(description, str):
        raise TypeError(f"description must be a string, got {type(description).__name__} {description!r}")
    low = check_scalar("low", low, 0.0, low_open=True)
    high = check_scalar("high", high)
    value = check_scalar("value", value)
    if not high > low:
        raise ValueError(f"high must be greater than low = {low!r}, got {high!r}")
    if not low <= value <= high:
        raise ValueError(f"value must be in [{low!r}, {high!r}], got {value!r}")
    steps = check_int("steps", steps, low=1)
    if not isinstance(readout_format, str) or not readout_format:
        raise TypeError(f"readout_format must be a non-empty format string such as '.3g', got {readout_format!r}")

    # The slider clamps its value to [10^min, 10^max], computed in floating
    # point: widen the exponents by an ulp where needed so that low and high
    # themselves are never clamped to a neighbouring float.
    log_low, log_high = float(np.log10(low)), float(np.log10(high))
    log_bottom, step, log_top = _log_grid(log_low, log_high, float(np.log10(value)), steps)
    # Neither low ≤ 10^bottom ≤ value ≤ 10^top ≤ high may fail by a rounding
    # error: the slider clamps its value to [10^bottom, 10^top].
    log_bottom = _nudge(float(log_bottom), lambda x: 10.0**x >= low, +1)
    log_bottom = _nudge(log_bottom, lambda x: 10.0**x <= value, -1)
    log_top = _nudge(float(log_top), lambda x: 10.0**x <= high, -1)
    log_top = _nudge(log_top, lambda x: 10.0**x >= value, +1)
    return ipywidgets.FloatLogSlider(
        value=value,
        base=10.0,
        min=log_bottom,
        max=log_top,
        step=step,
        description=description,
        readout_format=readout_format,
        continuous_update=True,
        style={"description_width": "initial"},
    )


def _nudge(x: float, ok, direction: int) -> float:
    """x moved by rounding-sized amounts in ``direction`` until ``ok(x)``.

    Steps double from one ulp, so this ends quickly even where 10^x does not
    change over many ulps of x (x near 0).
    """
    delta = np.spacing(abs(x)) if x else np.finfo(float).tiny
    while not ok(x):
        x += direction * delta
        delta *= 2.0
    return float(x)


def _log_grid(log_low: float, log_high: float, log_value: float, steps: int) -> tuple:
    """(bottom, step, top): a grid bottom + i·step through log_value inside [log_low, log_high].

    For n = ``steps`` / 2 to 2·``steps`` steps in all, a of them below the
    value and n − a above, the largest step that fits is
    min(below/a, above/(n − a)); what the grid leaves out at the two ends is
    then span − n·step. (a = 0 or n starts or ends the grid at the value,
    for a value very close to an end.) Among the grids that leave out at most 1% of a step,
    the one with n closest to ``steps`` wins; if there is none, the one that
    leaves out least.
    """
    span = log_high - log_low
    below, above = log_value - log_low, log_high - log_value
    if below <= 0.0 or above <= 0.0:  # the value is an end: the plain grid holds it
        return log_low, span / steps, log_high
    close, best = None, None
    for n in range(max(2, steps // 2), 2 * steps + 1):
        guess = n * below / span
        # a = 0 or n: the grid starts or ends at the value (for a value near an end).
        for a in {int(np.floor(guess)), int(np.ceil(guess)), 0, n}:
            if not 0 <= a <= n:
                continue
            step = min(below / a if a else np.inf, above / (n - a) if a < n else np.inf)
            left_out = span - n * step
            grid = (log_value - a * step, step, log_value + (n - a) * step)
            if left_out <= 0.01 * step and (close is None or abs(n - steps) < close[0]):
                close = (abs(n - steps), grid)
            if best is None or left_out / span < best[0]:
                best = (left_out / span, grid)
    return (close or best)[1]


class ControlPanel:
    """Named controls in a row that wraps, and a status line for the last error.

    Attributes
    ----------
    controls : dict name → widget   a copy of the mapping given
    box : ipywidgets.HBox           the controls, in their order
    status : ipywidgets.HTML        the message of the last failed update; hidden when empty
    """

    def __init__(self, controls: Mapping):
        self.controls = check_controls(controls)
        # Hidden while empty, so that it takes no room between the controls and the figure.
        self.status = ipywidgets.HTML(value="", layout=ipywidgets.Layout(display="none"))
        self.box = ipywidgets.HBox(list(self.controls.values()),
                                   layout=ipywidgets.Layout(flex_flow="row wrap"))

    @property
    def values(self) -> dict:
        """The current value of every control, as a new dict."""
        return {name: control.value for name, control in self.controls.items()}

    def watch(self, callback: Callable) -> None:
        """Call ``callback(change)`` whenever a control's value changes."""
        for control in self.controls.values():
            control.observe(callback, names="value")

    def unwatch(self, callback: Callable) -> None:
        for control in self.controls.values():
            control.unobserve(callback, names="value")

    def show_error(self, err: Exception) -> None:
        """Show ``err`` (escaped: a message may hold < or &) in the status line."""
        message = html.escape(f"{type(err).__name__}: {err}")
        self.status.value = (
            f'<span style="color: {ERROR_COLOUR}">update failed, figure not redrawn: {message}</span>'
        )
        self.status.layout.display = None  # shown

    def clear_error(self) -> None:
        self.status.value = ""
        self.status.layout.display = "none"

    def close(self, *, controls: bool = True) -> None:
        """Close the row and the status line, and the controls themselves unless told not to."""
        if controls:
            for control in self.controls.values():
                control.close()
        self.box.close()
        self.status.close()
