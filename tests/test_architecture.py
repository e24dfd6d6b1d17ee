"""The package's shape is tested like its behaviour: imports follow the flow, no cycles,
small modules, and light processes stay light.

    serve    ─► release, store, project
    release  ─► store
    build    ─► store, project
    store    ─► (shared leaves only)
    project  ─► (shared leaves only)

Every stage may import the shared leaves (config, setting_values, errors, formats,
namespaces, queries, querytext, output), which import no stage. Serving imports the
release to serve what it wrote; the build writes the store, the release reads it; the
store knows nothing of the project but its settings (``kg.config``). Nothing imports
the CLI, and nothing but the CLI imports the app.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "src/kg"
STAGES = ("project", "build", "store", "serve", "release")
# what each stage may import besides itself and the shared leaves
MAY_IMPORT = {
    "project": set(),
    "store": set(),
    "build": {"project", "store"},
    "release": {"store"},
    "serve": {"project", "store", "release"},
}
SHARED = {
    "kg",
    "config",
    "setting_values",
    "errors",
    "files",
    "formats",
    "namespaces",
    "queries",
    "querytext",
    "output",
}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """Every kg module ``name`` imports, at the top or inside a function."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                      for a in node.names}  # fmt: skip
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def group(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else (parts[-1] if parts[1:] else "kg")


def test_every_module_belongs_to_a_stage_or_is_a_shared_leaf_or_the_cli():
    strays = [n for n in MODULES if group(n) not in {*STAGES, *SHARED, "cli", "__main__"}]
    assert not strays, f"place these in a subpackage or declare them shared: {strays}"


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_down_the_flow(stage):
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if group(name) == stage
        for target in targets
        if group(target) not in {stage, *SHARED, *MAY_IMPORT[stage]}
    )
    assert not wrong, wrong


def test_shared_leaves_import_no_stage():
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if group(name) in SHARED
        for target in targets
        if group(target) not in SHARED
    )
    assert not wrong, wrong


def test_nothing_imports_the_cli_and_only_the_cli_imports_the_app():
    for name, targets in GRAPH.items():
        assert "kg.cli" not in targets or name == "kg.__main__", name
        assert "kg.serve.app" not in targets or name == "kg.cli", name


def test_no_import_cycles():
    """Tarjan's strongly connected components over every import, lazy ones included."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while (top := stack.pop()) != node:
                component.append(top)
            if component:
                cycles.append(sorted([node, *component]))

    for name in GRAPH:
        if name not in index:
            visit(name)
    assert not cycles, cycles


def test_no_module_is_over_the_line_limit():
    sizes = {n: len(p.read_text(encoding="utf-8").splitlines()) for n, p in MODULES.items()}
    assert not {n: s for n, s in sizes.items() if s > MAX_LINES}, f"split: over {MAX_LINES}"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_owns_and_may_import(stage):
    doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text()))
    assert doc and "Owns" in doc and "May import" in doc, stage
    owned = {n.rpartition(".")[2] for n in MODULES if n.startswith(f"kg.{stage}.")}
    assert not {m for m in owned if f"``{m}``" not in doc}, "name every module it owns"


def test_serving_and_query_workers_do_not_load_the_build():
    """rdflib and pySHACL cost a second of start-up and much memory: `kg serve` and each
    query worker must not import them, nor the build that needs them."""
    probe = (
        "import sys, kg.serve.app, kg.store.worker, kg.cli; "
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'kg.build.pipeline') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True).stdout.strip()  # fmt: skip
    assert loaded == "[]"


@pytest.mark.parametrize("stage", STAGES)
def test_tests_mirror_each_stage(stage):
    folder = REPO / "tests" / stage
    assert (folder / "__init__.py").exists() and list(folder.glob("test_*.py")), stage


def test_every_test_file_is_collected():
    """pytest skips folders named like build outputs (``build``, ``dist``) unless told
    otherwise: a mirrored folder must never drop out of the suite silently."""
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    files = {line.split("::", 1)[0] for line in collected.splitlines() if "::" in line}
    on_disk = {str(p.relative_to(REPO)) for p in (REPO / "tests").rglob("test_*.py")}
    assert on_disk - files == set()
