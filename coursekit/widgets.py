"""Explorers: sliders that re-run an experiment and redraw a figure in place.

Every interactive figure of the course is an :class:`Explorer`: a few
controls (ipywidgets sliders, see :func:`log_slider`), one matplotlib figure
drawn once, and an ``update(values)`` callback, the only part a lecture
writes, which recomputes what the controls changed and moves the existing
artists (``line.set_data``, ``line.set_ydata``, ``text.set_text``). No new
figure is made per move, so an update costs a computation plus one redraw.

Two ways to show the figure, chosen from the figure's canvas:

* ipympl (``%matplotlib widget``, preferred): the canvas is itself a widget.
  An update ends with ``figure.canvas.draw_idle()``; the front end asks for
  the new image when it is ready.
* any other backend (``%matplotlib inline``, or Agg in the tests): the
  figure is rendered to PNG into an ``ipywidgets.Image`` under the controls.

Create the figure inside ``plt.ioff()`` so that it is not also displayed by
the cell that creates it, and mark the notebook cell ``# NBVAL_IGNORE_OUTPUT``
(nbval cannot compare widget views).

Recompute only what changed. The callback receives *all* current values on
every move; wrap each expensive part in :func:`cached`, keyed on the values
it depends on, and a move of one slider recomputes only the parts that
depend on it. Below, moving α (momentum) re-runs momentum but not SGD:

>>> import ipywidgets
>>> import matplotlib.pyplot as plt
>>> import coursekit
>>> problem = coursekit.problems.canyon(50.0)
>>> @cached
... def sgd_path(lr):
...     result = coursekit.run(problem, coursekit.sgd(lr), [-1.0, 1.0], 60, keep_path=True)
...     return result.theta
>>> @cached
... def momentum_path(lr, momentum):
...     result = coursekit.run(problem, coursekit.momentum(lr, momentum), [-1.0, 1.0], 60,
...                            keep_path=True)
...     return result.theta
>>> with plt.ioff():
...     fig, ax = coursekit.plotting.contour_paths(
...         problem, [sgd_path(0.02), momentum_path(0.02, 0.9)], extent=(-1.2, 1.2, -1.2, 1.2))
>>> sgd_line, momentum_line = ax.get_lines()[0], ax.get_lines()[3]  # each path, then its start and end
>>> def update(values):
...     sgd_line.set_data(*sgd_path(values["lr"]).T)
...     momentum_line.set_data(*momentum_path(values["lr"], values["momentum"]).T)
>>> explorer = Explorer(
...     {"lr": log_slider("learning rate ε", 1e-3, 3e-2, 0.02),
...      "momentum": ipywidgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01,
...                                         description="momentum α")},
...     fig, update)
>>> explorer.controls["momentum"].value = 0.5
>>> sgd_path.cache_info().misses, momentum_path.cache_info().misses
(1, 2)
>>> explorer.close()
"""

from __future__ import annotations

import dataclasses
import functools
import html
import io
import keyword
import sys
from collections import deque
from collections.abc import Callable, Mapping
from time import perf_counter

try:
    import ipywidgets
except ImportError as exc:  # the core package needs only numpy and matplotlib
    raise ImportError(
        "coursekit.widgets needs ipywidgets, which is part of the course extra: "
        'run pip install -e ".[course]" in the repository'
    ) from exc

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from ._validation import check_bool, check_int, check_scalar

__all__ = ["Explorer", "cached", "log_slider", "measure_latency"]

#: Latencies kept by an explorer: enough for a median and p95 over many moves.
MAX_LATENCIES = 200

# A callback that sets a control triggers one more pass; this many passes in
# a row mean the callback and the controls keep changing each other.
_MAX_PASSES = 5

_ERROR_COLOUR = "#D55E00"  # vermillion of coursekit.plotting.PALETTE


# --------------------------------------------------------------------------
# Controls
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Memoization
# --------------------------------------------------------------------------


