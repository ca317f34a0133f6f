"""The ``kamerkg`` command line: a thin layer over the library.

Each stage module that offers a command defines ``register(subparsers)``; it adds its sub-command and
sets ``func`` (taking the parsed ``argparse.Namespace`` and returning an exit code). This file only
collects them, so that a new command is one line in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from kamerkg.errors import KamerkgError

# modules that contribute sub-commands, in the order ``kamerkg --help`` lists them
COMMAND_MODULES = [
    "kamerkg.commands",
    "kamerkg.load",
    "kamerkg.linking",
    "kamerkg.evaluate",
    "kamerkg.report",
    "kamerkg.conflicts",  # adds "report conflicts"; after kamerkg.report
    "kamerkg.fetch",
    "kamerkg.serve",
]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kamerkg", description="Dutch parliamentary documents as a linked-data knowledge graph."
    )
    parser.add_argument("--base", help="base IRI to mint under (default https://w3id.org/kamerkg/)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KamerkgError as e:
        print(f"kamerkg: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
