//! Several sides' changes to one base text, merged into one view.
//!
//! Each side is compared with the base on its own ([`compare`]); the redlines are then
//! walked together along the base text. The merged view reads the base once: base text
//! no side touched is equal; base text a side removed is one deleted (or moved-from)
//! segment listing every side that removed it; each side's new text appears where that
//! side put it, tagged with the side.
//!
//! # Overlapping and conflicting changes
//!
//! - The same change made by several sides (the same base text removed, or the same text
//!   inserted at the same place) is shown once, with all those sides in [`Segment::by`].
//! - Otherwise, where several sides changed the same stretch of base text, or inserted
//!   different text at the same place, each side's changes are shown one after another in
//!   the order of the `sides` argument, insertions before the base text they precede, and
//!   the stretch is listed in [`ThreeWay::conflicts`] with the sides involved.
//! - A base stretch removed by one side and moved by another is one moved-from segment
//!   (the move's id is the moving side's) listing both sides.

use std::ops::Range;

use super::summary::{changes, summarize};
use super::{Change, Move, MoveId, Options, Redline, Segment, SegmentKind, Summary, compare};

/// Two or more sides' changes against one base, see the module docs of `three_way`.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreeWay<'t> {
    /// The merged view: base text, with each side's deletions and insertions tagged in
    /// [`Segment::by`]. `old_paragraph` is the base paragraph; `new_paragraph` is the
    /// paragraph of the first side listed in `by` (0 for equal text).
    pub segments: Vec<Segment<'t>>,
    /// The side ids, in the order given.
    pub sides: Vec<String>,
    /// Each side's own redline against the base, in the order of `sides`.
    pub redlines: Vec<Redline<'t>>,
    /// Moves of all sides, with ids unique across sides and segment indices into `segments`.
    pub moves: Vec<Move>,
    /// Stretches of the base that more than one side changed differently.
    pub conflicts: Vec<Conflict>,
    /// Counts over the merged view (identical changes by several sides counted once).
    pub summary: Summary,
    /// Some side's comparison hit the deadline.
    pub coarse: bool,
}

/// A stretch of the base that several sides changed differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Byte range in the base text (empty for competing insertions at one place).
    pub base: Range<usize>,
    /// The merged segments that show the competing changes.
    pub segments: Range<usize>,
    /// The sides involved, in the order given.
    pub sides: Vec<String>,
}

impl ThreeWay<'_> {
    /// The base text, rebuilt from the merged segments.
    pub fn base_text(&self) -> String {
        self.segments
            .iter()
            .filter(|s| s.kind.in_old())
            .map(|s| s.text)
            .collect()
    }

    /// One side's text, rebuilt from the merged segments; `None` for an unknown side.
    pub fn side_text(&self, side: &str) -> Option<String> {
        if !self.sides.iter().any(|s| s == side) {
            return None;
        }
        let mine = |s: &Segment| s.by.iter().any(|b| b == side);
        Some(
            self.segments
                .iter()
                .filter(|s| {
                    if s.kind == SegmentKind::Equal {
                        true
                    } else if s.kind.in_old() {
                        !mine(s)
                    } else {
                        mine(s)
                    }
                })
                .map(|s| s.text)
                .collect(),
        )
    }

    /// Every change of the merged view, in reading order.
    pub fn changes(&self) -> Vec<Change> {
        changes(&self.segments)
    }

    /// Whether no side changed anything.
    pub fn is_unchanged(&self) -> bool {
        self.segments.iter().all(|s| s.kind == SegmentKind::Equal)
    }
}

/// What one side did with a stretch of base text, or at one place in it.
#[derive(Debug, Clone)]
struct Removal {
    kind: SegmentKind,
    layout: bool,
    old_paragraph: usize,
    new_paragraph: usize,
}

/// A segment anchored at a base offset.
type Anchored<'t> = (usize, Segment<'t>);

