//! Search across every article: the corpus (each article's title and latest texts, case-folded
//! once, and reused after a write for the articles whose texts did not change) and the query run
//! over it. The loader and the recording worker build the corpus; `update` runs the query and
//! shows what it found.

use bargain_core::store::{Repo, Snapshot};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Each article's searchable text, folded for case-insensitive search.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// Article id → folded text of its title and every latest version (shared with the next
    /// corpus where the article did not change).
    pub articles: Vec<(String, std::sync::Arc<str>)>,
}

/// Case-folds text character by character, so positions in the folded text match the original.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect()
}

/// What one article's search entry is made of: its title and the blob of each text.
#[derive(PartialEq, Eq)]
struct Source {
    title: String,
    blobs: Vec<git2::Oid>,
}

/// The entries of the last corpus built in this process for each repository, by article id:
/// after a write only the articles whose title or texts changed are read and folded again. The
/// texts are shared with the corpus handed out, not copied.
type Built = HashMap<String, (Source, Arc<str>)>;
static LAST_BUILT: Mutex<Option<HashMap<PathBuf, Built>>> = Mutex::new(None);

/// Every article's title and latest texts (each side's, current, TA), folded for search.
/// Entries whose title and blobs are those of the last corpus built for the same repository are
/// reused as they are.
pub fn corpus(repo: &Repo, snapshot: &Snapshot) -> Corpus {
    let root = repo.git.path().to_path_buf();
    let mut last = LAST_BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut previous = last
        .get_or_insert_with(HashMap::new)
        .remove(&root)
        .unwrap_or_default();
    let mut built = Built::with_capacity(snapshot.articles.len());
    let articles = snapshot
        .articles
        .iter()
        .map(|a| {
            let texts: Vec<(git2::Oid, String)> = a
                .passes
                .iter()
                .map(|(side, b)| (*b, a.path(&format!("{side}.md"))))
                .chain(a.current.map(|b| (b, a.path("current.md"))))
                .chain(a.ta.map(|b| (b, a.path("ta.md"))))
                .collect();
            let source = Source {
                title: a.title().to_string(),
                blobs: texts.iter().map(|(b, _)| *b).collect(),
            };
            let folded = match previous.remove(&a.id) {
                Some((was, folded)) if was == source => folded,
                _ => {
                    let mut text = source.title.clone();
                    for (blob, path) in &texts {
                        if let Ok(t) = repo.text(*blob, path) {
                            text.push('\n');
                            text.push_str(&t);
                        }
                    }
                    Arc::from(fold(&text))
                }
            };
            built.insert(a.id.clone(), (source, Arc::clone(&folded)));
            (a.id.clone(), folded)
        })
        .collect();
    last.get_or_insert_with(HashMap::new).insert(root, built);
    Corpus { articles }
}

/// The articles of `corpus` whose text holds `query` (a non-empty query, case-folded here), how
/// many times each, and the sum. With `within`, only the articles it holds are looked at: a
/// query typed one character further can only narrow what the shorter one found.
pub fn matches(
    corpus: &Corpus,
    query: &str,
    within: Option<&HashMap<String, usize>>,
) -> (HashMap<String, usize>, usize) {
    let q = fold(query);
    // SIMD substring search: a 30 MB corpus is scanned within a frame.
    let finder = memchr::memmem::Finder::new(q.as_bytes());
    let mut counts = HashMap::new();
    let mut total = 0;
    for (id, text) in &corpus.articles {
        if within.is_some_and(|w| !w.contains_key(id)) {
            continue;
        }
        let n = count_matches(&finder, text.as_bytes());
        if n > 0 {
            counts.insert(id.clone(), n);
            total += n;
        }
    }
    (counts, total)
}

/// Non-overlapping occurrences, as `str::matches` counts them.
fn count_matches(finder: &memchr::memmem::Finder<'_>, text: &[u8]) -> usize {
    let step = finder.needle().len().max(1);
    let mut n = 0;
    let mut at = 0;
    while let Some(i) = finder.find(&text[at..]) {
        n += 1;
        at += i + step;
    }
    n
}

/// The rows of a rendered redline that contain the query.
pub fn hit_rows(rendered: &super::redline_view::Rendered, query: &str) -> Vec<usize> {
    rendered.rows_containing(query)
}
