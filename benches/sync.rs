//! What a sync costs the TUI when one recording comes in, on the generated 20,000-commit table:
//! the history index extended by the incoming commit (as `tui::jobs::sync` does: a copy of the
//! index, then `History::extend_to`), beside a full `History::build` of the same history.
//!
//! The incoming recording is the table's last commit: the index is built at its parent once,
//! and each iteration extends a copy of it to HEAD. Run: `cargo bench --bench sync`
//! (`BARGAIN_BENCH_COMMITS` and `BARGAIN_BENCH_ARTICLES` change the table's size).

use bargain_core::store::{History, Repo};
use bargain_testutils::Spec;
use criterion::{Criterion, criterion_group, criterion_main};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Duration;

fn table() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-tables");
    bargain_testutils::cached_repository(&root, &Spec::from_env()).expect("generate the table")
}

fn refresh_beside_full_build(c: &mut Criterion) {
    let dir = table();
    bargain_core::store::configure_reads();
    let repo = Repo::open(&dir).expect("open");
    let head = repo.head().expect("head").commit;
    let parent = repo
        .git
        .find_commit(head)
        .and_then(|c| c.parent_id(0))
        .expect("HEAD has a parent");
    let mut before = History::default();
    before
        .extend_to(&repo, parent, &mut |_| ControlFlow::Continue(()))
        .expect("index at the parent");
    let mut group = c.benchmark_group("sync-refresh");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("History::build (full)", |b| {
        b.iter(|| History::build(&repo).expect("index"))
    });
    group.bench_function("extend by one incoming commit (copy + extend_to)", |b| {
        b.iter(|| {
            let mut history = before.clone();
            history
                .extend_to(&repo, head, &mut |_| ControlFlow::Continue(()))
                .expect("extend");
            assert_eq!(history.head, Some(head));
            history
        })
    });
    group.finish();
}

criterion_group!(benches, refresh_beside_full_build);
criterion_main!(benches);
