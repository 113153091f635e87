//! Redline speed on every real pair of agreements the project carries (`tests/data/`, from
//! 28,000 to 85,000 words a side): the whole file, every unit (article, letter, appendix)
//! the two editions share as the importer splits them, and a one-word change in the 44k-word
//! nurses' text (which must not cost a word diff of the whole text). The CLI beside
//! `git diff --no-index --word-diff` on the same files is in the README ("Redlines beside
//! git on every real pair").

use std::hint::black_box;
use std::path::PathBuf;

use bargain_core::export::redline_text;
use bargain_core::redline::{Options, compare};
use bargain_testutils::agreement_articles;
use criterion::{Criterion, criterion_group, criterion_main};

/// The folders of `tests/data/`, each one pair of successive agreements.
const PAIRS: [&str; 4] = [
    "oregon-aee-engineers",
    "oregon-afscme-doc-security",
    "oregon-afscme-doj-attorneys",
    "oregon-afscme-osh-rn",
];

/// The older and newer text of a pair (its two `.txt` files, older first by name).
fn pair(folder: &str) -> (String, String) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("benchmark data missing: {} ({e})", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{} holds one pair", dir.display());
    let read =
        |p: &PathBuf| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    (read(&files[0]), read(&files[1]))
}

fn benches(c: &mut Criterion) {
    let opts = Options::default();
    for folder in PAIRS {
        let (old, new) = pair(folder);
        let r = compare(&old, &new, &opts);
        assert!(
            !r.coarse,
            "{folder}: the whole-file diff must finish within its deadline"
        );
        c.bench_function(&format!("{folder}: whole file, compare"), |b| {
            b.iter(|| compare(black_box(&old), black_box(&new), &opts))
        });
        c.bench_function(&format!("{folder}: whole file, compare + plain"), |b| {
            b.iter(|| redline_text::plain(&compare(black_box(&old), black_box(&new), &opts)))
        });

        let news = agreement_articles(&new);
        let units: Vec<(String, String)> = agreement_articles(&old)
            .into_iter()
            .filter_map(|(id, a)| {
                news.iter()
                    .find(|(m, _)| *m == id)
                    .map(|(_, b)| (a, b.clone()))
            })
            .collect();
        assert!(
            units.len() >= 20,
            "{folder}: only {} units shared",
            units.len()
        );
        c.bench_function(
            &format!("{folder}: every shared unit, compare + plain"),
            |b| {
                b.iter(|| {
                    for (a, b) in &units {
                        black_box(redline_text::plain(&compare(a, b, &opts)));
                    }
                })
            },
        );
    }

    let (_, new) = pair("oregon-afscme-osh-rn");
    let edited = new.replacen("Employer shall", "Employer must", 1);
    c.bench_function("one-word change in 44k words: compare", |b| {
        b.iter(|| compare(black_box(&new), black_box(&edited), &opts))
    });
}

criterion_group!(redline, benches);
criterion_main!(redline);
