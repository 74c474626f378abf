#!/usr/bin/env bash
# Everything the engine tests need, idempotent: packages, a private dockerd, the base images.
# Stop the daemon afterwards with scripts/engine/stop.sh.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/install.sh"
"$here/start.sh"
"$here/bases.sh"
