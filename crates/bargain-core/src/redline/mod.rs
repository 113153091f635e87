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

mod split;
mod three_way;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::time::{Duration, Instant};

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

pub use three_way::{Conflict, ThreeWay, three_way};

use split::{Paragraph, SPACE, WordHash};

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
    Engine::new(old, new, options).run()
}

/// The equal pairs `(old index, new index)` of a patience diff of `a` with `b`, in order.
///
/// Keys found on one side only can never be equal, so they are left out before diffing:
/// the diff then costs what the common keys cost. (Two runs with nothing in common are
/// Myers' worst case, quadratic in their length, and most paragraphs of a revised
/// agreement have no byte-identical counterpart.)
fn equal_pairs(a: &[u64], b: &[u64], deadline: Option<Instant>) -> Vec<(usize, usize)> {
    let in_a: HashSet<u64> = a.iter().copied().collect();
    let in_b: HashSet<u64> = b.iter().copied().collect();
    let ia: Vec<usize> = (0..a.len()).filter(|&i| in_b.contains(&a[i])).collect();
    let ib: Vec<usize> = (0..b.len()).filter(|&j| in_a.contains(&b[j])).collect();
    let ka: Vec<u64> = ia.iter().map(|&i| a[i]).collect();
    let kb: Vec<u64> = ib.iter().map(|&j| b[j]).collect();
    let mut pairs = Vec::new();
    let deadline = diff_deadline(deadline, ka.len() + kb.len());
    for op in capture_diff_slices_deadline(Algorithm::Patience, &ka, &kb, deadline) {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            pairs.extend(o.zip(n).map(|(x, y)| (ia[x], ib[y])));
        }
    }
    pairs
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
fn token_runs(ka: &[u64], kb: &[u64], deadline: Option<Instant>) -> Vec<Run> {
    let words = |keys: &[u64]| -> (Vec<usize>, Vec<u64>) {
        // Sized up front: collecting through a filter grows the vectors push by push.
        let (mut at, mut words) = (
            Vec::with_capacity(keys.len()),
            Vec::with_capacity(keys.len()),
        );
        for (i, &k) in keys.iter().enumerate() {
            if k != SPACE {
                at.push(i);
                words.push(k);
            }
        }
        (at, words)
    };
    let ((wa, xa), (wb, xb)) = (words(ka), words(kb));
    let mut runs: Vec<Run> = Vec::new();
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
    for op in capture_diff_slices_deadline(Algorithm::Histogram, &xa, &xb, deadline) {
        let (tag, o, n) = op.as_tag_tuple();
        if tag != DiffTag::Equal {
            continue;
        }
        for (x, y) in o.zip(n) {
            let (i, j) = (wa[x], wb[y]);
            gap(&mut runs, po..i, pn..j);
            push(&mut runs, true, i..i + 1, j..j + 1);
            (po, pn) = (i + 1, j + 1);
        }
    }
    gap(&mut runs, po..ka.len(), pn..kb.len());
    runs
}

/// The in-order matching of `old_bags` with `new_bags` (indices into each) that maximises
/// the summed Dice similarity of matched pairs, each at least `threshold`; `None` when the
/// deadline passes first.
fn pair_bags(
    old_bags: &[&[WordHash]],
    new_bags: &[&[WordHash]],
    threshold: f32,
    deadline: Option<Instant>,
) -> Option<Vec<(usize, usize)>> {
    let (rows, cols) = (old_bags.len(), new_bags.len());
    let band = if rows * cols <= FULL_PAIRING_CELLS {
        usize::MAX
    } else {
        PAIRING_BAND
    };
    let in_band = |r: usize, c: usize| (r * cols / rows).abs_diff(c) <= band;
    // score[r][c]: best total over old[..r] × new[..c]. Cells outside the band are
    // never matched, only carried through.
    let w = cols + 1;
    let mut score = vec![0f32; (rows + 1) * w];
    let mut matched = vec![false; (rows + 1) * w];
    for r in 1..=rows {
        if r % 64 == 0 && deadline.is_some_and(|d| Instant::now() > d) {
            return None;
        }
        let a = old_bags[r - 1];
        for c in 1..=cols {
            let up = score[(r - 1) * w + c];
            let left = score[r * w + c - 1];
            let mut best = up.max(left);
            let mut is_match = false;
            let b = new_bags[c - 1];
            // Dice can only reach the threshold if the lengths are close enough.
            let (lo, hi) = (a.len().min(b.len()) as f32, a.len().max(b.len()) as f32);
            let possible = lo + hi == 0.0 || 2.0 * lo / (lo + hi) >= threshold;
            if possible && in_band(r - 1, c - 1) {
                let s = split::dice_at_least(a, b, threshold);
                if s >= threshold {
                    let diag = score[(r - 1) * w + c - 1] + s;
                    if diag > best {
                        best = diag;
                        is_match = true;
                    }
                }
            }
            score[r * w + c] = best;
            matched[r * w + c] = is_match;
        }
    }
    let mut pairs = Vec::new();
    let (mut r, mut c) = (rows, cols);
    while r > 0 && c > 0 {
        if matched[r * w + c] {
            pairs.push((r - 1, c - 1));
            r -= 1;
            c -= 1;
        } else if score[(r - 1) * w + c] >= score[r * w + c - 1] {
            r -= 1;
        } else {
            c -= 1;
        }
    }
    pairs.reverse();
    Some(pairs)
}

