"""Build static HTML pages of the executed lectures, with an index: build/html/.

    python scripts/build_html.py                        # build/html/index.html and one page per lecture
    python scripts/build_html.py --output DIR --exercises

Nothing is executed: the pages show the outputs stored in the notebooks
(``python scripts/execute_notebooks.py`` refreshes them). Figures are
embedded in the pages. An explorer needs a running kernel to move, so each
one is shown as the last image it drew, taken from the widget state stored
in the notebook.

The pages need no network. Formulas are typeset by MathJax 2.7, copied from
the PyPI package jupyter-server-mathjax into ``mathjax/`` next to the pages
(only the parts a page loads: TeX input, HTML-CSS output, STIX-Web fonts),
and every page loads it by a relative URL. nbconvert's other CDN scripts
(require.js, mermaid) are left out: no output of the course uses them.
"""

from __future__ import annotations

import argparse
import copy
import html
import re
import shutil
import sys
from pathlib import Path

__all__ = [
    "MATHJAX_CONFIG",
    "MATHJAX_PARTS",
    "build",
    "copy_mathjax",
    "export",
    "freeze_widgets",
    "index_page",
    "main",
    "mathjax_source",
    "title_of",
]

ROOT = Path(__file__).resolve().parent.parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"

#: The combined configuration that jupyter-server-mathjax ships (it has no
#: CommonHTML output, nbconvert's default), plus nbconvert's Safe mode.
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full,Safe"
#: What of the package's static/ folder a page loads, as glob patterns. Left
#: out: localization/ (English is built in), the SVG output and the a11y
#: tools (loaded only when a reader picks them in MathJax's menu).
MATHJAX_PARTS = (
    "LICENSE",
    "MathJax.js",
    "config/TeX-AMS-MML_HTMLorMML-full.js",
    "config/Safe.js",
    "extensions/*.js",
    "extensions/TeX/*.js",
    "extensions/MathML/*.js",
    "extensions/HTML-CSS/*.js",
    "extensions/a11y/accessibility-menu.js",
    "jax/element/**/*.js",
    "jax/input/**/*.js",
    "jax/output/HTML-CSS/**/*.js",
    "fonts/HTML-CSS/STIX-Web/woff/**/*.woff",
)

# nbconvert's lab template, less its CDN scripts. The package ships STIX-Web
# web fonts only, and MathJax's HTML-CSS output defaults to TeX fonts (and to
# PNG images of them as a fallback), so it is told to use STIX-Web; local
# fonts are ignored, so that every machine draws the same glyphs. The
# NativeMML output's style sheet (it styles the hidden MathML copy kept for
# screen readers) names TeX OpenType fonts the package does not have either:
# its @font-face rules are dropped, or every page would ask for missing files.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null}});
MathJax.Hub.Register.StartupHook("NativeMML Jax Startup", function () {
  var styles = MathJax.OutputJax.NativeMML.config.styles;
  for (var key in styles) { if (key.indexOf("@font-face") === 0) delete styles[key]; }
});
</script>
{{ super() }}
{%- endblock html_head_js_mathjax -%}
"""


def mathjax_source() -> Path:
    """The static/ folder of the installed jupyter-server-mathjax (MathJax 2.7)."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        raise SystemExit(
            "build_html.py needs MathJax from the package jupyter-server-mathjax: "
            "pip install jupyter-server-mathjax (it is in the test extra)"
        ) from None
    return Path(jupyter_server_mathjax.__file__).resolve().parent / "static"


def copy_mathjax(output: Path, source: Path | None = None) -> int:
    """Copy MathJax's needed parts (:data:`MATHJAX_PARTS`) to ``output``/mathjax; returns the bytes copied."""
    source = mathjax_source() if source is None else source
    target = output / "mathjax"
    if target.exists():
        shutil.rmtree(target)  # nothing stale from an earlier build
    size = 0
    for pattern in MATHJAX_PARTS:
        matches = sorted(p for p in source.glob(pattern) if p.is_file())
        if not matches:
            raise FileNotFoundError(f"{source} has nothing that matches {pattern!r}")
        for path in matches:
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            size += path.stat().st_size
    return size


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


def export(path: Path, mathjax_url: str = f"mathjax/MathJax.js?config={MATHJAX_CONFIG}") -> tuple[str, str, int]:
    """(title, HTML, number of explorer images frozen) of the notebook at ``path``.

    ``mathjax_url`` is where the page loads MathJax from, relative to the page.
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    node = nbformat.read(path, as_version=4)  # cell sources as strings
    node, frozen = freeze_widgets(node)
    title = title_of(node, path.stem)
    node.metadata["title"] = title  # the page's <title>
    exporter = HTMLExporter(
        template_name="lab", template_file="course.html.j2", mathjax_url=mathjax_url,
        extra_loaders=[jinja2.DictLoader({"course.html.j2": _TEMPLATE})],
    )
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


def build(output: Path, *, exercises: bool = False) -> list[Path]:
    """Write one page per lecture (and exercise), index.html and mathjax/ to ``output``; returns the pages."""
    output.mkdir(parents=True, exist_ok=True)
    copy_mathjax(output)
    sources = [("Lectures", p, p.stem + ".html") for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    if exercises:
        sources += [("Exercises", p, f"exercises/{p.stem}.html")
                    for p in sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))]
    entries, pages = [], []
    for section, path, link in sources:
        up = "../" * link.count("/")  # exercises/ pages load MathJax from one folder up
        title, body, _ = export(path, f"{up}mathjax/MathJax.js?config={MATHJAX_CONFIG}")
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
    args = parser.parse_args(argv)
    pages = build(args.output, exercises=args.exercises)
    mathjax = sum(p.stat().st_size for p in (args.output / "mathjax").rglob("*") if p.is_file())
    print(f"{len(pages)} pages, index.html and MathJax ({mathjax / 1e6:.1f} MB) in {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
