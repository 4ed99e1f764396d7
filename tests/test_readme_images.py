"""scripts/readme_images.py: the README's pictures are the lectures' stored figures, small enough."""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("readme_images", ROOT / "scripts" / "readme_images.py")
readme_images = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("readme_images", readme_images)  # dataclasses look their module up
_spec.loader.exec_module(readme_images)


def _pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, image).convert("RGB"), dtype=float)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    output = tmp_path_factory.mktemp("images")
    assert readme_images.main(["--output", str(output)]) == 0
    return output


@pytest.mark.parametrize("image", readme_images.IMAGES, ids=lambda i: i.name)
def test_each_picture_is_the_stored_figure_within_the_size_limit(written, image):
    png = (written / image.name).read_bytes()
    assert len(png) <= 120 * 1024
    # Independent extraction of the stored output: the cell whose source holds the marker.
    cells = json.loads((ROOT / "notebooks" / image.notebook).read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if c["cell_type"] == "code" and image.marker in "".join(c["source"])]
    (stored,) = [base64.b64decode(o["data"]["image/png"]) for o in cell["outputs"] if "image/png" in o.get("data", {})]
    ours, theirs = _pixels(png), _pixels(stored)
    assert ours.shape == theirs.shape  # these three fit without scaling down
    assert np.abs(ours - theirs).mean() < 2.0  # 256 colours: small differences only, out of 255


def test_the_committed_pictures_are_current_and_in_the_readme(written):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\(docs/images/([^)\s]+)\)", readme))
    assert linked == {image.name for image in readme_images.IMAGES}
    for image in readme_images.IMAGES:
        committed = ROOT / "docs" / "images" / image.name
        assert committed.read_bytes() == (written / image.name).read_bytes(), (
            f"docs/images/{image.name} is out of date: run python scripts/readme_images.py"
        )


def test_shrink_reduces_colours_then_size_until_it_fits():
    rng = np.random.default_rng(0)
    noisy = Image.fromarray(rng.integers(0, 256, size=(300, 400, 3), dtype=np.uint8))
    buffer = io.BytesIO()
    noisy.save(buffer, format="png")
    png = buffer.getvalue()
    assert readme_images.shrink(png, len(png)) == png  # small enough: untouched
    small = readme_images.shrink(png, 60 * 1024)
    assert len(small) <= 60 * 1024
    assert Image.open(io.BytesIO(small)).width < 400  # noise does not compress: it had to scale down
    with pytest.raises(ValueError, match="cannot bring the image under 100 bytes"):
        readme_images.shrink(png, 100)
