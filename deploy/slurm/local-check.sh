#!/usr/bin/env bash
# deploy/slurm/local-check.sh: proves, on this one machine, that gpurnn's sharded runs work under a real Slurm
# scheduler (not a faked SLURM_ARRAY_TASK_ID).
#
# What it does, in phases (each one timed):
#   install  apt-get installs slurm-wlm and munge when they are missing (services kept from starting).
#   publish  dotnet publish src/Cli into a fresh work folder ($WORK).
#   cluster  starts munged, slurmctld and slurmd, all configured, keyed, logged and listening inside $WORK (free
#            high ports on 127.0.0.1), and waits until the one node is idle. /etc/slurm, /etc/munge and the
#            system's services are never used.
#   data     writes a wide CSV of 12 synthetic monthly series.
#   ref      the unsharded reference runs: a sweep and a train-many.
#   array    one job array of 4 tasks (sbatch --array=0-3 --wait), each task running its shard of the same sweep
#            and of the same train-many; the CLI takes its shard from SLURM_ARRAY_TASK_ID/_COUNT itself. Task 1 is
#            killed and requeued halfway through its first run (see the batch script), and so resumes.
#   requeue  requeues task 2 after it finished: its second run must find both shards already done.
#   merge    gpurnn merge of both shard folders, compared byte for byte (cmp) with the reference runs.
#
# Usage (as root, from anywhere):  bash deploy/slurm/local-check.sh
#   KEEP=1   keep the work folder (config, logs, outputs) and print its path; the daemons are stopped regardless.
# Exit status: 0 when every check passed, non-zero otherwise. Every daemon it started is stopped on any exit,
# including a failure or Ctrl-C.
set -euo pipefail

# ---------------------------------------------------------------------------------------------------------------
# Small helpers: a timed phase, a printed command, check results.
# ---------------------------------------------------------------------------------------------------------------

now_ms() { date +%s%3N; }
SCRIPT_START=$(now_ms)
PHASE_NAME="" PHASE_START=0
TIMINGS=()

# phase NAME: ends the current phase (recording its time) and starts the next one.
phase() {
  end_phase
  PHASE_NAME=$1 PHASE_START=$(now_ms)
  printf '\n=== %s ===\n' "$PHASE_NAME"
}
end_phase() {
  if [[ -n $PHASE_NAME ]]; then
    local ms=$(( $(now_ms) - PHASE_START ))
    TIMINGS+=("$(printf '%-8s %6d.%01d s' "$PHASE_NAME" $((ms / 1000)) $((ms % 1000 / 100)))")
    printf -- '--- %s took %d.%01d s\n' "$PHASE_NAME" $((ms / 1000)) $((ms % 1000 / 100))
    PHASE_NAME=""
  fi
}

# run CMD...: prints the command, then runs it (its output goes where the caller sends it).
run() { show_cmd "$@"; "$@"; }
show_cmd() { printf '+ %s\n' "$*" >&2; }
# A daemon is started as "show_cmd …; daemon … &", never through run: "run daemon &" would put a subshell between,
# and $! would be the subshell's PID, not the daemon's, which stopping it by PID needs.

# Check results, summed up at the end; a failed check does not stop the script, so the transcript shows them all.
PASSES=0 FAILURES=0
pass() { PASSES=$((PASSES + 1)); printf 'PASS: %s\n' "$*"; }
fail() { FAILURES=$((FAILURES + 1)); printf 'FAIL: %s\n' "$*"; }
# die MESSAGE: a failure that leaves nothing sensible to check after it.
die() { printf 'FAIL: %s\n' "$*" >&2; FAILURES=$((FAILURES + 1)); exit 1; }

# show_log FILE: the last lines of a daemon's or a build's log, to explain a failure.
show_log() { if [[ -f $1 ]]; then { echo "--- last lines of $1:"; tail -n 25 "$1"; } >&2; fi; }

[[ $(id -u) -eq 0 ]] || { echo "local-check.sh: run it as root (it installs packages and runs the Slurm daemons as root)" >&2; exit 2; }

# The repository root, from this script's own place (deploy/slurm/), so it can be started from anywhere.
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO"

