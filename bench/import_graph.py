"""The import graph of challenge/: import circles, imports hidden inside functions, and imports
pointing up the floors of STYLE.md's layering. Static (ast), so it needs no app or database.

    .venv/bin/python bench/import_graph.py [repository root]
"""

import ast
import sys
from collections import defaultdict
from pathlib import Path

# STYLE.md "Layering": a module's floor from its name; a module that holds routes is floor 8
# whatever its name. Infrastructure any floor may use (extensions, config, the matcher, which knows
# nothing of Flask) is floor 1 with the pure data; create_app (the package itself) is above all.
GROUND = {"extensions", "config", "states", "money", "timeutil", "filesize", "errors", "security",
          "inputs", "validators", "boundary", "matching", "locales"}
LOW = {"models", "mail", "locking", "uploads"}                 # rows, and what rows need
DOOR = {"workflow", "notices"}
RULES = {"rules", "ledger", "scoring", "aggregate", "rubric", "chain", "anomalies"}
TOP = {"views_common", "forms_common", "filters", "caching", "serving", "observability", "cli",
       "demo", "demo_content", "workflow_table"}               # what create_app wires in
ENTRY = {"jobs.celery_app"}  # builds the app for the Celery processes, as wsgi.py does for gunicorn


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for path in (root / "challenge").rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]):
    """(target module, inside a function?) for each import of a challenge module; imports
    under `if TYPE_CHECKING:` are left out (they never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    inside, typing_only = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside |= {id(n) for n in ast.walk(node)}
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            typing_only |= {id(n) for n in ast.walk(node)}
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in known else module
                       for a in node.names]
        for target in targets:
            if target in known and target != name:
                yield target, id(node) in inside


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    sys.setrecursionlimit(10_000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def floor(name: str, path: Path | None = None) -> int:
    """STYLE.md's floor of a module: 1 pure data, 2 models, 3 the door, 4 permissions, 5 stage
    rules, 6 flows, 7 operations and queries, 8 views and forms, 9 create_app."""
    parts = name.split(".")[1:]
    if not parts or ".".join(parts) in ENTRY:
        return 9
    if path is not None and ("Blueprint(" in (text := path.read_text(encoding="utf-8"))
                             or "@bp.route" in text):
        return 8
    head, leaf = parts[0], parts[-1]
    if head in GROUND:
        return 1
    if head in LOW:
        return 2
    if head in DOOR:
        return 3
    if head == "permissions":
        return 4
    if leaf in RULES:
        return 5
    if leaf == "flows":
        return 6
    if head in TOP or leaf.endswith(("views", "forms")):
        return 8
    return 7  # operations, queries and the other services views and commands call


def graph(root: Path):
    """(module-level imports, all imports but create_app's, [(module, target) inside functions],
    {module: path})."""
    known = modules(root)
    top, everything, hidden = defaultdict(set), defaultdict(set), []
    for name, path in sorted(known.items()):
        for target, in_function in imports(name, path, known):
            everything[name].add(target)
            if in_function:
                hidden.append((name, target))
            else:
                top[name].add(target)
    # create_app imports the blueprints inside the factory, as Flask's pattern has it.
    factory = {k: {t for t in v if t != "challenge"} for k, v in everything.items() if k != "challenge"}
    return top, factory, hidden, known


def upward(top, known) -> list[tuple[str, str]]:
    """Module-level imports from a lower floor to a higher one."""
    return sorted((a, b) for a in top for b in top[a]
                  if floor(b, known[b]) > floor(a, known[a]))


def main(root: Path) -> None:
    top, factory, hidden, known = graph(root)
    up = upward(top, known)
    print(f"modules: {len(known)}, lines: "
          f"{sum(len(p.read_text(encoding='utf-8').splitlines()) for p in known.values())}")
    print(f"imports inside functions: {len(hidden)} "
          f"(in create_app: {sum(a == 'challenge' for a, _ in hidden)})")
    for a, b in hidden:
        if a != "challenge":
            print(f"  {a} -> {b}")
    print(f"circles (module-level imports): {len(circles(top))}")
    for part in circles(top):
        print("  " + " ".join(part))
    print(f"circles counting imports inside functions (create_app's left out): "
          f"{len(circles(factory))}")
    for part in circles(factory):
        print("  " + " ".join(part))
    print(f"imports pointing up the floors: {len(up)}")
    for a, b in up:
        print(f"  {a} (floor {floor(a, known[a])}) -> {b} (floor {floor(b, known[b])})")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent))
