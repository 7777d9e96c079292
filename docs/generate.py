"""Write the generated pages of the documentation site into ``docs/_generated/`` (run by conf.py at every build;
``python docs/generate.py`` writes them by hand):

- ``catalog.md``: the claim catalog of ``convac verify`` (theorems.claims.catalog.CATALOG) and the deliberately false
  variants of ``convac verify --variants`` (theorems.claims.variants.FALSE_VARIANTS);
- ``api.rst``: the API reference, one autodoc entry per package-level name (``symbolic.__all__``,
  ``theorems.__all__``), so that a name added to either package appears without editing the docs;
- ``gallery.md`` and ``notebooks/``: the committed notebooks, copied as they are (with their outputs).
"""

from __future__ import annotations

import inspect
import pathlib
import shutil
import sys
import types

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _first_paragraph(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n")[0].split())


def _md(text: str) -> str:
    """Plain text as markdown: characters that markdown would read as markup are escaped."""
    for ch in "\\`*_[]<>|$":
        text = text.replace(ch, "\\" + ch)
    return text


def _label(claim_id: str) -> str:
    return "claim-" + claim_id.replace(".", "-").replace("_", "-")


def catalog_page() -> str:
    from theorems.claims.catalog import CATALOG, SIZES
    from theorems.run.sweep import fmt_instance
    from theorems.claims.variants import FALSE_VARIANTS

    out = ["# The claim catalog", "",
           "Every claim that `convac verify` checks, exactly, on small instances (`--size small`, the default) and on",
           "larger ones (`--size medium`, `--size large`); each result carries a certificate that the trusted kernel",
           "re-verifies (see [Answer files](../answers.md)). `convac show ID` prints one claim; this page is generated",
           "from `theorems.claims.catalog.CATALOG` at every build of the site.", ""]
    out += ["| claim | statement |", "|---|---|"]
    out += [f"| {{ref}}`{c.id} <{_label(c.id)}>` | {_md(c.statement)} |" for c in CATALOG]
    out.append("")
    for c in CATALOG:
        out += [f"({_label(c.id)})=", f"## {c.id}", "", f"**Statement.** {_md(c.statement)}", "",
                f"**Source.** {_md(c.source)}", "", f"**Proof method.** {_md(c.method)}", ""]
        check = c.check
        doc = _first_paragraph(check)
        if doc:
            out += [f"**Checked by** `{check.__module__}.{getattr(check, '__name__', '')}`: {_md(doc)}", ""]
        for size in SIZES:
            insts = getattr(c, size)
            if insts:
                shown = ", ".join(f"`{fmt_instance(i) or '(no parameters)'}`" for i in insts)
                out += [f"- *{size}* ({len(insts)}{'' if size == 'small' else ' more'}): {shown}"]
        out.append("")
    out += ["## False variants (`convac verify --variants`)", "",
            "Deliberately false statements near the true ones: each must come out `refuted`, with a counterexample",
            "the kernel re-verifies.", "", "| variant | what it claims, and why it is false |", "|---|---|"]
    out += [f"| `{name}` | {_md(_first_paragraph(fn)) or '-'} |" for name, fn in FALSE_VARIANTS.items()]
    return "\n".join(out) + "\n"


def _real(pkg, name):
    """The object a package-level name stands for (no module shares a package-level name, so it is never a module)."""
    obj = getattr(pkg, name)
    assert not isinstance(obj, types.ModuleType), f"{pkg.__name__}.{name} is a module"
    return obj


def _rst_heading(text: str, ch: str) -> list:
    return [text, ch * len(text), ""]


def api_page() -> str:
    """The API reference in reStructuredText (autodoc emits reStructuredText, which a markdown page would not read)."""
    import symbolic
    import theorems

    out = _rst_heading("API reference", "=") + [
        "The package-level names of ``symbolic`` (the mathematics) and ``theorems`` (the claims), each importable",
        "from its package (``from symbolic import deep, grid_tensor``; ``from theorems import decide_laws``). Every",
        "function returns a typed, frozen result whose ``to_dict()`` is the command line's ``--json`` answer",
        "(:doc:`../answers`). This page is generated from ``symbolic.__all__`` and ``theorems.__all__``; each entry",
        "names the module that defines it.", ""]
    for pkg, blurb in ((symbolic, "specs, circuits, grid tensors, matricizations, ranks"),
                       (theorems, "the claims checked: the catalog sweep, laws, universality, depth, search, recheck")):
        out += _rst_heading(f"{pkg.__name__}: {blurb}", "-")
        for name in pkg.__all__:
            obj = _real(pkg, name)
            kind = "autoclass" if inspect.isclass(obj) else "autofunction"
            out += _rst_heading(f"{pkg.__name__}.{name}", "~")
            out += [f".. {kind}:: {obj.__module__}::{obj.__qualname__}", ""]
    return "\n".join(out)


def gallery(dest: pathlib.Path) -> str:
    nbdir = dest / "notebooks"
    if nbdir.exists():
        shutil.rmtree(nbdir)
    nbdir.mkdir(parents=True)
    names = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    for name in names:
        shutil.copyfile(ROOT / "notebooks" / name, nbdir / name)
    out = ["# Notebook gallery", "",
           "The notebooks of `notebooks/`, shown as committed, with their outputs (the site never executes them;",
           "the test suite does, `tests/test_notebooks.py`). Open them with",
           "`pip install '.[notebooks]' && jupyter lab notebooks/`.", "",
           "```{toctree}", ":maxdepth: 1", ""]
    out += [f"notebooks/{name[:-len('.ipynb')]}" for name in names]
    out += ["```", ""]
    return "\n".join(out)


def _write(path: pathlib.Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:  # unchanged pages stay up to date
        path.write_text(text, encoding="utf-8")


def main(dest: pathlib.Path = ROOT / "docs" / "_generated") -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    dest.mkdir(parents=True, exist_ok=True)
    _write(dest / "catalog.md", catalog_page())
    _write(dest / "api.rst", api_page())
    _write(dest / "gallery.md", gallery(dest))


if __name__ == "__main__":
    main()
