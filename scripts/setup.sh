#!/usr/bin/env bash
# Installs what the live tests need when missing: docker.io (with containerd's ctr), podman, lxc,
# busybox-static, util-linux's setpriv, procps's pgrep, file and binutils' readelf, libc6-dev's
# static libc (scripts/build-static.sh), cargo-deb (scripts/build-deb.sh). Starts dockerd in the background when
# `docker info` fails, then waits. Idempotent; needs root. Used by scripts/test.sh (so .ci/run)
# and scripts/demo.sh.
set -euo pipefail

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v ctr >/dev/null || need+=(containerd)
command -v podman >/dev/null || need+=(podman)
command -v lxc-create >/dev/null || need+=(lxc)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || need+=(busybox-static)
command -v setpriv >/dev/null || need+=(util-linux)
command -v file >/dev/null || need+=(file)
command -v readelf >/dev/null || need+=(binutils)
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || need+=(libc6-dev)
command -v pgrep >/dev/null || need+=(procps)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# scripts/build-deb.sh (and the package test) package with cargo-deb, pinned for --locked builds.
if ! command -v cargo-deb >/dev/null; then
  echo "setup: installing cargo-deb (cargo install, a few minutes)"
  cargo install --locked --quiet cargo-deb@3.8.0
fi

# A dockerd frozen by an interrupted test run would hang everything below.
for pid in $(pgrep -x dockerd || true); do kill -CONT "$pid" 2>/dev/null || true; done

if ! timeout 20 docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  nohup dockerd >/var/log/ctenter-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    timeout 10 docker info >/dev/null 2>&1 && break
    sleep 1
  done
  timeout 20 docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /var/log/ctenter-dockerd.log" >&2; tail -20 /var/log/ctenter-dockerd.log >&2; exit 1; }
fi
echo "setup: $(docker version --format 'docker {{.Server.Version}}') ready"
