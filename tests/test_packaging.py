"""Packaging checks: pyproject.toml and environment.yml declare the same
dependencies, README, CI script and pytest configuration agree, every
coursekit module has an explicit ``__all__``, and the nbval hook of the root
conftest.py really changes what nbval compares.

environment.yml is read with a small line parser rather than PyYAML: the file
is ours, uses only a name, a channel list and a dependency list with one
nested ``pip:`` list, and the parser rejects anything else, so a YAML
dependency would add an install for no gain.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import types
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "coursekit"

# conda-forge names that differ from the PyPI name of the same library.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
# Entries of environment.yml that are not Python packages of the project.
CONDA_ONLY = {"python", "pip"}


# --------------------------------------------------------------------------
# Parsers and the comparison (the code under test in the first tests)
# --------------------------------------------------------------------------

_PEP508 = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
    r"(?:\[(?P<extras>[^\]]*)\])?\s*"
    r"(?P<specs>[^;]*?)\s*"
    r"(?:;\s*(?P<marker>.+?))?\s*$"
)
_PIP_SPEC = re.compile(r"^\s*(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9.*+!_-]+)\s*$")
_CONDA_REQ = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<specs>.*?)\s*$")
_CONDA_SPEC = re.compile(r"^\s*(==|!=|<=|>=|<|>)\s*([A-Za-z0-9.+!_-]+)\s*$")


def normalize(name: str) -> str:
    """PEP 503 name normalization: lowercase, runs of ``-_.`` become ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse_specs(text: str, pattern: re.Pattern, where: str) -> frozenset:
    if not text.strip():
        return frozenset()
    specs = []
    for part in text.split(","):
        match = pattern.match(part)
        if match is None:
            raise ValueError(f"unsupported version specifier {part.strip()!r} in {where!r}")
        specs.append((match.group(1), match.group(2)))
    return frozenset(specs)


def parse_pep508(requirement: str) -> tuple[str, frozenset, frozenset, str | None]:
    """Split a PEP 508 string into (normalized name, extras, specifiers, marker)."""
    match = _PEP508.match(requirement)
    if match is None:
        raise ValueError(f"cannot parse requirement {requirement!r}")
    extras = frozenset(
        normalize(e) for e in (match.group("extras") or "").split(",") if e.strip()
    )
    specs = _parse_specs(match.group("specs"), _PIP_SPEC, requirement)
    return normalize(match.group("name")), extras, specs, match.group("marker")


def parse_conda_spec(spec: str) -> tuple[str, frozenset]:
    """Split a conda match spec such as ``numpy>=1.24`` into (name, specifiers).

    Only the operators that mean the same thing for pip are accepted; conda's
    fuzzy ``=1.2``, build strings and channel prefixes raise ValueError.
    """
    match = _CONDA_REQ.match(spec)
    if match is None or "::" in spec:
        raise ValueError(f"cannot parse conda spec {spec!r}")
    specs = _parse_specs(match.group("specs"), _CONDA_SPEC, spec)
    return normalize(match.group("name")), specs


def _strip_comment(line: str) -> str:
    return re.sub(r"(^|\s)#.*$", "", line)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def parse_environment_yml(text: str) -> dict:
    """Read the subset of YAML used by environment.yml.

    Returns ``{"name": str, "channels": [...], "dependencies": [...],
    "pip": [...]}``; raises ValueError on any other structure.
    """
    result: dict = {"name": None, "channels": [], "dependencies": [], "pip": []}
    section = None
    dep_indent = None
    in_pip = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw).rstrip()
        if not line.strip():
            continue
        if "\t" in line:
            raise ValueError(f"line {lineno}: tabs are not allowed")
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        if indent == 0:
            key, sep, value = body.partition(":")
            key, value = key.strip(), _unquote(value.strip())
            if not sep:
                raise ValueError(f"line {lineno}: expected 'key:', got {body!r}")
            if key == "name" and value:
                result["name"] = value
                section = None
            elif key in ("channels", "dependencies") and not value:
                section, dep_indent, in_pip = key, None, False
            else:
                raise ValueError(f"line {lineno}: unsupported top-level entry {body!r}")
            continue
        if not body.startswith("- "):
            raise ValueError(f"line {lineno}: expected a list item, got {body!r}")
        item = _unquote(body[2:].strip())
        if section == "channels":
            result["channels"].append(item)
        elif section == "dependencies":
            if dep_indent is None:
                dep_indent = indent
            if indent == dep_indent:
                in_pip = item == "pip:"
                if not in_pip:
                    result["dependencies"].append(item)
            elif indent > dep_indent and in_pip:
                result["pip"].append(item)
            else:
                raise ValueError(f"line {lineno}: unexpected indentation {body!r}")
        else:
            raise ValueError(f"line {lineno}: list item outside a known section")
    if result["name"] is None:
        raise ValueError("environment.yml has no name")
    return result


