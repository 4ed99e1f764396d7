"""scripts/build_lite.py without a browser: pins, the coursekit wheel, the notebooks of the site,
and the checks that refuse a file whose checksum is wrong."""

from __future__ import annotations

import json
import shutil
import tomllib
import zipfile

import pytest
from packaging.requirements import Requirement

from tests.browser.harness import ROOT, require

from .conftest import files_missing
from .site import FILES, build_lite


def test_the_lite_extra_pins_the_versions_of_pins_toml(pins):
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    lite = {Requirement(line).name: Requirement(line) for line in extras["lite"]}
    for name, version in pins["build"].items():
        assert str(lite[name].specifier) == f"=={version}", (name, lite[name])
    assert {"jupyter-server", "jupyterlab-widgets"} <= {name.replace("_", "-") for name in lite}
    # The test command installs it (the build needs it).
    test = [Requirement(line) for line in extras["test"]]
    assert any("lite" in r.extras for r in test if r.name == "deep-learning-optimization-course")


def test_the_coursekit_wheel_is_reproducible_and_complete(tmp_path):
    first = build_lite.coursekit_wheel(tmp_path / "a")
    second = build_lite.coursekit_wheel(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    names = set(zipfile.ZipFile(first).namelist())
    modules = {path.relative_to(ROOT).as_posix() for path in (ROOT / "coursekit").rglob("*.py")
               if "__pycache__" not in path.parts}
    assert modules <= names
    assert any(name.endswith(".dist-info/METADATA") for name in names)


def test_every_notebook_of_the_site_installs_coursekit_first(default_site):
    for folder in build_lite.FOLDERS:
        sources = sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb"))
        assert sources
        for source in sources:
            built = json.loads((default_site / "files" / folder / source.name).read_text(encoding="utf-8"))
            original = json.loads(source.read_text(encoding="utf-8"))
            assert built["cells"][0]["metadata"]["tags"] == [build_lite.SETUP_TAG]
            assert build_lite.DIST_NAME in "".join(built["cells"][0]["source"])
            assert [c["source"] for c in built["cells"][1:]] == [c["source"] for c in original["cells"]]
            assert built["metadata"]["kernelspec"]["name"] == "python"
    index = json.loads((default_site / "pypi" / "all.json").read_text())
    assert {build_lite.DIST_NAME, "ipywidgets", "comm"} <= set(index)
    config = json.loads((default_site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    settings = config["litePluginSettings"][build_lite.KERNEL_PLUGIN]
    assert settings["disablePyPIFallback"] is True and settings["pyodideUrl"].startswith("https://")


def test_a_tampered_pyodide_file_is_refused(tmp_path, pins):
    require(files_missing())
    copy = tmp_path / "files"
    shutil.copytree(FILES, copy)
    assert build_lite.missing_files(copy) is None
    victim = copy / "pyodide" / next(p.name for p in (copy / "pyodide").glob("numpy-*.whl"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="differs from pyodide-lock.json"):
        build_lite.pyodide_files(copy, pins)
    assert "differs" in build_lite.missing_files(copy)
