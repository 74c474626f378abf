#!/usr/bin/env bash
# Stop this checkout's dockerd by the PID in its PID file (never by process name).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# What dockerd leaves mounted under its folders (the default network namespace, a data-root
# mounted on itself after a crash): unmounted so that .engine/ can be removed.
unmount_leftovers() {
    local mnt
    for mnt in $(awk -v dir="$ENGINE_DIR/" 'index($2, dir) == 1 {print $2}' /proc/mounts | sort -r); do
        umount "$mnt" 2>/dev/null || engine_say "could not unmount $mnt"
    done
}

pid="$(engine_pid)" || { engine_say "no dockerd running for $ENGINE_DIR"; unmount_leftovers; exit 0; }
kill -TERM "$pid"
for _ in $(seq 1 30); do
    if ! kill -0 "$pid" 2>/dev/null; then
        unmount_leftovers
        engine_say "dockerd $pid stopped"
        exit 0
    fi
    sleep 1
done
engine_say "dockerd $pid still alive after 30 s: SIGKILL"
kill -KILL "$pid" 2>/dev/null || true
sleep 1
unmount_leftovers
