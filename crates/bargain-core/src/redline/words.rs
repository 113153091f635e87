//! Step 3 of the engine (see the module docs of `redline`): the word diff of one paragraph
//! pair. Lines are aligned first; only runs of lines that differ are cut into words, and
//! words are matched without the whitespace between them, which is then placed in the gaps.

use std::ops::Range;
use std::time::Instant;

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

use super::diff_deadline;
use super::split::{self, SPACE};

/// A piece of a word diff: byte ranges into the two paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
/// A change carries whether it is layout only and its word count ([`split::word_count`]
/// of its text), so the summary need not cut it into words again.
pub(super) enum Piece {
    Equal(Range<usize>),
    Deleted(Range<usize>, bool, usize),
    Inserted(Range<usize>, bool, usize),
}

/// A word diff of one paragraph pair.
#[derive(Debug, Clone)]
pub(super) struct WordDiff {
    pub(super) pieces: Vec<Piece>,
    /// Share of words that survived: `2·equal / (old words + new words)`.
    pub(super) ratio: f32,
    /// Whether any piece is a change of words (not layout only).
    pub(super) changed: bool,
}

/// Buffers a word diff works in, kept from one paragraph pair to the next: a whole
/// agreement makes thousands of word diffs, and allocating a dozen vectors for each cost
/// more than filling them.
#[derive(Debug, Default)]
pub(super) struct Scratch {
    /// Line ranges of each side and the lines' keys.
    la: Vec<Range<usize>>,
    lb: Vec<Range<usize>>,
    line_ka: Vec<u64>,
    line_kb: Vec<u64>,
    hunk: HunkScratch,
}

/// The buffers of [`diffed_words`] (and [`token_runs`]): tokens, their keys, the words among
/// them, the runs.
#[derive(Debug, Default)]
struct HunkScratch {
    ta: Vec<split::Token>,
    tb: Vec<split::Token>,
    ka: Vec<u64>,
    kb: Vec<u64>,
    wa: Vec<usize>,
    wb: Vec<usize>,
    xa: Vec<u64>,
    xb: Vec<u64>,
    runs: Vec<Run>,
    merged: Vec<Run>,
}

/// A word diff being built: its pieces and word counts.
#[derive(Debug, Default)]
struct Tally {
    pieces: Vec<Piece>,
    /// Words in equal pieces (counted once).
    equal_words: usize,
    /// Words on both sides (equal words counted twice).
    words: usize,
    changed: bool,
}

impl Tally {
    /// Adds the whitespace between two equal words (or before the first, after the last):
    /// equal when both sides have the same, else a layout deletion and insertion (either
    /// may be empty). `same` says whether the two runs' bytes are equal.
    fn gap(&mut self, sa: Range<usize>, sb: Range<usize>, same: bool) {
        match (sa.is_empty(), sb.is_empty()) {
            (true, true) => {}
            (false, false) if same => self.equal(sa, 0),
            (da, db) => {
                // Leading or ending one side only, or both sides but different.
                if !da {
                    self.pieces.push(Piece::Deleted(sa, true, 0));
                }
                if !db {
                    self.pieces.push(Piece::Inserted(sb, true, 0));
                }
            }
        }
    }

    /// Adds equal text (range in the old paragraph) holding `words` words.
    fn equal(&mut self, r: Range<usize>, words: usize) {
        self.equal_words += words;
        self.words += 2 * words;
        match self.pieces.last_mut() {
            Some(Piece::Equal(last)) if last.end == r.start => last.end = r.end,
            _ => self.pieces.push(Piece::Equal(r)),
        }
    }
}

