"""Shell analysis of RUN/CMD/ENTRYPOINT/HEALTHCHECK scripts, the basis of every shell rule.

Importing this package is cheap: tree-sitter-bash is loaded on the first analysis only.
"""

from __future__ import annotations

from dflint.shell.instruction import analyse_instruction
from dflint.shell.model import (
    Assignment,
    CommandList,
    Operator,
    Pipeline,
    Redirect,
    Segment,
    ShellScript,
    ShellSyntaxError,
    ShellWord,
    SimpleCommand,
    Wrapper,
    set_pipefail,
    shell_argv_pipefail,
)
from dflint.shell.parse import analyse_script
from dflint.shell.tokens import HereDoc, OperatorProblem, Token, control_tokens, operator_problems

__all__ = [
    "Assignment",
    "CommandList",
    "HereDoc",
    "Operator",
    "OperatorProblem",
    "Pipeline",
    "Redirect",
    "Segment",
    "ShellScript",
    "ShellSyntaxError",
    "ShellWord",
    "SimpleCommand",
    "Token",
    "Wrapper",
    "analyse_instruction",
    "analyse_script",
    "control_tokens",
    "operator_problems",
    "set_pipefail",
    "shell_argv_pipefail",
]
