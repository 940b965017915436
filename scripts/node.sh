# shellcheck shell=bash
# Source this file to get a supported Node (22.18+) first on PATH.
#
# Uses the machine's node when it is new enough. Otherwise installs the
# official build that the npm registry ships as `node-<os>-<arch>@24` into
# .cache/node inside the repo (git ignores it) and puts it first on PATH for
# this shell only; the system's Node is never touched.
#
#   . scripts/node.sh

weft_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
weft_node_major=24
weft_node_min="22.18.0"

weft_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const [a, b] = process.versions.node.split(".").map(Number);
    const [x, y] = process.argv[1].split(".").map(Number);
    process.exit(a > x || (a === x && b >= y) ? 0 : 1);
  ' "$weft_node_min"
}

weft_node_provision() {
  local os arch pkg dir
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch="$(uname -m)" ;;
  esac
  pkg="node-${os}-${arch}"
  dir="$weft_root/.cache/node"
  if [ ! -x "$dir/node_modules/$pkg/bin/node" ]; then
    echo "weft: node $(node --version 2>/dev/null || echo missing) is older than $weft_node_min; installing $pkg@$weft_node_major into .cache/node" >&2
    mkdir -p "$dir"
    # A registry that stalls or drops a download fails the first try now and
    # then: try once more, and let npm say why (--loglevel=error, not silent).
    local try
    for try in 1 2; do
      npm install --loglevel=error --no-save --no-audit --no-fund --no-package-lock \
        --prefix "$dir" "$pkg@$weft_node_major" >&2 && break
      [ "$try" = 2 ] && return 1
      echo "weft: installing $pkg failed; trying once more" >&2
    done
  fi
  export PATH="$dir/node_modules/$pkg/bin:$PATH"
}

if ! weft_node_ok; then
  weft_node_provision || { echo "weft: could not provision Node $weft_node_major" >&2; return 1 2>/dev/null || exit 1; }
fi
unset -f weft_node_ok weft_node_provision