/// One side's redline laid along the base: removals as base ranges, insertions at base
/// offsets, and its change hunks (for conflicts).
struct Laid<'t> {
    /// (base range, removal or None for kept text), tiling the base.
    spans: Vec<(Range<usize>, Option<Removal>)>,
    /// (base offset, segment) in order.
    inserts: Vec<Anchored<'t>>,
    /// Base ranges of runs of consecutive changes (empty range for a pure insertion).
    hunks: Vec<(Range<usize>, String)>,
}

fn lay<'t>(r: &Redline<'t>, id_offset: usize) -> Laid<'t> {
    let mut spans = Vec::new();
    let mut inserts = Vec::new();
    let mut hunks: Vec<(Range<usize>, String)> = Vec::new();
    let mut pos = 0;
    let mut open: Option<(usize, String)> = None;
    let shift = |k: SegmentKind| match k {
        SegmentKind::MovedFrom(MoveId(m)) => SegmentKind::MovedFrom(MoveId(m + id_offset)),
        SegmentKind::MovedTo(MoveId(m)) => SegmentKind::MovedTo(MoveId(m + id_offset)),
        k => k,
    };
    for s in &r.segments {
        if s.kind == SegmentKind::Equal {
            if let Some((start, sig)) = open.take() {
                hunks.push((start..pos, sig));
            }
            spans.push((pos..pos + s.text.len(), None));
            pos += s.text.len();
            continue;
        }
        let sig = &mut open.get_or_insert_with(|| (pos, String::new())).1;
        if s.kind.in_old() {
            sig.push('-');
            sig.push_str(s.text);
            spans.push((
                pos..pos + s.text.len(),
                Some(Removal {
                    kind: shift(s.kind),
                    layout: s.layout,
                    old_paragraph: s.old_paragraph,
                    new_paragraph: s.new_paragraph,
                }),
            ));
            pos += s.text.len();
        } else {
            sig.push('+');
            sig.push_str(s.text);
            let mut s = s.clone();
            s.kind = shift(s.kind);
            inserts.push((pos, s));
        }
    }
    if let Some((start, sig)) = open.take() {
        hunks.push((start..pos, sig));
    }
    Laid {
        spans,
        inserts,
        hunks,
    }
}

