//! Step 4 of the engine (see the module docs of `redline`): deleted and inserted text that
//! carries the same words in different places becomes the two ends of a move, and the words
//! a near-verbatim move changed on the way are shown inside it.

use std::time::Instant;

use super::align::Words;
use super::split;
use super::words::{Piece, Scratch, word_diff};
use super::{KeyMap, Move, MoveId, Options, Segment, SegmentKind};

/// Step 4 of the module docs: deleted and inserted segments (whole paragraphs or runs of
/// words inside one) that carry the same words, in different changes, become the two ends
/// of a move. Returns the moves and whether the search finished before the deadline.
pub(super) fn find_moves(
    segments: &mut [Segment<'_>],
    mut words: Vec<(usize, Words)>,
    options: &Options,
    deadline: Option<Instant>,
) -> (Vec<Move>, bool) {
    // Which change (maximal run of non-equal segments) each segment is in: the two ends of
    // a move must be in different changes, or a reworded sentence would be a "move".
    let mut run_of = vec![0usize; segments.len()];
    let mut run = 0;
    for (k, s) in segments.iter().enumerate() {
        if s.kind == SegmentKind::Equal {
            run += 1;
        }
        run_of[k] = run;
    }
    // Each candidate with its words (sorted into a bag only if ever compared by bag).
    let mut candidates = |kind: SegmentKind| -> Vec<(usize, Words)> {
        segments
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == kind && !s.layout)
            .filter_map(|(k, s)| {
                let made = words.binary_search_by_key(&k, |(k, _)| *k).ok();
                let w = match made {
                    Some(at) => std::mem::replace(&mut words[at].1, Words::EMPTY),
                    None => Words::of(s.text),
                };
                (w.hashes.len() >= options.min_move_words).then_some((k, w))
            })
            .collect()
    };
    let mut deleted = candidates(SegmentKind::Deleted);
    let mut inserted = candidates(SegmentKind::Inserted);
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut finished = true;
    if !deleted.is_empty() && !inserted.is_empty() {
        let mut taken = vec![false; inserted.len()];
        // Verbatim moves (whitespace aside) first, by hash.
        let mut by_key: KeyMap<Vec<usize>> = KeyMap::default();
        for (x, (_, w)) in inserted.iter().enumerate().rev() {
            by_key.entry(w.key).or_default().push(x);
        }
        // Whether each deletion (by its place in `deleted`) is still without a verbatim move.
        let mut open = vec![false; deleted.len()];
        for (y, (d, w)) in deleted.iter().enumerate() {
            let text = segments[*d].text;
            let hit = by_key.get(&w.key).and_then(|c| {
                c.iter().rev().copied().find(|&x| {
                    let i = inserted[x].0;
                    !taken[x]
                        && run_of[i] != run_of[*d]
                        && split::normalized_eq(text, segments[i].text)
                })
            });
            match hit {
                Some(x) => {
                    taken[x] = true;
                    pairs.push((*d, inserted[x].0));
                }
                None => open[y] = true,
            }
        }
        // Near-verbatim moves, by word-bag similarity, best match first. Dice can reach
        // the threshold t only if the shorter bag is at least t/(2−t) of the longer, so
        // each deletion is compared only with insertions in that window of lengths.
        let threshold = options.move_threshold;
        let sketches = |c: &[(usize, Words)]| -> Vec<split::Sketch> {
            c.iter()
                .map(|(_, w)| split::Sketch::of(&w.hashes))
                .collect()
        };
        let (deleted_sketch, inserted_sketch) = (sketches(&deleted), sketches(&inserted));
        let len = |w: &Words| w.hashes.len();
        let mut by_len: Vec<usize> = (0..inserted.len()).collect();
        by_len.sort_by_key(|&x| len(&inserted[x].1));
        let lens: Vec<usize> = by_len.iter().map(|&x| len(&inserted[x].1)).collect();
        let reach = threshold / (2.0 - threshold);
        let mut count = 0;
        for y in 0..deleted.len() {
            let d = deleted[y].0;
            if !open[y] {
                continue;
            }
            if count % 16 == 0 && deadline.is_some_and(|t| Instant::now() > t) {
                finished = false;
                break;
            }
            count += 1;
            let n = len(&deleted[y].1);
            let lo = (n as f32 * reach).floor() as usize;
            let hi = (n as f32 / reach).ceil() as usize;
            let from = lens.partition_point(|&l| l < lo);
            let to = lens.partition_point(|&l| l <= hi);
            let mut best: Option<(usize, f32)> = None;
            for &x in &by_len[from..to] {
                let i = inserted[x].0;
                if taken[x] || run_of[i] == run_of[d] {
                    continue;
                }
                // A bound from the sketches first: the same float expression as the Dice
                // coefficient, so never below it. Bags are sorted only for pairs it passes.
                let shared = deleted_sketch[y].shared_at_most(&inserted_sketch[x]);
                let total = (n + len(&inserted[x].1)) as f32;
                if (2.0 * shared as f32 / total) < threshold {
                    continue;
                }
                deleted[y].1.sort();
                inserted[x].1.sort();
                let s =
                    split::dice_at_least(&deleted[y].1.hashes, &inserted[x].1.hashes, threshold);
                if s >= threshold && best.is_none_or(|(_, bs)| s > bs) {
                    best = Some((x, s));
                }
            }
            if let Some((x, _)) = best {
                taken[x] = true;
                pairs.push((d, inserted[x].0));
            }
        }
    }
    pairs.sort_unstable();
    let moves = pairs
        .into_iter()
        .enumerate()
        .map(|(n, (from, to))| {
            let id = MoveId(n);
            segments[from].kind = SegmentKind::MovedFrom(id);
            segments[to].kind = SegmentKind::MovedTo(id);
            Move {
                id,
                from_paragraph: segments[from].old_paragraph,
                to_paragraph: segments[to].new_paragraph,
                from_segment: from,
                to_segment: to,
                exact: split::normalized_eq(segments[from].text, segments[to].text),
            }
        })
        .collect();
    (moves, finished)
}

