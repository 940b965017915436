#!/usr/bin/env bash
# A private single-node Slurm cluster on loopback, for tests, benchmarks and
# trying @weft/slurm: never the machine's own Slurm, if it has one.
#
#   scripts/slurm.sh start <dir>   installs what is missing, writes <dir>/slurm.conf,
#                                  starts munged (unless one works), slurmctld and
#                                  slurmd, waits until the node is idle, runs a
#                                  probe job; prints SLURM_CONF=<dir>/slurm.conf
#   scripts/slurm.sh stop <dir>    cancels the cluster's jobs, then stops its daemons
#                                  by their pid files (munged only if start started it)
#   scripts/slurm.sh env <dir>     prints SLURM_CONF=<dir>/slurm.conf
#
# The Slurm commands find this cluster through SLURM_CONF:
#   export "$(scripts/slurm.sh start .cache/slurm)"
#
# Packages come from Debian's (12 here): slurmctld slurmd munge and openmpi-bin,
# installed with apt-get (one apt-get update, only when something is missing).
# Starting needs root: the daemons run as root (SlurmUser=root). Starting an
# already running cluster returns at once; two starts at the same time are
# serialised by a lock in <dir>.
#
# Settings that make a small cluster fast (measured: 200 trivial jobs in ~5 s
# instead of ~260 s with Slurm's defaults): an Epilog, so that slurmd reports
# each job's end and the scheduler runs at once; batch_sched_delay=0; a probe
# job after start, which makes slurmctld read its SchedulerParameters.
set -euo pipefail

usage() {
  echo "usage: scripts/slurm.sh start|stop|env <dir>" >&2
  exit 2
}

[ $# -eq 2 ] || usage
cmd="$1"
mkdir -p "$2"
dir="$(cd "$2" && pwd)"
conf="$dir/slurm.conf"
node=localhost
pmix_dir=/usr/lib/x86_64-linux-gnu/pmix2/lib

log() { printf 'slurm.sh: %s\n' "$*" >&2; }
die() {
  log "$*"
  exit 1
}

# pid_of <pidfile> <program>: the pid, when it is alive and runs that program.
pid_of() {
  local file="$1" want="$2" pid exe
  [ -s "$file" ] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  case "${exe##*/}" in "$want" | "$want-wlm") echo "$pid" ;; *) return 1 ;; esac
}

# stop_pid <pidfile> <program>: TERM (slurmctld saves its state), then KILL after 10 s.
stop_pid() {
  local pid i
  pid="$(pid_of "$1" "$2")" || {
    rm -f "$1"
    return 0
  }
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  if [ -d "/proc/$pid" ]; then
    log "$2 (pid $pid) did not stop; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

install_packages() {
  local want=()
  command -v slurmctld >/dev/null 2>&1 || want+=(slurmctld)
  command -v slurmd >/dev/null 2>&1 || want+=(slurmd)
  command -v sbatch >/dev/null 2>&1 || want+=(slurm-client)
  command -v munged >/dev/null 2>&1 || want+=(munge)
  command -v mpirun >/dev/null 2>&1 || want+=(openmpi-bin)
  [ ${#want[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing ${want[*]}, and installing them needs root"
  log "installing ${want[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${want[@]}" >&2
}

munge_ok() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }

# A working munged is kept, whoever started it; else one is started and its pid noted.
start_munge() {
  munge_ok && return 0
  if [ ! -s /etc/munge/munge.key ]; then
    log "creating /etc/munge/munge.key"
    install -d -m 0700 -o munge -g munge /etc/munge
    if command -v mungekey >/dev/null 2>&1; then
      mungekey --create --keyfile=/etc/munge/munge.key --force
    else
      dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
    fi
  fi
  chown munge:munge /etc/munge /etc/munge/munge.key
  chmod 0700 /etc/munge
  chmod 0400 /etc/munge/munge.key
  # Without systemd nobody makes munged's runtime directory.
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/log/munge
  install -d -o munge -g munge -m 0711 /var/lib/munge
  log "starting munged"
  rm -f /run/munge/munged.pid
  start-stop-daemon --start --quiet --chuid munge:munge --exec /usr/sbin/munged 9>&-
  local i
  for i in $(seq 1 50); do
    munge_ok && break
    sleep 0.1
  done
  munge_ok || die "munged does not answer (see /var/log/munge/munged.log)"
  cp /run/munge/munged.pid "$dir/munged.pid"
}

# A port no process listens on now.
free_port() {
  node -e '
    const s = require("node:net").createServer();
    s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });
  '
}

