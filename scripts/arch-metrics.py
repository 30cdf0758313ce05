#!/usr/bin/env python3
"""Architecture metrics of the crate (issue 11): the five largest source files, per-cluster fan-out
sites outside the runner, module import cycles, and the size of the CLI layer.

    python3 scripts/arch-metrics.py [ROOT]

Import cycles are computed between modules at the granularity the code is organised in: each file
under src/ is a module (`src/bootstrap/init.rs` -> `bootstrap::init`, `mod.rs` -> its directory),
an edge goes from a module to every `crate::…` module it `use`s (or names inline), and every
strongly connected component with more than one module is a cycle. A module importing its own
parent's items (`super::Error`) counts as an edge to the parent; a parent re-exporting its
children (`pub use child::X` in mod.rs) does not, so the idiom of children sharing their parent's
error type is not reported as a cycle (cargo-modules draws the same graph).
"""
import os
import re
import sys
from collections import defaultdict

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
src = os.path.join(root, "src")


def module_of(path):
    rel = os.path.relpath(path, src)[:-3]
    parts = rel.split(os.sep)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return "::".join(parts) or "crate"


files = []
for d, _, names in os.walk(src):
    for n in names:
        if n.endswith(".rs"):
            files.append(os.path.join(d, n))
modules = {module_of(f): f for f in files}


def resolve(path_parts, current):
    """The longest known module prefix of a path like crate::a::b::Item."""
    if path_parts and path_parts[0] == "crate":
        parts = path_parts[1:]
    elif path_parts and path_parts[0] == "super":
        base = current.split("::")
        if current != "crate" and os.path.basename(modules[current]) != "mod.rs":
            base = base[:-1]
        i = 0
        while i < len(path_parts) and path_parts[i] == "super":
            if i > 0:
                base = base[:-1]
            i += 1
        parts = base + path_parts[i:]
    elif path_parts and path_parts[0] == "self":
        base = current.split("::")
        parts = base + path_parts[1:]
    else:
        return None
    for k in range(len(parts), 0, -1):
        cand = "::".join(parts[:k])
        if cand in modules:
            return cand
    return None


def expand(tree):
    """Expands `a::{b, c::{d}}` into paths."""
    tree = tree.strip()
    m = re.match(r"^(.*?)::\{(.*)\}$", tree, re.S)
    if not m:
        return [tree.split(" as ")[0].strip()]
    prefix, inner = m.group(1), m.group(2)
    items, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        items.append(cur)
    out = []
    for it in items:
        it = it.strip()
        if not it:
            continue
        if it == "self":
            out.append(prefix)
        else:
            out.extend(expand(prefix + "::" + it))
    return out


edges = defaultdict(set)
for mod, path in modules.items():
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)
    for m in re.finditer(r"\buse\s+((?:crate|super|self)[^;]*);", text, re.S):
        for p in expand(m.group(1)):
            target = resolve(p.split("::"), mod)
            if target and target != mod:
                edges[mod].add(target)
    for m in re.finditer(r"\b((?:crate|super)(?:::[A-Za-z_][A-Za-z0-9_]*)+)", text):
        target = resolve(m.group(1).split("::"), mod)
        if target and target != mod:
            edges[mod].add(target)

# A module depends on its parent implicitly only through explicit paths; parents declaring
# children (`mod x;`) are not edges.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)


def strong(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in edges[v]:
        if w not in index:
            strong(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))


for v in sorted(modules):
    if v not in index:
        strong(v)

sizes = sorted(((sum(1 for _ in open(f, encoding="utf-8")), os.path.relpath(f, root)) for f in files), reverse=True)
print("five largest files:")
for n, f in sizes[:5]:
    print(f"  {n:6d}  {f}")

fan = re.compile(r"join_all|FuturesUnordered|buffer_unordered|buffered\(|JoinSet")
sites = []
for f in files:
    rel = os.path.relpath(f, root)
    if rel.endswith(os.path.join("ops", "runner.rs")):
        continue
    for i, line in enumerate(open(f, encoding="utf-8"), 1):
        if fan.search(line) and not line.strip().startswith(("//", "use ")):
            sites.append(f"{rel}:{i}")
print(f"concurrent fan-out sites outside ops/runner.rs: {len(sites)}")
for s in sites:
    print(f"  {s}")
print(f"import cycles (strongly connected module groups): {len(sccs)}")
for c in sccs:
    print("  " + " <-> ".join(c))
cli = [f for f in files if os.path.relpath(f, src).startswith("cli" + os.sep)]
print(f"cli layer: {sum(sum(1 for _ in open(f, encoding='utf-8')) for f in cli)} lines in {len(cli)} files")
