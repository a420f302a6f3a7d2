"""The import graph of challenge/: import circles, imports hidden inside functions, and imports
pointing up the floors of STYLE.md's layering. Static (ast), so it needs no app or database.

    .venv/bin/python bench/import_graph.py [repository root]
"""

import ast
import sys
from collections import defaultdict
from pathlib import Path

# STYLE.md "Layering": a module's floor by its name (route modules are floor 8 whatever their name).
FLOORS = {"states": 1, "money": 1, "timeutil": 1, "errors": 1, "models": 2, "workflow": 3,
          "notices": 3, "permissions": 4, "rules": 5, "ledger": 5, "scoring": 5, "aggregate": 5,
          "rubric": 5, "flows": 6, "operations": 7, "queries": 7, "decision": 7, "views": 8,
          "forms": 8}


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


def floor(name: str, path: Path) -> int | None:
    text = path.read_text(encoding="utf-8")
    if "Blueprint(" in text or "@bp.route" in text:
        return 8
    if name == "challenge":
        return 9
    parts = name.split(".")[1:]
    return FLOORS.get(parts[0]) or FLOORS.get(parts[-1])


def main(root: Path) -> None:
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
    up = sorted((a, b) for a in top for b in top[a]
                if floor(a, known[a]) and floor(b, known[b]) and floor(b, known[b]) > floor(a, known[a]))
    print(f"modules: {len(known)}")
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
