"""The ``fwo-sync`` command line (a thin layer over the library)."""

import sys


def main(argv: list[str] | None = None) -> int:
    print("fwo-sync: not implemented yet", file=sys.stderr)
    return 2
