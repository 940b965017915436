#!/usr/bin/env bash
# The browser of the @weft/ui tests: Debian's chromium, never one that a
# tool downloads. Prints its path; installs the `chromium` package from
# Debian's repositories first when it is missing (apt-get install -y
# --no-install-recommends chromium, after one apt-get update if the package
# is unknown), as root or through sudo.
#
#   scripts/chromium.sh        prints /usr/bin/chromium (or $WEFT_CHROMIUM)
set -euo pipefail

if [ -n "${WEFT_CHROMIUM:-}" ]; then
  [ -x "$WEFT_CHROMIUM" ] || { echo "chromium.sh: WEFT_CHROMIUM=$WEFT_CHROMIUM is not an executable" >&2; exit 1; }
  echo "$WEFT_CHROMIUM"
  exit 0
fi

path=/usr/bin/chromium
if [ ! -x "$path" ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
      echo "chromium.sh: chromium is missing and this user cannot install it (no sudo): apt-get install chromium" >&2
      exit 1
    }
    sudo="sudo"
  fi
  echo "chromium.sh: installing chromium from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! $sudo apt-get install -y --no-install-recommends chromium >&2; then
    $sudo apt-get update >&2
    $sudo apt-get install -y --no-install-recommends chromium >&2
  fi
fi
echo "$path"