pub(crate) fn changes(segments: &[Segment<'_>]) -> Vec<Change> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < segments.len() {
        if segments[i].kind == SegmentKind::Equal {
            i += 1;
            continue;
        }
        let start = i;
        let mut real = false;
        while i < segments.len() && segments[i].kind != SegmentKind::Equal {
            real |= !segments[i].layout;
            i += 1;
        }
        if real {
            out.push(Change {
                segments: start..i,
                old_paragraph: segments[start].old_paragraph,
                new_paragraph: segments[start].new_paragraph,
            });
        }
    }
    out
}

/// A piece of a word diff: byte ranges into the two paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
/// A change carries whether it is layout only and its word count ([`split::word_count`]
/// of its text), so the summary need not cut it into words again.
enum Piece {
    Equal(Range<usize>),
    Deleted(Range<usize>, bool, usize),
    Inserted(Range<usize>, bool, usize),
}

/// A word diff of one paragraph pair.
#[derive(Debug, Clone)]
struct WordDiff {
    pieces: Vec<Piece>,
    /// Share of words that survived: `2·equal / (old words + new words)`.
    ratio: f32,
    /// Whether any piece is a change of words (not layout only).
    changed: bool,
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

/// A text's words as the aligner sees them ([`split::word_hashes`]): a short hash of every
/// whitespace-separated word, and the text's key with whitespace folded. The
/// hashes are sorted into a word bag in place when the text is first compared by bag, so
/// a paragraph that is only keyed is never sorted.
#[derive(Debug, Clone)]
struct Words {
    key: u64,
    hashes: Vec<WordHash>,
    sorted: bool,
}

impl Words {
    const EMPTY: Words = Words {
        key: 0,
        hashes: Vec::new(),
        sorted: true,
    };

    fn of(text: &str) -> Words {
        let (key, hashes) = split::word_hashes(text);
        Words {
            key,
            hashes,
            sorted: false,
        }
    }

    fn sort(&mut self) {
        if !self.sorted {
            self.hashes.sort_unstable();
            self.sorted = true;
        }
    }
}

/// How one paragraph (or pair) of the alignment is shown.
#[derive(Debug, Clone)]
enum Block {
    /// Same words; the text may differ in whitespace, in which case `diff` holds it.
    Equal {
        old: usize,
        new: usize,
        diff: Option<WordDiff>,
    },
    /// An edited paragraph, diffed word by word.
    Pair {
        old: usize,
        new: usize,
        diff: WordDiff,
    },
    Deleted {
        old: usize,
    },
    Inserted {
        new: usize,
    },
}

struct Engine<'t, 'o> {
    old: &'t str,
    new: &'t str,
    old_paras: Vec<Paragraph>,
    new_paras: Vec<Paragraph>,
    /// The words of each paragraph, made when first needed (every paragraph of a changed
    /// run is keyed, to realign re-wrapped ones).
    old_words: Vec<Option<Words>>,
    new_words: Vec<Option<Words>>,
    options: &'o Options,
    deadline: Option<Instant>,
    coarse: bool,
}

/// Largest replaced run (old × new paragraphs) paired by full dynamic programming; larger
/// runs are paired within a band around the diagonal.
const FULL_PAIRING_CELLS: usize = 40_000;
const PAIRING_BAND: usize = 32;

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

impl<'t, 'o> Engine<'t, 'o> {
    fn new(old: &'t str, new: &'t str, options: &'o Options) -> Self {
        let old_paras = split::paragraphs(old);
        let new_paras = split::paragraphs(new);
        Engine {
            old,
            new,
            old_words: vec![None; old_paras.len()],
            new_words: vec![None; new_paras.len()],
            old_paras,
            new_paras,
            options,
            deadline: Instant::now().checked_add(options.deadline),
            coarse: false,
        }
    }

    fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() > d)
    }

    fn run(mut self) -> Redline<'t> {
        let blocks = if self.old == self.new {
            (0..self.old_paras.len())
                .map(|i| Block::Equal {
                    old: i,
                    new: i,
                    diff: None,
                })
                .collect()
        } else {
            self.align()
        };
        self.emit(blocks)
    }

    /// The words of old paragraph `i` (or new paragraph `i` when `new`), sorted into a
    /// bag if `bag`.
    fn words(&mut self, new: bool, i: usize, bag: bool) -> &Words {
        let (text, paras, cache) = if new {
            (self.new, &self.new_paras, &mut self.new_words)
        } else {
            (self.old, &self.old_paras, &mut self.old_words)
        };
        let words = cache[i].get_or_insert_with(|| Words::of(&text[paras[i].range.clone()]));
        if bag {
            words.sort();
        }
        words
    }

    /// Frees the words of a settled pair: only whole deleted and inserted paragraphs need
    /// theirs again (to find moves), and the memory is better reused by what follows.
    fn done_with(&mut self, old: usize, new: usize) {
        self.old_words[old] = None;
        self.new_words[new] = None;
    }

    fn old_para(&self, i: usize) -> &'t str {
        &self.old[self.old_paras[i].range.clone()]
    }

    fn new_para(&self, i: usize) -> &'t str {
        &self.new[self.new_paras[i].range.clone()]
    }

    /// Steps 1–3 of the module docs: the list of blocks in reading order.
    fn align(&mut self) -> Vec<Block> {
        // Byte-identical paragraphs first, by a fast hash of their bytes; only the runs in
        // between are hashed again with whitespace folded (slower) and aligned again, so
        // re-wrapped paragraphs still match.
        let key = |t: &str, p: &Paragraph| split::hash_bytes(t[p.range.clone()].as_bytes());
        let old_keys: Vec<u64> = self.old_paras.iter().map(|p| key(self.old, p)).collect();
        let new_keys: Vec<u64> = self.new_paras.iter().map(|p| key(self.new, p)).collect();
        let mut blocks = Vec::with_capacity(old_keys.len().max(new_keys.len()));
        self.align_by(
            &old_keys,
            &new_keys,
            0..old_keys.len(),
            0..new_keys.len(),
            true,
            &mut blocks,
        );
        blocks
    }

    /// Aligns old paragraphs `o` with new paragraphs `n` by `keys` (indexed from `o.start`
    /// and `n.start`), pushing blocks in reading order. Runs that differ are aligned again
    /// by folded-whitespace keys when `refine`, else paired ([`Self::replaced_run`]).
    fn align_by(
        &mut self,
        old_keys: &[u64],
        new_keys: &[u64],
        o: Range<usize>,
        n: Range<usize>,
        refine: bool,
        blocks: &mut Vec<Block>,
    ) {
        let pairs = equal_pairs(old_keys, new_keys, self.deadline);
        if self.past_deadline() {
            self.coarse = true;
        }
        let (o0, n0) = (o.start, n.start);
        let flush =
            |this: &mut Self, po: Range<usize>, pn: Range<usize>, blocks: &mut Vec<Block>| {
                if po.is_empty() && pn.is_empty() {
                    return;
                }
                let (po, pn) = (po.start + o0..po.end + o0, pn.start + n0..pn.end + n0);
                // A single changed paragraph is word-diffed as a pair either way (a layout-only
                // pair comes out with no word change), so only longer runs are realigned.
                if refine && !po.is_empty() && !pn.is_empty() && po.len() + pn.len() > 2 {
                    let ok: Vec<u64> = po
                        .clone()
                        .map(|i| this.words(false, i, false).key)
                        .collect();
                    let nk: Vec<u64> = pn.clone().map(|j| this.words(true, j, false).key).collect();
                    this.align_by(&ok, &nk, po, pn, false, blocks);
                } else {
                    this.replaced_run(po, pn, blocks);
                }
            };
        // The runs between equal pairs are refined or paired.
        let (mut pi, mut pj) = (0, 0);
        for (i, j) in pairs {
            flush(self, pi..i, pj..j, blocks);
            let (i, j) = (i + o0, j + n0);
            let diff = if self.old_para(i) == self.new_para(j) {
                None
            } else {
                // Same key, different bytes: a layout change (or a hash collision,
                // which the word diff then shows as it is).
                Some(self.word_diff(i, j))
            };
            blocks.push(Block::Equal {
                old: i,
                new: j,
                diff,
            });
            self.done_with(i, j);
            (pi, pj) = (i - o0 + 1, j - n0 + 1);
        }
        flush(self, pi..old_keys.len(), pj..new_keys.len(), blocks);
    }

    /// Pairs the paragraphs of one replaced run and pushes its blocks in reading order.
    fn replaced_run(&mut self, o: Range<usize>, n: Range<usize>, blocks: &mut Vec<Block>) {
        let pairs = if o.is_empty() || n.is_empty() {
            Vec::new()
        } else if self.past_deadline() {
            self.coarse = true;
            Vec::new()
        } else if o.len() == 1 && n.len() == 1 {
            // The common case; the word diff's ratio decides edit or rewrite.
            vec![(o.start, n.start)]
        } else {
            self.pair_by_similarity(o.clone(), n.clone())
        };

        let (mut i, mut j) = (o.start, n.start);
        for (pi, pj) in pairs.into_iter().chain(std::iter::once((o.end, n.end))) {
            blocks.extend((i..pi).map(|old| Block::Deleted { old }));
            blocks.extend((j..pj).map(|new| Block::Inserted { new }));
            if pi == o.end && pj == n.end {
                break;
            }
            if self.past_deadline() {
                self.coarse = true;
                blocks.push(Block::Deleted { old: pi });
                blocks.push(Block::Inserted { new: pj });
            } else {
                let diff = self.word_diff(pi, pj);
                if diff.ratio < self.options.rewrite_threshold {
                    blocks.push(Block::Deleted { old: pi });
                    blocks.push(Block::Inserted { new: pj });
                } else {
                    blocks.push(Block::Pair {
                        old: pi,
                        new: pj,
                        diff,
                    });
                    self.done_with(pi, pj);
                }
            }
            i = pi + 1;
            j = pj + 1;
        }
    }

    /// Matches old and new paragraphs of a replaced run in order, maximising the summed
    /// word-bag similarity of the matched pairs (each at least the rewrite threshold).
    fn pair_by_similarity(&mut self, o: Range<usize>, n: Range<usize>) -> Vec<(usize, usize)> {
        for i in o.clone() {
            self.words(false, i, true);
        }
        for j in n.clone() {
            self.words(true, j, true);
        }
        fn bags(cache: &[Option<Words>], r: Range<usize>) -> Vec<&[WordHash]> {
            cache[r]
                .iter()
                .map(|w| w.as_ref().map_or(&[][..], |w| &w.hashes))
                .collect()
        }
        let old_bags = bags(&self.old_words, o.clone());
        let new_bags = bags(&self.new_words, n.clone());
        let threshold = self.options.rewrite_threshold;
        match pair_bags(&old_bags, &new_bags, threshold, self.deadline) {
            Some(pairs) => pairs
                .into_iter()
                .map(|(r, c)| (o.start + r, n.start + c))
                .collect(),
            None => {
                self.coarse = true;
                Vec::new()
            }
        }
    }

    /// Word diff of old paragraph `i` with new paragraph `j` ([`word_diff`]).
    fn word_diff(&mut self, i: usize, j: usize) -> WordDiff {
        let diff = word_diff(self.old_para(i), self.new_para(j), self.deadline);
        if self.past_deadline() {
            self.coarse = true;
        }
        diff
    }

    /// Turns blocks into segments with paragraph indices, then finds moves and counts.
    fn emit(mut self, blocks: Vec<Block>) -> Redline<'t> {
        let by: Vec<String> = self.options.by.iter().cloned().collect();
        let mut out = Emitter {
            old: self.old,
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
                    let a = self.old_para(old);
                    match diff {
                        None => out.push(SegmentKind::Equal, a, old, new, false, 0),
                        Some(d) => {
                            changed_paragraphs += usize::from(d.changed);
                            out.pieces(a, self.new_para(new), &d.pieces, old, new);
                        }
                    }
                    (op, np) = (old + 1, new + 1);
                }
                Block::Pair { old, new, diff } => {
                    changed_paragraphs += usize::from(diff.changed);
                    out.pieces(
                        self.old_para(old),
                        self.new_para(new),
                        &diff.pieces,
                        old,
                        new,
                    );
                    (op, np) = (old + 1, new + 1);
                }
                Block::Deleted { old } => {
                    changed_paragraphs += 1;
                    whole.push((out.segments.len(), false, old));
                    let text = self.old_para(old);
                    let w = split::word_count(text);
                    out.push(SegmentKind::Deleted, text, old, np, false, w);
                    op = old + 1;
                }
                Block::Inserted { new } => {
                    changed_paragraphs += 1;
                    whole.push((out.segments.len(), true, new));
                    let text = self.new_para(new);
                    let w = split::word_count(text);
                    out.push(SegmentKind::Inserted, text, op, new, false, w);
                    np = new + 1;
                }
            }
        }
        let (mut segments, mut seg_words) = (out.segments, out.words);
        let moves = if self.past_deadline() {
            self.coarse = true;
            Vec::new()
        } else {
            // Bags already made for whole paragraphs are handed on, by segment index.
            let words: Vec<(usize, Words)> = whole
                .into_iter()
                .filter_map(|(k, new, p)| {
                    let cache = if new {
                        &mut self.new_words
                    } else {
                        &mut self.old_words
                    };
                    cache[p].take().map(|w| (k, w))
                })
                .collect();
            let (mut moves, finished) =
                find_moves(&mut segments, words, self.options, self.deadline);
            self.coarse |= !finished;
            show_edits_in_moves(&mut segments, &mut seg_words, &mut moves, self.deadline);
            moves
        };
        let mut summary = summarize_counted(&segments, &seg_words);
        summary.changed_paragraphs = changed_paragraphs;
        Redline {
            segments,
            moves,
            summary,
            coarse: self.coarse,
            old_paragraphs: self.old_paras.len(),
            new_paragraphs: self.new_paras.len(),
        }
    }
}

