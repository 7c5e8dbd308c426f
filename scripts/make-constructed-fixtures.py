#!/usr/bin/env python3
"""Write the constructed fixtures: layouts this machine can't produce (no systemd, one cgroup
mode) and hostile /proc content. Each process is built from the same templates as real kernel
output (proc(5)); the expected.json is the truth this script constructs, not ctenter's output.
Rerun it to regenerate; it overwrites only the cases it names.
"""
import hashlib, json, os, shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")

def cid(seed):
    return hashlib.sha256(seed.encode()).hexdigest()

def stat(pid, comm, ppid, start, state=b"S"):
    comm = comm if isinstance(comm, bytes) else comm.encode()
    rest = f" {ppid} {pid} {pid} 0 -1 4194560 120 0 0 0 0 0 0 0 20 0 1 0 {start} 4448256 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
    return str(pid).encode() + b" (" + comm + b") " + state + rest.encode()

def status(pid, comm, ppid, nspid):
    ns = "\t".join(str(n) for n in nspid)
    return f"Name:\t{comm}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t{ppid}\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nNStgid:\t{ns}\nNSpid:\t{ns}\nNSpgid:\t{ns}\nNSsid:\t{ns}\n".encode()

V1 = ["12:pids", "11:memory", "10:cpu,cpuacct", "9:blkio", "8:devices", "7:freezer", "6:net_cls,net_prio", "5:cpuset", "4:perf_event", "3:hugetlb", "2:rdma"]

def hybrid(v1_path, systemd_path, unified_path):
    lines = [f"{c}:{v1_path}" for c in V1] + [f"1:name=systemd:{systemd_path}", f"0::{unified_path}"]
    return ("\n".join(lines) + "\n").encode()

def v1_only(path):
    # A pure cgroup v1 host (systemd before v233, or booted with the unified hierarchy off): no
    # `0::` line at all.
    lines = [f"{c}:{path}" for c in V1] + [f"1:name=systemd:{path}"]
    return ("\n".join(lines) + "\n").encode()

def v2(path):
    return f"0::{path}\n".encode()

def write_case(name, readme, procs, expected, state=None):
    out = os.path.join(ROOT, name)
    shutil.rmtree(out, ignore_errors=True)
    for path, data in (state or {}).items():
        full = os.path.join(out, "root", path.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data if isinstance(data, bytes) else json.dumps(data, indent=1).encode())
    for pid, files in procs.items():
        d = os.path.join(out, "proc", str(pid))
        os.makedirs(d)
        for fname, data in files.items():
            with open(os.path.join(d, fname), "wb") as f:
                f.write(data)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2)
        f.write("\n")
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write(readme)

def proc(pid, comm, ppid, start, nspid, cgroup, cmdline):
    return {"cgroup": cgroup, "stat": stat(pid, comm, ppid, start), "status": status(pid, comm, ppid, nspid),
            "cmdline": b"\0".join(a.encode() for a in cmdline) + b"\0"}

def container(id_, pid, processes, cgroup, command, parent=None, engine="docker", name=None, pod=None, namespace=None, sources=()):
    return {"id": id_, "engine": engine, "name": name, "pid": pid, "processes": processes,
            "cgroup": cgroup, "parent": parent, "command": command, "pod": pod, "namespace": namespace,
            "started": None, "sources": list(sources)}

def uid(seed):
    h = cid(seed)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

SHIM = "/usr/bin/containerd-shim-runc-v2"

def shim(namespace, id_):
    return [SHIM, "-namespace", namespace, "-id", id_, "-address", "/run/containerd/containerd.sock"]

def conmon(id_, name):
    return ["/usr/bin/conmon", "--api-version", "1", "-c", id_, "-u", id_, "-r", "/usr/bin/runc", "-n", name]

def by_id(*containers):
    return sorted(containers, key=lambda c: (c["id"], c["parent"] or ""))

CONSTRUCTED = """Constructed by `scripts/make-constructed-fixtures.py`: this machine (no systemd, one cgroup
mode, no Kubernetes) can't run it. The file formats follow proc(5); the cgroup paths follow the
runtime's documented naming and the published files in `../shared/corpus`; IDs are synthetic.
expected.json is the truth the script constructs, not ctenter's output."""

