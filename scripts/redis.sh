#!/usr/bin/env bash
# A private Redis for tests and benchmarks: never one that happens to be
# running on the machine.
#
#   scripts/redis.sh start <dir>   starts redis-server on 127.0.0.1 at a free
#                                  port, with <dir> as its own directory (no
#                                  persistence unless WEFT_REDIS_PERSIST=1);
#                                  prints the port
#   scripts/redis.sh stop <dir>    stops the instance started in <dir>, by its pid
#   scripts/redis.sh restart <dir> stops it and starts a fresh one on the same
#                                  port (what a crash and restart looks like)
#   scripts/redis.sh port <dir>    prints the port of the instance in <dir>
#
# redis-server comes from Debian's packages: installed here when missing
# (apt-get install -y --no-install-recommends redis-server, after one
# apt-get update if the package is unknown), as root or through sudo.
set -euo pipefail

usage() {
  echo "usage: scripts/redis.sh start|stop|restart|port <dir>" >&2
  exit 2
}

[ $# -eq 2 ] || usage
cmd="$1"
dir="$2"

install_redis() {
  command -v redis-server >/dev/null 2>&1 && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
      echo "redis.sh: redis-server is missing and this user cannot install it (no sudo)" >&2
      exit 1
    }
    sudo="sudo"
  fi
  echo "redis.sh: installing redis-server from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y --no-install-recommends redis-server >&2; then
    $sudo apt-get update >&2
    $sudo apt-get install -y --no-install-recommends redis-server >&2
  fi
}

# A port no process listens on now, picked by the kernel (Node is on PATH
# wherever weft's scripts run; scripts/node.sh provides it).
free_port() {
  node -e '
    const s = require("node:net").createServer();
    s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });
  '
}

start() {
  install_redis
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
    cat "$dir/redis.port"
    echo
    return 0
  fi
  local persist=(--save "" --appendonly no)
  if [ "${WEFT_REDIS_PERSIST:-0}" = 1 ]; then persist=(--appendonly yes); fi
  # A port taken between the probe and the bind makes redis-server exit: try another.
  local attempt port
  for attempt in 1 2 3 4 5; do
    port="${want_port:-$(free_port)}"
    rm -f "$dir/redis.pid"
    if redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --daemonize yes \
      --protected-mode yes "${persist[@]}" >/dev/null; then
      local i
      for i in $(seq 1 100); do
        if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
          echo "$port" >"$dir/redis.port"
          echo "$port"
          return 0
        fi
        [ -f "$dir/redis.pid" ] && ! kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null && break
        sleep 0.05
      done
    fi
    echo "redis.sh: redis-server did not start on port $port (attempt $attempt); see $dir/redis.log" >&2
    [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  done
  exit 1
}

stop() {
  [ -f "$dir/redis.pid" ] || return 0
  local pid
  pid="$(cat "$dir/redis.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local i
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/redis.pid"
}

want_port=""
case "$cmd" in
  start) start ;;
  stop) stop ;;
  restart)
    want_port="$(cat "$dir/redis.port")"
    stop
    start
    ;;
  port) cat "$dir/redis.port" ;;
  *) usage ;;
esac
