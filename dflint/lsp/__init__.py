"""`dflint lsp`: the language server, over stdio (default) or TCP.

Only :func:`main` lives here and it imports nothing heavy at module level: the CLI imports this
package only for `dflint lsp`, and pygls/lsprotocol are loaded inside :func:`main`, so a plain
`dflint` lint never pays for them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dflint lsp", description="Run the dflint language server.")
    p.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    p.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio")
    p.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    p.add_argument("--log-file", metavar="PATH", help="write the server log here (default: stderr)")
    p.add_argument("--log-level", default="WARNING",
                   choices=("DEBUG", "INFO", "WARNING", "ERROR"), help="log level (default WARNING)")
    return p


def main(argv: Sequence[str]) -> int:
    """Serve until the client sends ``exit``; 0 after a proper ``shutdown``, else 1 (LSP rule)."""
    args = _parser().parse_args(list(argv))
    handler: logging.Handler = (logging.FileHandler(args.log_file, encoding="utf-8") if args.log_file
                                else logging.StreamHandler(sys.stderr))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(args.log_level)
    try:
        from dflint.lsp.server import create_server
    except ImportError as exc:
        print(f"dflint: error: the language server needs pygls and lsprotocol "
              f"(pip install 'dflint[lsp]'): {exc}", file=sys.stderr)
        return 2
    server = create_server()
    server.settle_heap_after_lint = True  # this process is the server's alone
    if args.tcp:
        server.start_tcp(args.host, args.port)
        return 0
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but the protocol may reach the real stdout
    server.start_io(sys.stdin.buffer, protocol_out)
    return 0 if server.protocol._shutdown else 1