# ---------------------------------------------------------------------------------------------------------------
# Cleanup: on every exit (normal, failure, Ctrl-C, kill), stop what this script started, by PID, and remove $WORK.
# ---------------------------------------------------------------------------------------------------------------

STEPDS_BEFORE="" WORK="" INSTALL_LOG="" MUNGED_PID="" SLURMCTLD_PID="" SLURMD_PID="" SBATCH_PID="" POLICY_CREATED=0 CLEANED=0

# stop_pid PID NAME: SIGTERM, up to 10 s for it to go, then SIGKILL. Only PIDs this script started are passed.
stop_pid() {
  local pid=$1 name=$2
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then echo "cleanup: $name ($pid) ignored SIGTERM; SIGKILL" >&2; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

# Job steps (slurmstepd and the batch script under it) are not children of slurmd: slurmstepd detaches. The ones of
# this cluster are told apart from any others by SLURM_CONF=$WORK/slurm.conf in the environment they inherited from
# our slurmd; they are stopped by PID, never by name.
our_stepds() {
  local pid
  for pid in $(pgrep -x slurmstepd || true); do
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF "SLURM_CONF=$WORK/slurm.conf" && echo "$pid"
  done
  return 0
}

cleanup() {
  local status=$?
  [[ $CLEANED -eq 1 ]] && return
  CLEANED=1
  set +e
  trap - INT TERM
  end_phase
  printf '\n=== cleanup ===\n'
  stop_pid "$SBATCH_PID" sbatch
  # Cancel any job still queued or running, while slurmctld is there to do it, and give it a few seconds to end
  # (SLURM_CONF is ours: this cancels root's jobs on this private cluster, nothing on any other).
  if [[ -n $SLURMCTLD_PID ]] && kill -0 "$SLURMCTLD_PID" 2>/dev/null; then
    if [[ -n $(squeue -h -o %i 2>/dev/null) ]]; then
      scancel --quiet --user=root 2>/dev/null
      for _ in $(seq 20); do [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break; sleep 0.5; done
    fi
  fi
  stop_pid "$SLURMD_PID" slurmd
  local pid
  for pid in $(our_stepds); do echo "cleanup: stopping this cluster's slurmstepd $pid" >&2; stop_pid "$pid" slurmstepd; done
  stop_pid "$SLURMCTLD_PID" slurmctld
  stop_pid "$MUNGED_PID" munged
  # A finished job's slurmstepd forks a helper that outlives it; orphaned, it is reaped by PID 1, which in some
  # containers takes a moment: wait (at most 10 s) until no slurmstepd that was not there before the cluster remains,
  # zombies included, so that "pgrep slurm" right after the script finds nothing of it.
  if [[ -n $SLURMD_PID ]]; then
    local left
    for _ in $(seq 50); do
      left=$(pgrep -x slurmstepd | grep -vxF -f <(printf '%s\n' "$STEPDS_BEFORE") || true)
      [[ -z $left ]] && break
      sleep 0.2
    done
    [[ -n $left ]] && echo "cleanup: slurmstepd still there after 10 s (not started by this script, or not reaped yet): ${left//$'\n'/ }" >&2
  fi
  # Anything still running with the work folder in its command line is this script's (the folder's name is unique):
  # named, then stopped, so that no daemon outlives the check even if one slipped past the PIDs above.
  if [[ -n $WORK ]]; then
    for pid in $(pgrep -f -- "$WORK/" || true); do
      [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
      echo "cleanup: left over, stopping: $pid $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" >&2
      stop_pid "$pid" leftover
    done
  fi
  echo "stopped: munged, slurmctld, slurmd (those this script started)"
  if [[ $POLICY_CREATED -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi
  [[ -n $INSTALL_LOG ]] && rm -f "$INSTALL_LOG"
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ ${KEEP:-0} == 1 ]]; then echo "KEEP=1: the work folder is kept: $WORK"
    else rm -rf "$WORK"; echo "removed $WORK"; fi
  fi
  local total=$(( $(now_ms) - SCRIPT_START ))
  printf '\n=== timings ===\n'
  printf '%s\n' "${TIMINGS[@]}"
  printf '%-8s %6d.%01d s\n' total $((total / 1000)) $((total % 1000 / 100))
  if [[ $status -eq 0 && $FAILURES -eq 0 ]]; then
    printf '\nRESULT: PASS (%d checks)\n' "$PASSES"
  else
    printf '\nRESULT: FAIL (%d failed, %d passed%s)\n' "$FAILURES" "$PASSES" "$([[ $status -ne 0 ]] && echo ", exit status $status")"
    [[ $status -eq 0 ]] && status=1
  fi
  exit "$status"
}
trap cleanup EXIT
# Ctrl-C or a kill: exit with the usual status, which runs the EXIT trap above.
trap 'echo "interrupted" >&2; exit 130' INT
trap 'echo "terminated" >&2; exit 143' TERM

# ---------------------------------------------------------------------------------------------------------------
phase install
# ---------------------------------------------------------------------------------------------------------------
# slurm-wlm brings slurmctld, slurmd and slurm-client; munge is Slurm's authentication daemon. Their postinst scripts
# try to start the services, which fails or warns without systemd: a policy-rc.d that answers 101 ("action not
# allowed") keeps invoke-rc.d from starting anything. One already there (Docker images ship one) is left alone.

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for pkg in slurm-wlm munge; do installed "$pkg" || missing+=("$pkg"); done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "already installed: slurm-wlm munge"
else
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# temporary, from gpurnn deploy/slurm/local-check.sh: no service starts during its apt-get install\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    POLICY_CREATED=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  INSTALL_LOG=$(mktemp)
  # First without refreshing the package lists; only if that fails (stale lists), apt-get update and again.
  if ! run apt-get install -y --no-install-recommends "${missing[@]}" >"$INSTALL_LOG" 2>&1; then
    echo "apt-get install failed; apt-get update, then again"
    run apt-get update >>"$INSTALL_LOG" 2>&1 || true
    run apt-get install -y --no-install-recommends "${missing[@]}" >>"$INSTALL_LOG" 2>&1 || { show_log "$INSTALL_LOG"; die "apt-get install ${missing[*]}"; }
  fi
  grep -E '^Setting up (slurm|munge)' "$INSTALL_LOG" || true
  rm -f "$INSTALL_LOG"; INSTALL_LOG=""
  if [[ $POLICY_CREATED -eq 1 ]]; then rm -f /usr/sbin/policy-rc.d; POLICY_CREATED=0; fi
fi
for cmd in munged slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$cmd" >/dev/null || die "$cmd is not on PATH after the install"
done
echo "$(slurmctld -V), $(munged --version 2>&1 | head -n 1)"

# ---------------------------------------------------------------------------------------------------------------
phase publish
# ---------------------------------------------------------------------------------------------------------------
# mktemp -d makes a 0700 folder owned by root: what munged asks of the folders its key and socket are in.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpurnn-slurm.XXXXXX")
echo "work folder: $WORK"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
# --disable-build-servers: no MSBuild node or compiler server outlives the publish (nothing left running).
if ! run dotnet publish src/Cli -c Release -o "$WORK/gpurnn" --disable-build-servers >"$WORK/publish.log" 2>&1; then
  show_log "$WORK/publish.log"; die "dotnet publish src/Cli"
fi
GPURNN=(dotnet "$WORK/gpurnn/gpurnn.dll")
[[ -f $WORK/gpurnn/gpurnn.dll ]] || die "no $WORK/gpurnn/gpurnn.dll after the publish"
echo "published: ${GPURNN[*]}"

# ---------------------------------------------------------------------------------------------------------------
phase cluster
# ---------------------------------------------------------------------------------------------------------------
NODE=$(hostname -s)
CPUS=$(nproc)
mkdir -p "$WORK"/{munge,slurm/state,slurm/spool,slurm/log,slurm/run,logs}
chmod 0700 "$WORK/munge"

# --- munged: its own key, socket, pid, log and seed files in $WORK/munge (0700, root's). munged refuses to run as
# root without --force; --foreground keeps it this script's child, so its PID is known.
dd if=/dev/urandom bs=1 count=1024 of="$WORK/munge/munge.key" status=none
chmod 0400 "$WORK/munge/munge.key"
MUNGE_SOCKET=$WORK/munge/munge.socket.2
MUNGED_ARGS=(--force --foreground --key-file="$WORK/munge/munge.key" --socket="$MUNGE_SOCKET"
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/munge/munged.log" --seed-file="$WORK/munge/munged.seed")
show_cmd munged "${MUNGED_ARGS[@]}"
munged "${MUNGED_ARGS[@]}" >"$WORK/munge/munged.out" 2>&1 &
MUNGED_PID=$!
for _ in $(seq 100); do [[ -S $MUNGE_SOCKET ]] && break; kill -0 "$MUNGED_PID" 2>/dev/null || break; sleep 0.1; done
if [[ ! -S $MUNGE_SOCKET ]]; then show_log "$WORK/munge/munged.out"; show_log "$WORK/munge/munged.log"; die "munged did not make its socket"; fi
# A credential made and decoded through our socket: munge works before Slurm relies on it.
munge --socket="$MUNGE_SOCKET" -n | unmunge --socket="$MUNGE_SOCKET" >/dev/null || die "munge/unmunge through $MUNGE_SOCKET"
echo "munged: pid $MUNGED_PID, socket $MUNGE_SOCKET (a test credential decodes)"

# --- two free TCP ports: none of them bound by any socket, listening or not (IPv4 or IPv6), per /proc/net/tcp*
# (the local port is the hexadecimal after the colon of the second field; converted in bash, as mawk has no strtonum).
used_ports() {
  local f line port
  for f in /proc/net/tcp /proc/net/tcp6; do
    [[ -r $f ]] || continue
    while read -r _ line _; do
      port=${line##*:}
      [[ $port =~ ^[0-9A-Fa-f]{4}$ ]] && echo $((16#$port))
    done <"$f"
  done
}
# Picked below the kernel's ephemeral range (ip_local_port_range, usually from 32768), so that no outgoing connection
# takes the port between this pick and the daemon's bind.
pick_port() {
  local used port low=32768
  [[ -r /proc/sys/net/ipv4/ip_local_port_range ]] && read -r low _ </proc/sys/net/ipv4/ip_local_port_range
  (( low > 21000 )) || low=32768
  used=" $(used_ports | sort -u | tr '\n' ' ') $* "
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % (low - 20000)))
    [[ $used == *" $port "* ]] || { echo "$port"; return 0; }
  done
  return 1
}
CTLD_PORT=$(pick_port) || die "no free port for slurmctld"
SLURMD_PORT=$(pick_port "$CTLD_PORT") || die "no free port for slurmd"

# --- slurm.conf: one node (this machine, at 127.0.0.1), one partition, root daemons, no cgroups, no accounting.
# Everything it names (state, spool, logs, pids, the munge socket) is inside $WORK.
export SLURM_CONF=$WORK/slurm.conf
cat >"$SLURM_CONF" <<EOF
# Written by deploy/slurm/local-check.sh for a throwaway one-node cluster in $WORK.
ClusterName=gpurnncheck
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
# Authentication through our own munged. cred_expire (the job credentials' lifetime, default 120 s) is also how long
# a requeued job must wait before it starts again: 10 s keeps the requeue checks short.
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET,cred_expire=10
StateSaveLocation=$WORK/slurm/state
SlurmdSpoolDir=$WORK/slurm/spool
SlurmctldPidFile=$WORK/slurm/run/slurmctld.pid
SlurmdPidFile=$WORK/slurm/run/slurmd.pid
SlurmctldLogFile=$WORK/slurm/log/slurmctld.log
SlurmdLogFile=$WORK/slurm/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: processes tracked through /proc, no task binding (works in a container without systemd).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# A requeued job whose begin time has passed waits for the scheduler's next pass over the whole queue (every
# sched_interval, default 60 s; backfill passes are skipped when nothing changed): every 2 s here.
SchedulerParameters=sched_interval=2
MpiDefault=none
SwitchType=switch/none
# No accounting database, no job completion log, no mail.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MailProg=/bin/true
# Finished jobs stay in slurmctld's memory for 10 minutes, so a finished task can still be requeued and inspected.
MinJobAge=600
JobRequeue=1
KillWait=5
ReturnToService=2
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=512 State=UNKNOWN
PartitionName=check Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
echo "slurm.conf: $SLURM_CONF (node $NODE, $CPUS CPUs, slurmctld port $CTLD_PORT, slurmd port $SLURMD_PORT)"

# --- the daemons, in the foreground (-D) as this script's children, their output in $WORK/slurm/log.
STEPDS_BEFORE=$(pgrep -x slurmstepd || true)   # any other cluster's job steps, told apart at cleanup
show_cmd slurmctld -D -f "$SLURM_CONF"
slurmctld -D -f "$SLURM_CONF" >"$WORK/slurm/log/slurmctld.out" 2>&1 &
SLURMCTLD_PID=$!
# slurmd registers with slurmctld as it starts: let slurmctld answer first (bounded).
for _ in $(seq 100); do scontrol ping >/dev/null 2>&1 && break; kill -0 "$SLURMCTLD_PID" 2>/dev/null || break; sleep 0.2; done
scontrol ping >/dev/null 2>&1 || { show_log "$WORK/slurm/log/slurmctld.out"; show_log "$WORK/slurm/log/slurmctld.log"; die "slurmctld does not answer"; }
show_cmd slurmd -D -f "$SLURM_CONF" -N "$NODE"
slurmd -D -f "$SLURM_CONF" -N "$NODE" >"$WORK/slurm/log/slurmd.out" 2>&1 &
SLURMD_PID=$!
echo "slurmctld: pid $SLURMCTLD_PID; slurmd: pid $SLURMD_PID"

# Ready when the node is idle (ReturnToService=2 lets it become so as soon as it registers), within 60 s.
state=""
for _ in $(seq 120); do
  state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)
  [[ $state == idle ]] && break
  kill -0 "$SLURMD_PID" 2>/dev/null || break
  sleep 0.5
done
if [[ $state != idle ]]; then
  show_log "$WORK/slurm/log/slurmd.out"; show_log "$WORK/slurm/log/slurmd.log"; show_log "$WORK/slurm/log/slurmctld.log"
  die "node $NODE is not idle within 60 s (state: '${state:-none}')"
fi
run sinfo
pass "one-node Slurm cluster up: node $NODE idle"

# ---------------------------------------------------------------------------------------------------------------
phase data
# ---------------------------------------------------------------------------------------------------------------
# 12 monthly series over 8 years (96 months): a seasonal sine (its own phase and amplitude per series), a trend and
# noise, one column per series (s00…s11) beside a month column. awk's rand() with a fixed seed: the same file on
# every run on this machine (it only has to be the same for the reference and the sharded runs).
awk 'BEGIN {
  srand(20240611); pi = atan2(0, -1)
  printf "month"; for (s = 0; s < 12; s++) printf ",s%02d", s; printf "\n"
  for (t = 0; t < 96; t++) {
    printf "%04d-%02d", 2016 + int(t / 12), t % 12 + 1
    for (s = 0; s < 12; s++) printf ",%.4f", 10 + s + (1 + s / 4) * sin(2 * pi * t / 12 + s) + 0.04 * (s % 3 + 1) * t + 0.6 * (rand() - 0.5)
    printf "\n"
  }
}' >"$WORK/wide.csv"
echo "$WORK/wide.csv: $(($(wc -l <"$WORK/wide.csv") - 1)) months × 12 series"
head -n 3 "$WORK/wide.csv" | cut -c 1-90

# The two runs, sharded or not: the same options, so the same run (the shards' hash covers options and data).
# shellcheck disable=SC2054 # the commas are gpurnn's list syntax, not array separators
SWEEP_OPTS=(sweep --hidden 2,3 --time-steps 6,12 --seeds 1,2 --epochs 3 --accelerator simd --no-baseline)
MANY_OPTS=(train-many --data "$WORK/wide.csv" --time-steps 6 --epochs 3 --accelerator simd)

# ---------------------------------------------------------------------------------------------------------------
phase ref
# ---------------------------------------------------------------------------------------------------------------
mkdir -p "$WORK/ref"
run "${GPURNN[@]}" "${SWEEP_OPTS[@]}" --csv "$WORK/ref/sweep.csv" --save-best "$WORK/ref/best.json" >"$WORK/ref/sweep.out" 2>&1 \
  || { show_log "$WORK/ref/sweep.out"; die "the reference sweep"; }
grep -E '^(Sweep|Best):' "$WORK/ref/sweep.out" || true
run "${GPURNN[@]}" "${MANY_OPTS[@]}" --out "$WORK/ref-many" >"$WORK/ref/many.out" 2>&1 \
  || { show_log "$WORK/ref/many.out"; die "the reference train-many"; }
grep -E '^(Trained|Saved):' "$WORK/ref/many.out" || true

# ---------------------------------------------------------------------------------------------------------------
phase array
# ---------------------------------------------------------------------------------------------------------------
# The batch script: each array task runs its shard of the sweep, then of the train-many. No --shard option: the CLI
# reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (or _MIN/_MAX) that Slurm sets.
#
# The kill: task $KILL_TASK, on its first run only (SLURM_RESTART_COUNT unset), requeues itself after its sweep shard
# is saved and before its train-many shard, then sleeps; slurmctld kills the running task (SIGTERM, then SIGKILL
# after KillWait) and puts it back in the queue, as a preemption or a node failure with --requeue would. Its second
# run (SLURM_RESTART_COUNT=1, after cred_expire) must say the sweep shard is already done and train only its
# train-many shard. This is deterministic, unlike a scancel timed against a run of a second or two.
# --open-mode=append keeps both runs in the task's log (%A_%a.out: array job id, task id).
KILL_TASK=1
# words WORD...: the words as one shell command line, quoted only where a word needs it (printf %q would also
# escape the commas of "2,3").
words() {
  local w out=()
  for w; do if [[ $w =~ ^[A-Za-z0-9_./,=:+-]+$ ]]; then out+=("$w"); else out+=("$(printf '%q' "$w")"); fi; done
  echo "${out[*]}"
}
cat >"$WORK/check.sbatch" <<EOF
#!/usr/bin/env bash
#SBATCH --job-name=gpurnn-check
set -euo pipefail
echo "run of task \$SLURM_ARRAY_TASK_ID of \$SLURM_ARRAY_TASK_COUNT (job \${SLURM_ARRAY_JOB_ID}_\$SLURM_ARRAY_TASK_ID, restart \${SLURM_RESTART_COUNT:-0}) on \$(hostname -s) at \$(date +%T)"
$(words "${GPURNN[@]}" "${SWEEP_OPTS[@]}" --out "$WORK/sweep-shards")
if [[ \$SLURM_ARRAY_TASK_ID == $KILL_TASK && \${SLURM_RESTART_COUNT:-0} == 0 ]]; then
  echo "task $KILL_TASK: requeueing itself before its train-many shard (a simulated preemption): killed now"
  scontrol requeue "\${SLURM_ARRAY_JOB_ID}_\$SLURM_ARRAY_TASK_ID"
  sleep 600   # killed here by slurmctld
  echo "task $KILL_TASK: not killed" >&2
  exit 1
fi
$(words "${GPURNN[@]}" "${MANY_OPTS[@]}" --out "$WORK/many-shards")
echo "end of task \$SLURM_ARRAY_TASK_ID's run at \$(date +%T)"
EOF
chmod 0755 "$WORK/check.sbatch"
echo "batch script $WORK/check.sbatch:"; sed 's/^/    /' "$WORK/check.sbatch"

# sbatch --wait returns when every task of the array has ended, with the highest exit status among them. It runs in
# the background (bounded by timeout) so that the queue can be shown meanwhile: a line whenever it changes. sbatch
# polls the job at growing intervals (2 s, then longer): it returns up to about 30 s after the last task ends.
SBATCH_ARGS=(--array=0-3 --wait -N1 -n1 --requeue --open-mode=append -o "$WORK/logs/%A_%a.out" --chdir="$WORK" "$WORK/check.sbatch")
printf '+ sbatch %s\n' "${SBATCH_ARGS[*]}"
timeout 300 sbatch "${SBATCH_ARGS[@]}" >"$WORK/sbatch.out" 2>&1 &
SBATCH_PID=$!
JOB=""
for _ in $(seq 100); do
  JOB=$(sed -n 's/^Submitted batch job \([0-9][0-9]*\).*/\1/p' "$WORK/sbatch.out")
  [[ -n $JOB ]] && break
  kill -0 "$SBATCH_PID" 2>/dev/null || break
  sleep 0.1
done
[[ -n $JOB ]] || { cat "$WORK/sbatch.out"; die "sbatch did not submit the array"; }
echo "Submitted batch job $JOB (array job id; tasks ${JOB}_0 … ${JOB}_3)"
last=""
while kill -0 "$SBATCH_PID" 2>/dev/null; do
  line=$(squeue -h -t all -j "$JOB" -o '%i:%T(%r)' 2>/dev/null | sort | tr '\n' ' ' || true)
  if [[ -n $line && $line != "$last" ]]; then printf 'squeue %s  %s\n' "$(date +%T)" "$line"; last=$line; fi
  sleep 0.5
done
sbatch_status=0
wait "$SBATCH_PID" || sbatch_status=$?
SBATCH_PID=""
cat "$WORK/sbatch.out"
if [[ $sbatch_status -eq 0 ]]; then pass "sbatch --array=0-3 --wait: job $JOB, every task ended with exit status 0"
else fail "sbatch --wait ended with status $sbatch_status$([[ $sbatch_status -eq 124 ]] && echo ' (timed out after 300 s)')"; fi
run squeue -t all -j "$JOB" -o '%.12i %.14j %.10T %.9r %.6D %R'

for k in 0 1 2 3; do
  log=$WORK/logs/${JOB}_$k.out
  printf -- '--- %s\n' "$log"
  if [[ -f $log ]]; then grep -E '^(run of task|Sweep:|Trained|Saved:|Shard .*already done|task [0-9]+:|end of task)' "$log" | sed 's/^/    /' || true
  else fail "no log for task $k"; fi
done

# Task KILL_TASK: killed once, so two runs; the second found its sweep shard already done and trained its train-many.
kill_log=$WORK/logs/${JOB}_$KILL_TASK.out
restarts=$(scontrol show job "${JOB}_$KILL_TASK" 2>/dev/null | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p' | head -n 1)
if [[ ${restarts:-0} -ge 1 && $(grep -c '^run of task' "$kill_log" 2>/dev/null) -ge 2 ]]; then
  pass "task $KILL_TASK was killed and requeued (Restarts=$restarts, $(grep -c '^run of task' "$kill_log") runs in its log)"
else
  fail "task $KILL_TASK was not requeued (Restarts=${restarts:-?})"
fi
if done_line=$(grep -m 1 "^Shard $KILL_TASK of 4: already done" "$kill_log"); then
  pass "the requeued task resumed: \"$done_line\""
else
  fail "task $KILL_TASK's second run did not report its sweep shard already done"
fi
if [[ $(grep -c "Saved: .*shard-$KILL_TASK-of-4.csv" "$kill_log" 2>/dev/null) -eq 2 ]]; then
  pass "task $KILL_TASK saved its sweep shard in the first run and its train-many shard in the second, once each"
else
  fail "task $KILL_TASK: expected one saved sweep shard and one saved train-many shard in its log"
fi

# ---------------------------------------------------------------------------------------------------------------
phase requeue
# ---------------------------------------------------------------------------------------------------------------
# A finished task requeued (scontrol can requeue a finished batch job while slurmctld still holds it: MinJobAge):
# Slurm runs it again from the start, and both of its shards must be found already done, with nothing retrained.
AGAIN=2
again_log=$WORK/logs/${JOB}_$AGAIN.out
run scontrol requeue "${JOB}_$AGAIN"
state="" restarts=""
for _ in $(seq 240); do
  read -r state restarts < <(scontrol show job -o "${JOB}_$AGAIN" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*Restarts=\([0-9]*\).*/\1 \2/p') || true
  [[ $state == COMPLETED && ${restarts:-0} -ge 1 ]] && break
  [[ $state == FAILED || $state == CANCELLED ]] && break
  sleep 0.5
done
run squeue -t all -j "${JOB}_$AGAIN" -o '%.12i %.14j %.10T %.9r %.6D %R'
if [[ $state == COMPLETED && ${restarts:-0} -ge 1 ]]; then pass "task ${JOB}_$AGAIN requeued after it finished and completed again (Restarts=$restarts)"
else fail "requeued task ${JOB}_$AGAIN did not complete again within 120 s (state ${state:-?}, Restarts=${restarts:-?})"; fi
printf -- '--- %s\n' "$again_log"
sed 's/^/    /' "$again_log" | grep -E 'run of task|already done|Saved:|end of task' || true
# The second run is everything after the log's last "run of task" line.
second_run=$(awk '/^run of task/ { run = "" } { run = run $0 "\n" } END { printf "%s", run }' "$again_log")
sweep_done=$(grep -c "^Shard $AGAIN of 4: already done (.*sweep-shards/" <<<"$second_run" || true)
many_done=$(grep -c "^Shard $AGAIN of 4: already done (.*many-shards/" <<<"$second_run" || true)
retrained=$(grep -c '^Saved:' <<<"$second_run" || true)
if [[ $sweep_done -eq 1 && $many_done -eq 1 && $retrained -eq 0 ]]; then
  pass "requeued task $AGAIN found both shards already done and saved nothing:"
  grep 'already done' <<<"$second_run" | sed 's/^/    /'
else
  fail "requeued task $AGAIN: sweep already done $sweep_done, train-many already done $many_done, saved $retrained (expected 1, 1, 0)"
fi

# ---------------------------------------------------------------------------------------------------------------
phase merge
# ---------------------------------------------------------------------------------------------------------------
run ls "$WORK/sweep-shards" "$WORK/many-shards"
if run "${GPURNN[@]}" merge "$WORK/sweep-shards" --save-best "$WORK/merged-best.json"; then pass "merge of the sweep's shards"; else fail "merge of the sweep's shards"; fi
if run "${GPURNN[@]}" merge "$WORK/many-shards"; then pass "merge of train-many's shards"; else fail "merge of train-many's shards"; fi

# same A B WHAT: byte-for-byte comparison, cmp's own words on a difference.
same() {
  local out
  printf '+ cmp %s %s\n' "$1" "$2"
  if out=$(cmp "$1" "$2" 2>&1); then pass "$3: identical ($(wc -c <"$1") bytes)"; else fail "$3: $out"; fi
}
same "$WORK/sweep-shards/sweep.csv" "$WORK/ref/sweep.csv" "merged sweep.csv = unsharded sweep.csv"
same "$WORK/merged-best.json" "$WORK/ref/best.json" "merged best model = unsharded --save-best"
same "$WORK/many-shards/metrics.csv" "$WORK/ref-many/metrics.csv" "merged metrics.csv = unsharded train-many metrics.csv"
# models.zip holds the same model files, but zip entries carry the time they were written, so the archives
# themselves differ; their entries are compared instead (names, order and bytes), where python3 is there to read them.
if command -v python3 >/dev/null; then
  if out=$(python3 - "$WORK/many-shards/models.zip" "$WORK/ref-many/models.zip" 2>&1 <<'PY'
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
if a.namelist() != b.namelist():
    sys.exit(f"entries differ: {a.namelist()[:5]}… vs {b.namelist()[:5]}…")
diff = [n for n in a.namelist() if a.read(n) != b.read(n)]
if diff:
    sys.exit(f"{len(diff)} entries differ, first {diff[0]}")
print(f"{len(a.namelist())} entries")
PY
  ); then pass "merged models.zip = unsharded models.zip, entry for entry ($out)"; else fail "models.zip entries: $out"; fi
else
  echo "(python3 not found: models.zip entries not compared)"
fi

end_phase
[[ $FAILURES -eq 0 ]]
