"""Build static HTML pages of the executed lectures, with an index: build/html/.

    python scripts/build_html.py                        # build/html/index.html and one page per lecture
    python scripts/build_html.py --output DIR --exercises

Nothing is executed: the pages show the outputs stored in the notebooks
(``python scripts/execute_notebooks.py`` refreshes them). Figures are
embedded in the pages. An explorer needs a running kernel to move, so each
one is shown as the last image it drew, taken from the widget state stored
in the notebook: the page needs nothing from the network for its figures.
With ``--live-widgets`` the widget state is embedded instead, as nbconvert
does it; the explorers (inert sliders over their last image) are then drawn
by @jupyter-widgets/html-manager, which the page loads from a CDN.
Formulas are typeset by MathJax, which nbconvert also loads from a CDN.
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def title_of(notebook: dict, fallback: str) -> str:
    """The first level-1 heading of the notebook's first markdown cells."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            match = re.search(r"^#\s+(.+?)\s*$", source, re.MULTILINE)
            if match:
                return match.group(1)
    return fallback


def _last_image(state: dict, model_id: str, seen=()) -> str | None:
    """Base64 PNG of the first Image widget inside the widget ``model_id`` (depth first)."""
    model = state.get(model_id)
    if model is None or model_id in seen:
        return None
    if model.get("model_name") == "ImageModel":
        for buffer in model.get("buffers", []):
            if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
                return buffer["data"]
        return None
    for child in model.get("state", {}).get("children", []):
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            found = _last_image(state, child[len("IPY_MODEL_"):], (*seen, model_id))
            if found:
                return found
    return None


def freeze_widgets(notebook: dict) -> tuple[dict, int]:
    """A copy of ``notebook`` with each widget output replaced by the widget's last image.

    Widget outputs without an image keep their text/plain form. The widget
    state is dropped from the metadata, so that the page loads no widget
    manager. Returns the copy and the number of images put in.
    """
    notebook = copy.deepcopy(notebook)
    widgets = notebook.get("metadata", {}).pop("widgets", {})
    state = widgets.get(WIDGET_STATE, {}).get("state", {})
    frozen = 0
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            view = data.pop(WIDGET_VIEW)
            png = _last_image(state, view.get("model_id", ""))
            if png is not None:
                data["image/png"] = png
                frozen += 1
    return notebook, frozen


def export(path: Path, live_widgets: bool = False) -> tuple[str, str, int]:
    """(title, HTML, number of explorer images frozen) of the notebook at ``path``."""
    import nbformat
    from nbconvert import HTMLExporter

    node = nbformat.read(path, as_version=4)  # cell sources as strings
    frozen = 0
    if not live_widgets:
        node, frozen = freeze_widgets(node)
    title = title_of(node, path.stem)
    node.metadata["title"] = title  # the page's <title>
    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(node)
    return title, body, frozen


def index_page(entries: list[tuple[str, str, str]]) -> str:
    """The index: a list of (section, link, title), grouped by section."""
    sections: dict[str, list] = {}
    for section, link, title in entries:
        sections.setdefault(section, []).append((link, title))
    parts = []
    for section, items in sections.items():
        links = "\n".join(f'  <li><a href="{html.escape(link)}">{html.escape(title)}</a></li>' for link, title in items)
        parts.append(f"<h2>{html.escape(section)}</h2>\n<ul>\n{links}\n</ul>")
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Optimization for Training Deep Models</title>
<style>
  body {{ font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}
  li {{ margin: 0.3em 0; }}
</style>
</head>
<body>
<h1>Optimization for Training Deep Models</h1>
<p>The lectures of the course, with their stored outputs: Goodfellow, Bengio and Courville,
<em>Deep Learning</em> (MIT Press, 2016), sections 8.3.1 to 8.4. The explorers show the last
figure they drew; open the notebooks in JupyterLab to move them.</p>
{body}
</body>
</html>
"""


def build(output: Path, *, exercises: bool = False, live_widgets: bool = False) -> list[Path]:
    """Write one page per lecture (and exercise) plus index.html to ``output``; returns the pages."""
    output.mkdir(parents=True, exist_ok=True)
    sources = [("Lectures", p, p.stem + ".html") for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    if exercises:
        sources += [("Exercises", p, f"exercises/{p.stem}.html")
                    for p in sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))]
    entries, pages = [], []
    for section, path, link in sources:
        title, body, _ = export(path, live_widgets)
        page = output / link
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(body, encoding="utf-8")
        entries.append((section, link, title))
        pages.append(page)
    (output / "index.html").write_text(index_page(entries), encoding="utf-8")
    return pages


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "html",
                        help="folder to write to (default build/html/)")
    parser.add_argument("--exercises", action="store_true", help="also the exercise notebooks, under exercises/")
    parser.add_argument("--live-widgets", action="store_true",
                        help="embed the widget state (explorers drawn by a widget manager from a CDN) "
                             "instead of each explorer's last image")
    args = parser.parse_args(argv)
    pages = build(args.output, exercises=args.exercises, live_widgets=args.live_widgets)
    print(f"{len(pages)} pages and index.html in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