def pyproject_requirements(pyproject: dict) -> dict[str, frozenset]:
    """Core dependencies plus every extra: {normalized name: specifiers}.

    Self-references (``project[extra]``) must name an existing extra and are
    otherwise skipped, since that extra is merged anyway. Environment markers
    are dropped: conda cannot express them, so environment.yml lists the
    package unconditionally.
    """
    project = pyproject["project"]
    own_name = normalize(project["name"])
    extras = project.get("optional-dependencies", {})
    groups = {"dependencies": project.get("dependencies", [])}
    groups.update({f"extra {k!r}": v for k, v in extras.items()})
    known_extras = {normalize(k) for k in extras}
    merged: dict[str, frozenset] = {}
    for group, requirements in groups.items():
        for requirement in requirements:
            name, req_extras, specs, _marker = parse_pep508(requirement)
            if name == own_name:
                unknown = req_extras - known_extras
                if unknown or specs:
                    raise ValueError(f"{group}: bad self-reference {requirement!r}")
                continue
            if name in merged and merged[name] != specs:
                raise ValueError(f"{name} is declared twice with different bounds")
            merged[name] = specs
    return merged


def conda_requirements(env: dict) -> dict[str, frozenset]:
    """environment.yml's conda dependencies, PyPI-named, minus python and pip."""
    merged: dict[str, frozenset] = {}
    for spec in env["dependencies"]:
        name, specs = parse_conda_spec(spec)
        if name in CONDA_ONLY:
            continue
        name = CONDA_TO_PYPI.get(name, name)
        if name in merged:
            raise ValueError(f"{name} is listed twice in environment.yml")
        merged[name] = specs
    return merged


def _fmt(specs: frozenset) -> str:
    return ",".join(op + version for op, version in sorted(specs)) or "no bound"


def compare_requirements(pypi: dict[str, frozenset], conda: dict[str, frozenset]) -> list[str]:
    """One message per difference between the two declarations; [] when equal."""
    problems = []
    for name in sorted(set(pypi) | set(conda)):
        if name not in conda:
            problems.append(f"{name}: in pyproject.toml ({_fmt(pypi[name])}) but not in environment.yml")
        elif name not in pypi:
            problems.append(f"{name}: in environment.yml ({_fmt(conda[name])}) but not in pyproject.toml")
        elif pypi[name] != conda[name]:
            problems.append(
                f"{name}: pyproject.toml has {_fmt(pypi[name])}, environment.yml has {_fmt(conda[name])}"
            )
    return problems


def lower_bound(specs: frozenset) -> str:
    """The version of the single ``>=`` specifier; ValueError otherwise."""
    bounds = [version for op, version in specs if op == ">="]
    if len(bounds) != 1:
        raise ValueError(f"expected exactly one '>=' bound, got {_fmt(specs)}")
    return bounds[0]


