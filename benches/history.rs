//! Indexing a large table's history, beside the same work done by the git command line in the
//! same run: `git log --name-only --format=%H -- proposals/` on the same repository.
//!
//! The table is generated once (1,000 articles, 20,000 commits by default) and kept under
//! `target/bench-tables/`; `BARGAIN_BENCH_COMMITS` and `BARGAIN_BENCH_ARTICLES` change its size.
//! Run: `cargo bench --bench history`.

use bargain_core::store::{History, Repo};
use bargain_testutils::Spec;
use criterion::{Criterion, criterion_group, criterion_main};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

fn table() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-tables");
    bargain_testutils::cached_repository(&root, &Spec::from_env()).expect("generate the table")
}

fn index_beside_git(c: &mut Criterion) {
    let dir = table();
    let mut group = c.benchmark_group("history-index");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("git log --name-only -- proposals/", |b| {
        b.iter(|| {
            let status = Command::new("git")
                .args(["log", "--name-only", "--format=%H", "--", "proposals/"])
                .current_dir(&dir)
                .stdout(Stdio::null())
                .status()
                .expect("git runs");
            assert!(status.success());
        })
    });
    bargain_core::store::configure_reads();
    for verify in [false, true] {
        let name = if verify {
            "History::build (objects re-hashed)"
        } else {
            "History::build"
        };
        group.bench_function(name, |b| {
            bargain_core::store::verify_object_hashes(verify);
            b.iter(|| {
                let repo = Repo::open(&dir).expect("open");
                History::build(&repo).expect("index")
            })
        });
    }
    bargain_core::store::verify_object_hashes(false);
    group.bench_function("snapshot at HEAD", |b| {
        b.iter(|| {
            let repo = Repo::open(&dir).expect("open");
            repo.snapshot().expect("snapshot")
        })
    });
    group.finish();
}

criterion_group!(benches, index_beside_git);
criterion_main!(benches);
