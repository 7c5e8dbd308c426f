//! Resolver benchmarks: cgroup classification per file, and a whole scan of the live /proc.
//! Run with `cargo bench`; compare runs, never assert times in tests.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use ctenter::procroot::ProcRoot;
use ctenter::resolver::{Scan, scan};
use ctenter::state::StateRoot;

const ID: &str = "1be257b8ff056e89a9997d548f2dbc2f3d55ff1bbc06fb1c59a79a7084785005";

fn classify(c: &mut Criterion) {
    let v1_docker: String = (0..13).map(|h| format!("{h}:ctrl{h}:/docker/{ID}\n")).collect();
    let v1_host: String = (0..13).map(|h| format!("{h}:ctrl{h}:/\n")).collect();
    let v2_systemd = format!("0::/system.slice/docker-{ID}.scope\n");
    let mut group = c.benchmark_group("classify");
    for (name, content) in [("v1-docker", &v1_docker), ("v1-host", &v1_host), ("v2-systemd", &v2_systemd)] {
        group.throughput(Throughput::Elements(1));
        group.bench_function(name, |b| {
            b.iter(|| scan::classify_file(std::hint::black_box(content.as_bytes())))
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

criterion_group!(benches, classify, scan_live_proc);
criterion_main!(benches);
