#!/usr/bin/env bash
# The main job on a fresh machine: a throwaway container, dockerd frozen, `docker exec` timing out,
# `ctenter enter` working. dockerd is resumed and the container removed on every way out.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo build --release --quiet
ctenter=./target/release/ctenter

image=ctenter-busybox:test
docker image inspect "$image" >/dev/null 2>&1 || scripts/busybox-rootfs.sh | docker import - "$image" >/dev/null

id=$(docker run -d --hostname demo-box "$image" sleep 600)
dockerd_pid=$(pgrep -x dockerd | head -n1)
cleanup() {
  kill -CONT "$dockerd_pid" 2>/dev/null || true
  docker rm -f "$id" >/dev/null 2>&1 || true
}
trap cleanup EXIT

prefix=${id:0:4}
echo "+ container $id started"
echo "+ kill -STOP $dockerd_pid   # dockerd is now hung"
kill -STOP "$dockerd_pid"

echo "+ timeout 5 docker exec $prefix hostname"
rc=0
timeout 5 docker exec "$prefix" hostname || rc=$?
echo "docker exec: no answer within 5 s (timeout's exit code $rc)"

echo "+ $ctenter enter $prefix -- hostname"
$ctenter enter "$prefix" -- hostname
echo "+ $ctenter enter $prefix -- ps"
$ctenter enter "$prefix" -- ps
echo "+ $ctenter ls"
$ctenter ls

echo "+ kill -CONT $dockerd_pid; docker rm -f $prefix"
