"""The shape of the package: small modules, and imports that point one way, as the README's table says.

import-linter (run by scripts/setup-and-test.sh and CI) checks the whole layers contract; these tests
state the parts a newcomer is most likely to break in words, and keep the README's table and the
contract the same list.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "negotiator"

#: The project guide's limit on a module's length.
MAX_LINES = 600


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imported(path: Path) -> set[str]:
    """Every module a file of the package imports, at any depth (imports inside functions included)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(source: str, package: str) -> set[str]:
    """The absolute names of the modules (and the names taken from them) that `source` imports, read as a
    module of `package`."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.add(name)
            out |= {f"{name}.{alias.name}" for alias in node.names}
    return out


def _contract_layers() -> list[list[str]]:
    """The layers contract of pyproject.toml, first stage (the input) first, each as its modules."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    assert not contract.get("ignore_imports"), "the layers have no exceptions; one added needs its reason beside it"
    return [[m.strip().removeprefix("negotiator.") for m in layer.split(":")]
            for layer in reversed(contract["layers"])]


def _readme_stages() -> list[list[str]]:
    """The README's pipeline table, first stage first: each row's modules (packages without their slash)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| stage | modules | what it does |"):]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        cell = line.split("|")[2]
        cell = re.sub(r"\([^)]*\)", "", cell)  # a package's own modules, in brackets, are not stages
        rows.append([m.rstrip("/") for m in re.findall(r"`([^`]+)`", cell)])
    return rows


def test_no_module_of_the_package_is_over_600_lines():
    """No module of the package is over 600 lines (the project guide's limit: split along the seams)."""
    long = {str(p.relative_to(ROOT)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_decide_imports_nothing_from_options():
    """decide/ settles decisions; what it would take (options/) sits above it and is joined to an evaluation
    by advice/: no module of decide imports options, not even inside a function."""
    offending = {str(p.relative_to(ROOT)): sorted(n for n in _imported(p) if n.startswith("negotiator.options"))
                 for p in sorted((PACKAGE / "decide").glob("*.py"))}
    assert {k: v for k, v in offending.items() if v} == {}


def test_the_import_reader_sees_imports_inside_functions():
    """The reader the test above relies on finds an import hidden in a function, relative or absolute."""
    source = ("from ..compiled import compiled\n"
              "def f():\n    from ..options.collect import facts_to_collect\n"
              "    import negotiator.options.unlock\n")
    found = _imports_in(source, "negotiator.decide")
    assert {"negotiator.compiled", "negotiator.options.collect", "negotiator.options.collect.facts_to_collect",
            "negotiator.options.unlock"} <= found


def test_the_readme_table_lists_the_layers_of_the_contract_in_order():
    """Every stage of the README's pipeline table is a layer of the import-linter contract, in the same
    order, with the same modules: the table a newcomer reads is the rule the checks enforce."""
    stages = [sorted(s) for s in _readme_stages()]
    layers = [sorted(layer) for layer in _contract_layers()]
    assert stages == layers


def test_every_package_of_negotiator_is_in_a_layer():
    """A new sub-package or top-level module joins the contract (and so the table), or nothing checks it."""
    layered = {m for layer in _contract_layers() for m in layer}
    present = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    present |= {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    assert present - layered == set()
