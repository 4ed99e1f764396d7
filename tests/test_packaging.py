"""Packaging checks: pyproject.toml and environment.yml declare the same
dependencies and the same minimum Python as README.md, README, CI script and
pytest configuration agree, every coursekit module has an explicit
``__all__``, and the nbval hook of the root conftest.py really changes what
nbval compares.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tomllib
import types
import warnings
import xml.etree.ElementTree as ET
from itertools import chain
from pathlib import Path

import numpy as np
import pytest
import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "coursekit"

# The course's tool facts are checked on this Python, and tomllib is in its
# standard library; every file must state it as the minimum.
MINIMUM_PYTHON = "3.11"

# conda-forge names that differ from the PyPI name of the same library.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
# Entries of environment.yml that are not Python packages of the project.
CONDA_ONLY = {"python", "pip"}
PYTHON_CLASSIFIER = re.compile(r"Programming Language :: Python :: (3\.\d+)")


def load(name: str, *edits: tuple[str, str]):
    """A file of the repository, parsed, after (old, new) text replacements.

    The edits let the tests below feed the checks a drifted copy of the files.
    """
    text = (ROOT / name).read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} must occur exactly once in {name}"
        text = text.replace(old, new)
    if name.endswith(".toml"):
        return tomllib.loads(text)
    if name.endswith(".yml"):
        return yaml.safe_load(text)
    return text


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return load("pyproject.toml")


@pytest.fixture(scope="module")
def environment() -> dict:
    return load("environment.yml")


@pytest.fixture(scope="module")
def readme() -> str:
    return load("README.md")


# --------------------------------------------------------------------------
# Dependencies: pyproject.toml against environment.yml
# --------------------------------------------------------------------------


def pyproject_requirements(pyproject: dict) -> dict[str, SpecifierSet]:
    """Core dependencies plus every extra: {normalized name: specifiers}.

    Markers are dropped: conda has none, so environment.yml lists every
    package unconditionally.
    """
    project = pyproject["project"]
    extras = project.get("optional-dependencies", {})
    merged: dict[str, SpecifierSet] = {}
    for line in chain(project.get("dependencies", []), *extras.values()):
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name == canonicalize_name(project["name"]):
            # project[extra] only merges extras that are read here anyway.
            if not requirement.extras <= extras.keys() or requirement.specifier:
                raise ValueError(f"bad self-reference {line!r}")
            continue
        if merged.setdefault(name, requirement.specifier) != requirement.specifier:
            raise ValueError(f"{name} is declared twice with different bounds")
    return merged


def conda_requirements(environment: dict) -> dict[str, SpecifierSet]:
    """environment.yml's conda dependencies, PyPI-named, minus python and pip.

    Each must also be valid PEP 508, so conda-only forms (``=1.2``, ``1.2.*``,
    ``channel::name``, build strings), whose meaning pip does not share, fail.
    """
    merged: dict[str, SpecifierSet] = {}
    for spec in environment["dependencies"]:
        if isinstance(spec, dict):  # the nested `pip:` list
            continue
        requirement = Requirement(spec)
        if requirement.extras or requirement.marker or requirement.url:
            raise ValueError(f"not a plain conda spec: {spec!r}")
        name = canonicalize_name(requirement.name)
        name = CONDA_TO_PYPI.get(name, name)
        if name in merged:
            raise ValueError(f"{name} is listed twice in environment.yml")
        if name not in CONDA_ONLY:
            merged[name] = requirement.specifier
    return merged


def compare_requirements(pyproject: dict, environment: dict) -> list[str]:
    """One message per difference between the two declarations; [] when equal."""
    pypi, conda = pyproject_requirements(pyproject), conda_requirements(environment)

    def describe(specifier: SpecifierSet | None) -> str:
        return "not listed" if specifier is None else str(specifier) or "no bound"

    return [
        f"{name}: pyproject.toml {describe(pypi.get(name))}, environment.yml {describe(conda.get(name))}"
        for name in sorted(pypi.keys() | conda.keys())
        if pypi.get(name) != conda.get(name)
    ]


def test_environment_yml_lists_the_same_packages_and_bounds_as_pyproject(pyproject, environment):
    problems = compare_requirements(pyproject, environment)
    assert problems == [], "pyproject.toml and environment.yml differ:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "pyproject_edits, environment_edits, expected",
    [
        ([], [("numpy>=1.24", "numpy>=1.26")], ["numpy: pyproject.toml >=1.24, environment.yml >=1.26"]),
        ([], [("  - nbval>=0.11\n", "")], ["nbval: pyproject.toml >=0.11, environment.yml not listed"]),
        ([], [("  # core\n", "  - scipy>=1.10\n")], ["scipy: pyproject.toml not listed, environment.yml >=1.10"]),
        ([('"hypothesis>=6.80"', '"hypothesis"')], [], ["hypothesis: pyproject.toml no bound, environment.yml >=6.80"]),
        # Equal after normalizing names and the order of specifiers.
        ([('"numpy>=1.24"', '"NumPy<3,>=1.24"')], [("numpy>=1.24", "numpy >=1.24,<3")], []),
    ],
)
def test_comparison_reports_a_drift(pyproject_edits, environment_edits, expected):
    drifted = load("pyproject.toml", *pyproject_edits), load("environment.yml", *environment_edits)
    assert compare_requirements(*drifted) == expected


@pytest.mark.parametrize(
    "pyproject_edits, environment_edits, message",
    [
        ([], [("  # core\n", "  - numpy>=1.20\n")], "listed twice"),
        ([("[course,instructor,hub,lite]", "[course,gpu]")], [], "bad self-reference"),
        ([('"nbclient>=0.8",\n    "nbconvert', '"nbclient>=0.9",\n    "nbconvert')], [], "different bounds"),
    ],
)
def test_comparison_rejects_what_it_cannot_compare(pyproject_edits, environment_edits, message):
    drifted = load("pyproject.toml", *pyproject_edits), load("environment.yml", *environment_edits)
    with pytest.raises(ValueError, match=message):
        compare_requirements(*drifted)


# conda's fuzzy `=`, a bare version, a channel prefix and a build string.
@pytest.mark.parametrize("spec", ["numpy=1.24", "numpy 1.24.*", "conda-forge::numpy>=1.24", "numpy>=1.24=py_0"])
def test_conda_only_forms_are_rejected(spec):
    with pytest.raises(InvalidRequirement):
        compare_requirements(load("pyproject.toml"), load("environment.yml", ("numpy>=1.24", spec)))


def test_core_and_extras_hold_what_the_course_tests_and_instructors_need(pyproject):
    project = pyproject["project"]
    groups = {
        group: {canonicalize_name(r.name): r for r in map(Requirement, lines)}
        for group, lines in {"core": project["dependencies"], **project["optional-dependencies"]}.items()
    }
    assert set(groups) == {"core", "course", "test", "instructor", "hub", "lite"}
    assert set(groups["core"]) == {"numpy", "matplotlib"}
    assert set(groups["course"]) == {"jupyterlab", "ipywidgets", "ipympl", "nbclient"}
    assert {
        "pytest", "nbval", "hypothesis", "nbclient", "nbconvert", "playwright", "packaging", "pyyaml",
    } <= set(groups["test"])
    # The tests regenerate the student notebooks with nbgrader: test pulls in instructor,
    # tests/hub/ runs a class on JupyterHub: test pulls in hub; tests/lite/ builds the
    # in-browser site: test pulls in lite.
    assert groups["test"][canonicalize_name(project["name"])].extras == {"course", "instructor", "hub", "lite"}
    assert "jupyterhub" in groups["hub"] and "jupyterhub" not in groups["instructor"]
    assert "nbgrader" in groups["instructor"]
    assert "nbgrader" not in groups["course"]


def test_environment_yml_is_conda_forge_and_installs_the_package(environment, readme):
    assert set(environment) == {"name", "channels", "dependencies"}
    assert environment["channels"] == ["conda-forge"]
    assert "pip" in environment["dependencies"]
    assert [d for d in environment["dependencies"] if isinstance(d, dict)] == [{"pip": ["-e ."]}]
    assert f"conda activate {environment['name']}" in readme


# --------------------------------------------------------------------------
# One minimum Python
# --------------------------------------------------------------------------


def classifier_pythons(pyproject: dict) -> list[Version]:
    return sorted(
        Version(m.group(1)) for c in pyproject["project"]["classifiers"] if (m := PYTHON_CLASSIFIER.fullmatch(c))
    )


def python_minimums(pyproject: dict, environment: dict, readme: str) -> dict[str, Version]:
    """The lowest supported Python, as each place states it."""

    def lower_bound(specifier: SpecifierSet) -> Version:
        (bound,) = [Version(s.version) for s in specifier if s.operator == ">="]
        return bound

    (conda_python,) = [
        Requirement(d) for d in environment["dependencies"]
        if isinstance(d, str) and Requirement(d).name == "python"
    ]
    (stated,) = re.findall(r"\bPython (\d+\.\d+) or newer", readme)
    return {
        "README.md": Version(stated),
        "requires-python": lower_bound(SpecifierSet(pyproject["project"]["requires-python"])),
        "classifiers": classifier_pythons(pyproject)[0],
        "environment.yml": lower_bound(conda_python.specifier),
    }


def test_every_file_states_the_same_minimum_python(pyproject, environment, readme):
    minimums = python_minimums(pyproject, environment, readme)
    assert set(minimums.values()) == {Version(MINIMUM_PYTHON)}, minimums


@pytest.mark.parametrize(
    "name, old, new",
    [
        ("README.md", f"Python {MINIMUM_PYTHON} or newer", "Python 3.99 or newer"),
        ("pyproject.toml", f'requires-python = ">={MINIMUM_PYTHON}"', 'requires-python = ">=3.99"'),
        ("pyproject.toml", f'"Programming Language :: Python :: {MINIMUM_PYTHON}",', ""),
        ("environment.yml", f"python>={MINIMUM_PYTHON}", "python>=3.99"),
    ],
)
def test_a_drifted_minimum_python_is_caught(name, old, new):
    files = {n: load(n) for n in ("pyproject.toml", "environment.yml", "README.md")}
    files[name] = load(name, (old, new))
    minimums = python_minimums(files["pyproject.toml"], files["environment.yml"], files["README.md"])
    assert len(set(minimums.values())) > 1


def test_classifiers_and_requires_python_describe_the_same_pythons(pyproject):
    requires = SpecifierSet(pyproject["project"]["requires-python"])
    assert len(requires) == 1, "requires-python is a lower bound only"
    assert requires.contains(platform.python_version()), "the tests run on an unsupported Python"
    listed = classifier_pythons(pyproject)
    assert [v.minor for v in listed] == list(range(listed[0].minor, listed[-1].minor + 1)), "gap in the classifiers"
    assert "Programming Language :: Python :: 3 :: Only" in pyproject["project"]["classifiers"]


def dead_markers(pyproject: dict) -> list[str]:
    """Requirements whose marker is false on every Python the classifiers list."""
    project = pyproject["project"]
    pythons = [str(v) for v in classifier_pythons(pyproject)]
    return [
        line
        for line in chain(project["dependencies"], *project["optional-dependencies"].values())
        if (marker := Requirement(line).marker) and not any(marker.evaluate({"python_version": v}) for v in pythons)
    ]


def test_no_requirement_is_for_an_unsupported_python_only(pyproject):
    assert dead_markers(pyproject) == []
    # The fallback this project once had for the Python before the minimum.
    fallback = f"tomli>=2.0; python_version < '{MINIMUM_PYTHON}'"
    assert dead_markers(load("pyproject.toml", ('"pyyaml>=6",', f'"pyyaml>=6", "{fallback}",'))) == [fallback]


# --------------------------------------------------------------------------
# Version, package data, pytest configuration
# --------------------------------------------------------------------------


def test_version_has_a_single_source(pyproject):
    import coursekit

    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "coursekit.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", coursekit.__version__)
    try:
        installed = importlib.metadata.version(pyproject["project"]["name"])
    except importlib.metadata.PackageNotFoundError:
        return  # running from a checkout that is not pip-installed
    assert installed == coursekit.__version__


def test_package_discovery_and_data_files(pyproject):
    setuptools_cfg = pyproject["tool"]["setuptools"]
    assert setuptools_cfg["packages"]["find"]["include"] == ["coursekit*"]
    patterns = setuptools_cfg["package-data"]["coursekit"]
    assert {"data/*.npz", "data/*.md"} <= set(patterns)
    data_dir = PACKAGE / "data"
    if data_dir.is_dir():
        for path in data_dir.iterdir():
            if path.suffix in (".py", ".pyc") or path.name == "__pycache__":
                continue
            rel = path.relative_to(PACKAGE).as_posix()
            assert any(fnmatch.fnmatch(rel, p) for p in patterns), f"{rel} would not be installed"


def test_pytest_configuration(pyproject):
    cfg = pyproject["tool"]["pytest"]["ini_options"]
    assert cfg["testpaths"] == ["coursekit", "tests", "notebooks", "solutions"]
    for folder in cfg["testpaths"]:
        assert (ROOT / folder).is_dir(), f"testpath {folder}/ is missing"
    addopts = cfg["addopts"].split()
    assert "--nbval" in addopts and "--nbval-lax" not in addopts
    assert "--doctest-modules" in addopts
    assert "error::RuntimeWarning" in cfg["filterwarnings"]
    assert {"build", "test-artifacts", ".venv", ".ipynb_checkpoints"} <= set(cfg["norecursedirs"])


def test_runtime_warnings_fail_the_tests():
    # Only true under the repository's pytest configuration (filterwarnings).
    with pytest.raises(RuntimeWarning):
        warnings.warn("overflow", RuntimeWarning)
    with np.errstate(over="warn"), pytest.raises(RuntimeWarning, match="overflow"):
        np.float64(1e308) * np.float64(10.0)


# --------------------------------------------------------------------------
# coursekit modules
# --------------------------------------------------------------------------


def _module_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _static_all(path: Path) -> list[str] | None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = ast.literal_eval(node.value)
            assert isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value), (
                f"{path}: __all__ must be a literal list of strings"
            )
            return list(value)
    return None


@pytest.mark.parametrize("path", _module_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_module_declares_all_and_defines_its_names(path):
    names = _static_all(path)
    assert names is not None, f"{path.relative_to(ROOT)} has no explicit __all__"
    assert len(names) == len(set(names)), f"duplicate names in {path.name}.__all__"
    module = importlib.import_module(_module_name(path))
    missing = [n for n in names if not hasattr(module, n)]
    assert missing == [], f"{module.__name__}.__all__ names undefined objects: {missing}"


def test_package_docstring_lists_every_public_module():
    import coursekit

    doc = coursekit.__doc__ or ""
    assert "\nModules\n-------\n" in doc
    listed = set(re.findall(r"^([a-z_][a-z0-9_]*)$", doc.split("\nModules\n-------\n", 1)[1], re.M))
    existing = {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if not p.name.startswith(("_", "."))
        and ((p.is_file() and p.suffix == ".py") or (p.is_dir() and (p / "__init__.py").exists()))
    }
    assert existing <= listed, f"modules missing from coursekit's docstring: {sorted(existing - listed)}"


# --------------------------------------------------------------------------
# README, CI script, licences, .gitignore
# --------------------------------------------------------------------------


def extract_marked_command(readme: str, marker: str) -> list[str]:
    """Non-empty lines of the ```bash block between <!-- marker --> and <!-- /marker -->.

    Mirrors the awk extraction in .ci/run.
    """
    lines = readme.splitlines()
    start, stop = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    assert lines.count(start) == 1 == lines.count(stop), f"README.md must hold {start} and {stop} once each"
    out, fence = [], False
    for line in lines[lines.index(start) + 1 : lines.index(stop)]:
        if re.fullmatch(r"```bash\s*", line):
            fence = True
        elif fence and re.fullmatch(r"```\s*", line):
            fence = False
        elif fence and line.strip():
            out.append(line)
    return out