def systemd_case(name, mode):
    # Both IDs start with 3f2a, so that prefix is ambiguous (tests/cli.rs).
    a, b = "3f2a" + cid(name + "-a")[4:], "3f2a" + cid(name + "-b")[4:]
    if mode == "v2":
        cg = lambda p: v2(p)
    elif mode == "v1":
        cg = lambda p: v1_only(p)
    else:
        cg = lambda p: hybrid(p, p, p)
    scope = lambda i: f"/system.slice/docker-{i}.scope"
    shim = ["/usr/bin/containerd-shim-runc-v2", "-namespace", "moby", "-id"]
    procs = {
        1: proc(1, "systemd", 0, 5, [1], cg("/init.scope"), ["/sbin/init"]),
        610: proc(610, "containerd", 1, 900, [610], cg("/system.slice/containerd.service"), ["/usr/bin/containerd"]),
        640: proc(640, "dockerd", 1, 950, [640], cg("/system.slice/docker.service"), ["/usr/bin/dockerd", "-H", "fd://"]),
        700: proc(700, "bash", 1, 1200, [700], cg("/user.slice/user-0.slice/session-1.scope"), ["-bash"]),
        1000: proc(1000, "containerd-shim", 1, 5000, [1000], cg("/system.slice/containerd.service"), shim + [a]),
        1010: proc(1010, "nginx", 1000, 5010, [1010, 1], cg(scope(a)), ["nginx", "-g", "daemon off;"]),
        1011: proc(1011, "nginx", 1010, 5020, [1011, 7], cg(scope(a)), ["nginx: worker process"]),
        # A `docker exec`'d shell: parent is the shim, started later, not pid 1 inside.
        1090: proc(1090, "sh", 1000, 9000, [1090, 12], cg(scope(a)), ["sh"]),
        2000: proc(2000, "containerd-shim", 1, 6000, [2000], cg("/system.slice/containerd.service"), shim + [b]),
        2010: proc(2010, "sleep", 2000, 6010, [2010, 1], cg(scope(b)), ["sleep", "infinity"]),
    }
    expected = sorted([
        container(a, 1010, 3, scope(a), "nginx -g daemon off;"),
        container(b, 2010, 1, scope(b), "sleep infinity"),
    ], key=lambda c: c["id"])
    desc = {"v2": "cgroup v2 only (unified)", "v1": "cgroup v1 only (no `0::` line)"}.get(
        mode, "cgroup v1 + v2 hybrid, every line naming the scope")
    readme = f"""# {name}

Docker with the systemd cgroup driver, {desc}: containers are `/system.slice/docker-<id>.scope`.
Constructed by `scripts/make-constructed-fixtures.py` (this machine has no systemd, so Docker
here can only use the cgroupfs driver); the file formats follow proc(5) and systemd's
`docker-<id>.scope` naming. IDs are synthetic.

What it checks: both IDs start with `3f2a` (an ambiguous prefix); `docker.service`, `containerd.service`, `init.scope` and a login session are not
containers; a `docker exec`'d shell (parent: the shim, NSpid not ending in 1) is never the init.
"""
    write_case(name, readme, procs, expected)

def hybrid_disagreement():
    name = "docker-hybrid-lines-disagree"
    a, b = cid(name + "-a"), cid(name + "-b")
    procs = {
        1: proc(1, "init", 0, 5, [1], hybrid("/", "/", "/"), ["/sbin/init"]),
        # v1 hierarchies name the container, the unified line says "/" (cgroupfs driver, v1 only).
        3000: proc(3000, "redis-server", 2990, 7000, [3000, 1], hybrid(f"/docker/{a}", f"/docker/{a}", "/"), ["redis-server", "*:6379"]),
        # Only the unified and name=systemd lines name it; the v1 controllers say "/".
        4000: proc(4000, "postgres", 3990, 8000, [4000, 1], hybrid("/", f"/system.slice/docker-{b}.scope", f"/system.slice/docker-{b}.scope"), ["postgres"]),
    }
    expected = sorted([
        container(a, 3000, 1, f"/docker/{a}", "redis-server *:6379"),
        container(b, 4000, 1, f"/system.slice/docker-{b}.scope", "postgres"),
    ], key=lambda c: c["id"])
    readme = f"""# {name}

Hybrid hosts (v1 controllers plus a v2 `unified` mount, like this machine) show both kinds of
line, and they need not agree. Constructed by `scripts/make-constructed-fixtures.py`; IDs are
synthetic. pid 3000 is named only by its v1 lines (`0::/`), pid 4000 only by `name=systemd` and
`0::`. Any line that names a container counts.
"""
    write_case(name, readme, procs, expected)