/// Word diff of text `a` with text `b`.
///
/// Lines are aligned first (by their text less surrounding whitespace), as `git diff
/// --word-diff` does; only runs of lines that differ are cut into words and diffed
/// word by word (a line start is always a word boundary). A changed page footer thus
/// costs a diff of one line, not of the whole page-sized paragraph.
pub(super) fn word_diff(
    a: &str,
    b: &str,
    deadline: Option<Instant>,
    scratch: &mut Scratch,
) -> WordDiff {
    let Scratch {
        la,
        lb,
        line_ka: ka,
        line_kb: kb,
        hunk,
    } = scratch;
    split::lines_into(a, la);
    split::lines_into(b, lb);
    let (la, lb) = (&*la, &*lb);
    // Lines are keyed by their bytes less surrounding whitespace: cheap, and a line whose
    // spacing changed inside only lands in a run that the word diff shows as layout.
    let key = |t: &str| split::hash_bytes(t.trim().as_bytes());
    ka.clear();
    ka.extend(la.iter().map(|r| key(&a[r.clone()])));
    kb.clear();
    kb.extend(lb.iter().map(|r| key(&b[r.clone()])));
    let ops = capture_diff_slices_deadline(
        Algorithm::Histogram,
        ka,
        kb,
        diff_deadline(deadline, ka.len() + kb.len()),
    );
    let mut acc = Tally::default();
    let span = |lines: &[Range<usize>], r: Range<usize>, len: usize| match (r.start, r.end) {
        (s, e) if s < e => lines[s].start..lines[e - 1].end,
        (s, _) => lines.get(s).map_or(len, |l| l.start)..lines.get(s).map_or(len, |l| l.start),
    };
    let mut pending: Option<(Range<usize>, Range<usize>)> = None;
    for op in &ops {
        let (tag, o, n) = op.as_tag_tuple();
        if tag != DiffTag::Equal {
            pending = Some(match pending {
                Some((po, pn)) => (po.start..o.end, pn.start..n.end),
                None => (o, n),
            });
            continue;
        }
        if let Some((po, pn)) = pending.take() {
            let (ra, rb) = (span(la, po, a.len()), span(lb, pn, b.len()));
            hunk_words(a, ra, b, rb, &mut acc, deadline, hunk);
        }
        for (x, y) in o.zip(n) {
            let (ra, rb) = (la[x].clone(), lb[y].clone());
            if a[ra.clone()] == b[rb.clone()] {
                acc.equal(ra.clone(), split::rough_words(&a[ra]));
            } else if !reindented(a, ra.clone(), b, rb.clone(), &mut acc) {
                // Same words, different whitespace.
                hunk_words(a, ra, b, rb, &mut acc, deadline, hunk);
            }
        }
    }
    if let Some((po, pn)) = pending.take() {
        let (ra, rb) = (span(la, po, a.len()), span(lb, pn, b.len()));
        hunk_words(a, ra, b, rb, &mut acc, deadline, hunk);
    }
    let ratio = if acc.words == 0 {
        1.0
    } else {
        2.0 * acc.equal_words as f32 / acc.words as f32
    };
    WordDiff {
        pieces: acc.pieces,
        ratio,
        changed: acc.changed,
    }
}

/// Word diff of `a[ra]` with `b[rb]` (whitespace runs compare equal), appended to `acc`.
fn hunk_words(
    a: &str,
    ra: Range<usize>,
    b: &str,
    rb: Range<usize>,
    acc: &mut Tally,
    deadline: Option<Instant>,
    scratch: &mut HunkScratch,
) {
    if ra.is_empty() || rb.is_empty() {
        // One side only: no diff to make, just the words to count.
        let (wa, wb) = (
            split::word_count(&a[ra.clone()]),
            split::word_count(&b[rb.clone()]),
        );
        let layout = wa + wb == 0;
        acc.changed |= !layout;
        acc.words += wa + wb;
        if !ra.is_empty() {
            acc.pieces.push(Piece::Deleted(ra, layout, wa));
        }
        if !rb.is_empty() {
            acc.pieces.push(Piece::Inserted(rb, layout, wb));
        }
        return;
    }
    if rewrapped(a, ra.clone(), b, rb.clone(), acc) {
        return;
    }
    diffed_words(a, ra, b, rb, acc, deadline, scratch);
}

