"""Benchmark `dflint lsp`: start-up time and didChange → publishDiagnostics latency.

Run: ``python benchmarks/lsp.py [--edits 40] [--lines 500]``. It drives a real server over stdio
with pygls' client, like an editor does:

* start-up: from spawning ``python -m dflint lsp`` to the ``initialize`` answer (median of 3);
* typing: an edit every ~100 ms on a 500-line Dockerfile (a fast typist; longer than the
  debounce, so each edit is linted at once), time from sending didChange to receiving the
  publishDiagnostics for that version (median and p90 of ``--edits`` edits);
* burst: 50 edits sent back to back, time from the last one to the diagnostics of the final
  version (what a paste or a multi-cursor edit costs);
* for reference, the in-process parse + lint time of the same text.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _common import bench_env
from lsprotocol import types
from pygls.lsp.client import BaseLanguageClient  # type: ignore[attr-defined]

BLOCK = """\
FROM debian:12-slim AS stage{n}
ARG VERSION{n}=1.{n}.0
ENV APP_HOME{n}=/srv/app{n} \\
    PATH=/srv/app{n}/bin:$PATH
WORKDIR $APP_HOME{n}
RUN apt-get update \\
    && apt-get install -y --no-install-recommends curl=7.88.1-10 ca-certificates=20230311 \\
    && rm -rf /var/lib/apt/lists/*
COPY requirements{n}.txt ./
RUN pip install --no-cache-dir -r requirements{n}.txt
COPY . .
RUN echo "building version $VERSION{n}" > /tmp/version \\
    && mkdir -p /srv/out{n} \\
    && cp -r . /srv/out{n}
LABEL org.opencontainers.image.version="$VERSION{n}"
EXPOSE 80{n:02d}
USER 1000:1000
HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1
RUN --mount=type=cache,target=/root/.cache echo cached{n}
COPY --from=stage{prev} /srv/out{prev} /srv/prev
RUN set -eux; \\
    echo one; \\
    echo two
CMD ["python", "-m", "app{n}"]
"""


def make_dockerfile(lines: int) -> str:
    out = ["# syntax=docker/dockerfile:1", ""]
    n = 0
    while len(out) < lines:
        out.extend(BLOCK.format(n=n, prev=max(n - 1, 0)).splitlines())
        n += 1
    return "\n".join(out[:lines]) + "\n"


class Client(BaseLanguageClient):
    def __init__(self) -> None:
        super().__init__("dflint-bench", "1")
        self.arrivals: dict[int | None, float] = {}
        #: Set when diagnostics for a version arrive: waiting on it, not polling, keeps the
        #: client from competing with the server for the CPU (an editor does not busy-wait).
        self.arrived = asyncio.Event()


def make_client() -> Client:
    client = Client()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        client.arrivals[params.version] = time.perf_counter()
        client.arrived.set()

    return client


async def wait_version(client: Client, version: int, timeout: float = 60.0) -> float:
    deadline = time.perf_counter() + timeout
    while version not in client.arrivals:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"no diagnostics for version {version}")
        client.arrived.clear()
        if version in client.arrivals:
            break
        try:
            await asyncio.wait_for(client.arrived.wait(), remaining)
        except TimeoutError:
            continue
    return client.arrivals[version]


async def start(root: Path) -> tuple[Client, float]:
    client = make_client()
    t0 = time.perf_counter()
    await client.start_io(sys.executable, "-m", "dflint", "lsp", env=bench_env())
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=root.as_uri(), process_id=None))
    elapsed = time.perf_counter() - t0
    client.initialized(types.InitializedParams())
    return client, elapsed


async def stop(client: Client) -> None:
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()  # type: ignore[no-untyped-call]


def edit(client: Client, uri: str, version: int, line: int, char: int, text: str) -> None:
    rng = types.Range(start=types.Position(line=line, character=char),
                      end=types.Position(line=line, character=char + 1))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(range=rng, text=text)]))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    root = Path.cwd()
    text = make_dockerfile(args.lines)
    startups = []
    for _ in range(args.starts - 1):
        client, elapsed = await start(root)
        startups.append(elapsed)
        await stop(client)
    client, elapsed = await start(root)
    startups.append(elapsed)

    uri = (root / "bench.Dockerfile").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="dockerfile", version=1, text=text)))
    t_open = time.perf_counter()
    open_latency = await wait_version(client, 1) - t_open

    # The edited line: the `echo one` of some RUN in the middle of the file.
    target = next(i for i, line in enumerate(text.splitlines()) if "echo one" in line and i > args.lines // 2)
    column = text.splitlines()[target].index("one")
    latencies = []
    version = 1
    for i in range(args.edits):
        version += 1
        await asyncio.sleep(0.1)
        sent = time.perf_counter()
        edit(client, uri, version, target, column, "oOnN"[i % 4])
        latencies.append(await wait_version(client, version) - sent)

    await asyncio.sleep(0.2)
    for i in range(50):
        version += 1
        edit(client, uri, version, target, column, "xyz"[i % 3])
    sent = time.perf_counter()
    burst = await wait_version(client, version) - sent
    await stop(client)

    from dflint.lsp.analysis import Analyzer

    analyzer = Analyzer()
    lint_times = []
    for _ in range(5):
        t0 = time.perf_counter()
        analyzer.analyse(uri, text, 1, root / "bench.Dockerfile")
        lint_times.append(time.perf_counter() - t0)
    return {"startup": startups, "open": open_latency, "typing": latencies, "burst": burst,
            "inproc": lint_times}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, default=500)
    p.add_argument("--edits", type=int, default=40)
    p.add_argument("--starts", type=int, default=3)
    args = p.parse_args()
    r = asyncio.run(run(args))
    ms = 1000.0
    typing_ = r["typing"]
    print(f"dflint lsp benchmark ({args.lines}-line Dockerfile, {len(typing_)} edits)")
    print(f"  start-up to initialize answered: median {statistics.median(r['startup']) * ms:.0f} ms "
          f"(runs: {', '.join(f'{s * ms:.0f}' for s in r['startup'])})")
    print(f"  didOpen -> diagnostics:          {r['open'] * ms:.1f} ms (first lint, cold caches)")
    print(f"  didChange -> diagnostics:        median {statistics.median(typing_) * ms:.1f} ms, "
          f"p90 {pct(typing_, 0.9) * ms:.1f} ms, min {min(typing_) * ms:.1f}, max {max(typing_) * ms:.1f}")
    print(f"  burst of 50 edits -> final:      {r['burst'] * ms:.1f} ms after the last edit")
    print(f"  in-process analyse (parse+lint): median {statistics.median(r['inproc']) * ms:.1f} ms")
    target_ok = statistics.median(typing_) * ms < 50
    print(f"  target didChange median < 50 ms: {'met' if target_ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