def malformed():
    name = "malformed-proc-files"
    a = cid(name + "-a")
    good = f"/docker/{a}"
    evil_comm = b") (x) S 1 ("
    procs = {
        1: proc(1, "init", 0, 5, [1], v2("/"), ["/sbin/init"]),
        # The init's comm holds ") (" and its cmdline invalid UTF-8 and a terminal escape.
        5000: {"cgroup": v2(good), "stat": stat(5000, evil_comm, 4990, 9000), "status": status(5000, "x", 4990, [5000, 1]),
               "cmdline": b"/app/\xff\xfe\0--flag=\x1b[31m\0"},
        5001: {"cgroup": v2(good), "stat": stat(5001, b"\xff\xfe", 5000, 9100), "status": status(5001, "w", 5000, [5001, 2]), "cmdline": b""},
        # Files of every broken kind; none may hide the container above or crash the scan.
        6000: {"cgroup": b""},
        6001: {"cgroup": b"garbage\n\xff\xfe\xfd\n:::\n0:\n::/\n12:cpu:relative/path\n" + b"x" * 5000 + b"\n"},
        6002: {"stat": stat(6002, "nocgroup", 1, 10)},
        6003: {"cgroup": f"0::/docker/{a[:63]}\n0::/docker/{a.upper()}\n0::/docker/{a}z\n".encode()},
        6004: {"cgroup": v2(good), "stat": b"6004 (trunc", "status": b"Name:\tbroken\nNSpid:\tx y\n"},
        6005: {"cgroup": b"\0\0\0\n0::/docker\n0::/docker/\n0::/system.slice/docker-.scope\n"},
    }
    expected = [container(a, 5000, 3, good, "/app/\ufffd\ufffd --flag=\u001b[31m")]
    readme = f"""# {name}

Hostile or broken /proc content, constructed by `scripts/make-constructed-fixtures.py`: a `comm`
of `) (x) S 1 (` and of invalid UTF-8, a cmdline with invalid UTF-8 and a terminal escape, empty
and garbage cgroup files, a process with no cgroup file, IDs of the wrong length or case, a
truncated `stat`. The one real container must still be found, with its init chosen by NSpid, and
its command shown lossily (`ls` escapes control characters in its table; JSON keeps them).
"""
    write_case(name, readme, procs, expected)

def podman_systemd():
    name = "podman-systemd-v2"
    a, b = cid(name + "-a"), cid(name + "-b")
    user = "/user.slice/user-1000.slice/user@1000.service/user.slice"
    procs = {
        1: proc(1, "systemd", 0, 5, [1], v2("/init.scope"), ["/sbin/init"]),
        # Rootful, systemd manager: conmon in its own scope, the container in libpod-<id>.scope,
        # here with the optional `/container` child.
        800: proc(800, "conmon", 1, 3000, [800], v2(f"/machine.slice/libpod-conmon-{a}.scope"), conmon(a, "web")),
        810: proc(810, "nginx", 800, 3010, [810, 1], v2(f"/machine.slice/libpod-{a}.scope/container"), ["nginx", "-g", "daemon off;"]),
        # Rootless: everything below the user's service manager; `podman-<pid>.scope` is the CLI.
        900: proc(900, "podman", 1, 3500, [900], v2(f"{user}/podman-900.scope"), ["podman", "run", "-d", "alpine", "sleep", "1d"]),
        910: proc(910, "conmon", 1, 3600, [910], v2(f"{user}/libpod-conmon-{b}.scope"), conmon(b, "job")),
        920: proc(920, "sleep", 910, 3610, [920, 1], v2(f"{user}/libpod-{b}.scope"), ["sleep", "1d"]),
    }
    expected = by_id(
        container(a, 810, 1, f"/machine.slice/libpod-{a}.scope", "nginx -g daemon off;", engine="podman", name="web"),
        container(b, 920, 1, f"{user}/libpod-{b}.scope", "sleep 1d", engine="podman", name="job"),
    )
    write_case(name, f"""# {name}

Podman on a cgroup v2 host with systemd: rootful (`machine.slice/libpod-<id>.scope/container`)
and rootless (`user@1000.service/user.slice/libpod-<id>.scope`). The `libpod-conmon-<id>.scope`
processes and the `podman-<pid>.scope` CLI are not containers.

{CONSTRUCTED}
""", procs, expected)

