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

def v2(path):
    return f"0::{path}\n".encode()

def write_case(name, readme, procs, expected):
    out = os.path.join(ROOT, name)
    shutil.rmtree(out, ignore_errors=True)
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

def container(id_, pid, processes, cgroup, command, parent=None):
    return {"id": id_, "engine": "docker", "name": None, "pid": pid, "processes": processes,
            "cgroup": cgroup, "parent": parent, "command": command}

def systemd_case(name, mode):
    # Both IDs start with 3f2a, so that prefix is ambiguous (tests/cli.rs).
    a, b = "3f2a" + cid(name + "-a")[4:], "3f2a" + cid(name + "-b")[4:]
    if mode == "v2":
        cg = lambda p: v2(p)
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
    desc = "cgroup v2 only (unified)" if mode == "v2" else "cgroup v1 + v2 hybrid, every line naming the scope"
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

systemd_case("docker-systemd-v2", "v2")
systemd_case("docker-systemd-hybrid", "hybrid")
hybrid_disagreement()
malformed()
