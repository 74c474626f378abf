#!/usr/bin/env bash
# Start this checkout's private dockerd (vfs, no bridge, own data-root/exec-root/socket) and wait
# until it answers. Does nothing when it is already running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if pid="$(engine_pid)" && engine_ready; then
    engine_say "dockerd already running (pid $pid, $DOCKER_HOST)"
    exit 0
fi
[ "$(id -u)" -eq 0 ] || engine_fail "dockerd needs root"
[ -x /usr/sbin/dockerd ] || engine_fail "dockerd not installed (scripts/engine/install.sh)"
if pid="$(engine_pid)"; then
    engine_fail "dockerd pid $pid is alive but does not answer on $DOCKER_HOST (scripts/engine/stop.sh)"
fi
mkdir -p "$ENGINE_DIR"
rm -f "$ENGINE_PIDFILE"
# setsid: the daemon outlives the make/pytest that started it and ignores their Ctrl-C.
setsid /usr/sbin/dockerd --storage-driver=vfs --iptables=false --bridge=none \
    --data-root "$ENGINE_DIR/root" --exec-root "$ENGINE_DIR/exec" \
    --pidfile "$ENGINE_PIDFILE" -H "$DOCKER_HOST" </dev/null >"$ENGINE_LOG" 2>&1 &
launcher=$!
for _ in $(seq 1 90); do
    if engine_ready; then
        engine_say "dockerd ready (pid $(cat "$ENGINE_PIDFILE"), $DOCKER_HOST)"
        exit 0
    fi
    if ! kill -0 "$launcher" 2>/dev/null; then
        # a dockerd that dies early can leave its data-root mounted on itself
        if mountpoint -q "$ENGINE_DIR/root"; then umount "$ENGINE_DIR/root" || true; fi
        engine_fail "dockerd exited: $(tail -n 1 "$ENGINE_LOG")"
    fi
    sleep 1
done
tail -n 5 "$ENGINE_LOG" >&2 || true
engine_fail "dockerd did not answer within 90 s (log: $ENGINE_LOG)"
