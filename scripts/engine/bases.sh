#!/usr/bin/env bash
# Build the local stand-ins for the registry images the engine tests use (no registry here):
#   debian:bookworm       debootstrap minbase + the official images' minimizing config
#   debian:bookworm-slim  the same + debuerreotype's slimify (dpkg path-exclude config, files removed)
#   python:3.12-slim      the slim stand-in + python3/pip/venv (good for cache behaviour, not sizes)
#   busybox:1.35          Debian's busybox-static and the slim image's passwd/group, ~2 MB: vfs
#                         copies the whole root per layer, so cache scenarios build ~4x faster on it
# Root filesystems are cached as tarballs in $ENGINE_CACHE, so a rerun only imports them;
# an image already in the engine is left alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

engine_ready || engine_fail "dockerd is not running (scripts/engine/start.sh)"
mkdir -p "$ENGINE_CACHE"
PATH_ENV='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# Write a tarball atomically (several checkouts may share the cache).
pack() { # ROOT TARBALL
    tar -C "$1" --numeric-owner -cf "$2.part" . && mv "$2.part" "$2"
}

minbase_tar="$ENGINE_CACHE/bookworm-minbase.tar"
slim_tar="$ENGINE_CACHE/bookworm-slim.tar"
full_tar="$ENGINE_CACHE/bookworm.tar"
python_tar="$ENGINE_CACHE/python-3.12-slim.tar"
busybox_tar="$ENGINE_CACHE/busybox-1.35.tar"

work="$(mktemp -d "$ENGINE_CACHE/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ ! -s "$minbase_tar" ]; then
    command -v debootstrap >/dev/null || engine_fail "debootstrap not installed (scripts/engine/install.sh)"
    engine_say "debootstrap --variant=minbase bookworm (a few minutes, once)"
    debootstrap --variant=minbase bookworm "$work/minbase" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 20 "$work/debootstrap.log" >&2; engine_fail "debootstrap failed"; }
    pack "$work/minbase" "$minbase_tar"
    rm -rf "$work/minbase"
fi