/// Word diff of text `a` with text `b`.
///
/// Lines are aligned first (by their text less surrounding whitespace), as `git diff
/// --word-diff` does; only runs of lines that differ are cut into words and diffed
/// word by word (a line start is always a word boundary). A changed page footer thus
/// costs a diff of one line, not of the whole page-sized paragraph.
fn word_diff(a: &str, b: &str, deadline: Option<Instant>) -> WordDiff {
    let (la, lb) = (split::lines(a), split::lines(b));
    // Lines are keyed by their bytes less surrounding whitespace: cheap, and a line whose
    // spacing changed inside only lands in a run that the word diff shows as layout.
    let key = |t: &str| split::hash_bytes(t.trim().as_bytes());
    let ka: Vec<u64> = la.iter().map(|r| key(&a[r.clone()])).collect();
    let kb: Vec<u64> = lb.iter().map(|r| key(&b[r.clone()])).collect();
    let ops = capture_diff_slices_deadline(
        Algorithm::Histogram,
        &ka,
        &kb,
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
            let (ra, rb) = (span(&la, po, a.len()), span(&lb, pn, b.len()));
            hunk_words(a, ra, b, rb, &mut acc, deadline);
        }
        for (x, y) in o.zip(n) {
            let (ra, rb) = (la[x].clone(), lb[y].clone());
            if a[ra.clone()] == b[rb.clone()] {
                acc.equal(ra.clone(), split::rough_words(&a[ra]));
            } else {
                // Same words, different whitespace.
                hunk_words(a, ra, b, rb, &mut acc, deadline);
            }
        }
    }
    if let Some((po, pn)) = pending.take() {
        let (ra, rb) = (span(&la, po, a.len()), span(&lb, pn, b.len()));
        hunk_words(a, ra, b, rb, &mut acc, deadline);
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
    diffed_words(a, ra, b, rb, acc, deadline);
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
        let (sa, sb) = (oa + i..oa + gi, ob + j..ob + gj);
        match (sa.is_empty(), sb.is_empty()) {
            (true, true) => {}
            (false, false) if x[i..gi] == y[j..gj] => acc.equal(sa, 0),
            (da, db) => {
                // Leading or ending one side only, or both sides but different.
                if !da {
                    acc.pieces.push(Piece::Deleted(sa, true, 0));
                }
                if !db {
                    acc.pieces.push(Piece::Inserted(sb, true, 0));
                }
            }
        }
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

/// [`hunk_words`] by cutting both sides into tokens and diffing them.
fn diffed_words(
    a: &str,
    ra: Range<usize>,
    b: &str,
    rb: Range<usize>,
    acc: &mut Tally,
    deadline: Option<Instant>,
) {
    let (oa, ob) = (ra.start, rb.start);
    let (ta, tb) = (split::tokens(&a[ra]), split::tokens(&b[rb]));
    let (ta, tb) = (&ta, &tb);
    let ka: Vec<u64> = ta.iter().map(|t| t.key).collect();
    let kb: Vec<u64> = tb.iter().map(|t| t.key).collect();
    // Runs of equal and changed tokens. An equal run between two changes joins them when
    // it is only whitespace, so "foo bar" → "baz qux" reads as one change, not two; or
    // when it is a word or two that both changes dwarf, so a rewritten sentence reads
    // as one change rather than as fragments around every "the" the two versions share.
    let runs = token_runs(&ka, &kb, diff_deadline(deadline, ka.len() + kb.len()));
    let words = |r: &Run| {
        let count = |keys: &[u64], r: &Range<usize>| {
            keys[r.clone()].iter().filter(|k| **k != SPACE).count()
        };
        count(&ka, &r.1) + count(&kb, &r.2)
    };
    let mut merged: Vec<Run> = Vec::with_capacity(runs.len());
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
    for (equal, o, n) in merged {
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
            let layout = is_space(&ka, &o) && is_space(&kb, &n);
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

/// [`summarize`] given each segment's word count (`words`, one per segment).
fn summarize_counted(segments: &[Segment<'_>], words: &[usize]) -> Summary {
    let mut summary = Summary::default();
    for (s, &w) in segments.iter().zip(words) {
        match s.kind {
            _ if s.layout => summary.layout_changes += 1,
            SegmentKind::Inserted => summary.inserted_words += w,
            SegmentKind::Deleted => summary.deleted_words += w,
            SegmentKind::MovedTo(_) => summary.moved_words += w,
            _ => {}
        }
    }
    summary
}

/// Word counts of a list of segments (`changed_paragraphs` is left at 0).
pub(crate) fn summarize(segments: &[Segment<'_>]) -> Summary {
    let mut summary = Summary::default();
    for s in segments {
        match s.kind {
            _ if s.layout => summary.layout_changes += 1,
            SegmentKind::Inserted => summary.inserted_words += split::word_count(s.text),
            SegmentKind::Deleted => summary.deleted_words += split::word_count(s.text),
            SegmentKind::MovedTo(_) => summary.moved_words += split::word_count(s.text),
            _ => {}
        }
    }
    summary
}

/// Step 4 of the module docs: deleted and inserted segments (whole paragraphs or runs of
/// words inside one) that carry the same words, in different changes, become the two ends
/// of a move. Returns the moves and whether the search finished before the deadline.
fn find_moves(
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
        let mut by_key: HashMap<u64, Vec<usize>> = HashMap::new();
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
fn show_edits_in_moves<'t>(
    segments: &mut Vec<Segment<'t>>,
    words: &mut Vec<usize>,
    moves: &mut [Move],
    deadline: Option<Instant>,
) {
    // Segment index → the pieces (segment, word count) that replace it.
    let mut cuts: Vec<(usize, Vec<(Segment<'t>, usize)>)> = Vec::new();
    for m in moves.iter().filter(|m| !m.exact) {
        let (from, to) = (&segments[m.from_segment], &segments[m.to_segment]);
        let (a, b) = (from.text, to.text);
        let diff = word_diff(a, b, deadline);
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

pub(crate) fn blank_move(id: MoveId) -> Move {
    Move {
        id,
        from_paragraph: 0,
        to_paragraph: 0,
        from_segment: 0,
        to_segment: 0,
        exact: false,
    }
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
        for _ in 0..20_000 {
            let (a, b, same) = rewrapped_pair(&mut seed);
            let (ra, rb) = (0..a.len(), 0..b.len());
            let mut fast = Tally::default();
            let took = rewrapped(&a, ra.clone(), &b, rb.clone(), &mut fast);
            let mut slow = Tally::default();
            diffed_words(&a, ra, &b, rb, &mut slow, None);
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
