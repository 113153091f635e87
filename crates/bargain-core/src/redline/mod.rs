//! The redline engine: what changed between two versions of a piece of contract language.
//!
//! Owns: cutting texts into paragraphs (blocks separated by blank lines) and words
//! (Unicode word boundaries, punctuation on its own, whitespace runs as tokens); aligning
//! paragraphs with `similar`, pairing the paragraphs of a replaced run by similarity,
//! diffing words only inside changed pairs; finding paragraphs that moved; attributing
//! changes to the side that made them; merging several sides' changes against one base
//! ([`three_way`]); the summary and the list of changes used for navigation.
//!
//! Never does: I/O, terminal output, colour, escaping, or reading configuration. It is a
//! pure function of its inputs; the renderers live in `export::redline_text`.
//!
//! # Promises
//!
//! - A redline never lies: [`Redline::old_text`] and [`Redline::new_text`] rebuild both
//!   inputs byte for byte from the segments, whatever the input (CRLF, control characters,
//!   combining marks, a deadline hit half-way).
//! - It never hangs: all work runs against one deadline ([`Options::deadline`], 1 s by
//!   default). When the deadline passes, the remaining paragraphs are shown as whole
//!   deletions and insertions and the result is flagged [`Redline::coarse`]; it stays exact.
//! - Cost follows the size of the change: equal paragraphs are found by hashing them and
//!   diffing the list of hashes; words are diffed only inside paragraphs that changed.
//!
//! # How a text is read
//!
//! 1. Both texts are cut into paragraphs. A paragraph keeps its trailing blank lines, so the
//!    paragraphs tile the text. Byte-identical paragraphs are aligned first by a fast hash
//!    of their bytes; the runs in between are aligned again by a hash of their words with
//!    whitespace folded, so a paragraph that was only re-wrapped still matches.
//! 2. The key lists are diffed (patience). Each run the diff reports as replaced is
//!    paired up: old and new paragraphs are matched in order by word-bag similarity
//!    (Dice ≥ [`Options::rewrite_threshold`]); unmatched ones are whole deletions or
//!    insertions.
//! 3. Each pair is diffed word by word: its lines are aligned first (by their text), and
//!    only runs of lines that differ are cut into words and diffed, so a changed page
//!    footer in a page-long paragraph costs one line's diff. Words are matched without the
//!    whitespace between them, which is then placed in the gaps: whitespace is never a word
//!    change, and a change of wrapping or spacing is a *layout* change ([`Segment::layout`]).
//!    An equal word or two between two larger changes joins them into one. If fewer than
//!    [`Options::rewrite_threshold`] of the words survive, the pair is a rewrite and is
//!    shown as a whole deletion plus a whole insertion.
//! 4. Deletions and insertions (whole paragraphs, or runs of words inside an edited one)
//!    are matched against each other: a deletion and an insertion in different places
//!    whose words are the same (or nearly, Dice ≥ [`Options::move_threshold`]) are a move,
//!    shown at both ends ([`SegmentKind::MovedFrom`] and [`SegmentKind::MovedTo`], linked
//!    by a [`MoveId`]). Text that a new page break pushed from one side of a page header to
//!    the other is found this way too. Words a near-verbatim move changed on the way are
//!    diffed and shown inside it: deleted where the text left, inserted where it arrived,
//!    so a move never hides an edit.
//!
//! # Where each step lives
//!
//! `split` cuts texts into paragraphs, lines and words (and their hashes and bags);
//! `align` does steps 1–2 and calls `words` for step 3; `emit` turns the aligned blocks
//! into segments, asks `moves` for step 4 and counts them (`summary`, which also lists
//! the changes for navigation); `three_way` merges several sides' redlines of one base.
//! This file holds the result's types, [`compare`], and what the steps share.

mod align;
mod emit;
mod moves;
mod split;
mod summary;
mod three_way;
mod words;

