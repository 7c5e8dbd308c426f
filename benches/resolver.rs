//! Resolver benchmarks: cgroup classification (lines per second), scan+resolve over synthetic
//! proc trees of 1k, 10k and 50k processes (the cost must grow linearly), and the live /proc.
//! Run with `cargo bench`; compare runs, never assert times in tests. The comparison with
//! nsenter, docker exec and a raw read loop is `scripts/bench-compare.sh`.

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use ctenter::procroot::ProcRoot;
use ctenter::resolver::{Scan, scan};
use ctenter::state::StateRoot;

const ID: &str = "1be257b8ff056e89a9997d548f2dbc2f3d55ff1bbc06fb1c59a79a7084785005";

fn hybrid_file(path: &str) -> String {
    let mut lines: String = (1..13).rev().map(|h| format!("{h}:ctrl{h}:{path}\n")).collect();
    lines.push_str(&format!("0::{path}\n"));
    lines
}

fn classify(c: &mut Criterion) {
    let mut group = c.benchmark_group("classify");
    let files = [
        ("hybrid-docker", hybrid_file(&format!("/docker/{ID}"))),
        ("hybrid-host", hybrid_file("/")),
        ("v2-systemd", format!("0::/system.slice/docker-{ID}.scope\n")),
        (
            "v2-kubepods",
            format!(
                "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod74ba62da_1a3d_11e7_bb11_080027cb0e22.slice/cri-containerd-{ID}.scope\n"
            ),
        ),
    ];
    for (name, content) in &files {
        group.throughput(Throughput::Elements(content.lines().count() as u64));
        group.bench_function(*name, |b| {
            b.iter(|| scan::classify_file(std::hint::black_box(content.as_bytes())))
        });
    }
    group.finish();
}

/// A container ID whose first 12 characters differ between containers, as real ones do.
fn container_id(container: u32) -> String {
    format!("{:016x}{container:048x}", u64::from(container).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// A proc tree of `processes` processes: one container per 50, each with an init (pid 1 of its
/// namespace) and 49 workers; host processes in a handful of systemd services.
fn synthetic_tree(dir: &Path, processes: u32) {
    for pid in 1..=processes {
        let proc_dir = dir.join(pid.to_string());
        std::fs::create_dir_all(&proc_dir).unwrap();
        let container = pid / 50;
        let (cgroup, nspid) = if container % 2 == 0 {
            (format!("/system.slice/svc{}.service", container % 7), format!("{pid}"))
        } else {
            let id = container_id(container);
            (format!("/docker/{id}"), format!("{pid}\t{}", pid % 50 + 1))
        };
        std::fs::write(proc_dir.join("cgroup"), hybrid_file(&cgroup)).unwrap();
        let stat = format!(
            "{pid} (proc) S 1 {pid} {pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 {pid} 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
        );
        std::fs::write(proc_dir.join("stat"), stat).unwrap();
        std::fs::write(proc_dir.join("status"), format!("Name:\tproc\nPPid:\t1\nNSpid:\t{nspid}\n")).unwrap();
        std::fs::write(proc_dir.join("cmdline"), b"proc\0").unwrap();
    }
}

fn scan_synthetic(c: &mut Criterion) {
    let mut group = c.benchmark_group("scan+resolve synthetic");
    group.sample_size(10);
    for processes in [1_000u32, 10_000, 50_000] {
        let dir = tempfile::tempdir().unwrap();
        synthetic_tree(dir.path(), processes);
        let root = ProcRoot::new(dir.path());
        let state = StateRoot::new(dir.path().join("no-state"));
        let needle = container_id(processes / 100 * 2 - 1);
        group.throughput(Throughput::Elements(u64::from(processes)));
        group.bench_with_input(BenchmarkId::from_parameter(processes), &processes, |b, _| {
            b.iter(|| Scan::new(&root, &state).unwrap().resolve(&needle[..12]).unwrap().init.pid)
        });
    }
    group.finish();
}

fn scan_live_proc(c: &mut Criterion) {
    let root = ProcRoot::live();
    c.bench_function("scan+list /proc", |b| {
        b.iter(|| Scan::new(&root, &StateRoot::default()).map(|s| s.list().len()).unwrap_or(0))
    });
}

criterion_group!(benches, classify, scan_synthetic, scan_live_proc);
criterion_main!(benches);
