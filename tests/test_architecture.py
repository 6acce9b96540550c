"""The layers import one way only (README, "Architecture"): a forbidden import fails this test.

Every ``import`` of every module is read (also imports inside functions), and each project import is
checked against the layer's allowed dependencies:

    model  <-  queries  <-  graph (driver, server, settings, snapshot)
    model  <-  graph.analysis (pure analyses)  <-  presentation  <-  reports  <-  dashboard, ogpnet
    model, queries, graph  <-  loaders  <-  ogpnet

Third-party imports are checked where they matter: only ``graph`` (its driver module) talks to Neo4j,
only ``dashboard`` imports Streamlit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: layer -> the project layers it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "queries": {"model"},
    "graph.analysis": {"model"},
    "graph": {"model", "queries"},
    "presentation": {"model", "graph.analysis"},
    "loaders": {"model", "queries", "graph"},
    "reports": {"model", "graph.analysis", "graph", "presentation"},
    "dashboard": {"model", "graph.analysis", "graph", "presentation", "reports"},
    "ogpnet": {"model", "queries", "graph.analysis", "graph", "presentation", "reports", "loaders"},
}
#: third-party packages a layer must not import
FORBIDDEN_LIBRARIES: dict[str, set[str]] = {
    "model": {"neo4j", "streamlit", "networkx", "click", "rich"},
    "queries": {"neo4j", "streamlit", "pandas", "networkx"},
    "graph.analysis": {"neo4j", "streamlit", "click", "rich", "openpyxl", "plotly"},
    "graph": {"streamlit", "click", "rich", "plotly"},
    "presentation": {"neo4j", "streamlit", "click"},
    "loaders": {"streamlit", "plotly", "click"},
    "reports": {"neo4j", "streamlit", "click"},
    "dashboard": {"neo4j", "click"},
    "ogpnet": {"streamlit"},
}
#: the one module that creates the Neo4j driver
DRIVER_MODULE = "graph/db.py"


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to.

    >>> layer_of("graph.analysis.coverage"), layer_of("graph.snapshot"), layer_of("pandas")
    ('graph.analysis', 'graph', None)
    """
    parts = module.split(".")
    if parts[:2] == ["graph", "analysis"]:
        return "graph.analysis"
    return parts[0] if parts[0] in ALLOWED else None


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) of every absolute import in a file, nested ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # "from graph import analysis" imports the analysis layer
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names
                      if layer_of(f"{node.module}.{alias.name}") != layer_of(node.module)]
    return found


def project_files() -> list[Path]:
    roots = {layer.split(".")[0] for layer in ALLOWED}
    return sorted(p for root in roots for p in (REPO / root).rglob("*.py"))


def violations() -> list[str]:
    out = []
    for path in project_files():
        rel = path.relative_to(REPO)
        layer = layer_of(".".join(rel.with_suffix("").parts))
        assert layer is not None, rel
        for line, module in imports(path):
            target = layer_of(module)
            if target is not None and target != layer and target not in ALLOWED[layer]:
                out.append(f"{rel}:{line}: {layer} imports {module} (layer {target})")
            library = module.split(".")[0]
            if library in FORBIDDEN_LIBRARIES[layer]:
                out.append(f"{rel}:{line}: {layer} imports {library}")
            if library == "neo4j" and str(rel) != DRIVER_MODULE and layer != "graph":
                out.append(f"{rel}:{line}: only {DRIVER_MODULE} talks to the driver")
    return out


def test_imports_follow_the_layers() -> None:
    found = violations()
    assert not found, "forbidden imports:\n" + "\n".join(found)


def test_only_the_db_module_creates_a_driver() -> None:
    makers = [str(p.relative_to(REPO)) for p in project_files()
              if "GraphDatabase.driver(" in p.read_text(encoding="utf-8")]
    assert makers == [DRIVER_MODULE]


@pytest.mark.parametrize("module,layer", [
    ("import neo4j", "graph.analysis"), ("from loaders.load.directory import load_directory", "dashboard"),
    ("from ogpnet.cli import main", "dashboard"), ("from graph.db import connect", "model"),
    ("from graph.snapshot import current_graph", "graph.analysis"), ("import streamlit as st", "presentation"),
])
def test_the_check_catches_a_forbidden_import(tmp_path: Path, module: str, layer: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker itself: each of these lines, put in a module of that layer, is reported."""
    root = tmp_path / layer.replace(".", "/")
    root.mkdir(parents=True)
    (root / "bad.py").write_text(module + "\n", encoding="utf-8")
    monkeypatch.setitem(globals(), "REPO", tmp_path)
    assert violations(), module