use std::ops::Range;
use std::time::{Duration, Instant};

pub use three_way::{Conflict, ThreeWay, three_way};

use summary::changes;

/// How a comparison is made.
#[derive(Debug, Clone)]
pub struct Options {
    /// Total time the comparison may take before it settles for a coarser (still exact)
    /// result. One second by default.
    pub deadline: Duration,
    /// The side that wrote the new text, recorded on every change (`Segment::by`).
    pub by: Option<String>,
    /// Below this share of surviving words, a changed paragraph is a rewrite: a whole
    /// deletion plus a whole insertion rather than a word-by-word edit. 0.5 by default.
    pub rewrite_threshold: f32,
    /// A deleted and an inserted paragraph at least this similar (word-bag Dice) are one
    /// moved paragraph. 0.8 by default.
    pub move_threshold: f32,
    /// Paragraphs shorter than this many words are never reported as moved (a lone
    /// "Section 2." turning up elsewhere is not a move). 4 by default.
    pub min_move_words: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            deadline: Duration::from_secs(1),
            by: None,
            rewrite_threshold: 0.5,
            move_threshold: 0.8,
            min_move_words: 4,
        }
    }
}

impl Options {
    /// Default options, with changes attributed to `side`.
    pub fn by(side: impl Into<String>) -> Self {
        Options {
            by: Some(side.into()),
            ..Options::default()
        }
    }
}

/// Links the two ends of a moved paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MoveId(pub usize);

/// What a segment of the redline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SegmentKind {
    /// In both texts.
    Equal,
    /// Only in the old text.
    Deleted,
    /// Only in the new text.
    Inserted,
    /// Old text that left this place; it reappears at the [`SegmentKind::MovedTo`] with the
    /// same id. Counts as old text only.
    MovedFrom(MoveId),
    /// New text that arrived here from the [`SegmentKind::MovedFrom`] with the same id.
    /// Counts as new text only.
    MovedTo(MoveId),
}

impl SegmentKind {
    /// Whether the segment's text belongs to the old text.
    pub fn in_old(self) -> bool {
        matches!(
            self,
            SegmentKind::Equal | SegmentKind::Deleted | SegmentKind::MovedFrom(_)
        )
    }

    /// Whether the segment's text belongs to the new text.
    pub fn in_new(self) -> bool {
        matches!(
            self,
            SegmentKind::Equal | SegmentKind::Inserted | SegmentKind::MovedTo(_)
        )
    }
}

/// One run of text of a single kind, in reading order. Its text is borrowed from the
/// compared texts (a whole agreement makes thousands of segments; copying each cost more
/// than the rest of the comparison's memory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'t> {
    pub kind: SegmentKind,
    pub text: &'t str,
    /// The sides that made this change (empty for equal text, and for changes of a
    /// comparison made without [`Options::by`]). In a [`ThreeWay`] a change made
    /// identically by several sides lists them all.
    pub by: Vec<String>,
    /// Index (0-based) of the old text's paragraph this segment is in or, for text only in
    /// the new text, the old paragraph it comes before (may equal the paragraph count).
    pub old_paragraph: usize,
    /// Same for the new text.
    pub new_paragraph: usize,
    /// A deletion or insertion of whitespace only, with the words around it unchanged (a
    /// re-wrapped line, a doubled space): shown low-key, never counted as a word change.
    pub layout: bool,
}

