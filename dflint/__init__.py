"""dflint: a static analyser and linter for Dockerfiles.

Kept import-free on purpose: `import dflint` must stay cheap, because the CLI's start-up time is
part of what we compete on (pre-commit runs one process per batch of files).
"""

__version__ = "0.1.0"
