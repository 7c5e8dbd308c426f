#!/usr/bin/env bash
# ctenter against what users would otherwise run, in one run on this machine (hyperfine):
#   enter:   ctenter enter [--privileged] <prefix> -- /bin/true  vs  nsenter -t <known pid> -a /bin/true (the floor),
#            docker exec <id> /bin/true, and docker inspect + nsenter (the 2014 docker-enter);
#   pid, ls: with 10,000 extra real processes, vs benches/read_loop.c (reads every
#            /proc/*/cgroup and nothing else: the I/O limit);
#   memory:  peak RSS of `ctenter ls` at 10,000 extra processes (/usr/bin/time -v).
# Prints a table of medians and ratios; docs/PERFORMANCE.md holds the latest one.
# Needs root; installs hyperfine and time when missing. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
command -v hyperfine >/dev/null && [ -x /usr/bin/time ] || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine time >/dev/null
}
cargo build --release --quiet
ctenter=$PWD/target/release/ctenter
work=$(mktemp -d)
cc -O2 -o "$work/read_loop" benches/read_loop.c

image=ctenter-busybox:test
docker image inspect $image >/dev/null 2>&1 || scripts/busybox-rootfs.sh | docker import - $image >/dev/null
id=$(docker run -d --name "ctenter-bench-$$" $image sleep 3600)
pid=$(docker inspect -f '{{.State.Pid}}' "$id")
prefix=${id:0:12}
sleepers=()
cleanup() {
  [ ${#sleepers[@]} -gt 0 ] && kill "${sleepers[@]}" 2>/dev/null || true
  docker rm -f "$id" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

median() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"] * 1000)' "$1"; }
measure() { # measure NAME RUNS COMMAND: median milliseconds into $work/NAME
  hyperfine -N --warmup 5 --runs "$2" --export-json "$work/$1.json" "$3" >/dev/null 2>&1
  median "$work/$1.json" >"$work/$1"
}

echo "measuring enter ($(nproc) cores, $(ls -d /proc/[0-9]* | wc -l) processes)..."
measure enter 200 "$ctenter enter $prefix -- /bin/true"
measure enter_privileged 200 "$ctenter enter --privileged $prefix -- /bin/true"
measure nsenter 200 "nsenter -t $pid -a /bin/true"
measure docker_exec 20 "docker exec $id /bin/true"
measure docker_enter 50 "sh -c 'nsenter -t \$(docker inspect -f {{.State.Pid}} $id) -m -u -i -n -p /bin/true'"

echo "starting 10000 extra processes..."
for _ in $(seq 1 10000); do sleep 3600 & sleepers+=($!); done
measure read_loop 30 "$work/read_loop"
measure pid 30 "$ctenter pid $prefix"
measure ls 30 "$ctenter ls"
rss_kib=$(/usr/bin/time -v "$ctenter" ls 2>&1 >/dev/null | awk -F: '/Maximum resident/ {gsub(/ /, "", $2); print $2}')
processes=$(ls -d /proc/[0-9]* | wc -l)
kill "${sleepers[@]}" 2>/dev/null || true
sleepers=()

python3 - "$work" "$rss_kib" "$processes" <<'PY'
import sys
work, rss_kib, processes = sys.argv[1], int(sys.argv[2]), sys.argv[3]
m = {name: float(open(f"{work}/{name}").read()) for name in
     ["enter", "enter_privileged", "nsenter", "docker_exec", "docker_enter", "read_loop", "pid", "ls"]}
rows = [
    ("`ctenter enter <prefix> -- /bin/true`", m["enter"], f'{m["enter"] / m["nsenter"]:.2f}x the nsenter floor (target <= 1.5x)'),
    ("`ctenter enter --privileged <prefix> -- /bin/true` (nsenter's privileges)", m["enter_privileged"], f'{m["enter_privileged"] / m["nsenter"]:.2f}x the nsenter floor'),
    ("`nsenter -t <pid> -a /bin/true` (known pid: the floor)", m["nsenter"], "1.00x"),
    ("`docker exec <id> /bin/true`", m["docker_exec"], f'ctenter is {m["docker_exec"] / m["enter"]:.1f}x faster (target >= 15x)'),
    ("`docker inspect` + `nsenter` (docker-enter)", m["docker_enter"], f'ctenter is {m["docker_enter"] / m["enter"]:.1f}x faster'),
    (f"raw read loop over /proc/*/cgroup ({processes} processes)", m["read_loop"], "1.00x"),
    (f"`ctenter pid <prefix>` ({processes} processes)", m["pid"], f'{m["pid"] / m["read_loop"]:.2f}x the read loop (target <= 1.2x)'),
    (f"`ctenter ls` ({processes} processes)", m["ls"], f'{m["ls"] / m["read_loop"]:.2f}x the read loop (target <= 1.2x)'),
]
print("| command | median | ratio |")
print("|---|---|---|")
for name, ms, ratio in rows:
    print(f"| {name} | {ms:.2f} ms | {ratio} |")
print(f"| peak RSS of `ctenter ls` ({processes} processes) | {rss_kib / 1024:.1f} MiB | target < 10 MiB |")
PY
