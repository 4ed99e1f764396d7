"""An exercise notebook in the JupyterLite site: its self-check cells work in the browser.

Exercise 01 in chromium (default site, no network): with the model answer
from ``solutions/`` the check passes; with a wrong answer the check cell
shows the check's own message, the one the same wrong answer gets from
coursekit on the desktop.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from coursekit import checks
from tests.browser.harness import ROOT

from .site import LitePage, Network

NAME = "01_sgd_and_learning_rate_decay.ipynb"
ANSWER_ID, CHECK_ID = "linear_schedule", "check_linear_schedule"
#: A plausible mistake: ε_k stays at ε_0 (no decay at all).
WRONG = '''def linear_schedule(k, lr0, lr_tau, tau):
    return lr0 + 0.0 * np.asarray(k)
'''


def _code_index(notebook: dict, grade_id: str) -> int:
    """Index among the code cells of the cell with this nbgrader id."""
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    return next(i for i, cell in enumerate(code) if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _model_answer() -> str:
    notebook = json.loads((ROOT / "solutions" / NAME).read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == ANSWER_ID)
    source = "".join(cell["source"])
    return re.sub(r"^\s*### (BEGIN|END) SOLUTION(\n|$)", "", source, flags=re.MULTILINE)


def _desktop_message(source: str) -> tuple[str, str]:
    namespace = {"np": np}
    exec(source, namespace)  # the same answer, checked by coursekit on this machine
    with pytest.raises(Exception) as raised:
        checks.linear_schedule(namespace["linear_schedule"])
    return type(raised.value).__name__, str(raised.value)


@pytest.fixture(scope="module")
def exercise(browser, default_server, default_site, pins, pyodide_files):
    name = f"exercises/{NAME}"
    network = Network(cdn=pins["pyodide"]["cdn"], files=pyodide_files)
    page = LitePage(browser, default_server, name, network)
    try:
        page.open(timeout=240)
        notebook = json.loads((default_site / "files" / name).read_text(encoding="utf-8"))
        for index in range(_code_index(notebook, ANSWER_ID)):  # the install cell and the imports
            cell = page.run_cell(index)
            assert not [o for o in cell["outputs"] if o["output_type"] == "error"], cell["outputs"]
        yield page, notebook
    finally:
        page.close()


def _errors(cell: dict) -> list[dict]:
    return [output for output in cell["outputs"] if output["output_type"] == "error"]


def test_the_model_answer_passes_its_check(exercise, artifacts):
    page, notebook = exercise
    answer = page.run_cell(_code_index(notebook, ANSWER_ID), _model_answer())
    assert _errors(answer) == []
    check = page.run_cell(_code_index(notebook, CHECK_ID))
    page.page.screenshot(path=artifacts / "exercise01_correct.png")
    assert check["execution_count"] is not None and _errors(check) == [], check["outputs"]


def test_a_wrong_answer_shows_the_checks_message(exercise, artifacts):
    page, notebook = exercise
    ename, message = _desktop_message(WRONG)
    page.run_cell(_code_index(notebook, ANSWER_ID), WRONG)
    check = page.run_cell(_code_index(notebook, CHECK_ID))
    page.page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").last \
        .scroll_into_view_if_needed()
    page.page.screenshot(path=artifacts / "exercise01_wrong.png")
    errors = _errors(check)
    assert len(errors) == 1, check["outputs"]
    # The Pyodide kernel names the class in full: "<class 'coursekit.checks._core.CheckFailed'>".
    assert errors[0]["ename"] in (ename, f"<class 'coursekit.checks._core.{ename}'>"), errors[0]["ename"]
    assert errors[0]["evalue"] == message
    # The message is on screen, not only in the model.
    assert message.splitlines()[0][:60] in page.page.locator(".jp-OutputArea").last.inner_text() or \
        message.splitlines()[0][:60] in page.page.inner_text(".jp-Notebook")
    assert page.network.reached_network() == []
