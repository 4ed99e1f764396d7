"""Write the README's pictures to docs/images/, taken from the executed lectures.

    python scripts/readme_images.py                 # docs/images/*.png
    python scripts/readme_images.py --output DIR

Each picture is the PNG stored in a lecture notebook as the output of the
cell that draws it (found by the figure call in the cell's source), so the
README shows exactly what the lecture shows. Nothing is executed: run
``python scripts/execute_notebooks.py`` first when the figures change. A
picture over the size limit (120 KB) is reduced to 256 colours (lossless
for these flat-coloured plots in all but name) and, if still too large,
scaled down until it fits.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 120 * 1024


@dataclass(frozen=True)
class ReadmeImage:
    name: str       # file name in docs/images/
    notebook: str   # lecture notebook under notebooks/
    marker: str     # text that identifies the drawing cell's source
    caption: str


IMAGES = (
    ReadmeImage("canyon.png", "04_momentum.ipynb", "momentum_figures.canyon_figure(",
                "Lecture 04: both methods swing across the canyon of Figure 8.5; momentum's swings die out faster."),
    ReadmeImage("rate_map.png", "04_momentum.ipynb", "momentum_figures.rate_map_figure(",
                "Lecture 04: the rate of the heavy ball over ε·L and α for κ = 100, with its optimum."),
    ReadmeImage("initialization.png", "07_parameter_initialization.ipynb",
                'init_figures.propagation(prop, quantity="activation")',
                "Lecture 07: the scale of the activations through 10 layers, by initializer."),
)


def stored_png(notebook: Path, marker: str) -> bytes:
    """The image/png output of the one code cell of ``notebook`` whose source contains ``marker``."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    matches = [c for c in cells if c["cell_type"] == "code" and marker in "".join(c["source"])]
    if len(matches) != 1:
        raise ValueError(f"{notebook.name}: expected one cell containing {marker!r}, found {len(matches)}")
    images = [o["data"]["image/png"] for o in matches[0].get("outputs", []) if "image/png" in o.get("data", {})]
    if len(images) != 1:
        raise ValueError(
            f"{notebook.name}: the cell containing {marker!r} has {len(images)} PNG outputs, expected 1 "
            "(is the notebook executed? python scripts/execute_notebooks.py)"
        )
    data = images[0]
    return base64.b64decode("".join(data) if isinstance(data, list) else data)


def shrink(png: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """``png`` itself if small enough, else 256 colours, else also scaled down by 10% steps."""
    if len(png) <= max_bytes:
        return png
    from PIL import Image  # comes with matplotlib

    image = Image.open(io.BytesIO(png))
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    image = image.convert("RGB")
    scale = 1.0
    while True:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        resized = image if scale == 1.0 else image.resize(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(buffer, format="png", optimize=True)
        if buffer.tell() <= max_bytes or scale < 0.2:
            if buffer.tell() > max_bytes:
                raise ValueError(f"cannot bring the image under {max_bytes} bytes")
            return buffer.getvalue()
        scale *= 0.9


def write_images(output: Path, max_bytes: int = MAX_BYTES) -> list[Path]:
    """Write every picture of :data:`IMAGES` to ``output``; returns the paths."""
    output.mkdir(parents=True, exist_ok=True)
    paths = []
    for image in IMAGES:
        png = shrink(stored_png(ROOT / "notebooks" / image.notebook, image.marker), max_bytes)
        path = output / image.name
        path.write_bytes(png)
        paths.append(path)
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "images",
                        help="folder to write to (default docs/images/)")
    parser.add_argument("--max-kb", type=int, default=MAX_BYTES // 1024, help="size limit per picture (120)")
    args = parser.parse_args(argv)
    from PIL import Image

    for path in write_images(args.output, args.max_kb * 1024):
        with Image.open(path) as image:
            size = image.size
        print(f"{path}: {size[0]}×{size[1]} px, {path.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
