#!/usr/bin/env bash
# Install docker.io (dockerd 20.10 with BuildKit 0.8, Debian's client) and debootstrap if missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

need=()
{ [ -x /usr/sbin/dockerd ] && [ -x "$DOCKER" ]; } || need+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
[ "${#need[@]}" -eq 0 ] && exit 0
[ "$(id -u)" -eq 0 ] || engine_fail "installing ${need[*]} needs root"
engine_say "installing ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
