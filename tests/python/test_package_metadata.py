"""What pip and PyPI-style indexes show about the package (issue 21): pyproject.toml's metadata is complete, and the
installed distribution carries it together with its type information (py.typed and the stubs, PEP 561)."""

import importlib.metadata
import pathlib
import tomllib

import pytest

import bridge

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_pyproject_metadata_is_complete():
    project = _project()
    for field in ("name", "version", "description", "readme", "license", "authors", "requires-python", "keywords",
                  "classifiers", "dependencies"):
        assert project.get(field), f"pyproject.toml lacks [project] {field}"
    assert (ROOT / project["readme"]).is_file()
    assert project["license"] == {"text": "MIT"} and (ROOT / "LICENSE").read_text().startswith("MIT License")
    classifiers = set(project["classifiers"])
    for needed in ("License :: OSI Approved :: MIT License", "Operating System :: POSIX :: Linux", "Typing :: Typed"):
        assert needed in classifiers, needed
    assert all(a.get("name") for a in project["authors"])


def test_the_installed_distribution_carries_metadata_and_type_information():
    try:
        dist = importlib.metadata.distribution("bridge")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("bridge is imported from a source tree, not installed (scripts/python-package.sh installs it)")
    meta = dist.metadata
    assert meta["Version"] == bridge.__version__
    assert meta["License"] == "MIT"
    assert meta["Requires-Python"] == _project()["requires-python"]
    assert meta["Author"] or meta["Author-email"]
    assert "Typing :: Typed" in meta.get_all("Classifier")
    assert meta["Description-Content-Type"] == "text/markdown" and "Bridge" in (meta.get_payload() or meta["Description"])
    files = {str(f) for f in dist.files or ()}
    for shipped in ("bridge/py.typed", "bridge/__init__.pyi", "bridge/nn/functional.pyi"):
        assert shipped in files, f"{shipped} is not in the installed package"
    assert any(f.startswith("bridge-") and f.endswith(".dist-info/LICENSE") for f in files), sorted(files)[:5]
