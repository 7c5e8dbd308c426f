#!/usr/bin/env python3
"""Capture a fixture from live Docker containers, with Docker itself as the oracle.

usage: capture-docker-fixture.py CASE CONTAINER... [--cgroup-prefix ID=PATH]...

Copies cgroup, stat, status and cmdline (never environ) of every process whose cgroup file names
one of the containers, of their parents, and of a few host processes (pid 1, dockerd,
containerd), into fixtures/CASE/proc/<pid>/. Writes fixtures/CASE/expected.json from
`docker inspect` (ID, State.Pid, Path+Args) and the cgroup's own member list, not from ctenter.
"""
import json, os, shutil, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
case, names = sys.argv[1], sys.argv[2:]
out = os.path.join(here, "..", "fixtures", case)
shutil.rmtree(out, ignore_errors=True)
os.makedirs(os.path.join(out, "proc"))

inspect = json.loads(subprocess.check_output(["docker", "inspect", *names]))
ids = [c["Id"] for c in inspect]

def read(pid, name):
    with open(f"/proc/{pid}/{name}", "rb") as f:
        return f.read()

pids = [p for p in os.listdir("/proc") if p.isdigit()]
members = {cid: [] for cid in ids}
wanted = {"1"}
for pid in pids:
    try:
        cg = read(pid, "cgroup").decode(errors="replace")
        comm = read(pid, "comm").decode(errors="replace").strip()
    except OSError:
        continue
    if comm in ("dockerd", "containerd"):
        wanted.add(pid)
    # The innermost container a process is in: the ID that appears last on its cgroup lines.
    hits = [(cg.rfind(cid), cid) for cid in ids if cid in cg]
    if hits:
        members[max(hits)[1]].append(int(pid))
        wanted.add(pid)
        ppid = read(pid, "stat").rsplit(b")", 1)[1].split()[1].decode()
        wanted.add(ppid)

for pid in sorted(wanted, key=int):
    os.makedirs(os.path.join(out, "proc", pid))
    for name in ("cgroup", "stat", "status", "cmdline"):
        try:
            data = read(pid, name)
        except OSError:
            continue
        with open(os.path.join(out, "proc", pid, name), "wb") as f:
            f.write(data)

def cgroup_path(c):
    parent = c["HostConfig"].get("CgroupParent") or "/docker"
    return parent.rstrip("/") + "/" + c["Id"]

expected = []
for c in sorted(inspect, key=lambda c: c["Id"]):
    parent = next((o for o in ids if o != c["Id"] and o in (c["HostConfig"].get("CgroupParent") or "")), None)
    expected.append({
        "id": c["Id"], "engine": "docker", "name": None, "pid": c["State"]["Pid"],
        "processes": len(members[c["Id"]]), "cgroup": cgroup_path(c), "parent": parent,
        "command": " ".join([c["Path"], *c["Args"]]),
        # No state tree and no /proc/stat are captured: nothing names or dates the container.
        "pod": None, "namespace": None, "started": None, "sources": [],
    })
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=2)
    f.write("\n")
print(f"captured {len(wanted)} processes into {out}")