def _section(markdown: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def test_quick_start_has_exactly_the_two_marked_commands(readme, pyproject):
    quick = _section(readme, "Quick start")
    assert quick.count("```bash") == 2, "Quick start must show exactly two commands"
    course = extract_marked_command(quick, "course-command")
    tests = extract_marked_command(quick, "test-command")
    assert len(course) == 1 and len(tests) == 1, "each command must be a single line"
    (course,), (tests,) = course, tests
    assert course.startswith("python3 -m venv .venv && ")
    assert tests.startswith("python3 -m venv .venv && ")
    assert '-m pip install -e ".[course]"' in course and course.endswith("jupyter lab notebooks/")
    assert '-m pip install -e ".[test]"' in tests and tests.endswith(".venv/bin/python -m pytest")
    for command in (course, tests):
        for extra in re.findall(r'"\.\[([^\]]+)\]"', command):
            assert extra in pyproject["project"]["optional-dependencies"]
        assert "/work/" not in command


def test_readme_keeps_the_example_placeholder_markers(readme):
    assert readme.count("<!-- example -->") == 1 and readme.count("<!-- /example -->") == 1


def test_readme_links_to_existing_files(readme):
    targets = re.findall(r"\]\(((?!https?://|#)[^)\s]+)\)", readme)
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert missing == [], f"README.md links to missing files: {missing}"


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_ci_runs_exactly_the_readme_test_command(readme):
    (expected,) = extract_marked_command(readme, "test-command")
    out = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run"), "--print-test-command"],
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout
    assert out == expected + "\n"


def test_ci_script_is_strict_fresh_and_self_contained():
    script = ROOT / ".ci" / "run"
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert "rm -rf .venv" in text
    assert '"$test_command"' in text.splitlines()[-1]
    assert "/work/venv" not in text
    assert not re.search(r"^\s*(conda|mamba) ", text, re.M), ".ci/run must not need conda"
    if os.name == "posix":
        assert os.access(script, os.X_OK), ".ci/run must be executable"


def test_licences():
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License")
    content = (ROOT / "LICENSE-CONTENT.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in content and "https://creativecommons.org/licenses/by/4.0/" in content
    for folder in ("notebooks/", "exercises/", "solutions/"):
        assert folder in content


def test_gitignore():
    entries = set((ROOT / ".gitignore").read_text(encoding="utf-8").split())
    assert {
        ".venv/", "__pycache__/", "*.egg-info/", "build/", "test-artifacts/",
        ".ipynb_checkpoints/", ".hypothesis/", ".pytest_cache/",
    } <= entries


# --------------------------------------------------------------------------
# The nbval hook in the root conftest.py
# --------------------------------------------------------------------------


def _root_conftest() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("_root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hook_extends_skip_compare_of_notebook_collectors_only():
    hook = _root_conftest().pytest_collectstart
    original = ("metadata", "stderr", "image/png")
    notebook = types.SimpleNamespace(path=Path("lecture.ipynb"), skip_compare=original)
    hook(notebook)
    assert notebook.skip_compare[: len(original)] == original
    assert set(notebook.skip_compare) == set(original) | {"text/html", "application/javascript"}
    assert len(notebook.skip_compare) == len(set(notebook.skip_compare))

    module = types.SimpleNamespace(path=Path("test_x.py"), skip_compare=original)
    hook(module)
    assert module.skip_compare == original


@pytest.mark.skipif(bool(os.environ.get("MPLBACKEND")), reason="MPLBACKEND set by the caller")
def test_unit_tests_draw_with_agg_without_touching_the_environment():
    import matplotlib

    assert matplotlib.get_backend().lower() == "agg"
    assert "MPLBACKEND" not in os.environ  # it would leak into nbval's kernels


def _notebook(cells: list[tuple[str, list[dict]]]) -> dict:
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "cells": [
            {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i + 1,
             "source": source, "outputs": outputs}
            for i, (source, outputs) in enumerate(cells)
        ],
    }


# Stored outputs deliberately differ from what the cells produce, except in
# cell 2, which shows the kernel still uses the inline backend.
PROBE_CELLS = [
    ('from IPython.display import HTML\nHTML("<b>fresh</b>")',
     [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
       "data": {"text/html": "<b>stored</b>", "text/plain": "<IPython.core.display.HTML object>"}}]),
    ('import sys\nprint("fresh warning", file=sys.stderr)',
     [{"output_type": "stream", "name": "stderr", "text": "stored warning\n"}]),
    ("import matplotlib\nprint(matplotlib.get_backend())",
     [{"output_type": "stream", "name": "stdout", "text": "module://matplotlib_inline.backend_inline\n"}]),
    ("print(1 + 1)", [{"output_type": "stream", "name": "stdout", "text": "3\n"}]),
    ("1 + 1", [{"output_type": "execute_result", "execution_count": 5, "metadata": {},
                "data": {"text/plain": "3"}}]),
]


def _start_nbval(folder: Path) -> subprocess.Popen:
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (folder / "probe.ipynb").write_text(json.dumps(_notebook(PROBE_CELLS)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "PYTEST_ADDOPTS")}
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
         "-q", "--junitxml", "report.xml", "probe.ipynb"],
        cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _outcomes(folder: Path, process: subprocess.Popen) -> dict[str, str]:
    output, _ = process.communicate(timeout=300)
    report = folder / "report.xml"
    assert report.exists(), f"nbval run in {folder.name}/ produced no report:\n{output}"
    outcomes = {}
    for case in ET.parse(report).iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        outcomes[case.get("name")] = "failed" if failed else "passed"
    return outcomes


def test_nbval_hook_skips_html_and_stderr_but_still_compares_printed_text(tmp_path):
    plain, hooked = tmp_path / "plain", tmp_path / "hooked"
    plain.mkdir()
    hooked.mkdir()
    shutil.copy(ROOT / "conftest.py", hooked / "conftest.py")

    # Both runs start a kernel; run them side by side to halve the wait.
    runs = {folder: _start_nbval(folder) for folder in (hooked, plain)}
    got = {folder: _outcomes(folder, process) for folder, process in runs.items()}

    cells = [f"Cell {i}" for i in range(len(PROBE_CELLS))]
    assert [got[hooked].get(c) for c in cells] == ["passed", "passed", "passed", "failed", "failed"]
    assert [got[plain].get(c) for c in cells] == ["failed", "failed", "passed", "failed", "failed"]