def kubernetes_systemd():
    name = "kubernetes-systemd-v2"
    sandbox, app, crio_app, dockershim, guaranteed = (cid(name + x) for x in ("-sandbox", "-app", "-crio", "-docker", "-guaranteed"))
    pod1, pod2, pod3, pod4 = (uid(name + x) for x in ("-pod1", "-pod2", "-pod3", "-pod4"))
    slice_ = lambda qos, pod: f"/kubepods.slice/kubepods-{qos}.slice/kubepods-{qos}-pod{pod.replace('-', '_')}.slice"
    p1, p2, p3 = slice_("besteffort", pod1), slice_("burstable", pod2), slice_("besteffort", pod3)
    p4 = f"/kubepods.slice/kubepods-pod{pod4.replace('-', '_')}.slice"
    procs = {
        1: proc(1, "systemd", 0, 5, [1], v2("/init.scope"), ["/sbin/init"]),
        500: proc(500, "kubelet", 1, 600, [500], v2("/system.slice/kubelet.service"), ["/usr/bin/kubelet"]),
        # containerd's CRI: one shim per pod, named after the sandbox; the pause and the app
        # containers are both its children.
        1000: proc(1000, "containerd-shim", 1, 2000, [1000], v2("/system.slice/containerd.service"), shim("k8s.io", sandbox)),
        1010: proc(1010, "pause", 1000, 2010, [1010, 1], v2(f"{p1}/cri-containerd-{sandbox}.scope"), ["/pause"]),
        1020: proc(1020, "app", 1000, 2020, [1020, 1], v2(f"{p1}/cri-containerd-{app}.scope"), ["/app", "--serve"]),
        # CRI-O: conmon in crio-conmon-<id>.scope, the container in crio-<id>.scope (`/container` child).
        2000: proc(2000, "conmon", 1, 3000, [2000], v2(f"{p2}/crio-conmon-{crio_app}.scope"), conmon(crio_app, f"k8s_app_web-0_default_{pod2}_0")),
        2010: proc(2010, "web", 2000, 3010, [2010, 1], v2(f"{p2}/crio-{crio_app}.scope/container"), ["/web"]),
        # dockershim: docker-<id>.scope in the pod slice.
        3000: proc(3000, "containerd-shim", 1, 4000, [3000], v2("/system.slice/containerd.service"), shim("moby", dockershim)),
        3010: proc(3010, "redis", 3000, 4010, [3010, 1], v2(f"{p3}/docker-{dockershim}.scope"), ["redis-server"]),
        # A guaranteed pod has no QoS slice.
        4000: proc(4000, "containerd-shim", 1, 5000, [4000], v2("/system.slice/containerd.service"), shim("k8s.io", guaranteed)),
        4010: proc(4010, "db", 4000, 5010, [4010, 1], v2(f"{p4}/cri-containerd-{guaranteed}.scope"), ["/db"]),
    }
    expected = by_id(
        container(sandbox, 1010, 1, f"{p1}/cri-containerd-{sandbox}.scope", "/pause", engine="containerd"),
        container(app, 1020, 1, f"{p1}/cri-containerd-{app}.scope", "/app --serve", engine="containerd"),
        container(crio_app, 2010, 1, f"{p2}/crio-{crio_app}.scope", "/web", engine="cri-o", name="app", pod="web-0", namespace="default"),
        container(dockershim, 3010, 1, f"{p3}/docker-{dockershim}.scope", "redis-server"),
        container(guaranteed, 4010, 1, f"{p4}/cri-containerd-{guaranteed}.scope", "/db", engine="containerd"),
    )
    write_case(name, f"""# {name}

Kubernetes with the kubelet's systemd cgroup driver on cgroup v2: containerd
(`cri-containerd-<id>.scope`, one `k8s.io` shim per pod named after its sandbox), CRI-O
(`crio-<id>.scope/container`, conmon in `crio-conmon-<id>.scope`), dockershim
(`docker-<id>.scope`) and a guaranteed pod without a QoS slice. Pod slices and UIDs are never
containers.

{CONSTRUCTED}
""", procs, expected)

def kubernetes_cgroupfs():
    name = "kubernetes-cgroupfs-hybrid"
    cd_app, crio_app, unknown, colon = (cid(name + x) for x in ("-containerd", "-crio", "-unknown", "-colon"))
    pod1, pod2, pod3, pod4 = (uid(name + x) for x in ("-pod1", "-pod2", "-pod3", "-pod4"))
    static_pod = cid(name + "-static")[:32]
    same = lambda p: hybrid(p, p, "/")
    colon_path = f"/system.slice/containerd.service/kubepods-besteffort-pod{pod4.replace('-', '_')}.slice:cri-containerd:{colon}"
    procs = {
        1: proc(1, "systemd", 0, 5, [1], same("/init.scope"), ["/sbin/init"]),
        1000: proc(1000, "containerd-shim", 1, 2000, [1000], same("/system.slice/containerd.service"), shim("k8s.io", cd_app)),
        1010: proc(1010, "app", 1000, 2010, [1010, 1], same(f"/kubepods/besteffort/pod{pod1}/{cd_app}"), ["/app"]),
        2000: proc(2000, "conmon", 1, 3000, [2000], same("/system.slice/crio.service"), conmon(crio_app, f"k8s_web_web-0_default_{pod2}_0")),
        2010: proc(2010, "web", 2000, 3010, [2010, 1], same(f"/kubepods/pod{pod2}/{crio_app}"), ["/web"]),
        # No supervisor this side of the capture: the runtime stays `kubernetes`. A static pod's
        # UID is 32 hex without dashes; it is still a pod, not a container.
        3010: proc(3010, "etcd", 2990, 4010, [3010, 1], same(f"/kubepods/burstable/pod{static_pod}/{unknown}"), ["etcd"]),
        # containerd's colon form below its own service (cgroup v1 with the systemd driver).
        4000: proc(4000, "containerd-shim", 1, 5000, [4000], same("/system.slice/containerd.service"), shim("k8s.io", colon)),
        4010: proc(4010, "api", 4000, 5010, [4010, 1], same(colon_path), ["/api"]),
    }
    expected = by_id(
        container(cd_app, 1010, 1, f"/kubepods/besteffort/pod{pod1}/{cd_app}", "/app", engine="containerd"),
        container(crio_app, 2010, 1, f"/kubepods/pod{pod2}/{crio_app}", "/web", engine="cri-o", name="web", pod="web-0", namespace="default"),
        container(unknown, 3010, 1, f"/kubepods/burstable/pod{static_pod}/{unknown}", "etcd", engine="kubernetes"),
        container(colon, 4010, 1, colon_path, "/api", engine="containerd"),
    )
    write_case(name, f"""# {name}

Kubernetes with the kubelet's cgroupfs driver on a v1+v2 hybrid host: `/kubepods[/<qos>]/pod<uid>/<id>`
paths don't say which runtime, so the supervisor parenting each init does (a `k8s.io` shim:
containerd; conmon: CRI-O); with no supervisor in sight the engine stays `kubernetes`. Also the
`<pod slice>:cri-containerd:<id>` colon form and a static pod whose UID is 32 hex characters.

{CONSTRUCTED}
""", procs, expected)

