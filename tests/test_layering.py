"""The layering of the packages (issue 10), from the source: every ``import`` counted, including the
ones inside functions (but not those under ``if TYPE_CHECKING:``, which never run).

- symbolic/ (the mathematics) never imports theorems/;
- the trusted kernel (symbolic/kernel) imports nothing of convac outside itself but symbolic.errors;
- rendering and plotting (theorems.present: render, report, plot) sit at the top: only the
  command line (theorems.cli), the public facade (theorems.api) and each other import them;
- no import circles among the modules of symbolic/ and theorems/.
"""

import ast
import pathlib

import networkx as nx

ROOT = pathlib.Path(__file__).resolve().parents[1]
TOP = {"theorems.present", "theorems.present.render", "theorems.present.report", "theorems.present.plot",
       "theorems.present.plot.base", "theorems.present.plot.box",
       "theorems.present.plot.circuit", "theorems.present.plot.growth", "theorems.present.plot.heatmap"}


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> nx.DiGraph:
    """Modules of symbolic/ and theorems/ as nodes; an edge a -> b when a imports b anywhere in its source
    (``from pkg import name`` counts as importing ``pkg.name`` when that is a module, else ``pkg``)."""
    mods = {_module_name(p): p for pkg in ("symbolic", "theorems") for p in (ROOT / pkg).rglob("*.py")}
    G = nx.DiGraph()
    for m, path in mods.items():
        G.add_node(m)
        package = m if path.name == "__init__.py" else m.rpartition(".")[0]
        tree = ast.parse(path.read_text())
        # imports under ``if TYPE_CHECKING:`` are read by type checkers only, never run: no edge
        typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
                       for stmt in block.body for n in ast.walk(stmt)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            else:
                continue
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != m:
                    G.add_edge(m, t)
    return G


GRAPH = import_graph()


def test_the_graph_sees_function_level_imports():
    # theorems.cli.app registers the subcommands inside build_parser: those edges must be there
    assert GRAPH.has_edge("theorems.cli.app", "theorems.cli.verify")
    assert GRAPH.number_of_nodes() > 60


def test_no_import_circles():
    circles = [sorted(c) for c in nx.strongly_connected_components(GRAPH) if len(c) > 1]
    assert not circles, circles


def test_symbolic_never_imports_theorems():
    up = [(a, b) for a, b in GRAPH.edges if a.startswith("symbolic") and b.startswith("theorems")]
    assert not up, up


def test_kernel_is_isolated():
    out = [(a, b) for a, b in GRAPH.edges if a.startswith("symbolic.kernel")
           and not (b.startswith("symbolic.kernel") or b in ("symbolic", "symbolic.errors"))]
    assert not out, out


def test_rendering_sits_at_the_top():
    below = [(a, b) for a, b in GRAPH.edges if b in TOP and not (a in TOP or a == "theorems.api"
                                                                 or a.startswith(("theorems.cli", "theorems.explore")))]
    assert not below, below


def test_type_checking_imports_are_not_edges():
    # symbolic.rank.exact names the structured route's certificate type for mypy only
    assert not GRAPH.has_edge("symbolic.rank.exact", "symbolic.rank.structured")
    assert GRAPH.has_edge("symbolic.rank.structured", "symbolic.rank.exact")
