#!/usr/bin/env bash
# Captures one fixture per runtime this machine runs (Podman, LXC, containerd's ctr, Docker with
# Kubernetes-shaped --cgroup-parent) with `ctenter capture`, then checks every captured container
# against the runtime's own answer (podman inspect, lxc-info, ctr task ls, docker inspect): the ID,
# the init pid and the engine. A mismatch fails the script and leaves no fixture behind.
# Needs root and scripts/setup.sh. Rerun to refresh the fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cargo build --quiet
ctenter=$PWD/target/debug/ctenter
image=ctenter-busybox:test
tag=fx$$
cleanup_cmds=()
cleanup() { for c in "${cleanup_cmds[@]}"; do eval "$c" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT

docker image inspect $image >/dev/null 2>&1 || scripts/busybox-rootfs.sh | docker import - $image >/dev/null

# capture CASE ORACLE-JSON DESCRIPTION ID...: ORACLE-JSON maps each ID to the fields the
# runtime vouches for (pid, engine, and name where the captured files carry it).
capture() {
  local case=$1 oracle=$2 description=$3; shift 3
  local dir=fixtures/$case
  rm -rf "$dir"
  "$ctenter" capture "$@" -o "$dir" >/dev/null
  python3 - "$dir" "$oracle" <<'PY' || { rm -rf "$dir"; exit 1; }
import json, sys
case_dir, oracle = sys.argv[1], json.loads(sys.argv[2])
got = {c["id"]: c for c in json.load(open(f"{case_dir}/expected.json"))}
for cid, want in oracle.items():
    have = got.get(cid)
    if not have or any(have[key] != value for key, value in want.items()):
        sys.exit(f"{case_dir}: {cid}: runtime says {want}, ctenter captured {have}")
PY
  cat >>"$dir/README.md" <<MD

## How this fixture was made

By \`scripts/capture-runtime-fixtures.sh\`: $description

The script checked expected.json against the runtime's own answer (ID, init pid, engine, and
the name where the captured files carry one) when it captured; the cgroup, stat, status and cmdline files are the kernel's bytes.
MD
  echo "captured $dir"
}

# Podman, rootful, cgroupfs manager.
P="podman --cgroup-manager=cgroupfs --runtime runc --events-backend=file"
podman image exists $image || scripts/busybox-rootfs.sh | podman import - $image >/dev/null
pod_id=$($P run -d --name $tag-podman --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 $image sleep 3600)
cleanup_cmds+=("$P rm -f -t 0 $pod_id")
pod_pid=$($P inspect --format '{{.State.Pid}}' "$pod_id")
pod_name=$($P inspect --format '{{.Name}}' "$pod_id")
capture podman-cgroupfs-hybrid "{\"$pod_id\": {\"pid\": $pod_pid, \"engine\": \"podman\", \"name\": \"$pod_name\"}}" \
  "\`podman --cgroup-manager=cgroupfs --runtime runc run -d ... sleep 3600\` (Podman $(podman --version | awk '{print $3}')): \`/libpod_parent/libpod-<id>\`, conmon in \`/libpod_parent/conmon\`." "$pod_id"

# LXC, busybox template, no network.
lxc_name=$tag-lxc
printf 'lxc.net.0.type = empty\nlxc.apparmor.profile = unconfined\n' >/tmp/$lxc_name.conf
lxc-create -q -n $lxc_name -t busybox -f /tmp/$lxc_name.conf
cleanup_cmds+=("lxc-stop -n $lxc_name -k; lxc-destroy -n $lxc_name -f")
lxc-start -n $lxc_name -d
lxc-wait -n $lxc_name -s RUNNING -t 30
lxc_pid=$(lxc-info -n $lxc_name -p -H)
capture lxc-busybox-hybrid "{\"$lxc_name\": {\"pid\": $lxc_pid, \"engine\": \"lxc\", \"name\": \"$lxc_name\"}}" \
  "\`lxc-create -t busybox\` and \`lxc-start\` (LXC $(lxc-start --version)): \`/lxc.payload.<name>\`, the monitor in \`/lxc.monitor.<name>\`." "$lxc_name"

# containerd through ctr: a plain name in /<namespace>/<id>, and a kubelet cgroupfs layout.
addr=/run/containerd/containerd.sock
[ -S $addr ] || addr=/var/run/docker/containerd/containerd.sock
CTR="ctr -a $addr -n ctenter-fixture"
ctr -a $addr -n ctenter-fixture images ls -q | grep -q ctenter-busybox || docker save $image | $CTR images import - >/dev/null
ctr_name=$tag-ctr
ctr_id=$(head -c 32 /dev/urandom | sha256sum | cut -c1-64)
pod_uid=$(cat /proc/sys/kernel/random/uuid)
$CTR run -d docker.io/library/$image $ctr_name sleep 3600 >/dev/null
cleanup_cmds+=("$CTR task kill -s SIGKILL $ctr_name; sleep 1; $CTR task rm $ctr_name; $CTR container rm $ctr_name")
$CTR run -d --cgroup /kubepods/besteffort/pod$pod_uid/$ctr_id docker.io/library/$image $ctr_id sleep 3600 >/dev/null
cleanup_cmds+=("$CTR task kill -s SIGKILL $ctr_id; sleep 1; $CTR task rm $ctr_id; $CTR container rm $ctr_id")
task_pid() { $CTR task ls | awk -v t="$1" '$1 == t {print $2}'; }
capture containerd-ctr-hybrid \
  "{\"$ctr_name\": {\"pid\": $(task_pid $ctr_name), \"engine\": \"containerd\"}, \"$ctr_id\": {\"pid\": $(task_pid $ctr_id), \"engine\": \"containerd\"}}" \
  "\`ctr run -d IMAGE $ctr_name sleep 3600\` (cgroup \`/ctenter-fixture/$ctr_name\`, named only by its shim) and \`ctr run -d --cgroup /kubepods/besteffort/pod<uid>/<id> ...\` (a kubelet cgroupfs path, engine told by the shim's namespace), containerd $(containerd --version | awk '{print $3}')." \
  "$ctr_name" "$ctr_id"

# Docker with Kubernetes-shaped parents: still Docker, as its moby shim says.
d1=$(docker run -d --name $tag-d1 --cgroup-parent=/kubepods/besteffort/pod$pod_uid $image sleep 3600)
d2=$(docker run -d --name $tag-d2 --cgroup-parent=/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${pod_uid//-/_}.slice $image sleep 3600)
cleanup_cmds+=("docker rm -f $d1 $d2")
dpid() { docker inspect -f '{{.State.Pid}}' "$1"; }
capture docker-cgroup-parent-hybrid \
  "{\"$d1\": {\"pid\": $(dpid $d1), \"engine\": \"docker\"}, \"$d2\": {\"pid\": $(dpid $d2), \"engine\": \"docker\"}}" \
  "\`docker run --cgroup-parent=/kubepods/besteffort/pod<uid>\` and \`--cgroup-parent=/kubepods.slice/.../kubepods-besteffort-pod<uid>.slice\` ($(docker version --format 'Docker {{.Server.Version}}'), cgroupfs driver)." \
  "$d1" "$d2"