def _freeze(obj, depth: int = 0):
    """Make the arrays of a cached result read-only (in containers two levels deep).

    A cached result is shared by every later call with the same arguments:
    writing into it in place would silently change what those calls return.
    """
    if isinstance(obj, np.ndarray):
        obj.flags.writeable = False
    elif depth < 2:
        if isinstance(obj, (tuple, list)):
            items = obj
        elif isinstance(obj, dict):
            items = obj.values()
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            items = [getattr(obj, field.name) for field in dataclasses.fields(obj)]
        else:
            items = ()
        for item in items:
            _freeze(item, depth + 1)
    return obj


def cached(fn: Callable | None = None, *, maxsize: int = 64):
    """Memoize ``fn`` on its (hashable) arguments, keeping the last ``maxsize`` results.

    Use it as ``@cached`` or ``@cached(maxsize=8)``. Arguments must be
    hashable: numbers, strings, tuples (slider values are). numpy arrays in
    the result, also inside a tuple, list, dict or dataclass such as
    :class:`~coursekit.runner.RunResult`, are made read-only, because the
    same object is returned to every later call with equal arguments.
    ``cache_info()`` and ``cache_clear()`` are those of
    :func:`functools.lru_cache`.

    >>> calls = []
    >>> @cached
    ... def square(x):
    ...     calls.append(x)
    ...     return x * x
    >>> square(3.0), square(3.0), calls
    (9.0, 9.0, [3.0])
    """
    if fn is None:
        return functools.partial(cached, maxsize=maxsize)
    if not callable(fn):
        raise TypeError(f"cached needs a function, got {type(fn).__name__} {fn!r}")
    maxsize = check_int("maxsize", maxsize, low=1)
    memo = functools.lru_cache(maxsize=maxsize)(lambda *args, **kwargs: _freeze(fn(*args, **kwargs)))
    name = getattr(fn, "__qualname__", repr(fn))

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            hash((args, tuple(kwargs.items())))
        except TypeError as err:
            raise TypeError(
                f"{name} is cached, so its arguments must be hashable (numbers, strings, "
                f"tuples), got {err}; pass tuples instead of arrays or lists"
            ) from None
        return memo(*args, **kwargs)

    wrapper.cache_info = memo.cache_info
    wrapper.cache_clear = memo.cache_clear
    return wrapper


# --------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------


def _root_figure(artist: Artist):
    """The top-level Figure that holds ``artist`` (through any subfigures), or None."""
    figure = artist.figure
    while figure is not None and not isinstance(figure, Figure):
        figure = figure.figure
    return figure