/// Shows the words a near-verbatim move changed on the way: each end of such a move is cut
/// at the words the two ends do not share, which become deletions (where the text left)
/// and insertions (where it arrived) inside the moved text. A clause moved elsewhere with
/// "shall" turned into "may" reads as moved, and the "may" as inserted, rather than as a
/// plain move that hides the edit.
///
/// Both ends stay exact: the source's pieces are all old text, the destination's all new.
/// `words` (one count per segment) and the moves' segment indices are kept in step.
pub(super) fn show_edits_in_moves<'t>(
    segments: &mut Vec<Segment<'t>>,
    words: &mut Vec<usize>,
    moves: &mut [Move],
    deadline: Option<Instant>,
    scratch: &mut Scratch,
) {
    // Segment index → the pieces (segment, word count) that replace it.
    let mut cuts: Vec<(usize, Vec<(Segment<'t>, usize)>)> = Vec::new();
    for m in moves.iter().filter(|m| !m.exact) {
        let (from, to) = (&segments[m.from_segment], &segments[m.to_segment]);
        let (a, b) = (from.text, to.text);
        let diff = word_diff(a, b, deadline, scratch);
        let piece = |seg: &Segment<'t>, kind, text: &'t str, layout, w| {
            let segment = Segment {
                kind,
                text,
                layout,
                ..seg.clone()
            };
            (segment, w)
        };
        let (mut left, mut arrived) = (Vec::new(), Vec::new());
        // Where the destination's text has got to: equal pieces give old ranges only (their
        // bytes are the same at both ends; checked, as a wrong cut would lose text).
        let mut at = 0;
        let mut tiled = true;
        for p in &diff.pieces {
            match *p {
                Piece::Equal(ref r) => {
                    let Some(there) = b.get(at..at + r.len()).filter(|t| *t == &a[r.clone()])
                    else {
                        tiled = false;
                        break;
                    };
                    left.push(piece(from, from.kind, &a[r.clone()], false, 0));
                    arrived.push(piece(to, to.kind, there, false, split::word_count(there)));
                    at += r.len();
                }
                Piece::Deleted(ref r, layout, w) => {
                    left.push(piece(from, SegmentKind::Deleted, &a[r.clone()], layout, w));
                }
                Piece::Inserted(ref r, layout, w) => {
                    if r.start != at {
                        tiled = false;
                        break;
                    }
                    arrived.push(piece(to, SegmentKind::Inserted, &b[r.clone()], layout, w));
                    at = r.end;
                }
            }
        }
        // An end whose words all changed in order (a reordering the bags could not see)
        // keeps no moved text: such a move is shown whole, as found.
        let moved =
            |pieces: &[(Segment<'t>, usize)], kind| pieces.iter().any(|(s, _)| s.kind == kind);
        if tiled && at == b.len() && moved(&left, from.kind) && moved(&arrived, to.kind) {
            cuts.push((m.from_segment, left));
            cuts.push((m.to_segment, arrived));
        }
    }
    if cuts.is_empty() {
        return;
    }
    cuts.sort_unstable_by_key(|(k, _)| *k);
    // Old index → new index: shifted by the pieces added at the cuts before it.
    let mut added = 0;
    let shifts: Vec<(usize, usize)> = cuts
        .iter()
        .map(|(at, pieces)| {
            added += pieces.len() - 1;
            (*at, added)
        })
        .collect();
    let new_index = |k: usize| match shifts.partition_point(|(at, _)| *at < k) {
        0 => k,
        n => k + shifts[n - 1].1,
    };
    // A move's end is its first moved piece (a changed word may come before it).
    let first_moved = |k: usize, kind: SegmentKind| {
        let skip = cuts.binary_search_by_key(&k, |(at, _)| *at).map_or(0, |c| {
            cuts[c].1.iter().take_while(|(s, _)| s.kind != kind).count()
        });
        new_index(k) + skip
    };
    for m in moves.iter_mut() {
        m.from_segment = first_moved(m.from_segment, SegmentKind::MovedFrom(m.id));
        m.to_segment = first_moved(m.to_segment, SegmentKind::MovedTo(m.id));
    }
    // Spread the segments out in place, from the back, pieces in place of their segment
    // (a new list of thousands of segments cost more than the word diffs).
    let old_len = segments.len();
    let blank = || Segment {
        kind: SegmentKind::Equal,
        text: "",
        by: Vec::new(),
        old_paragraph: 0,
        new_paragraph: 0,
        layout: false,
    };
    segments.resize_with(old_len + added, blank);
    words.resize(old_len + added, 0);
    let mut dst = old_len + added;
    let mut cuts = cuts.into_iter().rev().peekable();
    for src in (0..old_len).rev() {
        match cuts.next_if(|(at, _)| *at == src) {
            Some((_, pieces)) => {
                for (p, w) in pieces.into_iter().rev() {
                    dst -= 1;
                    segments[dst] = p;
                    words[dst] = w;
                }
            }
            None => {
                dst -= 1;
                segments.swap(src, dst);
                words[dst] = words[src];
            }
        }
    }
}