/// [`hunk_words`] of a hunk whose words are the same on both sides, with only the
/// whitespace between them changed (a re-wrapped line or page): the words are walked in
/// step instead of being cut into tokens and diffed. PDF text re-flowed by a new edition
/// is mostly such hunks. The pieces and counts are the ones [`diffed_words`] gives (a
/// test compares them): every word equal, each whitespace run between two words equal or
/// a layout change, a run leading or ending only one side a layout deletion or insertion.
/// Returns `false`, leaving `acc` as it was, when the words differ or either side is not
/// text the fast tokenizer takes (where tokens could straddle whitespace).
fn rewrapped(a: &str, ra: Range<usize>, b: &str, rb: Range<usize>, acc: &mut Tally) -> bool {
    let (x, y) = (&a.as_bytes()[ra.clone()], &b.as_bytes()[rb.clone()]);
    if !split::same_words(x, y) {
        return false;
    }
    let Some(words) = split::simple_word_count(x) else {
        return false;
    };
    let (oa, ob) = (ra.start, rb.start);
    let (mut i, mut j) = (0, 0);
    loop {
        // The whitespace before the next word (or the end) on each side.
        let (gi, gj) = (split::space_end(x, i), split::space_end(y, j));
        acc.gap(oa + i..oa + gi, ob + j..ob + gj, x[i..gi] == y[j..gj]);
        if gi >= x.len() {
            break;
        }
        let (wi, wj) = (split::word_end(x, gi), split::word_end(y, gj));
        acc.equal(oa + gi..oa + wi, 0);
        (i, j) = (wi, wj);
    }
    acc.equal_words += words;
    acc.words += 2 * words;
    true
}

/// [`rewrapped`] of two lines whose text is byte for byte the same but for the ASCII
/// whitespace at their ends (a line indented anew by a new page layout, the commonest
/// change of a re-laid-out agreement): the middles are compared at once instead of being
/// walked word by word. Returns `false`, leaving `acc` as it was, for any other pair, or
/// for text the fast tokenizer does not take; the caller then takes the general path.
fn reindented(a: &str, ra: Range<usize>, b: &str, rb: Range<usize>, acc: &mut Tally) -> bool {
    let (x, y) = (&a.as_bytes()[ra.clone()], &b.as_bytes()[rb.clone()]);
    let (xs, ys) = (split::space_end(x, 0), split::space_end(y, 0));
    let (xe, ye) = (split::text_end(x), split::text_end(y));
    // A line of whitespace only has no middle (`text_end` is then 0). Either side may be
    // one: the lines were paired by their text less Unicode whitespace, so "\u{85}\n"
    // (NEL, not ASCII) and "\n" are paired too.
    if xs >= xe || ys >= ye || x[xs..xe] != y[ys..ye] {
        return false;
    }
    let Some(words) = split::simple_word_count(&x[xs..xe]) else {
        return false;
    };
    let (oa, ob) = (ra.start, rb.start);
    acc.gap(oa..oa + xs, ob..ob + ys, x[..xs] == y[..ys]);
    acc.equal(oa + xs..oa + xe, 0);
    acc.gap(oa + xe..ra.end, ob + ye..rb.end, x[xe..] == y[ye..]);
    acc.equal_words += words;
    acc.words += 2 * words;
    true
}

