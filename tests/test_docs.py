"""The documentation site's generated pages (docs/generate.py; the site itself is built by .ci/run with
``sphinx-build -W``) and the repository files issue 22 asks for."""

import importlib.util
import pathlib

import symbolic
import theorems
from theorems.claims.catalog import CATALOG
from theorems.claims.variants import FALSE_VARIANTS

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _generate(tmp_path):
    spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main(tmp_path)
    return tmp_path


def test_generated_pages(tmp_path):
    out = _generate(tmp_path)
    catalog = (out / "catalog.md").read_text()
    assert all(f"## {c.id}\n" in catalog for c in CATALOG)
    assert all(f"`{name}`" in catalog for name in FALSE_VARIANTS)
    api = (out / "api.rst").read_text()
    for pkg in (symbolic, theorems):
        assert all(f"{pkg.__name__}.{name}\n" in api for name in pkg.__all__)
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (out / "notebooks").glob("*.ipynb")) == notebooks
    gallery = (out / "gallery.md").read_text()
    assert all(f"notebooks/{n[:-len('.ipynb')]}\n" in gallery for n in notebooks)


def test_docs_the_code_cites_are_in_the_repository():
    for name in ("design.md", "paper-notes.md", "spec-format.md", "answers.md", "index.md", "getting-started.md"):
        assert (ROOT / "docs" / name).is_file(), name


def test_repository_files():
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["license"] == {"text": "MIT"} and (ROOT / "LICENSE").read_text().startswith("MIT License")
    cff = (ROOT / "CITATION.cff").read_text()
    for title in ("Convolutional Rectifier Networks as Generalized Tensor Decompositions",
                  "On the Expressive Power of Deep Learning: A Tensor Analysis",
                  "Inductive Bias of Deep Convolutional Networks through Pooling Geometry"):
        assert title in cff
    assert f"version: {meta['version']}" in cff
    assert (ROOT / "CHANGELOG.md").read_text().startswith("# Changelog")
    assert (ROOT / "symbolic" / "py.typed").is_file() and (ROOT / "theorems" / "py.typed").is_file()
