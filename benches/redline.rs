//! Redline speed on the real agreements: the whole file (about 40k words each side),
//! every same-numbered article, and a one-word change in the 44k-word text (which must not
//! cost a word diff of the whole text). Compare with `git diff --no-index --word-diff` on
//! the same files (see the issue note for the figures).

use std::hint::black_box;
use std::path::PathBuf;

use bargain_core::export::redline_text;
use bargain_core::redline::{Options, compare};
use bargain_testutils::agreement_articles;
use criterion::{Criterion, criterion_group, criterion_main};

fn agreement(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/oregon-afscme-osh-rn")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("benchmark data missing: {} ({e})", path.display()))
}

fn benches(c: &mut Criterion) {
    let old = agreement("state-afscme-osh-registered-nurses-2023-2025.txt");
    let new = agreement("state-afscme-osh-registered-nurses-2025-2027.txt");
    let opts = Options::default();

    let r = compare(&old, &new, &opts);
    assert!(
        !r.coarse,
        "the whole-file diff must finish within its deadline"
    );
    c.bench_function("whole file: compare", |b| {
        b.iter(|| compare(black_box(&old), black_box(&new), &opts))
    });
    c.bench_function("whole file: compare + plain", |b| {
        b.iter(|| redline_text::plain(&compare(black_box(&old), black_box(&new), &opts)))
    });

    let (olds, news) = (agreement_articles(&old), agreement_articles(&new));
    let pairs: Vec<(&str, &str)> = olds
        .iter()
        .filter_map(|(n, a)| {
            news.iter()
                .find(|(m, _)| m == n)
                .map(|(_, b)| (&a[..], &b[..]))
        })
        .collect();
    assert!(pairs.len() > 50);
    c.bench_function("every article pair: compare", |b| {
        b.iter(|| {
            for (a, b) in &pairs {
                black_box(compare(a, b, &opts));
            }
        })
    });

    let edited = new.replacen("Employer shall", "Employer must", 1);
    c.bench_function("one-word change in 44k words: compare", |b| {
        b.iter(|| compare(black_box(&new), black_box(&edited), &opts))
    });
}

criterion_group!(redline, benches);
criterion_main!(redline);
