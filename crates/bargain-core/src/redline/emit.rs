//! The last step of the engine: the aligned blocks become segments (borrowed slices of the
//! two texts, consecutive equal text joined), then moves are found among them
//! ([`super::moves`]) and the summary counted.

use super::align::{Block, Engine, Words};
use super::moves::{find_moves, show_edits_in_moves};
use super::summary::summarize_counted;
use super::words::Piece;
use super::{Redline, Segment, SegmentKind, joined, split};

/// Turns the blocks of an alignment into segments with paragraph indices, then finds moves
/// and counts.
pub(super) fn redline<'t>(mut engine: Engine<'t, '_>, blocks: Vec<Block>) -> Redline<'t> {
    let by: Vec<String> = engine.options.by.iter().cloned().collect();
    let mut out = Emitter {
        old: engine.old,
        segments: Vec::new(),
        words: Vec::new(),
        by,
    };
    let mut changed_paragraphs = 0;
    // Segments that are whole paragraphs: (segment, new side, paragraph).
    let mut whole: Vec<(usize, bool, usize)> = Vec::new();
    // The next paragraph of each side not yet passed.
    let (mut op, mut np) = (0usize, 0usize);
    for block in blocks {
        match block {
            Block::Equal { old, new, diff } => {
                let a = engine.old_para(old);
                match diff {
                    None => out.push(SegmentKind::Equal, a, old, new, false, 0),
                    Some(d) => {
                        changed_paragraphs += usize::from(d.changed);
                        out.pieces(a, engine.new_para(new), &d.pieces, old, new);
                    }
                }
                (op, np) = (old + 1, new + 1);
            }
            Block::Pair { old, new, diff } => {
                changed_paragraphs += usize::from(diff.changed);
                out.pieces(
                    engine.old_para(old),
                    engine.new_para(new),
                    &diff.pieces,
                    old,
                    new,
                );
                (op, np) = (old + 1, new + 1);
            }
            Block::Deleted { old } => {
                changed_paragraphs += 1;
                whole.push((out.segments.len(), false, old));
                let text = engine.old_para(old);
                let w = split::word_count(text);
                out.push(SegmentKind::Deleted, text, old, np, false, w);
                op = old + 1;
            }
            Block::Inserted { new } => {
                changed_paragraphs += 1;
                whole.push((out.segments.len(), true, new));
                let text = engine.new_para(new);
                let w = split::word_count(text);
                out.push(SegmentKind::Inserted, text, op, new, false, w);
                np = new + 1;
            }
        }
    }
    let (mut segments, mut seg_words) = (out.segments, out.words);
    let moves = if engine.past_deadline() {
        engine.coarse = true;
        Vec::new()
    } else {
        // Bags already made for whole paragraphs are handed on, by segment index.
        let words: Vec<(usize, Words)> = whole
            .into_iter()
            .filter_map(|(k, new, p)| {
                let cache = if new {
                    &mut engine.new_words
                } else {
                    &mut engine.old_words
                };
                cache[p].take().map(|w| (k, w))
            })
            .collect();
        let (mut moves, finished) =
            find_moves(&mut segments, words, engine.options, engine.deadline);
        engine.coarse |= !finished;
        show_edits_in_moves(
            &mut segments,
            &mut seg_words,
            &mut moves,
            engine.deadline,
            &mut engine.scratch,
        );
        moves
    };
    let mut summary = summarize_counted(&segments, &seg_words);
    summary.changed_paragraphs = changed_paragraphs;
    Redline {
        segments,
        moves,
        summary,
        coarse: engine.coarse,
        old_paragraphs: engine.old_paras.len(),
        new_paragraphs: engine.new_paras.len(),
    }
}

struct Emitter<'t> {
    /// The old text, which equal segments are slices of.
    old: &'t str,
    segments: Vec<Segment<'t>>,
    /// Word count of each segment ([`split::word_count`] of its text; 0 for equal text).
    words: Vec<usize>,
    by: Vec<String>,
}

impl<'t> Emitter<'t> {
    fn push(
        &mut self,
        kind: SegmentKind,
        text: &'t str,
        old_paragraph: usize,
        new_paragraph: usize,
        layout: bool,
        words: usize,
    ) {
        if text.is_empty() {
            return;
        }
        debug_assert_eq!(
            words,
            if kind == SegmentKind::Equal {
                0
            } else {
                split::word_count(text)
            }
        );
        // Consecutive equal text is one segment, so long unchanged stretches stay cheap.
        if kind == SegmentKind::Equal
            && let Some(last) = self.segments.last_mut()
            && last.kind == SegmentKind::Equal
            && last.old_paragraph == old_paragraph
            && let Some(both) = joined(self.old, last.text, text)
        {
            last.text = both;
            return;
        }
        let by = if kind == SegmentKind::Equal {
            Vec::new()
        } else {
            self.by.clone()
        };
        self.segments.push(Segment {
            kind,
            text,
            by,
            old_paragraph,
            new_paragraph,
            layout,
        });
        self.words.push(words);
    }

    fn pieces(&mut self, a: &'t str, b: &'t str, pieces: &[Piece], old: usize, new: usize) {
        for p in pieces {
            match p {
                Piece::Equal(r) => self.push(SegmentKind::Equal, &a[r.clone()], old, new, false, 0),
                Piece::Deleted(r, layout, w) => {
                    self.push(SegmentKind::Deleted, &a[r.clone()], old, new, *layout, *w)
                }
                Piece::Inserted(r, layout, w) => {
                    self.push(SegmentKind::Inserted, &b[r.clone()], old, new, *layout, *w)
                }
            }
        }
    }
}