def lxc_nspawn_ecs():
    name = "lxc-nspawn-ecs-v2"
    task = cid(name + "-task")[:32]
    fargate = f"{task}-{3421442466}"
    ecs_docker = cid(name + "-ecs-docker")
    procs = {
        1: proc(1, "systemd", 0, 5, [1], v2("/init.scope"), ["/sbin/init"]),
        # LXC 4+: the monitor in lxc.monitor.<name>, the container in lxc.payload.<name>, with
        # systemd running inside it.
        700: proc(700, "lxc-start", 1, 900, [700], v2("/lxc.monitor.web"), ["[lxc monitor] /var/lib/lxc web"]),
        710: proc(710, "systemd", 700, 910, [710, 1], v2("/lxc.payload.web/init.scope"), ["/sbin/init"]),
        720: proc(720, "sshd", 710, 990, [720, 40], v2("/lxc.payload.web/system.slice/ssh.service"), ["sshd: /usr/sbin/sshd -D"]),
        # systemd-nspawn: the machine name is unescaped (`\x2d` is `-`); nspawn itself sits in
        # the scope's `supervisor` child and is not the init.
        800: proc(800, "systemd-nspawn", 1, 1900, [800], v2("/machine.slice/machine-build\\x2dbox.scope/supervisor"), ["systemd-nspawn", "-bD", "/var/lib/machines/build-box"]),
        810: proc(810, "systemd", 800, 1910, [810, 1], v2("/machine.slice/machine-build\\x2dbox.scope/payload/init.scope"), ["/usr/lib/systemd/systemd"]),
        # ECS: Fargate-style `<32 hex>-<digits>` IDs and Docker's 64-hex ones below /ecs/<task>.
        900: proc(900, "containerd-shim", 1, 2900, [900], v2("/system.slice/containerd.service"), shim("moby", ecs_docker)),
        910: proc(910, "agent", 900, 2910, [910, 1], v2(f"/ecs/{task}/{ecs_docker}"), ["/agent"]),
        920: proc(920, "java", 1, 2920, [920, 1], v2(f"/ecs/{task}/{fargate}"), ["java", "-jar", "app.jar"]),
    }
    expected = by_id(
        container("web", 710, 2, "/lxc.payload.web", "/sbin/init", engine="lxc", name="web"),
        container("build-box", 810, 2, "/machine.slice/machine-build\\x2dbox.scope", "/usr/lib/systemd/systemd", engine="systemd-nspawn", name="build-box"),
        container(ecs_docker, 910, 1, f"/ecs/{task}/{ecs_docker}", "/agent"),
        container(fargate, 920, 1, f"/ecs/{task}/{fargate}", "java -jar app.jar", engine="ecs"),
    )
    write_case(name, f"""# {name}

LXC 4+ (`lxc.payload.<name>` with systemd inside; its `lxc.monitor.<name>` is not a container),
systemd-nspawn (`machine.slice/machine-<escaped name>.scope` with `payload` and `supervisor`
children; the name's `\\x2d` is `-`), and ECS task containers below `/ecs/<task>/`, both
Fargate-style `<32 hex>-<digits>` and Docker's 64-hex IDs.

{CONSTRUCTED}
""", procs, expected)