def extract_marked_command(readme: str, marker: str) -> list[str]:
    """Non-empty lines of the ```bash block between <!-- marker --> and <!-- /marker -->.

    Mirrors the awk extraction in .ci/run.
    """
    lines = readme.splitlines()
    start, stop = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    if lines.count(start) != 1 or lines.count(stop) != 1:
        raise ValueError(f"README.md must contain {start} and {stop} exactly once")
    inside = lines[lines.index(start) + 1 : lines.index(stop)]
    out, fence = [], False
    for line in inside:
        if re.fullmatch(r"```bash\s*", line):
            fence = True
        elif fence and re.fullmatch(r"```\s*", line):
            fence = False
        elif fence and line.strip():
            out.append(line)
    return out


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def environment() -> dict:
    return parse_environment_yml((ROOT / "environment.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# The comparison itself must be able to fail
# --------------------------------------------------------------------------

MISMATCHED_PYPROJECT = """
[project]
name = "demo_course"
requires-python = ">=3.10"
dependencies = ["numpy>=1.24", "Matplotlib>=3.7"]

[project.optional-dependencies]
course = ["ipywidgets>=8.0"]
test = ["demo-course[course]", "pytest>=7.4", "hypothesis", "tomli>=2.0; python_version < '3.11'"]
"""

MISMATCHED_ENVIRONMENT = """
name: demo
channels:
  - conda-forge
dependencies:
  - python>=3.10
  - pip
  - numpy>=1.26            # bound differs
  - matplotlib-base>=3.7   # alias of matplotlib: equal
  - pytest>=7.4
  - hypothesis>=6.80       # bound only here
  - tomli>=2.0
  - scipy>=1.10            # only here
  - pip:
      - -e .
"""


def test_comparison_reports_every_kind_of_difference():
    pypi = pyproject_requirements(tomllib.loads(MISMATCHED_PYPROJECT))
    conda = conda_requirements(parse_environment_yml(MISMATCHED_ENVIRONMENT))
    assert compare_requirements(pypi, conda) == [
        "hypothesis: pyproject.toml has no bound, environment.yml has >=6.80",
        "ipywidgets: in pyproject.toml (>=8.0) but not in environment.yml",
        "numpy: pyproject.toml has >=1.24, environment.yml has >=1.26",
        "scipy: in environment.yml (>=1.10) but not in pyproject.toml",
    ]


def test_comparison_accepts_equal_declarations_after_normalization():
    pypi = {n: s for n, _, s, _ in map(parse_pep508, ["Typing_Extensions>=4.4,<5", "ipympl>=0.9.3"])}
    conda = dict(map(parse_conda_spec, ["typing.extensions <5,>=4.4", "IPYMPL>=0.9.3"]))
    assert compare_requirements(pypi, conda) == []
    assert compare_requirements(pypi, {}) != []
    assert compare_requirements({}, conda) != []


@pytest.mark.parametrize("spec", ["numpy=1.24", "numpy 1.24.*", "conda-forge::numpy>=1.24", "numpy>=1.24=py_0"])
def test_conda_parser_rejects_forms_it_cannot_compare(spec):
    with pytest.raises(ValueError, match="conda spec|version specifier"):
        parse_conda_spec(spec)


@pytest.mark.parametrize(
    "text, message",
    [
        ("name: x\nprefix: /opt\n", "unsupported top-level entry"),
        ("name: x\ndependencies:\n\t- numpy\n", "tabs"),
        ("dependencies:\n  - numpy\n", "has no name"),
        ("name: x\ndependencies:\n  - numpy\n    - scipy\n", "unexpected indentation"),
    ],
)
def test_environment_parser_rejects_unknown_structure(text, message):
    with pytest.raises(ValueError, match=message):
        parse_environment_yml(text)


def test_self_reference_to_a_missing_extra_is_an_error():
    data = tomllib.loads(MISMATCHED_PYPROJECT.replace("demo-course[course]", "demo-course[gpu]"))
    with pytest.raises(ValueError, match="bad self-reference"):
        pyproject_requirements(data)


def test_readme_extraction_of_a_small_document():
    doc = "x\n<!-- cmd -->\n```bash\n\necho hi\n```\n<!-- /cmd -->\n```bash\nnot this\n```\n"
    assert extract_marked_command(doc, "cmd") == ["echo hi"]
    with pytest.raises(ValueError, match="exactly once"):
        extract_marked_command(doc, "other")


# --------------------------------------------------------------------------
# pyproject.toml and environment.yml
# --------------------------------------------------------------------------


def test_environment_yml_lists_the_same_packages_and_bounds_as_pyproject(pyproject, environment):
    problems = compare_requirements(pyproject_requirements(pyproject), conda_requirements(environment))
    assert problems == [], "pyproject.toml and environment.yml differ:\n" + "\n".join(problems)


def test_python_lower_bound_is_the_same_in_both_files(pyproject, environment):
    requires = _parse_specs(pyproject["project"]["requires-python"], _PIP_SPEC, "requires-python")
    pythons = [parse_conda_spec(s) for s in environment["dependencies"] if parse_conda_spec(s)[0] == "python"]
    assert len(pythons) == 1, "environment.yml must pin python exactly once"
    assert lower_bound(pythons[0][1]) == lower_bound(requires) == "3.10"


def test_classifiers_name_every_supported_python(pyproject):
    classifiers = set(pyproject["project"]["classifiers"])
    for minor in (10, 11, 12, 13):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers
    listed = sorted(
        int(c.rsplit(".", 1)[1]) for c in classifiers if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    )
    requires = _parse_specs(pyproject["project"]["requires-python"], _PIP_SPEC, "requires-python")
    assert f"3.{listed[0]}" == lower_bound(requires)


def test_core_dependencies_are_numpy_and_matplotlib_only(pyproject):
    names = {parse_pep508(r)[0] for r in pyproject["project"]["dependencies"]}
    assert names == {"numpy", "matplotlib"}


def test_extras_hold_what_the_course_tests_and_instructors_need(pyproject):
    extras = {
        k: {parse_pep508(r)[0]: parse_pep508(r) for r in v}
        for k, v in pyproject["project"]["optional-dependencies"].items()
    }
    own = normalize(pyproject["project"]["name"])
    assert set(extras) == {"course", "test", "instructor"}
    assert set(extras["course"]) == {"jupyterlab", "ipywidgets", "ipympl", "nbclient"}
    assert {"pytest", "nbval", "hypothesis", "nbclient", "nbconvert", "playwright", "tomli"} <= set(extras["test"])
    # The tests regenerate the student notebooks with nbgrader: test pulls in instructor.
    assert extras["test"][own][1] == {"course", "instructor"}
    assert "nbgrader" in extras["instructor"]
    assert "nbgrader" not in extras["course"]
    marker = extras["test"]["tomli"][3]
    assert marker is not None and re.fullmatch(r"""python_version\s*<\s*['"]3\.11['"]""", marker)


def test_environment_yml_is_conda_forge_and_installs_the_package(environment, readme):
    assert environment["channels"] == ["conda-forge"]
    assert "pip" in environment["dependencies"]
    assert environment["pip"] == ["-e ."]
    assert f"conda activate {environment['name']}" in readme


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
