"""The ``convac`` command line, one module per subcommand (:mod:`theorems.cli.app` holds the
parser and the one error path).

This package's own import loads nothing: ``convac recheck`` (:mod:`theorems.cli.recheck`) must
run with the trusted kernel alone.
"""


def main(argv=None) -> int:
    """Run ``convac`` with ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    from theorems.cli.app import main as app_main

    return app_main(argv)


__all__ = ["main"]