def kind_node():
    name = "kind-node-nested-v2"
    node, pod_container = cid(name + "-node"), cid(name + "-inner")
    pod = uid(name + "-pod")
    scope = f"/system.slice/docker-{node}.scope"
    pod_slice = f"{scope}/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod{pod.replace('-', '_')}.slice"
    inner = f"{pod_slice}/cri-containerd-{pod_container}.scope"
    procs = {
        1: proc(1, "systemd", 0, 5, [1], v2("/init.scope"), ["/sbin/init"]),
        500: proc(500, "containerd-shim", 1, 1000, [500], v2("/system.slice/containerd.service"), shim("moby", node)),
        # The kind node: a Docker container running systemd, containerd and kubelet.
        510: proc(510, "systemd", 500, 1010, [510, 1], v2(f"{scope}/init.scope"), ["/sbin/init"]),
        520: proc(520, "containerd", 510, 1100, [520, 80], v2(f"{scope}/system.slice/containerd.service"), ["/usr/local/bin/containerd"]),
        530: proc(530, "containerd-shim", 510, 1200, [530, 90], v2(f"{scope}/system.slice/containerd.service"), shim("k8s.io", pod_container)),
        # A pod container inside the node: pid 1 of a pid namespace nested two deep.
        540: proc(540, "coredns", 530, 1210, [540, 95, 1], v2(inner), ["/coredns", "-conf", "/etc/coredns/Corefile"]),
    }
    expected = by_id(
        container(node, 510, 3, scope, "/sbin/init"),
        container(pod_container, 540, 1, inner, "/coredns -conf /etc/coredns/Corefile", parent=node, engine="containerd"),
    )
    write_case(name, f"""# {name}

A kind/k3d-style node: a Docker container (`docker-<node>.scope`) running systemd, containerd
and Kubernetes pods (`kubelet-kubepods-...slice/cri-containerd-<id>.scope`). Both levels are
containers, each process belongs to the innermost one, the pod container's `parent` is the node,
and the node's init is its systemd, not a process of the pod.

{CONSTRUCTED}
""", procs, expected)

def cgroupns_relative():
    name = "cgroupns-relative-v2"
    a, b = cid(name + "-a"), cid(name + "-b")
    procs = {
        1: proc(1, "systemd", 0, 5, [1], v2("/../../init.scope"), ["/sbin/init"]),
        600: proc(600, "dockerd", 1, 700, [600], v2("/../../system.slice/docker.service"), ["/usr/bin/dockerd"]),
        1000: proc(1000, "containerd-shim", 1, 2000, [1000], v2("/../../system.slice/containerd.service"), shim("moby", a)),
        1010: proc(1010, "nginx", 1000, 2010, [1010, 1], v2(f"/../docker-{a}.scope"), ["nginx"]),
        # ctenter itself, in the privileged debug container whose cgroup namespace is its own.
        2010: proc(2010, "ctenter", 2000, 3010, [2010, 1], v2("/"), ["ctenter", "ls"]),
        3010: proc(3010, "redis-server", 3000, 4010, [3010, 1], v2(f"/../../kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{uid(name).replace('-', '_')}.slice/docker-{b}.scope"), ["redis-server"]),
    }
    expected = by_id(
        container(a, 1010, 1, f"/../docker-{a}.scope", "nginx"),
        container(b, 3010, 1, f"/../../kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{uid(name).replace('-', '_')}.slice/docker-{b}.scope", "redis-server"),
    )
    write_case(name, f"""# {name}

What ctenter sees from inside a privileged container that shares the host's pid namespace but has
its own cgroup namespace (`kubectl debug node`, DaemonSets): every path is relative to that
namespace's root and may climb out of it with `/..`. Containers are still named by their own
segment; the debug container's own `/` is not one.

{CONSTRUCTED}
""", procs, expected)

def docker_rootless_and_host():
    name = "docker-rootless-and-host-v2"
    a = cid(name + "-a")
    user = "/user.slice/user-1000.slice/user@1000.service"
    procs = {
        1: proc(1, "systemd", 0, 5, [1], v2("/init.scope"), ["/sbin/init"]),
        400: proc(400, "sshd", 1, 500, [400], v2("/system.slice/ssh.service"), ["sshd: /usr/sbin/sshd -D"]),
        410: proc(410, "bash", 400, 510, [410], v2("/user.slice/user-1000.slice/session-3.scope"), ["-bash"]),
        420: proc(420, "sleep", 1, 520, [420], v2("/system.slice/run-ra2ddf9594bbf4a1986439b594f89eb0f.scope"), ["sleep", "60"]),
        430: proc(430, "dockerd", 1, 530, [430], v2(f"{user}/docker.service"), ["dockerd-rootless.sh"]),
        440: proc(440, "containerd-shim", 430, 540, [440], v2(f"{user}/docker.service"), shim("moby", a)),
        450: proc(450, "node", 440, 550, [450, 1], v2(f"{user}/user.slice/docker-{a}.scope"), ["node", "server.js"]),
        460: proc(460, "getty", 1, 560, [460], v2("/system.slice/system-serial\\x2dgetty.slice/serial-getty@ttyS0.service"), ["/sbin/agetty", "ttyS0"]),
    }
    expected = [container(a, 450, 1, f"{user}/user.slice/docker-{a}.scope", "node server.js")]
    write_case(name, f"""# {name}

Rootless Docker (`user@1000.service/.../docker-<id>.scope`) among host processes that are not
containers: a login session, sshd, a `run-r<hex>.scope` transient unit, an escaped getty slice and
the rootless `docker.service` itself.

{CONSTRUCTED}
""", procs, expected)

