"""How an explorer puts its figure on screen after each update.

One part of :class:`coursekit.widgets.Explorer`. Two modes, chosen from the
figure's canvas:

* ``"canvas"``: ipympl (``%matplotlib widget``), whose canvas is itself a
  widget. A redraw is ``figure.canvas.draw_idle()``; the front end asks for
  the new image when it is ready.
* ``"image"``: any other backend (``%matplotlib inline``, Agg in the
  tests). The figure is drawn with Agg and sent as a PNG into an
  ``ipywidgets.Image``. The artists an update moves may be declared
  (``animated``): the rest of the figure is then drawn once and kept as a
  background, and a redraw restores it and draws only those artists on top
  (blitting), about a millisecond instead of 50-150 ms for a full draw of a
  two-panel figure.

In both modes the figure's layout engine (e.g. constrained layout) may be
run once and then frozen: measuring the tick labels is about half of a
redraw, and the positions stay right as long as updates do not change
labels, ticks or titles much.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping

import ipywidgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from ._validation import check_bool

__all__ = ["FigureRenderer"]


def _root_figure(artist: Artist):
    """The top-level Figure that holds ``artist`` (through any subfigures), or None."""
    figure = artist.figure
    while figure is not None and not isinstance(figure, Figure):
        figure = figure.figure
    return figure


def _named_artists(animated, figure: Figure) -> dict:
    """``animated`` as a dict name → artist: a mapping as given, a sequence keyed 0, 1, ..."""
    items = animated.items() if isinstance(animated, Mapping) else enumerate(tuple(animated))
    artists = dict(items)
    for name, artist in artists.items():
        if not isinstance(artist, Artist) or _root_figure(artist) is not figure:
            raise ValueError(f"animated[{name!r}] must be an artist of this figure, got {artist!r}")
    return artists


def _png_bytes(canvas: FigureCanvasAgg) -> bytes:
    """The last Agg drawing of ``canvas`` as PNG, without drawing again."""
    from PIL import Image  # a dependency of matplotlib

    buffer = io.BytesIO()
    # Fast compression: the image goes to the browser once and is replaced on the next move.
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class FigureRenderer:
    """Draws a figure after each update and shows it, in canvas or image mode (see the module).

    Parameters
    ----------
    figure : matplotlib Figure
    animated : mapping name → Artist, or sequence of Artists
        The artists that updates move; in image mode they are blitted over
        a kept background (ignored in canvas mode, where ipympl draws).
        While the renderer holds them they are marked animated, so a plain
        ``figure.savefig`` leaves them out; :meth:`release` unmarks them.
    freeze_layout : bool
        Run the layout engine at the first draw and on resize only.

    Attributes
    ----------
    figure, mode ("canvas" or "image")
    view : the ipympl canvas, or the ``ipywidgets.Image`` that shows the PNG
    artists : dict name → Artist   ``animated`` by name (a sequence: keys 0, 1, ...)
    """

    def __init__(self, figure: Figure, *, animated=(), freeze_layout: bool = True):
        if not isinstance(figure, Figure):
            raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
        freeze_layout = check_bool("freeze_layout", freeze_layout)
        self.artists = _named_artists(animated, figure)
        self.figure = figure
        if isinstance(figure.canvas, ipywidgets.DOMWidget):  # ipympl
            self.mode, self.view = "canvas", figure.canvas
        else:
            self.mode, self.view = "image", self._image_view(figure)
        # Blitting needs an Agg canvas that the renderer draws itself.
        self._animated = tuple(self.artists.values()) if self.mode == "image" else ()
        for artist in self._animated:
            artist.set_animated(True)
        self._background = None
        self._background_key = None
        engine = figure.get_layout_engine() if freeze_layout else None
        self._engine = None if isinstance(engine, PlaceHolderLayoutEngine) else engine
        self._resize_cid = None

    @staticmethod
    def _image_view(figure: Figure) -> ipywidgets.Image:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            # Taken over: otherwise the inline backend would show it again at the end of a later cell.
            pyplot.close(figure)
        if not isinstance(figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(figure)  # attaches itself as figure.canvas
        # At the figure's own pixel width: stretched to the cell's width the PNG looks blurred.
        width = f"{round(float(figure.bbox.width))}px"
        return ipywidgets.Image(format="png", layout=ipywidgets.Layout(
            width=width, max_width="100%", height="auto"))

    @property
    def blits(self) -> bool:
        """Whether a redraw restores a kept background and draws only the moving artists."""
        return bool(self._animated)

    def draw(self, *, wait: bool = False) -> None:
        """Redraw after an update: blitted or full with Agg (image mode), ``draw_idle`` (canvas
        mode), or with ``wait`` a synchronous full draw in canvas mode too."""
        self._freeze_layout_once()
        canvas = self.figure.canvas
        if self.mode == "canvas" and not wait:
            canvas.draw_idle()  # ipympl: drawn when the front end asks
        elif self.mode == "canvas" or not self._animated:
            canvas.draw()
        else:
            self._blit(canvas)

    def publish(self) -> None:
        """Send the last drawing to the view (image mode: a PNG; canvas mode: nothing to do)."""
        if self.mode == "image":
            self.view.value = _png_bytes(self.figure.canvas)

    def forget_background(self) -> None:
        """Make the next :meth:`draw` a full draw (which then becomes the background)."""
        self._background = None

    def _layout_key(self) -> tuple:
        """What the background depends on besides the static artists."""
        fig = self.figure
        axes = tuple(
            (ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(),
             ax.get_position(original=True).bounds)
            for ax in fig.axes
        )
        return (tuple(fig.get_size_inches()), fig.dpi, axes)

    def _blit(self, canvas: FigureCanvasAgg) -> None:
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

    def release(self) -> None:
        """Give the figure back as it was: its layout engine, and its artists unmarked."""
        if self._resize_cid is not None:
            self.figure.canvas.mpl_disconnect(self._resize_cid)
            self.figure.set_layout_engine(self._engine)
            self._resize_cid = None
        for artist in self._animated:
            artist.set_animated(False)
        self._background = None

    def close(self) -> None:
        """Release the figure, then close the view and the figure."""
        self.release()
        if self.mode == "image":
            self.view.close()
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close(self.figure)
        if self.mode == "canvas":
            self.figure.canvas.close()
