"""One version for every artefact (issue 21): the engine, the NuGet packages and the Python package agree."""

import pathlib
import re

import bridge

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_the_python_package_the_engine_and_the_build_props_share_one_version():
    props = re.search(r"<Version>([^<]+)</Version>", (ROOT / "Directory.Build.props").read_text()).group(1)
    pyproject = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert bridge.__version__ == props == pyproject
    assert re.fullmatch(r"\d+\.\d+\.\d+", props)
