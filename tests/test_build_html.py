"""scripts/build_html.py: one page per lecture and an index, figures and explorers embedded,
MathJax copied next to the pages and loaded from there (nothing from a CDN).

tests/browser/test_offline_pages.py opens the pages in chromium with the network cut off.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_html", ROOT / "scripts" / "build_html.py")
build_html = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("build_html", build_html)  # dataclasses look their module up
_spec.loader.exec_module(build_html)

LECTURES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
EMBEDDED_PNG = re.compile(r'<img\b[^>]*\bsrc="data:image/png;base64,')


def _stored(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _first_heading(notebook: dict) -> str:
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError("no level-1 heading")


def _count_outputs(notebook: dict, mime: str) -> int:
    return sum(mime in output.get("data", {})
               for cell in notebook["cells"] if cell["cell_type"] == "code"
               for output in cell.get("outputs", []))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("html")
    before = {path: path.read_bytes() for path in LECTURES}
    assert build_html.main(["--output", str(output), "--exercises"]) == 0
    assert {path: path.read_bytes() for path in LECTURES} == before, "the build must not touch the notebooks"
    return output


def test_index_links_every_lecture_under_its_title(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', index)
    expected = [(f"{p.stem}.html", _first_heading(_stored(p)).replace("&", "&amp;")) for p in LECTURES]
    expected += [(f"exercises/{p.stem}.html", _first_heading(_stored(p)).replace("&", "&amp;")) for p in EXERCISES]
    assert links == expected
    assert all((site / link).is_file() for link, _ in links)


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.name[:2])
def test_each_page_holds_its_title_figures_and_explorer_images(site, path):
    notebook = _stored(path)
    page = (site / f"{path.stem}.html").read_text(encoding="utf-8")
    title = _first_heading(notebook)
    assert f"<title>{title}</title>" in page
    assert f"{title}</h1>" in page or f">{title}<" in page
    figures = _count_outputs(notebook, "image/png")
    explorers = _count_outputs(notebook, "application/vnd.jupyter.widget-view+json")
    # Every stored figure and every explorer's last image, embedded in the page.
    assert len(EMBEDDED_PNG.findall(page)) == figures + explorers >= 1
    assert "widget-view+json" not in page and "html-manager" not in page  # no widget manager from a CDN


def test_freeze_widgets_uses_the_image_inside_the_explorer_box():
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_slider", "IPY_MODEL_img"]}},
        "slider": {"model_name": "FloatSliderModel", "state": {}},
        "img": {"model_name": "ImageModel", "state": {"format": "png"},
                "buffers": [{"path": ["value"], "encoding": "base64", "data": "iVBORw0KGgo="}]},
    }
    notebook = {
        "metadata": {"widgets": {build_html.WIDGET_STATE: {"state": state}}},
        "cells": [{"cell_type": "code", "source": "e", "outputs": [
            {"output_type": "execute_result", "data": {build_html.WIDGET_VIEW: {"model_id": "box"},
                                                        "text/plain": "Explorer(...)"}},
            {"output_type": "display_data", "data": {build_html.WIDGET_VIEW: {"model_id": "slider"},
                                                      "text/plain": "FloatSlider(...)"}},
        ]}],
    }
    frozen, count = build_html.freeze_widgets(notebook)
    first, second = frozen["cells"][0]["outputs"]
    assert count == 1
    assert first["data"] == {"image/png": "iVBORw0KGgo=", "text/plain": "Explorer(...)"}
    assert second["data"] == {"text/plain": "FloatSlider(...)"}  # no image: the text stays
    assert "widgets" not in frozen["metadata"]
    assert build_html.WIDGET_VIEW in notebook["cells"][0]["outputs"][0]["data"]  # input unchanged


SCRIPT_SRC = re.compile(r'<script\b[^>]*\bsrc="([^"]*)"')
LINK_HREF = re.compile(r'<link\b[^>]*\bhref="([^"]*)"')


@pytest.mark.parametrize("page", [f"{p.stem}.html" for p in LECTURES] + [f"exercises/{p.stem}.html" for p in EXERCISES])
def test_every_page_loads_mathjax_from_next_to_it_and_nothing_from_a_cdn(site, page):
    text = (site / page).read_text(encoding="utf-8")
    sources = SCRIPT_SRC.findall(text)
    up = "../" * page.count("/")
    assert sources == [f"{up}mathjax/MathJax.js?config={build_html.MATHJAX_CONFIG}"]
    assert (site / page).parent.joinpath(sources[0].split("?")[0]).resolve().is_file()
    for config in build_html.MATHJAX_CONFIG.split(","):  # each config file the URL names is there
        assert (site / "mathjax" / "config" / f"{config}.js").is_file(), config
    # No script, style sheet or module import from another host, e.g. require.js or mermaid.
    assert not [url for url in sources + LINK_HREF.findall(text) if "//" in url]
    for host in ("cdnjs", "unpkg", "jsdelivr", "cdn."):
        assert host not in text, f"{page} still names {host}"
    assert "require.min.js" not in text and "mermaid" not in text.lower()


def test_mathjax_holds_what_a_page_loads_and_little_else(site):
    files = [p for p in (site / "mathjax").rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    names = {p.relative_to(site / "mathjax").as_posix() for p in files}
    assert {"MathJax.js", "LICENSE", "config/TeX-AMS-MML_HTMLorMML-full.js", "config/Safe.js",
            "jax/output/HTML-CSS/fonts/STIX-Web/fontdata.js",
            "fonts/HTML-CSS/STIX-Web/woff/STIXMathJax_Main-Regular.woff"} <= names
    # Left out: translations, the SVG output and the screen-reader explorer (loaded on request only).
    assert not [n for n in names if n.startswith(("localization/", "jax/output/SVG/", "extensions/a11y/mathjax-sre"))]
    source = build_html.mathjax_source()
    whole = sum(p.stat().st_size for p in source.rglob("*") if p.is_file())
    assert 1e6 < size < 3e6 < whole, f"{size / 1e6:.2f} MB copied of {whole / 1e6:.2f} MB"


def test_copy_mathjax_fails_when_the_package_lacks_a_part(tmp_path):
    source = tmp_path / "static"
    source.mkdir()
    (source / "MathJax.js").write_text("//", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="LICENSE"):
        build_html.copy_mathjax(tmp_path / "out", source)


def test_copy_mathjax_replaces_an_earlier_copy(tmp_path):
    stale = tmp_path / "mathjax" / "localization" / "de" / "de.js"
    stale.parent.mkdir(parents=True)
    stale.write_text("//", encoding="utf-8")
    size = build_html.copy_mathjax(tmp_path)
    assert not stale.exists()
    assert size == sum(p.stat().st_size for p in (tmp_path / "mathjax").rglob("*") if p.is_file())


def test_live_widgets_option_is_gone():
    # It loaded @jupyter-widgets/html-manager from a CDN; the pages now need no network.
    with pytest.raises(SystemExit):
        build_html.main(["--live-widgets", "--output", "unused"])
