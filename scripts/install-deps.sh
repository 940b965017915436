#!/usr/bin/env bash
# Installs, from Debian's packages, what the test suite runs against for
# real: Redis (the queue executor), Slurm with munge (the batch executor),
# Open MPI (MPI tasks), Chromium (the web view's browser tests) and make
# (the command benchmarks). Only what is missing; one `apt-get update`
# when something is. As root, or through sudo. The tests start their own
# private instances (scripts/redis.sh, scripts/slurm.sh) and stop them.
#
#   scripts/install-deps.sh
set -euo pipefail

# Debian package, and a command that shows it is there.
packages=(
  "redis-server:redis-server"
  "slurmctld:slurmctld"
  "slurmd:slurmd"
  "slurm-client:sbatch"
  "munge:munged"
  "openmpi-bin:mpirun"
  "chromium:chromium"
  "make:make"
)

missing=()
for entry in "${packages[@]}"; do
  package="${entry%%:*}"
  command="${entry##*:}"
  if ! command -v "$command" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$command" ]; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps.sh: missing ${missing[*]}, and this user cannot install them (not root, no sudo)" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "install-deps.sh: installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
