# Sourced by the engine scripts: where the private dockerd lives and how to reach it.
#
# DFLINT_ENGINE_DIR   data-root, exec-root, socket, PID file and log (default: <repo>/.engine)
# DFLINT_ENGINE_CACHE debootstrap/export tarballs, shared by every checkout (default: ~/.cache/dflint-engine)
# DFLINT_DEBIAN_MIRROR the mirror debootstrap uses (default: http://deb.debian.org/debian)
ENGINE_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ENGINE_DIR="${DFLINT_ENGINE_DIR:-$ENGINE_REPO/.engine}"
ENGINE_CACHE="${DFLINT_ENGINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dflint-engine}"
ENGINE_PIDFILE="$ENGINE_DIR/dockerd.pid"
ENGINE_LOG="$ENGINE_DIR/dockerd.log"
DEBIAN_MIRROR="${DFLINT_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Debian's client matches dockerd 20.10; a newer client elsewhere on the PATH may not.
DOCKER=/usr/bin/docker
export DOCKER_HOST="unix://$ENGINE_DIR/docker.sock" DOCKER_BUILDKIT=1

engine_say() { echo "engine: $*" >&2; }
engine_fail() { engine_say "$*"; exit 1; }

# The dockerd this checkout started, if it is still alive (by PID file, never by name).
engine_pid() {
    local pid
    [ -s "$ENGINE_PIDFILE" ] || return 1
    pid="$(cat "$ENGINE_PIDFILE")"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

engine_ready() { "$DOCKER" info >/dev/null 2>&1; }