impl<'t> Segment<'t> {
    /// The whole of `text` as unchanged: a document with no redline in it (an agreed text).
    pub fn equal(text: &'t str) -> Segment<'t> {
        Segment {
            kind: SegmentKind::Equal,
            text,
            by: Vec::new(),
            old_paragraph: 0,
            new_paragraph: 0,
            layout: false,
        }
    }
}

/// The two ends of a moved paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    pub id: MoveId,
    /// Old paragraph index (0-based) the text left.
    pub from_paragraph: usize,
    /// New paragraph index (0-based) the text arrived at.
    pub to_paragraph: usize,
    /// Index into [`Redline::segments`] of the `MovedFrom` end (its first `MovedFrom`
    /// piece, when words changed inside the move cut it).
    pub from_segment: usize,
    /// Index into [`Redline::segments`] of the `MovedTo` end (its first `MovedTo` piece).
    pub to_segment: usize,
    /// Whether the words are identical (only whitespace may differ); otherwise the move is
    /// near-verbatim, and each end is cut into pieces around the words that differ, shown
    /// as deletions at the `MovedFrom` end and insertions at the `MovedTo` end.
    pub exact: bool,
}

/// Counts for a one-line summary of a redline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Words (tokens other than whitespace; a punctuation mark counts) inserted.
    pub inserted_words: usize,
    /// Words deleted.
    pub deleted_words: usize,
    /// Words in moved paragraphs, counted once at their new place.
    pub moved_words: usize,
    /// Paragraphs with a change of words: an edited pair, a deleted and an inserted
    /// paragraph each count once (so a paragraph moved whole counts twice, once at each
    /// end). Layout-only changes do not count.
    pub changed_paragraphs: usize,
    /// Whitespace-only changes (layout segments).
    pub layout_changes: usize,
}

/// Where one change is, for next/previous navigation: a maximal run of segments that are
/// not equal text, unless the run is layout-only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The segments of the change.
    pub segments: Range<usize>,
    /// Old paragraph index of its first segment.
    pub old_paragraph: usize,
    /// New paragraph index of its first segment.
    pub new_paragraph: usize,
}

/// The result of [`compare`].
#[derive(Debug, Clone, PartialEq)]
pub struct Redline<'t> {
    pub segments: Vec<Segment<'t>>,
    pub moves: Vec<Move>,
    pub summary: Summary,
    /// The deadline passed: some paragraphs are shown whole rather than word by word,
    /// or moves were not looked for. The segments are still exact.
    pub coarse: bool,
    /// Number of paragraphs of the old text.
    pub old_paragraphs: usize,
    /// Number of paragraphs of the new text.
    pub new_paragraphs: usize,
}

impl Redline<'_> {
    /// The old text, rebuilt from the segments.
    pub fn old_text(&self) -> String {
        self.segments
            .iter()
            .filter(|s| s.kind.in_old())
            .map(|s| s.text)
            .collect()
    }

    /// The new text, rebuilt from the segments.
    pub fn new_text(&self) -> String {
        self.segments
            .iter()
            .filter(|s| s.kind.in_new())
            .map(|s| s.text)
            .collect()
    }

    /// Whether the two texts are byte-for-byte identical.
    pub fn is_unchanged(&self) -> bool {
        self.segments.iter().all(|s| s.kind == SegmentKind::Equal)
    }

    /// Every change, in reading order.
    pub fn changes(&self) -> Vec<Change> {
        changes(&self.segments)
    }
}

/// Compares `old` with `new`. Never fails and never runs much past `options.deadline`.
pub fn compare<'t>(old: &'t str, new: &'t str, options: &Options) -> Redline<'t> {
    let mut engine = align::Engine::new(old, new, options);
    let blocks = engine.blocks();
    emit::redline(engine, blocks)
}

/// A set of keys that are already hashes (of paragraphs, of their words), hashed again
/// with foldhash: one multiplication per key where the standard SipHash took most of the
/// time of building the sets of [`align`] and the map of [`moves`] (3% of a whole-file
/// comparison). It is seeded per process, as SipHash is, so text crafted to collide in the
/// table's buckets cannot make the comparison quadratic.
type KeySet = std::collections::HashSet<u64, foldhash::fast::RandomState>;

/// A map from such keys ([`KeySet`]).
type KeyMap<V> = std::collections::HashMap<u64, V, foldhash::fast::RandomState>;