/// Compares `base` with each side's text and merges the results into one view in which
/// every change is tagged with the side(s) that made it. See the module docs for how
/// overlapping and conflicting changes are shown. The deadline applies to each side.
pub fn three_way<'t>(base: &'t str, sides: &[(&str, &'t str)], options: &Options) -> ThreeWay<'t> {
    let redlines: Vec<Redline<'t>> = sides
        .iter()
        .map(|(side, text)| {
            let opts = Options {
                by: Some((*side).to_owned()),
                ..options.clone()
            };
            compare(base, text, &opts)
        })
        .collect();
    let mut offset = 0;
    let laid: Vec<Laid> = redlines
        .iter()
        .map(|r| {
            let l = lay(r, offset);
            offset += r.moves.len();
            l
        })
        .collect();
    let names: Vec<String> = sides.iter().map(|(s, _)| (*s).to_owned()).collect();

    // Every offset where some side's span starts or ends.
    let mut cuts: Vec<usize> = laid
        .iter()
        .flat_map(|l| l.spans.iter().flat_map(|(r, _)| [r.start, r.end]))
        .chain([0, base.len()])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();

    let mut segments: Vec<Segment> = Vec::new();
    // Segment index where each base offset's output starts (for conflicts).
    let mut seg_at: Vec<(usize, usize)> = Vec::new();
    let mut span_idx = vec![0usize; laid.len()];
    let mut ins_idx = vec![0usize; laid.len()];
    for w in 0..cuts.len() {
        let at = cuts[w];
        seg_at.push((at, segments.len()));
        emit_inserts(&laid, &names, at, &mut ins_idx, &mut segments);
        let Some(&end) = cuts.get(w + 1) else {
            break;
        };
        // What each side did with base[at..end].
        let mut removers: Vec<(usize, &Removal)> = Vec::new();
        for (k, l) in laid.iter().enumerate() {
            while l.spans[span_idx[k]].0.end <= at {
                span_idx[k] += 1;
            }
            if let Some(rm) = &l.spans[span_idx[k]].1 {
                removers.push((k, rm));
            }
        }
        let text = &base[at..end];
        let seg = if removers.is_empty() {
            Segment {
                kind: SegmentKind::Equal,
                text,
                by: Vec::new(),
                old_paragraph: base_paragraph(&laid, &redlines, at),
                new_paragraph: 0,
                layout: false,
            }
        } else {
            let lead = removers
                .iter()
                .find(|(_, rm)| matches!(rm.kind, SegmentKind::MovedFrom(_)))
                .unwrap_or(&removers[0])
                .1;
            Segment {
                kind: lead.kind,
                text,
                by: removers.iter().map(|(k, _)| names[*k].clone()).collect(),
                old_paragraph: lead.old_paragraph,
                new_paragraph: lead.new_paragraph,
                layout: removers.iter().all(|(_, rm)| rm.layout),
            }
        };
        push_merged(base, &mut segments, seg);
    }

    let conflicts = find_conflicts(&laid, &names, &seg_at, segments.len());
    // Whether each move is verbatim, by merged id (each side's ids follow the last side's).
    let exact: Vec<bool> = redlines
        .iter()
        .flat_map(|r| r.moves.iter().map(|m| m.exact))
        .collect();
    let moves = merged_moves(&segments, &exact);
    let mut summary = summarize(&segments);
    summary.changed_paragraphs = redlines
        .iter()
        .map(|r| r.summary.changed_paragraphs)
        .max()
        .unwrap_or(0);
    ThreeWay {
        segments,
        sides: names,
        coarse: redlines.iter().any(|r| r.coarse),
        redlines,
        moves,
        conflicts,
        summary,
    }
}

/// The base paragraph at offset `at`, from the first side's redline.
fn base_paragraph(laid: &[Laid<'_>], redlines: &[Redline<'_>], at: usize) -> usize {
    let Some(r) = redlines.first() else {
        return 0;
    };
    let _ = laid;
    let mut pos = 0;
    for s in &r.segments {
        if s.kind.in_old() {
            if at < pos + s.text.len() {
                return s.old_paragraph;
            }
            pos += s.text.len();
        }
    }
    r.old_paragraphs
}

/// Emits every side's insertions anchored at base offset `at`, in side order; a side whose
/// insertions there are identical to an earlier side's is added to that one's `by`.
fn emit_inserts<'t>(
    laid: &[Laid<'t>],
    names: &[String],
    at: usize,
    ins_idx: &mut [usize],
    segments: &mut Vec<Segment<'t>>,
) {
    let mut groups: Vec<(Vec<usize>, &[Anchored<'t>])> = Vec::new();
    for (k, l) in laid.iter().enumerate() {
        let start = ins_idx[k];
        let mut end = start;
        while end < l.inserts.len() && l.inserts[end].0 == at {
            end += 1;
        }
        ins_idx[k] = end;
        if start == end {
            continue;
        }
        let mine = &l.inserts[start..end];
        let same = |a: &[Anchored<'t>], b: &[Anchored<'t>]| {
            a.len() == b.len()
                && a.iter().zip(b).all(|((_, x), (_, y))| {
                    x.text == y.text
                        && x.layout == y.layout
                        && x.kind == SegmentKind::Inserted
                        && y.kind == SegmentKind::Inserted
                })
        };
        match groups.iter_mut().find(|(_, g)| same(g, mine)) {
            Some((ks, _)) => ks.push(k),
            None => groups.push((vec![k], mine)),
        }
    }
    for (ks, group) in groups {
        for (_, s) in group {
            let mut s = s.clone();
            s.by = ks.iter().map(|k| names[*k].clone()).collect();
            segments.push(s);
        }
    }
}

/// Appends, joining with the previous segment when it is the same kind of thing and the
/// next stretch of the base.
fn push_merged<'t>(base: &'t str, segments: &mut Vec<Segment<'t>>, seg: Segment<'t>) {
    if seg.text.is_empty() {
        return;
    }
    if let Some(last) = segments.last_mut()
        && last.kind == seg.kind
        && last.by == seg.by
        && last.layout == seg.layout
        && last.old_paragraph == seg.old_paragraph
        && let Some(both) = super::joined(base, last.text, seg.text)
    {
        last.text = both;
        return;
    }
    segments.push(seg);
}

fn find_conflicts(
    laid: &[Laid<'_>],
    names: &[String],
    seg_at: &[(usize, usize)],
    n_segments: usize,
) -> Vec<Conflict> {
    // All hunks of all sides, sorted by start; overlapping hunks of different sides with
    // different content form a conflict.
    let mut hunks: Vec<(Range<usize>, usize, &str)> = laid
        .iter()
        .enumerate()
        .flat_map(|(k, l)| {
            l.hunks
                .iter()
                .map(move |(r, sig)| (r.clone(), k, sig.as_str()))
        })
        .collect();
    hunks.sort_by_key(|(r, k, _)| (r.start, r.end, *k));
    let touches = |a: &Range<usize>, b: &Range<usize>| {
        // Overlap, or an insertion point inside or at the edge of the other range.
        a.start < b.end && b.start < a.end
            || (a.is_empty() && b.start <= a.start && a.start <= b.end)
            || (b.is_empty() && a.start <= b.start && b.start <= a.end)
    };
    let mut out: Vec<Conflict> = Vec::new();
    let mut i = 0;
    while i < hunks.len() {
        let mut range = hunks[i].0.clone();
        let mut members = vec![i];
        let mut j = i + 1;
        while j < hunks.len() && touches(&range, &hunks[j].0) {
            range.end = range.end.max(hunks[j].0.end);
            members.push(j);
            j += 1;
        }
        let mut sides: Vec<usize> = members.iter().map(|&m| hunks[m].1).collect();
        sides.sort_unstable();
        sides.dedup();
        let first = &hunks[members[0]];
        let identical = members
            .iter()
            .all(|&m| hunks[m].0 == first.0 && hunks[m].2 == first.2);
        if sides.len() > 1 && !identical {
            let seg_start = seg_at
                .iter()
                .find(|(at, _)| *at >= range.start)
                .map_or(n_segments, |(_, s)| *s);
            let seg_end = seg_at
                .iter()
                .find(|(at, _)| *at > range.end)
                .map_or(n_segments, |(_, s)| *s);
            out.push(Conflict {
                base: range,
                segments: seg_start..seg_end,
                sides: sides.into_iter().map(|k| names[k].clone()).collect(),
            });
        }
        i = j;
    }
    out
}

/// The moves of the merged view, each end at its first segment (a move with edits inside
/// is several), `exact` taken from the sides' own redlines (indexed by merged id).
fn merged_moves(segments: &[Segment<'_>], exact: &[bool]) -> Vec<Move> {
    let mut moves: Vec<Move> = Vec::new();
    let (mut seen_from, mut seen_to): (Vec<MoveId>, Vec<MoveId>) = (Vec::new(), Vec::new());
    let get = |moves: &mut Vec<Move>, id: MoveId| -> usize {
        match moves.iter().position(|m| m.id == id) {
            Some(p) => p,
            None => {
                moves.push(blank_move(id));
                moves.len() - 1
            }
        }
    };
    for (i, s) in segments.iter().enumerate() {
        match s.kind {
            SegmentKind::MovedFrom(id) => {
                let p = get(&mut moves, id);
                if !seen_from.contains(&id) {
                    seen_from.push(id);
                    moves[p].from_segment = i;
                    moves[p].from_paragraph = s.old_paragraph;
                }
            }
            SegmentKind::MovedTo(id) => {
                let p = get(&mut moves, id);
                if !seen_to.contains(&id) {
                    seen_to.push(id);
                    moves[p].to_segment = i;
                    moves[p].to_paragraph = s.new_paragraph;
                }
            }
            _ => {}
        }
    }
    for m in &mut moves {
        m.exact = exact.get(m.id.0).copied().unwrap_or(false);
    }
    moves.sort_by_key(|m| m.id);
    moves
}

fn blank_move(id: MoveId) -> Move {
    Move {
        id,
        from_paragraph: 0,
        to_paragraph: 0,
        from_segment: 0,
        to_segment: 0,
        exact: false,
    }
}
