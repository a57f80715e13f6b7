"""The layout of the package holds: no import circle, no import from a lower layer up to a higher one, a core
that knows nothing of HTTP, the CLI or the queue, and a runtime that never imports the tools.

The graph is read from the source (every import, lazy ones and TYPE_CHECKING ones included), not from what a
test run happens to load; docs/architecture.md draws the same layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sohoa"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("sohoa", "sohoa.errors", "sohoa.models"),
    ("sohoa.catalog",),
    ("sohoa.intake",),
    ("sohoa.ocr",),
    ("sohoa.classification",),
    ("sohoa.pdfa",),
    ("sohoa.signing",),
    ("sohoa.archive",),
    ("sohoa.pipeline",),
    ("sohoa.services",),
    ("sohoa.lifecycle",),
    ("sohoa.supervision",),
    ("sohoa.edges",),
    ("sohoa.tools",),
)
"""From the bottom up: a module may import its own layer and the layers below it, never one above."""

EDGE_ONLY = ("fastapi", "starlette", "uvicorn", "multipart", "typer", "click", "rich", "rq", "jinja2")
"""Third-party packages that belong to the edges (HTTP, CLI, queue) and the tools, never to the core."""


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, resolved to a module of the package where it names one."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return found


GRAPH = {name: {target for target in imports_of(path) if target in MODULES and target != name} for name, path in MODULES.items()}


def layer_of(module: str) -> int:
    best = (-1, -1)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), index)
    assert best[1] >= 0, f"{module} is in no layer: add its folder to LAYERS and to docs/architecture.md"
    return best[1]


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_is_in_a_layer():
    for module in MODULES:
        layer_of(module)


def test_no_import_circle():
    assert circles(GRAPH) == []


def test_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_runs_up_a_layer():
    upward = sorted(f"{source} -> {target}" for source, targets in GRAPH.items() for target in targets
                    if layer_of(target) > layer_of(source))
    assert upward == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_core_imports_nothing_of_http_cli_or_queue(name):
    if layer_of(name) >= layer_of("sohoa.edges"):
        return
    used = {target.split(".")[0] for target in imports_of(MODULES[name])}
    assert not used & set(EDGE_ONLY), f"{name} imports {sorted(used & set(EDGE_ONLY))}: that belongs in sohoa.edges"


def test_runtime_never_imports_the_tools():
    offenders = sorted(f"{source} -> {target}" for source, targets in GRAPH.items() for target in targets
                       if target.startswith("sohoa.tools") and not source.startswith("sohoa.tools"))
    assert offenders == []


def test_modules_stay_under_500_lines():
    long = sorted(f"{name}: {lines}" for name, path in MODULES.items() if (lines := len(path.read_text().splitlines())) > 500)
    assert long == []


def folders_drawn(doc: str) -> set[str]:
    """The folders of the tree drawn under "## The map" in docs/architecture.md, as paths below sohoa/."""
    drawn: set[str] = set()
    parents: list[str] = []
    tree = doc.split("## The map", 1)[1].split("```")[1]
    for line in tree.splitlines():
        marker = max(line.find("├── "), line.find("└── "))
        if marker < 0:
            continue
        depth = marker // 4
        names = line[marker + 4:].split("  ")[0]
        parents = parents[:depth]
        for name in (part.strip() for part in names.split(",")):
            if name.endswith("/"):
                drawn.add("/".join([*parents, name.rstrip("/")]))
        last = names.split(",")[-1].strip()
        parents.append(last.rstrip("/"))
    return drawn


def test_architecture_doc_draws_every_folder():
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text()
    folders = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*")
               if p.is_dir() and (p / "__init__.py").exists() and "migrations" not in p.parts}
    assert folders_drawn(doc) == folders
