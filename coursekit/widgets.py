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
...     drawn = coursekit.plotting.contour_paths(
...         problem, [sgd_path(0.02), momentum_path(0.02, 0.9)], ["SGD", "momentum"],
...         extent=(-1.2, 1.2, -1.2, 1.2))
>>> sgd, momentum = drawn.paths["SGD"], drawn.paths["momentum"]  # line, start and end of each
>>> def update(values):
...     sgd.set_path(sgd_path(values["lr"]))
...     momentum.set_path(momentum_path(values["lr"], values["momentum"]))
>>> explorer = Explorer(
...     {"lr": log_slider("learning rate ε", 1e-3, 3e-2, 0.02),
...      "momentum": ipywidgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01,
...                                         description="momentum α")},
...     drawn.fig, update)
>>> explorer.controls["momentum"].value = 0.5
>>> sgd_path.cache_info().misses, momentum_path.cache_info().misses
(1, 2)
>>> explorer.close()
"""

from __future__ import annotations

import dataclasses
import functools
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
from matplotlib.figure import Figure

from ._explorer_controls import ControlPanel, log_slider
from ._explorer_render import FigureRenderer
from ._validation import check_bool, check_int

__all__ = ["Explorer", "cached", "log_slider"]

#: Latencies kept by an explorer: enough for a median and p95 over many moves.
MAX_LATENCIES = 200

# A callback that sets a control triggers one more pass; this many passes in
# a row mean the callback and the controls keep changing each other.
_MAX_PASSES = 5


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
# The explorer: controls, a renderer, and the update loop between them
# --------------------------------------------------------------------------


class Explorer:
    """Controls, one figure and an ``update(values)`` callback, wired together.

    On construction ``update`` is called once with the initial values. Then
    every change of a control's ``value`` calls ``update`` with the values
    of *all* controls, and the figure is redrawn and shown: with
    ``figure.canvas.draw_idle()`` when the canvas is an ipympl widget
    (``mode == "canvas"``), otherwise drawn with Agg (blitting the
    ``animated`` artists) and shown as a PNG in :attr:`view`, an
    ``ipywidgets.Image`` (``mode == "image"``). In image mode the explorer
    takes the figure over from pyplot, so that the inline backend does not
    display it again at the end of a later cell.

    ``update`` must move existing artists, never create a figure. It may
    leave the drawing half-changed if it raises: the exception is kept in
    :attr:`last_error`, its message is shown in :attr:`status` under the
    controls, and the figure is not redrawn, so the last good image stays on
    screen. The next successful update clears both. An exception in the
    initial update propagates, since there is no good figure yet. An
    ``update`` that sets a control gets one more pass with the new values
    (not a nested call); one that keeps doing so is stopped after
    5 passes and reported as failed.

    Parameters
    ----------
    controls : mapping name → ipywidgets ValueWidget
        Names are Python identifiers; they are the keys of ``values``.
    figure : matplotlib Figure
        Drawn once before, e.g. by :func:`coursekit.plotting.contour_paths`
        inside ``plt.ioff()``.
    update : callable values → None
        Moves the artists for the given values. Receives a new dict each time.
    animated : mapping name → Artist, or sequence of Artists, optional
        The artists that ``update`` changes (lines, markers, texts, images),
        by name: :attr:`artists` hands them back, e.g. to a test. In image
        mode the rest of the figure is drawn once and kept as a background
        that every redraw restores before drawing these artists on top. The
        background is drawn again whenever an axes' limits or scales change,
        so an update may still rescale its axes; anything else it changes
        must be in this list. See :class:`coursekit._explorer_render.FigureRenderer`.
    freeze_layout : bool
        Run the figure's layout engine (e.g. constrained layout) at the first
        update and on resize only, not on every draw. Pass False when updates
        change labels, ticks or titles much. :meth:`close` gives the engine back.
    measure : bool
        Record in :attr:`latencies` the time until the figure is drawn,
        without the PNG encoding (in canvas mode a synchronous full draw,
        which ipympl otherwise leaves to the front end). Off by default; may
        be switched at any time.
    max_latencies : int
        How many latencies :attr:`latencies` keeps.

    Attributes
    ----------
    controls : dict name → widget;  figure : the Figure;  artists : dict name → Artist
    widget : ipywidgets.VBox        controls, status line, figure: what a cell displays
    view : the ipympl canvas (mode "canvas") or an ipywidgets.Image (mode "image")
    status : ipywidgets.HTML        the message of the last failed update; hidden when empty
    mode : "canvas" or "image"
    panel : ControlPanel;  renderer : FigureRenderer   the two parts the explorer drives
    latencies : deque of float      seconds per successful update, most recent last:
        ``update`` plus the redraw and the PNG (or, with ``measure``, up to
        the end of the draw)
    n_updates : int                 calls of ``update`` so far, the initial one included
    last_error : Exception or None
    closed : bool

    Examples
    --------
    >>> import ipywidgets
    >>> import matplotlib.pyplot as plt
    >>> with plt.ioff():
    ...     fig, ax = plt.subplots()
    >>> (line,) = ax.plot([0.0, 1.0], [0.0, 1.0])
    >>> slope = ipywidgets.FloatSlider(value=1.0, min=-2.0, max=2.0, description="slope")
    >>> explorer = Explorer({"slope": slope}, fig, lambda v: line.set_ydata([0.0, v["slope"]]),
    ...                     animated={"line": line})
    >>> slope.value = -1.5
    >>> list(explorer.artists["line"].get_ydata()), explorer.n_updates
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
        if not callable(update):
            raise TypeError(f"update must be a function of the values dict, got {type(update).__name__}")
        self.measure = check_bool("measure", measure)
        max_latencies = check_int("max_latencies", max_latencies, low=1)
        self.panel = ControlPanel(controls)
        try:
            self.renderer = FigureRenderer(figure, animated=animated, freeze_layout=freeze_layout)
        except BaseException:
            self.panel.close(controls=False)  # the controls are the caller's until the explorer exists
            raise
        self.widget = ipywidgets.VBox([self.panel.box, self.panel.status, self.renderer.view])
        self._callback = update
        self.latencies: deque = deque(maxlen=max_latencies)
        self.n_updates = 0
        self.last_error: Exception | None = None
        self.closed = False
        self._hold = 0  # > 0 inside set(): changes wait for one update at the end
        self._running = False
        self._pending = False
        try:
            self._run(raise_errors=True)
        except BaseException:
            self._close_parts(controls=False)
            self.renderer.release()
            raise
        self.panel.watch(self._on_change)

    # -- the parts, by their usual names ---------------------------------------
    @property
    def controls(self) -> dict:
        return self.panel.controls

    @property
    def status(self) -> ipywidgets.HTML:
        return self.panel.status

    @property
    def figure(self) -> Figure:
        return self.renderer.figure

    @property
    def view(self):
        return self.renderer.view

    @property
    def mode(self) -> str:
        return self.renderer.mode

    @property
    def artists(self) -> dict:
        return self.renderer.artists

    @property
    def values(self) -> dict:
        """The current value of every control, as a new dict."""
        return self.panel.values

    # -- public ------------------------------------------------------------------
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

    def close(self) -> None:
        """Stop listening, close the widgets (controls included) and the figure."""
        if self.closed:
            return
        self.closed = True
        self.panel.unwatch(self._on_change)
        self._close_parts(controls=True)
        self.renderer.close()

    def _repr_mimebundle_(self, **kwargs):
        """Display as the widget when a cell ends with the explorer."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"Explorer(controls={list(self.controls)}, mode={self.mode!r}, updates={self.n_updates})"

    # -- the update loop ---------------------------------------------------------
    def _check_open(self) -> None:
        if self.closed:
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
            self._fail(RuntimeError(
                f"update kept changing the controls: still not settled after {_MAX_PASSES} passes"
            ))
        finally:
            self._running = False

    def _update_once(self, raise_errors: bool) -> None:
        self.n_updates += 1
        start = perf_counter()
        try:
            self._callback(self.values)
            self.renderer.draw(wait=self.measure)
            drawn = perf_counter()
            self.renderer.publish()
            done = perf_counter()
        except Exception as err:
            if raise_errors:
                raise
            self._fail(err)
            return
        self.latencies.append((drawn if self.measure else done) - start)
        if self.last_error is not None:
            self.last_error = None
            self.panel.clear_error()

    def _fail(self, err: Exception) -> None:
        self.last_error = err
        self.panel.show_error(err)

    def _close_parts(self, *, controls: bool) -> None:
        self.widget.close()
        self.panel.close(controls=controls)
        if self.mode == "image":
            self.view.close()
