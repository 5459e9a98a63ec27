"""Every package the product imports at run time is a runtime dependency in pyproject.toml.

An install without the dev group (`uv sync --no-dev`, a school's server) must have all of them; a
package only the tests install (pypdf was one) breaks the product there and nowhere else.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections import defaultdict
from importlib.metadata import distributions
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _imported_top_level_modules() -> set[str]:
    found = set()
    for path in (ROOT / "schoolgate").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"schoolgate", "__future__"}


def _normal(name: str) -> str:
    return name.lower().replace("_", "-")


def _owners() -> dict[str, set[str]]:
    """Top-level module -> the distributions whose installed files hold it (read from each RECORD: some
    wheels, dlib-bin's among them, leave the module out of their top_level.txt)."""
    owners = defaultdict(set)
    for dist in distributions():
        for file in dist.files or ():
            top = file.parts[0]
            if top.endswith((".dist-info", ".data")) or top in ("..", "__pycache__"):
                continue
            owners[top.removesuffix(".py").split(".")[0]].add(_normal(dist.metadata["Name"]))
    return owners


def test_every_imported_package_is_a_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_normal(Requirement(r).name) for r in project["dependencies"]}
    owners = _owners()
    missing = {}
    for module in _imported_top_level_modules():
        providers = owners.get(module, set())
        assert providers, f"{module} is imported by schoolgate but no installed distribution provides it"
        if not providers & declared:
            missing[module] = sorted(providers)
    # Distributions that come with a declared one (Django brings asgiref, WeasyPrint brings its own) are
    # not enough: what the code imports by name, the project declares by name.
    assert not missing, f"imported at run time but only installed as a dev or transitive dependency: {missing}"
