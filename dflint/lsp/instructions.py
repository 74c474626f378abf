"""Reference data for the 18 Dockerfile instructions: hover text and completion items.

Kept as data (not prose scattered through handlers) so hover and completion describe an
instruction in the same words, and a new BuildKit flag is a one-line change.
"""

from __future__ import annotations

from dataclasses import dataclass

REFERENCE_URL = "https://docs.docker.com/reference/dockerfile/#{anchor}"


@dataclass(frozen=True, slots=True)
class InstructionDoc:
    keyword: str
    syntax: str
    summary: str
    #: Flags BuildKit accepts (name without ``--`` → one-line description).
    flags: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return REFERENCE_URL.format(anchor=self.keyword.lower())

    def markdown(self) -> str:
        lines = [f"**{self.keyword}** — {self.summary}", "", "```dockerfile", self.syntax, "```"]
        if self.flags:
            lines += ["", "Flags:"]
            lines += [f"- `--{name}`: {text}" for name, text in self.flags]
        lines += ["", f"[Reference]({self.url})"]
        return "\n".join(lines)


_COPY_FLAGS = (
    ("chown", "owner of the copied files (`user:group`)"),
    ("chmod", "permission bits of the copied files"),
    ("link", "copy into an independent layer (survives base changes)"),
    ("exclude", "leave out paths matching a pattern"),
)

INSTRUCTIONS: dict[str, InstructionDoc] = {doc.keyword: doc for doc in (
    InstructionDoc("ADD", "ADD [--chown=<u>:<g>] [--chmod=<perms>] <src>... <dest>",
                   "Copies files, URLs or git repositories into the image; unpacks local tar archives.",
                   (*_COPY_FLAGS, ("checksum", "expected checksum of a remote source"),
                    ("keep-git-dir", "keep the `.git` directory of a git source"),
                    ("unpack", "whether to unpack archives"))),
    InstructionDoc("ARG", "ARG <name>[=<default>] ...",
                   "Declares a build argument (`--build-arg`); before the first FROM it is global "
                   "to FROM lines."),
    InstructionDoc("CMD", 'CMD ["executable", "param"...]  |  CMD command param...',
                   "Default command (or default ENTRYPOINT arguments) of a container; only the last "
                   "one counts."),
    InstructionDoc("COPY", "COPY [--from=<stage>] [--chown=<u>:<g>] <src>... <dest>",
                   "Copies files from the build context or another stage into the image.",
                   (("from", "copy from a stage, an image or a named context instead of the context"),
                    *_COPY_FLAGS, ("parents", "keep the source's parent directories"))),
    InstructionDoc("ENTRYPOINT", 'ENTRYPOINT ["executable", "param"...]  |  ENTRYPOINT command param...',
                   "The executable a container runs; CMD supplies its default arguments."),
    InstructionDoc("ENV", "ENV <key>=<value> ...",
                   "Sets environment variables for later instructions and for the running container."),
    InstructionDoc("EXPOSE", "EXPOSE <port>[/<protocol>] ...",
                   "Documents the ports the container listens on (publishing is done at run time)."),
    InstructionDoc("FROM", "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]",
                   "Starts a build stage from a base image, an earlier stage or `scratch`.",
                   (("platform", "platform of the base image, e.g. `$BUILDPLATFORM`"),)),
    InstructionDoc("HEALTHCHECK", "HEALTHCHECK [options] CMD command  |  HEALTHCHECK NONE",
                   "Tells the runtime how to test that the container still works.",
                   (("interval", "time between checks (default 30s)"),
                    ("timeout", "time before a check counts as failed (default 30s)"),
                    ("start-period", "grace period while the container starts"),
                    ("start-interval", "time between checks during the start period"),
                    ("retries", "consecutive failures before `unhealthy` (default 3)"))),
    InstructionDoc("LABEL", "LABEL <key>=<value> ...", "Adds metadata to the image."),
    InstructionDoc("MAINTAINER", "MAINTAINER <name>",
                   "Deprecated: sets the author field; use `LABEL org.opencontainers.image.authors=...`."),
    InstructionDoc("ONBUILD", "ONBUILD <INSTRUCTION>",
                   "Registers an instruction to run when another build uses this image as its base."),
    InstructionDoc("RUN", "RUN [--mount=...] [--network=...] command  |  RUN [\"executable\", \"param\"...]",
                   "Runs a command in a new layer on top of the current image.",
                   (("mount", "mount a cache, secret, ssh agent, bind or tmpfs for this command"),
                    ("network", "network for this command: `default`, `none` or `host`"),
                    ("security", "`insecure` or `sandbox` (needs an entitlement)"))),
    InstructionDoc("SHELL", 'SHELL ["executable", "parameters"]',
                   "Changes the shell used by the shell form of RUN, CMD and ENTRYPOINT."),
    InstructionDoc("STOPSIGNAL", "STOPSIGNAL <signal>", "The signal sent to stop the container."),
    InstructionDoc("USER", "USER <user>[:<group>]",
                   "The user (and group) for later RUN, CMD and ENTRYPOINT instructions."),
    InstructionDoc("VOLUME", 'VOLUME ["/data"]  |  VOLUME /data ...',
                   "Declares mount points for externally mounted volumes."),
    InstructionDoc("WORKDIR", "WORKDIR /path",
                   "Sets the working directory for later instructions (created if missing)."),
)}


def instruction_doc(keyword: str) -> InstructionDoc | None:
    return INSTRUCTIONS.get(keyword.upper())
