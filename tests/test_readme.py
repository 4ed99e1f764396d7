"""The README's coursekit example runs and prints what the README says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _block(marker: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\s*```\w*\n(.*?)```\s*<!-- /{marker} -->", text, re.S)
    assert match, f"README.md has no fenced block between <!-- {marker} --> markers"
    return match.group(1)


def test_readme_example_prints_the_documented_output():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_block("example"), "README example", "exec"), {})
    assert out.getvalue() == _block("example-output")


def test_the_lecture_table_quotes_only_numbers_its_lecture_prints():
    """Each row's numbers come from that lecture's outputs (or are marked "(book)")."""
    import json

    from tests.summary_numbers import compared_outputs, unmatched

    rows = re.findall(r"^\| \[\d\d [^\]]*\]\(notebooks/(\d\d_\w+)\.ipynb\) \|[^|]*\|(.*)\|$",
                      README.read_text(encoding="utf-8"), re.M)
    assert len(rows) == 8
    for stem, shows in rows:
        nb = json.loads((README.parent / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        assert unmatched(shows, compared_outputs(nb)) == [], f"README.md's row for {stem} quotes numbers it does not print"
