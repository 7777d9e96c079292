"""The README's Python example runs as written and prints what its comments say."""

import contextlib
import io
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_python_example_runs_and_prints_what_it_says():
    text = README.read_text()
    code = re.search(r"From Python.*?```python\n(.*?)```", text, re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own README, not input
    said = [m.group(1).strip() for m in re.finditer(r"^print\(.*?\)\s+# (.*)$", code, re.M)]
    printed = out.getvalue().splitlines()
    assert len(printed) == len(said) == 4, (printed, said)
    for line, comment in zip(printed, said):  # each comment starts with what its print prints
        assert comment.startswith(line), (line, comment)
