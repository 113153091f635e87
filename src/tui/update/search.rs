//! A query run: the query in force, its matches counted over the corpus (`tui::search`), the
//! rows of the open redline that hold it, and a word when nothing does.

use crate::tui::search::{hit_rows, matches};
use crate::tui::state::State;

/// Makes `query` the one in force and counts its matches.
pub(super) fn run_search(state: &mut State, query: &str) {
    state.search.query = query.to_string();
    state.search.input = query.to_string();
    // Typing one more character can only narrow the matches: look only where the shorter
    // query matched.
    let narrowing = state
        .search
        .counted
        .as_deref()
        .is_some_and(|before| !before.is_empty() && query.starts_with(before));
    let before = std::mem::take(&mut state.search.counts);
    state.search.total = 0;
    state.search.counted = None;
    if let Some(a) = &mut state.article {
        a.hit_rows = hit_rows(&a.rendered, query);
        a.hit = None;
    }
    if query.is_empty() {
        return;
    }
    let Some(corpus) = &state.search.corpus else {
        state.flash = Some("still reading the texts; the search runs when they are in".into());
        return;
    };
    let (counts, total) = matches(corpus, query, narrowing.then_some(&before));
    state.search.counts = counts;
    state.search.total = total;
    state.search.counted = Some(query.to_string());
    if state.search.total == 0 {
        state.flash = Some(format!(
            "no article contains “{}”",
            bargain_core::text::escape_line(query)
        ));
    }
}