def _png_bytes(canvas: FigureCanvasAgg) -> bytes:
    """The last Agg drawing of ``canvas`` as PNG, without drawing again."""
    from PIL import Image  # a dependency of matplotlib

    buffer = io.BytesIO()
    # Fast compression: the image goes to the browser once and is replaced on the next move.
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class Explorer:
    """Controls, one figure and an ``update(values)`` callback, wired together.

    On construction ``update`` is called once with the initial values. Then
    every change of a control's ``value`` calls ``update`` with the values
    of *all* controls and redraws the figure: ``figure.canvas.draw_idle()``
    when the canvas is an ipympl widget (``mode == "canvas"``), otherwise a
    full Agg draw rendered to PNG into :attr:`view`, an ``ipywidgets.Image``
    (``mode == "image"``). In image mode the explorer takes the figure over
    from pyplot (it closes it there), so that the inline backend does not
    display it again at the end of a later cell.

    ``update`` must move existing artists, never create a figure. It may
    leave the drawing half-changed if it raises: the exception is kept in
    :attr:`last_error`, its message is shown in :attr:`status` under the
    controls, and the figure is not redrawn, so the last good image stays on
    screen. The next successful update clears both. An exception in the
    initial update propagates, since there is no good figure yet.

    Parameters
    ----------
    controls : mapping name → ipywidgets ValueWidget
        Names are Python identifiers; they are the keys of ``values``.
    figure : matplotlib Figure
        Drawn once before, e.g. by :func:`coursekit.plotting.contour_paths`
        inside ``plt.ioff()``.
    update : callable values → None
        Moves the artists for the given values. Receives a new dict each time.
    measure : bool
        Record in :attr:`latencies` the time until the figure is rendered,
        without the PNG encoding: in image mode the Agg render the explorer
        does anyway (blitting the ``animated`` artists when the background
        holds, else a full draw); in canvas mode a synchronous full
        ``figure.canvas.draw()``, which ipympl otherwise leaves to the front
        end. Off by default.
    freeze_layout : bool
        Run the figure's layout engine (e.g. constrained layout) at the first
        update and on resize only, not on every draw. Measuring the tick
        labels is about half of a redraw; positions stay right as long as
        updates do not change labels, ticks or titles much. Pass False when
        they do. :meth:`close` gives the engine back to the figure.
    max_latencies : int
        How many latencies :attr:`latencies` keeps.
    animated : sequence of matplotlib Artists, optional
        The artists that ``update`` changes (lines, markers, texts, images).
        In image mode the rest of the figure (axes, ticks, labels, contours,
        legends) is then drawn once and kept as a background, and an update
        restores it and draws only these artists on top (blitting): about a
        millisecond instead of a full draw, which costs 50-150 ms for a
        two-panel figure on a small machine. The background is drawn again
        whenever an axes' limits or scales change, so an update may still
        rescale its axes; anything else it changes must be in this list.
        While the explorer is open the artists are marked animated, so a
        plain ``figure.savefig`` leaves them out; :meth:`close` unmarks them.
        Ignored in canvas mode (ipympl draws the figure itself).

    Attributes
    ----------
    controls : dict name → widget;  figure : the Figure
    widget : ipywidgets.VBox        controls, status line, figure: what a cell displays
    view : the ipympl canvas (mode "canvas") or an ipywidgets.Image (mode "image")
    status : ipywidgets.HTML        the message of the last failed update; hidden when empty
    mode : "canvas" or "image"
    measure : bool                  may be switched at any time
    latencies : deque of float      seconds per successful update, most recent last:
        ``update`` plus the redraw as done (draw_idle in canvas mode; the
        render, blitted or full, and the PNG in image mode); with ``measure``,
        ``update`` plus the render without the PNG (in canvas mode a full
        synchronous draw, after which ipympl also sends the new image)
    n_updates : int                 calls of ``update`` so far, the initial one included
    last_error : Exception or None

    Examples
    --------
    >>> import ipywidgets
    >>> import matplotlib.pyplot as plt
    >>> with plt.ioff():
    ...     fig, ax = plt.subplots()
    >>> (line,) = ax.plot([0.0, 1.0], [0.0, 1.0])
    >>> slope = ipywidgets.FloatSlider(value=1.0, min=-2.0, max=2.0, description="slope")
    >>> explorer = Explorer({"slope": slope}, fig, lambda v: line.set_ydata([0.0, v["slope"]]))
    >>> slope.value = -1.5
    >>> list(line.get_ydata()), explorer.n_updates
    ([0.0, -1.5], 2)
    >>> explorer.close()
    """

    def __init__(
        self,
        controls: Mapping,
        figure: Figure,
        update: Callable[[dict], None],
        *,
        measure: bool = False,
        freeze_layout: bool = True,
        max_latencies: int = MAX_LATENCIES,
        animated=(),
    ):
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
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        if not callable(update):
            raise TypeError(f"update must be a function of the values dict, got {type(update).__name__}")
        measure = check_bool("measure", measure)
        freeze_layout = check_bool("freeze_layout", freeze_layout)
        max_latencies = check_int("max_latencies", max_latencies, low=1)
        animated = tuple(animated)
        for i, artist in enumerate(animated):
            if not isinstance(artist, Artist) or _root_figure(artist) is not figure:
                raise ValueError(f"animated[{i}] must be an artist of this figure, got {artist!r}")

        self.controls = dict(controls)
        self.figure = figure
        self._callback = update
        self.measure = bool(measure)
        self.latencies: deque = deque(maxlen=max_latencies)
        self.n_updates = 0
        self.last_error: Exception | None = None
        self._hold = 0  # > 0 inside set(): changes wait for one update at the end
        self._running = False
        self._pending = False
        self._closed = False

        if isinstance(figure.canvas, ipywidgets.DOMWidget):  # ipympl
            self.mode = "canvas"
            self.view = figure.canvas
        else:
            self.mode = "image"
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None:
                pyplot.close(figure)  # pyplot no longer shows or counts it
            if not isinstance(figure.canvas, FigureCanvasAgg):
                FigureCanvasAgg(figure)  # attaches itself as figure.canvas
            # Shown at the figure's own pixel width: stretched to the cell's width
            # (the default) the PNG is resampled and looks blurred.
            width = f"{round(float(figure.bbox.width))}px"
            self.view = ipywidgets.Image(format="png", layout=ipywidgets.Layout(
                width=width, max_width="100%", height="auto"))
        # Blitting needs an Agg canvas that the explorer renders itself.
        self._animated = animated if self.mode == "image" else ()
        for artist in self._animated:
            artist.set_animated(True)
        self._background = None
        self._background_key = None

        engine = figure.get_layout_engine() if freeze_layout else None
        self._engine = None if isinstance(engine, PlaceHolderLayoutEngine) else engine
        self._resize_cid = None

        # Hidden while empty, so that it takes no room between controls and figure.
        self.status = ipywidgets.HTML(value="", layout=ipywidgets.Layout(display="none"))
        self._controls_box = ipywidgets.HBox(
            list(self.controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap")
        )
        self.widget = ipywidgets.VBox([self._controls_box, self.status, self.view])
        try:
            self._run(raise_errors=True)
        except BaseException:
            self._close_own_widgets()
            self._give_back_layout()
            raise
        for control in self.controls.values():
            control.observe(self._on_change, names="value")

    # -- public ------------------------------------------------------------------
    @property
    def values(self) -> dict:
        """The current value of every control, as a new dict."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values) -> None:
        """Set several controls, then update once (not once per control).

        An unknown name raises a TypeError before anything changes. If a
        control rejects its value, the changes already made are still shown
        and the control's error is raised.
        """
        self._check_open()
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise TypeError(f"set() got unknown controls {unknown}; the controls are {list(self.controls)}")
        self._hold += 1
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._hold -= 1
            if self._pending and not self._hold and not self._running:
                self._run()

    def refresh(self) -> None:
        """Call ``update`` with the current values and redraw, as after a change."""
        self._check_open()
        if self._running:
            self._pending = True
        else:
            self._run()

    def close(self) -> None:
        """Stop listening, close the widgets (controls included) and the figure."""
        if self._closed:
            return
        self._closed = True
        for control in self.controls.values():
            control.unobserve(self._on_change, names="value")
            control.close()
        self._close_own_widgets()
        self._give_back_layout()
        for artist in self._animated:
            artist.set_animated(False)
        self._background = None
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close(self.figure)
        if self.mode == "canvas":
            self.figure.canvas.close()

    def _repr_mimebundle_(self, **kwargs):
        """Display as the widget when a cell ends with the explorer."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"Explorer(controls={list(self.controls)}, mode={self.mode!r}, updates={self.n_updates})"

    # -- internals ---------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("this explorer is closed; build a new one to explore again")

    def _on_change(self, change) -> None:
        if self._hold or self._running:
            self._pending = True  # shown by the update already under way or at the end of set()
            return
        self._run()

    def _run(self, raise_errors: bool = False) -> None:
        self._running = True
        try:
            for _ in range(_MAX_PASSES):
                self._pending = False
                self._update_once(raise_errors)
                if not self._pending:
                    return
            self._show_error(RuntimeError(
                f"update kept changing the controls: still not settled after {_MAX_PASSES} passes"
            ))
        finally:
            self._running = False

    def _update_once(self, raise_errors: bool) -> None:
        self.n_updates += 1
        start = perf_counter()
        try:
            self._callback(self.values)
            self._freeze_layout_once()
            if self.mode == "image":
                self._render()
            elif self.measure:
                self.figure.canvas.draw()  # synchronous; ipympl also sends the image
            else:
                self.figure.canvas.draw_idle()  # ipympl: drawn when the front end asks
            drawn = perf_counter()
            if self.mode == "image":
                self.view.value = _png_bytes(self.figure.canvas)
            done = perf_counter()
        except Exception as err:
            if raise_errors:
                raise
            self._show_error(err)
            return
        self.latencies.append((drawn if self.measure else done) - start)
        if self.last_error is not None:
            self.last_error = None
            self.status.value = ""
            self.status.layout.display = "none"

    def _layout_key(self) -> tuple:
        """What the background depends on besides the static artists."""
        fig = self.figure
        axes = tuple(
            (ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
             ax.get_position(original=True).bounds)
            for ax in fig.axes
        )
        return (tuple(fig.get_size_inches()), fig.dpi, axes)

    def _render(self) -> None:
        """Draw the figure on the Agg canvas: blit the animated artists when the
        background still holds, else a full draw (which then becomes the background)."""
        canvas = self.figure.canvas
        if not self._animated:
            canvas.draw()
            return
        key = self._layout_key()
        if self._background is None or key != self._background_key:
            canvas.draw()  # skips the animated artists
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._background_key = key
        else:
            canvas.restore_region(self._background)
        for artist in self._animated:
            if artist.get_visible():
                self.figure.draw_artist(artist)

    def _show_error(self, err: Exception) -> None:
        self.last_error = err
        message = html.escape(f"{type(err).__name__}: {err}")
        self.status.value = (
            f'<span style="color: {_ERROR_COLOUR}">update failed, figure not redrawn: {message}</span>'
        )
        self.status.layout.display = None  # shown

    def _freeze_layout_once(self) -> None:
        if self._engine is None or self._resize_cid is not None:
            return
        self._engine.execute(self.figure)
        self.figure.set_layout_engine("none")  # keeps the positions just computed
        self._resize_cid = self.figure.canvas.mpl_connect("resize_event", self._on_resize)

    def _on_resize(self, event) -> None:
        # Margins are in inches: a new size needs a new layout (ipympl draws next).
        self._engine.execute(self.figure)
        self._background = None

    def _give_back_layout(self) -> None:
        if self._resize_cid is not None:
            self.figure.canvas.mpl_disconnect(self._resize_cid)
            self.figure.set_layout_engine(self._engine)
            self._resize_cid = None

    def _close_own_widgets(self) -> None:
        for widget in (self.widget, self._controls_box, self.status):
            widget.close()
        if self.mode == "image":
            self.view.close()


def measure_latency(explorer: Explorer, control, values) -> np.ndarray:
    """Move one control through ``values`` and return the latency of each move, in seconds.

    Each latency is the time from the change of the control until the figure
    is rendered with Agg, as recorded by the explorer with ``measure`` on: the
    callback plus the render the explorer really does (blitted when it
    declares its ``animated`` artists, a full draw otherwise), without the
    PNG encoding. The control
    is set back to its starting value afterwards (one more update, not
    measured). Every value must change the control, including the first.

    Parameters
    ----------
    explorer : Explorer
    control : str or widget
        A name in ``explorer.controls``, or the widget itself.
    values : sequence
        The values to visit in turn, e.g. 30 values for a median and a p95.

    Returns
    -------
    ndarray, shape (len(values),)
    """
    if not isinstance(explorer, Explorer):
        raise TypeError(f"explorer must be an Explorer, got {type(explorer).__name__}")
    explorer._check_open()
    if isinstance(control, str):
        if control not in explorer.controls:
            raise ValueError(f"control must be one of {list(explorer.controls)}, got {control!r}")
        name = control
    else:
        matches = [n for n, widget in explorer.controls.items() if widget is control]
        if not matches:
            raise ValueError(
                f"control must be a name or a widget of this explorer ({list(explorer.controls)}), "
                f"got {type(control).__name__}"
            )
        name = matches[0]
    widget = explorer.controls[name]
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one value, got none")

    start_value, measure = widget.value, explorer.measure
    explorer.measure = True
    latencies = np.empty(len(values))
    try:
        for i, value in enumerate(values):
            before = explorer.n_updates
            widget.value = value
            passes = explorer.n_updates - before
            if passes == 0:
                raise ValueError(
                    f"values[{i}] = {value!r} did not change {name} (it is {widget.value!r}): "
                    "each value must differ from the one before and lie within the control's range"
                )
            if explorer.last_error is not None:
                raise RuntimeError(f"the update for {name} = {value!r} failed") from explorer.last_error
            latencies[i] = sum(list(explorer.latencies)[-passes:])
    finally:
        explorer.measure = measure
        widget.value = start_value
    return latencies
