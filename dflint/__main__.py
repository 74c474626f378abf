"""`python -m dflint` behaves like the `dflint` command."""

from dflint.cli import run

run()
