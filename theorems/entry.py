"""The ``convac`` console entry point: ``recheck`` loads the trusted kernel only, every other
subcommand the full command line (:mod:`theorems.cli`)."""

import sys


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["recheck"]:
        from theorems.cli.recheck import main as recheck_main

        return recheck_main(argv[1:])
    from theorems.cli.app import main as cli_main

    return cli_main(argv)