/// [`hunk_words`] by cutting both sides into tokens and diffing them.
fn diffed_words(
    a: &str,
    ra: Range<usize>,
    b: &str,
    rb: Range<usize>,
    acc: &mut Tally,
    deadline: Option<Instant>,
    scratch: &mut HunkScratch,
) {
    let (oa, ob) = (ra.start, rb.start);
    let HunkScratch {
        ta,
        tb,
        ka,
        kb,
        wa,
        wb,
        xa,
        xb,
        runs,
        merged,
    } = scratch;
    split::tokens_into(&a[ra], ta);
    split::tokens_into(&b[rb], tb);
    let (ta, tb) = (&*ta, &*tb);
    ka.clear();
    ka.extend(ta.iter().map(|t| t.key));
    kb.clear();
    kb.extend(tb.iter().map(|t| t.key));
    let (ka, kb) = (&*ka, &*kb);
    // Runs of equal and changed tokens. An equal run between two changes joins them when
    // it is only whitespace, so "foo bar" → "baz qux" reads as one change, not two; or
    // when it is a word or two that both changes dwarf, so a rewritten sentence reads
    // as one change rather than as fragments around every "the" the two versions share.
    token_runs(
        ka,
        kb,
        diff_deadline(deadline, ka.len() + kb.len()),
        [wa, wb],
        [xa, xb],
        runs,
    );
    let runs = &*runs;
    let words = |r: &Run| {
        let count = |keys: &[u64], r: &Range<usize>| {
            keys[r.clone()].iter().filter(|k| **k != SPACE).count()
        };
        count(ka, &r.1) + count(kb, &r.2)
    };
    merged.clear();
    let mut k = 0;
    while k < runs.len() {
        let run = runs[k].clone();
        let joins = run.0
            && k > 0
            && k + 1 < runs.len()
            && match words(&run) / 2 {
                0 => run.1.len() == 1,
                shared @ 1..=2 => {
                    let before = merged.last().expect("a change precedes");
                    shared * 2 < words(before) && shared * 2 < words(&runs[k + 1])
                }
                _ => false,
            };
        if joins {
            // Fold the equal run and the next change into the previous change.
            let next = &runs[k + 1];
            let last = merged.last_mut().expect("a change precedes");
            last.1.end = next.1.end;
            last.2.end = next.2.end;
            k += 2;
        } else {
            merged.push(run);
            k += 1;
        }
    }

    let span = |toks: &[split::Token], r: &Range<usize>, off: usize| -> Range<usize> {
        toks[r.start].range.start + off..toks[r.end - 1].range.end + off
    };
    let is_space = |keys: &[u64], r: &Range<usize>| keys[r.clone()].iter().all(|k| *k == SPACE);
    for (equal, o, n) in merged.drain(..) {
        if equal {
            for (x, y) in o.zip(n) {
                let ra = ta[x].range.start + oa..ta[x].range.end + oa;
                let rb = tb[y].range.start + ob..tb[y].range.end + ob;
                if a[ra.clone()] == b[rb.clone()] {
                    acc.equal(ra, usize::from(ka[x] != SPACE));
                } else {
                    // Equal by key but not by bytes: whitespace that differs (or a hash
                    // collision, shown as the change it is).
                    let layout = ka[x] == SPACE;
                    acc.changed |= !layout;
                    let w = usize::from(!layout);
                    acc.pieces.push(Piece::Deleted(ra, layout, w));
                    acc.pieces.push(Piece::Inserted(rb, layout, w));
                    acc.words += 2 * w;
                }
            }
        } else {
            let layout = is_space(ka, &o) && is_space(kb, &n);
            acc.changed |= !layout;
            let count = |keys: &[u64]| keys.iter().filter(|k| **k != SPACE).count();
            let (wa, wb) = (count(&ka[o.clone()]), count(&kb[n.clone()]));
            acc.words += wa + wb;
            if !o.is_empty() {
                acc.pieces
                    .push(Piece::Deleted(span(ta, &o, oa), layout, wa));
            }
            if !n.is_empty() {
                acc.pieces
                    .push(Piece::Inserted(span(tb, &n, ob), layout, wb));
            }
        }
    }
}

/// A run of a word diff: equal or changed, with its token ranges in the old and new text.
type Run = (bool, Range<usize>, Range<usize>);