write_conf() {
  local cpus mem real defmem mpi ctld_port slurmd_port
  cpus="$(nproc)"
  mem="$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)"
  # More than slurmd detects drains the node.
  real=$((mem * 95 / 100))
  # Without it a job that gives no --mem takes the whole node's memory.
  defmem=$((real / cpus))
  # Slurm's pmix plugin loads libpmix.so, which only libpmix-dev ships;
  # openmpi-bin brings the runtime library, libpmix.so.2.
  if [ -e "$pmix_dir/libpmix.so.2" ] && [ ! -e "$pmix_dir/libpmix.so" ]; then
    ln -s libpmix.so.2 "$pmix_dir/libpmix.so"
  fi
  mpi=none
  [ -e "$pmix_dir/libpmix.so" ] && mpi=pmix
  # The ports stay those of the first start, so that a restart keeps its jobs.
  if [ -s "$dir/ports" ]; then
    read -r ctld_port slurmd_port <"$dir/ports"
  else
    ctld_port="$(free_port)"
    slurmd_port="$(free_port)"
    while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port="$(free_port)"; done
    echo "$ctld_port $slurmd_port" >"$dir/ports"
  fi
  cat >"$conf.new" <<EOF
# Written by weft's scripts/slurm.sh: one node on loopback, no cgroups, no accounting.
ClusterName=weft
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# With an Epilog slurmd reports each job's end and the scheduler runs at once;
# without one, freed cpus are reused only at slurmctld's next 1 s tick.
Epilog=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.log
MpiDefault=$mpi
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
# A job whose dependency failed is cancelled, not left pending forever.
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$defmem
ReturnToService=2
# A job that can never fit is refused at submit instead of pending forever.
EnforcePartLimits=ALL
MinJobAge=${WEFT_SLURM_MIN_JOB_AGE:-3600}
SlurmdTimeout=300
InactiveLimit=0
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=$real State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  if [ -f "$conf" ] && cmp -s "$conf" "$conf.new"; then
    rm -f "$conf.new"
    return 1
  fi
  mv "$conf.new" "$conf"
}

start() {
  install_packages
  [ "$(id -u)" -eq 0 ] || die "starting Slurm needs root (its daemons run as root)"
  install -d -m 0755 "$dir/state" "$dir/spool" "$dir/log"
  exec 9>"$dir/lock"
  flock 9
  export SLURM_CONF="$conf"
  start_munge
  local changed=0
  write_conf && changed=1
  if [ "$changed" = 1 ] && {
    pid_of "$dir/slurmctld.pid" slurmctld >/dev/null || pid_of "$dir/slurmd.pid" slurmd >/dev/null
  }; then
    log "slurm.conf changed: restarting slurmd and slurmctld"
    stop_pid "$dir/slurmd.pid" slurmd
    stop_pid "$dir/slurmctld.pid" slurmctld
  fi
  local started=0
  if ! pid_of "$dir/slurmctld.pid" slurmctld >/dev/null; then
    started=1
    rm -f "$dir/slurmctld.pid"
    # 9>&-: a daemon must not hold the lock.
    /usr/sbin/slurmctld -f "$conf" 9>&-
  fi
  if ! pid_of "$dir/slurmd.pid" slurmd >/dev/null; then
    started=1
    rm -f "$dir/slurmd.pid"
    # -N: the node is "localhost", not this machine's hostname.
    /usr/sbin/slurmd -f "$conf" -N "$node" 9>&-
  fi
  local deadline=$((SECONDS + ${WEFT_SLURM_READY_TIMEOUT:-60})) state=""
  while [ $SECONDS -lt $deadline ]; do
    state="$(sinfo -h -n "$node" -o '%T' 2>/dev/null || true)"
    case "$state" in
      idle | mixed | allocated) break ;;
      down* | drain* | fail*) scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.2
  done
  case "$state" in
    idle | mixed | allocated) ;;
    *)
      tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
      die "the node is '${state:-unknown}' after ${WEFT_SLURM_READY_TIMEOUT:-60} s: Slurm did not become ready"
      ;;
  esac
  # The probe proves auth, launch and output end to end, and makes slurmctld
  # read its SchedulerParameters: until its first scheduling pass the first
  # job waits the built-in 3 s.
  if [ "$started" = 1 ]; then
    local out
    out="$(timeout 60 srun --quiet -J weft-slurm-probe -N1 -n1 echo probe-ok 2>&1)" || die "the probe job failed: $out"
    [ "$out" = probe-ok ] || die "the probe job printed: $out"
    log "ready: node $node is $state ($dir)"
  fi
  echo "SLURM_CONF=$conf"
}

stop() {
  [ -f "$conf" ] || return 0
  exec 9>"$dir/lock"
  flock 9
  export SLURM_CONF="$conf"
  if pid_of "$dir/slurmctld.pid" slurmctld >/dev/null; then
    local jobs i
    jobs="$(squeue -h -o '%A' 2>/dev/null | tr '\n' ' ')"
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      for i in $(seq 1 100); do
        [ -z "$(squeue -h -o '%A' 2>/dev/null)" ] && break
        sleep 0.1
      done
    fi
  fi
  stop_pid "$dir/slurmd.pid" slurmd
  stop_pid "$dir/slurmctld.pid" slurmctld
  if [ -f "$dir/munged.pid" ]; then
    if [ "$(cat "$dir/munged.pid")" = "$(cat /run/munge/munged.pid 2>/dev/null)" ]; then
      stop_pid /run/munge/munged.pid munged
    fi
    rm -f "$dir/munged.pid"
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  env) echo "SLURM_CONF=$conf" ;;
  *) usage ;;
esac