def state_trees():
    name = "state-trees-v2"
    web, broken, forged, stale = (cid(name + x) for x in ("-web", "-broken", "-forged", "-stale"))
    pweb, pstale, sandbox, app, crio = (cid(name + x) for x in ("-pweb", "-pstale", "-sandbox", "-app", "-crio"))
    # Kubelet cgroupfs paths that don't say which runtime, with no supervisor captured: the state
    # files found for them do.
    kube_cd, kube_crio = cid(name + "-kube-containerd"), cid(name + "-kube-crio")
    kube_pod = uid(name + "-kube-pod")
    pod_uid = uid(name + "-pod").replace("-", "_")
    docker_scope = lambda i: f"/system.slice/docker-{i}.scope"
    pod_slice = f"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{pod_uid}.slice"
    crio_slice = f"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{pod_uid}.slice"
    procs = {
        1: proc(1, "systemd", 0, 5, [1], v2("/init.scope"), ["/sbin/init"]),
        1000: proc(1000, "containerd-shim", 1, 2000, [1000], v2("/system.slice/containerd.service"), shim("moby", web)),
        1010: proc(1010, "nginx", 1000, 2010, [1010, 1], v2(docker_scope(web)), ["nginx"]),
        1100: proc(1100, "containerd-shim", 1, 2100, [1100], v2("/system.slice/containerd.service"), shim("moby", broken)),
        1110: proc(1110, "sleep", 1100, 2110, [1110, 1], v2(docker_scope(broken)), ["sleep", "1d"]),
        1200: proc(1200, "containerd-shim", 1, 2200, [1200], v2("/system.slice/containerd.service"), shim("moby", forged)),
        1210: proc(1210, "sleep", 1200, 2210, [1210, 1], v2(docker_scope(forged)), ["sleep", "2d"]),
        2000: proc(2000, "conmon", 1, 3000, [2000], v2(f"/machine.slice/libpod-conmon-{pweb}.scope"), conmon(pweb, "pweb")),
        2010: proc(2010, "httpd", 2000, 3010, [2010, 1], v2(f"/machine.slice/libpod-{pweb}.scope"), ["httpd", "-f"]),
        3000: proc(3000, "containerd-shim", 1, 4000, [3000], v2("/system.slice/containerd.service"), shim("k8s.io", sandbox)),
        3010: proc(3010, "pause", 3000, 4010, [3010, 1], v2(f"{pod_slice}/cri-containerd-{sandbox}.scope"), ["/pause"]),
        3020: proc(3020, "api", 3000, 4020, [3020, 1], v2(f"{pod_slice}/cri-containerd-{app}.scope"), ["/api"]),
        # CRI-O's conmon is not captured here: the name comes from the state file alone.
        4010: proc(4010, "postgres", 3990, 5010, [4010, 1], v2(f"{crio_slice}/crio-{crio}.scope"), ["postgres"]),
        5010: proc(5010, "worker", 4990, 6010, [5010, 1], v2(f"/kubepods/besteffort/pod{kube_pod}/{kube_cd}"), ["/worker"]),
        5020: proc(5020, "redis", 4990, 6020, [5020, 1], v2(f"/kubepods/besteffort/pod{kube_pod}/{kube_crio}"), ["redis"]),
    }
    docker_config = lambda i, name, env, user, workdir: {
        "ID": i, "Name": name, "State": {"Running": True, "Pid": 0, "StartedAt": "2026-11-30T08:00:00.123456789Z"},
        "Config": {"Env": env, "User": user, "WorkingDir": workdir, "Cmd": ["nginx"]},
    }
    spec = lambda env, uid_, gid, cwd, annotations: {
        "ociVersion": "1.0.2", "process": {"env": env, "user": {"uid": uid_, "gid": gid}, "cwd": cwd}, "annotations": annotations,
    }
    storage = "/var/lib/containers/storage/overlay-containers"
    tasks = "/run/containerd/io.containerd.runtime.v2.task/k8s.io"
    cri = lambda kind, pod, container=None: dict(
        {"io.kubernetes.cri.container-type": kind, "io.kubernetes.cri.sandbox-name": pod, "io.kubernetes.cri.sandbox-namespace": "prod"},
        **({"io.kubernetes.cri.container-name": container} if container else {}))
    state = {
        f"/var/lib/docker/containers/{web}/config.v2.json": docker_config(web, "/web", ["CFG=1", "PATH=/usr/bin:/bin"], "65534", "/srv"),
        # Not JSON: read, rejected, and the container is still listed, unnamed.
        f"/var/lib/docker/containers/{broken}/config.v2.json": b"{\"ID\": \"" + broken.encode() + b"\", \"Name\": ",
        # A config in this container's directory that claims another ID: not this container's.
        f"/var/lib/docker/containers/{forged}/config.v2.json": docker_config(web, "/web", [], "", ""),
        # A stopped container's config: no process, so its name must never resolve.
        f"/var/lib/docker/containers/{stale}/config.v2.json": docker_config(stale, "/old-web", [], "", ""),
        f"{storage}/containers.json": [{"id": pweb, "names": ["pweb"]}, {"id": pstale, "names": ["gone"]}],
        f"{storage}/{pweb}/userdata/config.json": spec(["container=podman", "PCFG=2"], 33, 33, "/var/www", {"io.container.manager": "libpod"}),
        f"{tasks}/{sandbox}/config.json": spec(["PATH=/bin"], 65535, 65535, "/", cri("sandbox", "api-7d9f")),
        f"{tasks}/{sandbox}/init.pid": b"3010",
        f"{tasks}/{app}/config.json": spec(["PATH=/bin", "API=1"], 1000, 1000, "/app", cri("container", "api-7d9f", "app")),
        f"{tasks}/{app}/init.pid": b"3020",
        f"{storage}/{crio}/userdata/config.json": spec(["PGDATA=/data"], 999, 999, "/", {
            "io.kubernetes.container.name": "db", "io.kubernetes.pod.name": "db-0", "io.kubernetes.pod.namespace": "prod",
            "io.kubernetes.cri-o.ContainerType": "container"}),
        f"{tasks}/{kube_cd}/config.json": spec(["PATH=/bin"], 0, 0, "/", cri("container", "jobs-1", "worker")),
        f"{storage}/{kube_crio}/userdata/config.json": spec(["PATH=/bin"], 0, 0, "/", {
            "io.kubernetes.container.name": "cache", "io.kubernetes.pod.name": "jobs-1", "io.kubernetes.pod.namespace": "prod",
            "io.kubernetes.cri-o.ContainerType": "container"}),
    }
    src = lambda *paths: list(paths)
    expected = by_id(
        container(web, 1010, 1, docker_scope(web), "nginx", name="web", sources=src(f"/var/lib/docker/containers/{web}/config.v2.json")),
        container(broken, 1110, 1, docker_scope(broken), "sleep 1d"),
        container(forged, 1210, 1, docker_scope(forged), "sleep 2d"),
        container(pweb, 2010, 1, f"/machine.slice/libpod-{pweb}.scope", "httpd -f", engine="podman", name="pweb",
                  sources=src(f"{storage}/{pweb}/userdata/config.json", f"{storage}/containers.json")),
        container(sandbox, 3010, 1, f"{pod_slice}/cri-containerd-{sandbox}.scope", "/pause", engine="containerd",
                  pod="api-7d9f", namespace="prod", sources=src(f"{tasks}/{sandbox}/config.json")),
        container(app, 3020, 1, f"{pod_slice}/cri-containerd-{app}.scope", "/api", engine="containerd", name="app",
                  pod="api-7d9f", namespace="prod", sources=src(f"{tasks}/{app}/config.json")),
        container(crio, 4010, 1, f"{crio_slice}/crio-{crio}.scope", "postgres", engine="cri-o", name="db",
                  pod="db-0", namespace="prod", sources=src(f"{storage}/{crio}/userdata/config.json")),
        container(kube_cd, 5010, 1, f"/kubepods/besteffort/pod{kube_pod}/{kube_cd}", "/worker", engine="containerd",
                  name="worker", pod="jobs-1", namespace="prod", sources=src(f"{tasks}/{kube_cd}/config.json")),
        container(kube_crio, 5020, 1, f"/kubepods/besteffort/pod{kube_pod}/{kube_crio}", "redis", engine="cri-o",
                  name="cache", pod="jobs-1", namespace="prod", sources=src(f"{storage}/{kube_crio}/userdata/config.json")),
    )
    for c in expected:
        if c["id"] == web:
            c["started"] = "2026-11-30T08:00:00.123456789Z"
    write_case(name, f"""# {name}

Running containers with their runtimes' state files under `root/` (passed as `--state-root`):
Docker's `config.v2.json` (name `web`, configured env, user and working directory), Podman's
`containers.json` and `userdata/config.json`, containerd's CRI bundles (a pod `prod/api-7d9f`
with its sandbox and one container `app`) and a CRI-O container's annotations. Two containers
on kubelet cgroupfs paths (`/kubepods/besteffort/pod<uid>/<id>`) with no supervisor captured get
their engine from whose files name them: a containerd bundle, a CRI-O config. Also what must
never name anything: a stopped container's config (`old-web`), a Podman entry for a container
that isn't running (`gone`), a truncated config, and a config that claims another container's ID.

{CONSTRUCTED}
""", procs, expected, state)

systemd_case("docker-systemd-v2", "v2")
systemd_case("docker-systemd-hybrid", "hybrid")
systemd_case("docker-systemd-v1", "v1")
hybrid_disagreement()
malformed()
podman_systemd()
kubernetes_systemd()
kubernetes_cgroupfs()
lxc_nspawn_ecs()
kind_node()
cgroupns_relative()
docker_rootless_and_host()
state_trees()