/// Largest diff (items of both sides) run without a deadline: even Myers' worst case on
/// it takes a few milliseconds.
const SMALL_DIFF: usize = 2_000;

/// The deadline to hand `similar` for a diff of `items` items in all. `similar` reads the
/// clock once per item of its anchor search, which costs more than a small diff itself; a
/// small diff runs without one (its worst case is bounded by its size) and the engine
/// checks the clock between diffs.
fn diff_deadline(deadline: Option<Instant>, items: usize) -> Option<Instant> {
    if items <= SMALL_DIFF { None } else { deadline }
}

/// `a` followed by `b` as one slice of `text`, when they are adjacent slices of it.
fn joined<'t>(text: &'t str, a: &str, b: &str) -> Option<&'t str> {
    let start = (a.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    let end = start + a.len();
    if b.as_ptr() as usize != text.as_ptr() as usize + end {
        return None;
    }
    text.get(start..end + b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plainish(r: &Redline) -> String {
        r.segments
            .iter()
            .map(|s| match s.kind {
                SegmentKind::Equal => s.text.to_string(),
                SegmentKind::Deleted if s.layout => format!("[~{}~]", s.text),
                SegmentKind::Inserted if s.layout => format!("{{~{}~}}", s.text),
                SegmentKind::Deleted => format!("[-{}-]", s.text),
                SegmentKind::Inserted => format!("{{+{}+}}", s.text),
                SegmentKind::MovedFrom(id) => format!("[>{}:{}<]", id.0, s.text),
                SegmentKind::MovedTo(id) => format!("{{>{}:{}<}}", id.0, s.text),
            })
            .collect()
    }

    #[test]
    fn one_word_edit_is_one_deletion_and_one_insertion() {
        let r = compare(
            "The Employer shall pay.\n\nSecond para.\n",
            "The Employer will pay.\n\nSecond para.\n",
            &Options::default(),
        );
        assert_eq!(
            plainish(&r),
            "The Employer [-shall-]{+will+} pay.\n\nSecond para.\n"
        );
        assert_eq!(r.summary.inserted_words, 1);
        assert_eq!(r.summary.changed_paragraphs, 1);
        assert_eq!(r.changes().len(), 1);
    }

    #[test]
    fn a_rewritten_clause_is_one_change_not_fragments_around_the() {
        let keep = "The parties agree that these words stay exactly as written here";
        let old = format!("{keep}: nurses report the incident promptly. {keep}.\n");
        let new = format!("{keep}: employees describe the event in writing. {keep}.\n");
        let r = compare(&old, &new, &Options::default());
        assert_eq!(r.changes().len(), 1, "{}", plainish(&r));
        // A one-word edit next to another is not swallowed: "pay the" is two shared words
        // between two one-word changes.
        let r = compare(
            "The Employer shall pay the fee.\n",
            "The Employer will pay the cost.\n",
            &Options::default(),
        );
        assert_eq!(
            plainish(&r),
            "The Employer [-shall-]{+will+} pay the [-fee-]{+cost+}.\n"
        );
    }

    #[test]
    fn whitespace_around_a_changed_word_stays_equal() {
        let r = compare("a b  c\n", "a x  c\n", &Options::default());
        assert_eq!(plainish(&r), "a [-b-]{+x+}  c\n");
        let r = compare("a b c\n", "a b\n  c\n", &Options::default());
        assert_eq!(plainish(&r), "a b[~ ~]{~\n  ~}c\n");
    }

    #[test]
    fn rewrap_is_layout_only() {
        let r = compare(
            "one two\nthree four\n",
            "one two three\nfour\n",
            &Options::default(),
        );
        assert_eq!(r.summary.inserted_words + r.summary.deleted_words, 0);
        assert_eq!(r.summary.changed_paragraphs, 0);
        assert!(r.changes().is_empty());
        assert!(!r.is_unchanged());
        assert_eq!(r.new_text(), "one two three\nfour\n");
    }
}