/// The runs of equal and changed tokens of a word diff of token keys `ka` with `kb`.
///
/// Only words are diffed. Whitespace tokens are half the tokens and all keyed alike, so a
/// histogram diff over them finds no rare anchor in a stretch of common words and falls
/// back to Myers (three to four times slower on real agreements). Whitespace is placed
/// afterwards: in the gap between two matched words (or an end), a whitespace token leading
/// or ending the gap on both sides is equal, and what lies between is the change.
///
/// The runs go into `runs`; `at` and `words` are buffers for each side's words (their token
/// indices and keys).
fn token_runs(
    ka: &[u64],
    kb: &[u64],
    deadline: Option<Instant>,
    [wa, wb]: [&mut Vec<usize>; 2],
    [xa, xb]: [&mut Vec<u64>; 2],
    runs: &mut Vec<Run>,
) {
    let words = |keys: &[u64], at: &mut Vec<usize>, words: &mut Vec<u64>| {
        at.clear();
        words.clear();
        for (i, &k) in keys.iter().enumerate() {
            if k != SPACE {
                at.push(i);
                words.push(k);
            }
        }
    };
    words(ka, wa, xa);
    words(kb, wb, xb);
    runs.clear();
    let push = |runs: &mut Vec<Run>, equal: bool, o: Range<usize>, n: Range<usize>| {
        if o.is_empty() && n.is_empty() {
            return;
        }
        match runs.last_mut() {
            Some(last) if last.0 == equal => {
                last.1.end = o.end;
                last.2.end = n.end;
            }
            _ => runs.push((equal, o, n)),
        }
    };
    let gap = |runs: &mut Vec<Run>, mut o: Range<usize>, mut n: Range<usize>| {
        let space_at = |o: usize, n: usize| ka[o] == SPACE && kb[n] == SPACE;
        if !o.is_empty() && !n.is_empty() && space_at(o.start, n.start) {
            push(runs, true, o.start..o.start + 1, n.start..n.start + 1);
            (o.start, n.start) = (o.start + 1, n.start + 1);
        }
        let trailing = !o.is_empty() && !n.is_empty() && space_at(o.end - 1, n.end - 1);
        if trailing {
            (o.end, n.end) = (o.end - 1, n.end - 1);
        }
        push(runs, false, o.clone(), n.clone());
        if trailing {
            push(runs, true, o.end..o.end + 1, n.end..n.end + 1);
        }
    };
    let (mut po, mut pn) = (0, 0);
    for op in capture_diff_slices_deadline(Algorithm::Histogram, xa, xb, deadline) {
        let (tag, o, n) = op.as_tag_tuple();
        if tag != DiffTag::Equal {
            continue;
        }
        for (x, y) in o.zip(n) {
            let (i, j) = (wa[x], wb[y]);
            gap(runs, po..i, pn..j);
            push(runs, true, i..i + 1, j..j + 1);
            (po, pn) = (i + 1, j + 1);
        }
    }
    gap(runs, po..ka.len(), pn..kb.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random hunks of contract-like words (punctuation, dotted leaders, curly quotes,
    /// numbers) whose whitespace is drawn anew for each side.
    fn rewrapped_pair(seed: &mut u64) -> (String, String, bool) {
        const WORDS: &[&str] = &[
            "Employer",
            "shall",
            "employee's",
            "(30)",
            "5.5%",
            "a.m.",
            "Article",
            "17",
            "......",
            "\u{2019}s",
            "\u{201c}Agency\u{201d}",
            "\u{2013}",
            "--",
            "U.S.",
            "e-mail",
            "_",
            "x_y",
            "2,000",
            ";",
            "\u{2022}",
            "i.e.",
        ];
        const SPACES: &[&str] = &[
            " ", "  ", "\n", "\n      ", "\t", "\x0c\n", " \r\n", "   \n\n ",
        ];
        let mut next = |n: usize| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            (*seed % n as u64) as usize
        };
        let count = 1 + next(12);
        let words: Vec<&str> = (0..count).map(|_| WORDS[next(WORDS.len())]).collect();
        let side = |next: &mut dyn FnMut(usize) -> usize| {
            let mut t = String::new();
            if next(3) == 0 {
                t.push_str(SPACES[next(SPACES.len())]);
            }
            for (k, w) in words.iter().enumerate() {
                if k > 0 {
                    t.push_str(SPACES[next(SPACES.len())]);
                }
                t.push_str(w);
            }
            if next(3) == 0 {
                t.push_str(SPACES[next(SPACES.len())]);
            }
            t
        };
        let a = side(&mut next);
        let mut b = side(&mut next);
        // Now and then a changed word, which the fast path must leave to the diff.
        let same = next(4) != 0;
        if !same {
            b = b.replacen(words[0], "Union", 1);
        }
        (a, b, same)
    }

    #[test]
    fn rewrapped_hunks_walked_in_step_match_the_token_diff() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut walked = 0;
        // One set of buffers for every pair, as the engine reuses them.
        let mut scratch = HunkScratch::default();
        for _ in 0..20_000 {
            let (a, b, same) = rewrapped_pair(&mut seed);
            let (ra, rb) = (0..a.len(), 0..b.len());
            let mut fast = Tally::default();
            let took = rewrapped(&a, ra.clone(), &b, rb.clone(), &mut fast);
            let mut slow = Tally::default();
            diffed_words(&a, ra, &b, rb, &mut slow, None, &mut scratch);
            assert_eq!(
                took, same,
                "{a:?} {b:?}: walked only if the words are the same"
            );
            if !took {
                assert_eq!(fast.pieces, [], "{a:?} {b:?}");
                continue;
            }
            walked += 1;
            assert_eq!(fast.pieces, slow.pieces, "{a:?} {b:?}");
            assert_eq!(
                (fast.equal_words, fast.words, fast.changed),
                (slow.equal_words, slow.words, slow.changed),
                "{a:?} {b:?}"
            );
        }
        assert!(walked > 10_000, "only {walked} pairs walked");
    }

    #[test]
    fn reindented_lines_match_the_token_diff() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        const EDGES: &[&str] = &["", " ", "   ", "\t", "\n", " \r\n", "\x0c", "\u{a0}"];
        let mut taken = 0;
        let mut scratch = HunkScratch::default();
        for k in 0..20_000 {
            let (a, _, _) = rewrapped_pair(&mut seed);
            let core = a.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
            let edge = |n: usize| EDGES[(n / 7 + k) % EDGES.len()];
            let s = seed as usize;
            let x = format!("{}{core}{}", edge(s), edge(s >> 8));
            let y = format!("{}{core}{}", edge(s >> 16), edge(s >> 24));
            let (rx, ry) = (0..x.len(), 0..y.len());
            let mut fast = Tally::default();
            let took = reindented(&x, rx.clone(), &y, ry.clone(), &mut fast);
            if !took {
                assert_eq!(fast.pieces, [], "{x:?} {y:?}");
                continue;
            }
            taken += 1;
            let mut slow = Tally::default();
            diffed_words(&x, rx, &y, ry, &mut slow, None, &mut scratch);
            assert_eq!(fast.pieces, slow.pieces, "{x:?} {y:?}");
            assert_eq!(
                (fast.equal_words, fast.words, fast.changed),
                (slow.equal_words, slow.words, slow.changed),
                "{x:?} {y:?}"
            );
        }
        assert!(taken > 10_000, "only {taken} pairs taken");
        // Lines paired by their key (text less Unicode whitespace) where one side is all
        // whitespace, or whose middle is only non-ASCII whitespace, are left to the general
        // path (a proptest found the first).
        for (x, y) in [
            ("\u{85}\n", "\n"),
            ("\n", "\u{85}\n"),
            ("  \n", "\n"),
            ("\u{a0}", " "),
        ] {
            let mut acc = Tally::default();
            assert!(
                !reindented(x, 0..x.len(), y, 0..y.len(), &mut acc),
                "{x:?} {y:?}"
            );
            assert_eq!(acc.pieces, [], "{x:?} {y:?}");
        }
    }
}