# What every official Debian image adds (debuerreotype-minimizing-config), plus the clean-up
# the official rootfs gets: no downloaded .debs, no package lists, the deb822 sources.
minimize() { # ROOT
    local root="$1"
    cat >"$root/usr/sbin/policy-rc.d" <<'CFG'
#!/bin/sh

# For most Docker users, "apt-get install" only happens during "docker build",
# where starting services doesn't work and often fails in humorous ways. This
# prevents those failures by stopping the services from attempting to start.

exit 101
CFG
    chmod 0755 "$root/usr/sbin/policy-rc.d"
    printf '%s\n' '# For most Docker users, package installs happen during "docker build", which' \
        "# doesn't survive power loss and gets restarted clean afterwards anyhow, so" \
        '# this minor tweak gives us a nice speedup (much nicer on spinning disks,' '# obviously).' '' \
        'force-unsafe-io' >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
    printf '%s\n' 'Apt::AutoRemove::SuggestsImportant "false";' \
        >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
    local clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
    printf '%s\n' "DPkg::Post-Invoke { $clean };" "APT::Update::Post-Invoke { $clean };" '' \
        'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' >"$root/etc/apt/apt.conf.d/docker-clean"
    printf '%s\n' 'Acquire::GzipIndexes "true";' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
    printf '%s\n' 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
    chmod 0644 "$root"/etc/apt/apt.conf.d/docker-* "$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
    rm -f "$root/etc/apt/sources.list"
    cat >"$root/etc/apt/sources.list.d/debian.sources" <<'CFG'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
CFG
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
    rm -f "$root"/var/log/*.log "$root/var/log/apt/"*.log
    : >"$root/etc/machine-id"
}

# debuerreotype-slimify: dpkg keeps excluding these paths, and what is there already goes.
slimify() { # ROOT
    local root="$1" pattern
    local -a excludes=(/usr/share/doc/'*' /usr/share/groff/'*' /usr/share/info/'*' /usr/share/linda/'*'
        /usr/share/lintian/overrides/'*' /usr/share/locale/'*' /usr/share/man/'*')
    local -a includes=(/usr/share/doc/'*'/copyright /usr/share/locale/languages /usr/share/locale/locale.alias)
    local -a keep=('(')
    for pattern in "${includes[@]}"; do
        [ "${#keep[@]}" -eq 1 ] || keep+=(-o)
        keep+=(-path "$pattern")
    done
    keep+=(')')
    {
        echo '# This is the "slim" variant of the Debian base image.'
        echo '# Many files which are normally unnecessary in containers are excluded,'
        echo '# and this configuration file keeps them that way.'
        for pattern in "${excludes[@]}"; do printf '\npath-exclude %s\n' "$pattern"; done
        echo
        for pattern in "${includes[@]}"; do printf 'path-include %s\n' "$pattern"; done
    } >"$root/etc/dpkg/dpkg.cfg.d/docker"
    chmod 0644 "$root/etc/dpkg/dpkg.cfg.d/docker"
    for pattern in "${excludes[@]}"; do
        local dir="${pattern%/\*}"
        [ -d "$root$dir" ] || continue
        chroot "$root" find "$dir" -depth -mindepth 1 -not "${keep[@]}" -not '(' -type d -o -type l ')' \
            -exec rm -f '{}' ';'
        while [ "$(chroot "$root" find "$dir" -depth -mindepth 1 '(' -empty -o -xtype l ')' \
            -exec rm -rf '{}' ';' -printf '.' | wc -c)" -gt 0 ]; do :; done
    done
}

derive() { # TARBALL VARIANT...  (from the minbase tarball)
    local out="$1" root="$work/derived"
    shift
    [ -s "$out" ] && return 0
    engine_say "building $(basename "$out")"
    rm -rf "$root" && mkdir -p "$root"
    tar -C "$root" -xf "$minbase_tar"
    minimize "$root"
    for variant in "$@"; do "$variant" "$root"; done
    pack "$root" "$out"
    rm -rf "$root"
}

import() { # TARBALL TAG CMD
    have_image "$2" && return 0
    engine_say "docker import $2"
    "$DOCKER" import --change "ENV $PATH_ENV" --change "CMD $3" "$1" "$2" >/dev/null
}

derive "$full_tar"
derive "$slim_tar" slimify
import "$full_tar" debian:bookworm '["bash"]'
import "$slim_tar" debian:bookworm-slim '["bash"]'

if [ ! -s "$busybox_tar" ]; then
    engine_say "building the busybox:1.35 stand-in (apt-get download busybox-static, once)"
    mkdir -p "$work/deb" "$work/busybox"
    (cd "$work/deb" && apt-get download -q -o APT::Sandbox::User=root busybox-static >/dev/null) \
        || engine_fail "apt-get download busybox-static failed"
    dpkg-deb -x "$work"/deb/busybox-static_*.deb "$work/busybox"
    root="$work/busybox"
    mkdir -p "$root/etc" "$root/root" "$root/tmp" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
    chmod 1777 "$root/tmp"
    for applet in $("$root/bin/busybox" --list-full); do
        [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
    done
    tar -xOf "$slim_tar" ./etc/passwd >"$root/etc/passwd"
    tar -xOf "$slim_tar" ./etc/group >"$root/etc/group"
    pack "$root" "$busybox_tar"
fi
import "$busybox_tar" busybox:1.35 '["sh"]'

if ! have_image python:3.12-slim; then
    if [ ! -s "$python_tar" ]; then
        engine_say "building the python:3.12-slim stand-in (apt in a build, once)"
        mkdir -p "$work/python"
        cat >"$work/python/Dockerfile" <<'DF'
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-pip python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/bin/python3 /usr/local/bin/python \
 && ln -s /usr/bin/pip3 /usr/local/bin/pip \
 && rm -f /usr/lib/python3.11/EXTERNALLY-MANAGED
DF
        "$DOCKER" build -q --network host -t dflint-engine/python-build "$work/python" >/dev/null
        cid="$("$DOCKER" create dflint-engine/python-build)"
        "$DOCKER" export "$cid" >"$python_tar.part"
        # The container's own marker and mount points are not part of an image.
        tar --delete -f "$python_tar.part" ./.dockerenv 2>/dev/null || true
        "$DOCKER" rm "$cid" >/dev/null
        "$DOCKER" image rm dflint-engine/python-build >/dev/null
        mv "$python_tar.part" "$python_tar"
    fi
    engine_say "docker import python:3.12-slim"
    "$DOCKER" import --change "ENV $PATH_ENV" --change "ENV LANG=C.UTF-8" --change 'CMD ["python3"]' \
        "$python_tar" python:3.12-slim >/dev/null
fi
"$DOCKER" builder prune -af >/dev/null
engine_say "bases ready: debian:bookworm debian:bookworm-slim python:3.12-slim busybox:1.35"
