"""`python -m dflint` behaves like the `dflint` command."""

import sys

from dflint.cli import main

sys.exit(main())
