#!/usr/bin/env bash
# Stop this checkout's dockerd by the PID in its PID file (never by process name).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

pid="$(engine_pid)" || { engine_say "no dockerd running for $ENGINE_DIR"; exit 0; }
kill -TERM "$pid"
for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || { engine_say "dockerd $pid stopped"; exit 0; }
    sleep 1
done
engine_say "dockerd $pid still alive after 30 s: SIGKILL"
kill -KILL "$pid" 2>/dev/null || true
