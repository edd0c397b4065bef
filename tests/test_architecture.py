"""docs/architecture.md's import diagram, checked against the code: `core` <- `participants`
<- `families` <- (`payments`, `complaints`, `dukcapil_sync`, `vclaim`) <- `demo`, nothing points
back, and no module circle (payments once had one of six modules). Every import counts,
including one inside a function; tests and factories are outside the rule (they build data
across apps)."""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BELOW = {
    "core": set(),
    "participants": {"core"},
    "families": {"core", "participants"},
    "payments": {"core", "participants", "families"},
    "complaints": {"core", "participants", "families"},
    "dukcapil_sync": {"core", "participants", "families"},
    "cards": {"core", "participants", "families"},
    "messaging": {"core", "participants", "families"},
    "accounts": {"core", "participants", "families", "messaging"},
    # Ubah Data sits above payments (a segment change issues the first bill), dukcapil_sync
    # (a newborn's NIK is checked with the registry), accounts (codes, PIN) and messaging.
    "changes": {
        "core",
        "participants",
        "families",
        "payments",
        "dukcapil_sync",
        "accounts",
        "messaging",
    },
    # Above the apps whose rows it turns into notifications; delivers through messaging.
    "notifications": {"core", "participants", "families", "payments", "complaints", "messaging"},
    "vclaim": {"core", "participants", "families"},
}
# Registrations stand where Ubah Data does: the registry client, the first bill and VA, the bot
# check and messages.
BELOW["registrations"] = set(BELOW["changes"])
APPS = {*BELOW, "demo"}


def project_modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in APPS or "migrations" in parts or "tests" in parts:
            continue
        if parts[-1] == "factories.py":
            continue
        name = ".".join(parts)[: -len(".py")].removesuffix(".__init__")
        modules[name] = path
    return modules


def imported(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The project modules `name` imports (the module itself for `from pkg import module`)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if full in modules else base


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {
        name: {target for target in imported(name, path, modules) if target in modules}
        for name, path in modules.items()
    }


def test_apps_import_only_the_apps_below_them():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if (app := module.split(".")[0]) in BELOW
        and (other := target.split(".")[0]) != app
        and other not in BELOW[app]
    )
    assert wrong == []


def test_the_mock_registry_imports_nothing_of_the_portal():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if module.startswith("dukcapil_sync.registry")
        for target in targets
        if not target.startswith("dukcapil_sync.registry")
    )
    assert wrong == []


def test_no_module_import_circle():
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in graph[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while (top := stack.pop()) != module:
                component.append(top)
            if component:
                circles.append(sorted([module, *component]))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert circles == []
