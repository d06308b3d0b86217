"""The shape of the code: every package ships, and the import graph stays layered."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLANSYNC = ROOT / "plansync"

# Lowest first. A unit (a top-level module or package of plansync) may import units of its
# own layer or below, never above: the core is plain functions over plain data, the CLI
# layer only parses and renders.
LAYERS = [
    {"__init__", "errors", "sizes", "memory", "graph", "fileio", "forked"},
    {"seed"},
    {"schedule"},
    {"diff", "staged", "gitrepo"},
    {"history", "merge"},
    {"instance"},
    {"render", "roundtrip"},
    {"convert", "sync"},
    {"watch", "server"},
    {"commands"},
    {"cli", "__main__"},
]
LAYER = {unit: i for i, units in enumerate(LAYERS) for unit in units}


def _unit(module: str) -> str:
    """plansync.seed.load -> seed; plansync -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    """The plansync modules `path` imports, anywhere in it (lazy imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "plansync":
            if node.module == "plansync":
                found.update(f"plansync.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "plansync")
    return found


def test_every_package_is_listed_in_pyproject() -> None:
    # pyproject.toml names its packages: one left out is missing from a built wheel
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {".".join(init.parent.relative_to(ROOT).parts)
               for init in PLANSYNC.rglob("__init__.py") if "__pycache__" not in init.parts}
    assert on_disk - listed == set()


def test_no_module_imports_a_higher_layer() -> None:
    units = {_unit(".".join(p.relative_to(ROOT).with_suffix("").parts))
             for p in PLANSYNC.glob("*") if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert units - set(LAYER) == set(), "a new unit: give it a place in LAYERS"
    upward = []
    for path in sorted(PLANSYNC.rglob("*.py")):
        source = _unit(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module in sorted(_imports(path)):
            target = _unit(module)
            if target in LAYER and LAYER[target] > LAYER[source]:
                upward.append(f"{path.relative_to(ROOT)} imports {module}")
    assert upward == []
