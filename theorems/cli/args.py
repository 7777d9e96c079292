"""What several subcommands read from their arguments: a spec (a path or ``-``) and comma lists of ints."""

from __future__ import annotations

import argparse

__all__ = ["read_spec", "parse_ints", "seed_int", "positive_ints"]


def seed_int(text: str) -> int:
    """``--seed``: an int >= 0 (refused by the parser, before any work: numpy refuses negative seeds deep inside).

    >>> seed_int("7")
    7
    """
    try:
        v = int(text)
    except ValueError:
        v = -1
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected an int >= 0, got {text!r}")
    return v


def positive_ints(text: str) -> list:
    """A comma list of ints >= 1, such as widths ``2,2``."""
    v = parse_ints(text)
    if not v or min(v) < 1:
        raise argparse.ArgumentTypeError(f"expected a comma list of ints >= 1 such as 2,2, got {text!r}")
    return v


def parse_ints(text: str) -> list:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a comma list of ints such as 2,2, got {text!r}") from None


def read_spec(path: str):
    """Load a spec from a path or '-' (standard input), through the limits of
    :func:`symbolic.kernel.parse.read_json_file` (size, nesting, digits)."""
    from symbolic.errors import SpecError
    from symbolic.kernel.parse import ParseError, read_json_file
    from symbolic.spec.network import load_spec

    from symbolic.cost import MAX_SPEC_BYTES

    if path == "-":
        try:
            data = read_json_file("-", field="stdin", max_bytes=MAX_SPEC_BYTES)
        except ParseError as e:
            if e.kind == "empty":
                raise SpecError("stdin", "", "a JSON spec on standard input (it was empty)") from None
            if e.kind == "json" and e.detail:
                line, column, msg = e.detail
                raise SpecError("stdin", None, "valid JSON",
                                got=f"{msg.lower()} at line {line} column {column}") from None
            raise
        if not isinstance(data, dict):
            raise SpecError("stdin", data, "a JSON object (a network spec)")
        return load_spec(data)
    return load_spec(path)
