# shellcheck shell=bash
# Source this file: a supported Node on PATH, dependencies installed, packages built.
#
#   . scripts/setup.sh

# shellcheck source=scripts/node.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node.sh" || return 1
cd "$weft_root" || return 1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm install, not npm ci: with this machine's omit-lockfile-registry-resolved the
  # lock file lacks the optional per-platform packages, which npm ci rejects.
  npm install --no-audit --no-fund >&2 || return 1
fi
npx tsc -b >&2 || return 1
# weft exec's bundle of the build: what a batch job loads (scripts/bundle-exec.ts).
node scripts/bundle-exec.ts >/dev/null || return 1
# The web view's page (@weft/ui), built with Vite.
npm run -s build:page -w @weft/ui >&2 || return 1
