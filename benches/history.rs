//! Indexing a large table's history, beside the same work done by the git command line in the
//! same run: `git log --name-only --format=%H -- proposals/` on the same repository; then the
//! index kept on disk: loading it, against building it, against extending it by 100 commits,
//! and one article's walk beside `git log --format=%H -- proposals/<article>/`.
//!
//! The table is generated once (1,000 articles, 20,000 commits by default) and kept under
//! `target/bench-tables/`; `BARGAIN_BENCH_COMMITS` and `BARGAIN_BENCH_ARTICLES` change its size.
//! Run: `cargo bench --bench history`.

use bargain_core::store::{History, Repo, index_cache};
use bargain_testutils::Spec;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::ops::ControlFlow;
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

/// The index on disk: load (read, check, decode) against build, and extend by 100 commits.
fn index_on_disk(c: &mut Criterion) {
    let dir = table();
    bargain_core::store::configure_reads();
    let repo = Repo::open(&dir).expect("open");
    let head = repo.head().expect("head").commit;
    let full = History::build(&repo).expect("index");
    full.save(&repo).expect("write the index");
    let back = repo
        .git
        .revparse_single("HEAD~100")
        .expect("the table has 100 commits")
        .id();
    let mut behind = History::default();
    behind
        .extend_to(&repo, back, &mut |_| ControlFlow::Continue(()))
        .expect("index to HEAD~100");
    let article = full.articles.keys().next().expect("an article").clone();
    let mut group = c.benchmark_group("history-index-on-disk");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("load the index on disk", |b| {
        b.iter(|| index_cache::load(&repo, head).expect("usable"))
    });
    group.bench_function("History::load (open, load, check HEAD)", |b| {
        b.iter(|| {
            let repo = Repo::open(&dir).expect("open");
            History::load(&repo).expect("index")
        })
    });
    group.bench_function("extend by 100 commits", |b| {
        b.iter_batched(
            || behind.clone(),
            |mut h| {
                h.extend_to(&repo, head, &mut |_| ControlFlow::Continue(()))
                    .expect("extend");
                h
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("History::of_article (one article's walk)", |b| {
        b.iter(|| History::of_article(&repo, &article).expect("one article"))
    });
    let path = format!("proposals/{article}/");
    group.bench_function("git log --format=%H -- proposals/<article>/", |b| {
        b.iter(|| {
            let status = Command::new("git")
                .args(["log", "--format=%H", "--", &path])
                .current_dir(&dir)
                .stdout(Stdio::null())
                .status()
                .expect("git runs");
            assert!(status.success());
        })
    });
    group.finish();
}

criterion_group!(benches, index_beside_git, index_on_disk);
criterion_main!(benches);
