"""The notebooks in notebooks/ run top to bottom, as a new user would run them (saved outputs are allowed).

Each notebook is executed with nbclient in a fresh ``python3`` kernel (the interpreter running
the tests), with notebooks/ as the working directory, at most 120 s per cell. Skipped, with the
reason, when nbclient, nbformat, ipykernel or matplotlib is missing
(``pip install '.[test]'`` or ``'.[notebooks]'`` installs them).
"""

from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))

_REASON = "running the notebooks needs nbclient, nbformat, ipykernel and matplotlib: pip install '.[test]'"
nbformat = pytest.importorskip("nbformat", reason=_REASON)


def _client_or_skip():
    for name in ("nbclient", "ipykernel", "matplotlib"):
        pytest.importorskip(name, reason=_REASON)
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        pytest.skip("no 'python3' Jupyter kernel is installed (python -m ipykernel install --user)")
    from nbclient import NotebookClient

    return NotebookClient


def test_the_four_stories_are_there():
    assert [p.name for p in PATHS] == ["01_circuits_and_grid_tensors.ipynb", "02_universality.ipynb",
                                       "03_depth_efficiency.ipynb", "04_counterexample_search.ipynb",
                                       "05_explore.ipynb"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_saved_without_outputs_and_with_text(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    text = [c for c in nb.cells if c.cell_type == "markdown"]
    # saved with their outputs (issue 20: a reader of the repository sees the figures), never with an error
    assert not [o for c in code for o in c.outputs if o.output_type == "error"], "saved with an error in its outputs"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert len(text) * 2 >= len(code), "a story: text between the code cells"
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_runs_top_to_bottom(path):
    NotebookClient = _client_or_skip()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    pictures = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert pictures >= 2, "every notebook shows its pictures inline"
