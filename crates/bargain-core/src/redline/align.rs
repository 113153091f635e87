//! Steps 1–3 of the engine (see the module docs of `redline`): paragraphs aligned by their
//! bytes, then by their words with whitespace folded; the paragraphs of a replaced run
//! paired by word-bag similarity; each pair diffed word by word ([`super::words`]). The
//! result is a list of [`Block`]s in reading order, which [`super::emit`] turns into
//! segments.

use std::ops::Range;
use std::time::Instant;

use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

use super::split::{self, Paragraph, WordHash};
use super::words::{Scratch, WordDiff, word_diff};
use super::{KeySet, Options, diff_deadline};

/// The equal pairs `(old index, new index)` of a patience diff of `a` with `b`, in order.
///
/// Keys found on one side only can never be equal, so they are left out before diffing:
/// the diff then costs what the common keys cost. (Two runs with nothing in common are
/// Myers' worst case, quadratic in their length, and most paragraphs of a revised
/// agreement have no byte-identical counterpart.)
fn equal_pairs(a: &[u64], b: &[u64], deadline: Option<Instant>) -> Vec<(usize, usize)> {
    let in_a: KeySet = a.iter().copied().collect();
    let in_b: KeySet = b.iter().copied().collect();
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

/// A text's words as the aligner sees them ([`split::word_hashes`]): a short hash of every
/// whitespace-separated word, and the text's key with whitespace folded. The
/// hashes are sorted into a word bag in place when the text is first compared by bag, so
/// a paragraph that is only keyed is never sorted.
#[derive(Debug, Clone)]
pub(super) struct Words {
    pub(super) key: u64,
    pub(super) hashes: Vec<WordHash>,
    sorted: bool,
}

impl Words {
    pub(super) const EMPTY: Words = Words {
        key: 0,
        hashes: Vec::new(),
        sorted: true,
    };

    pub(super) fn of(text: &str) -> Words {
        let (key, hashes) = split::word_hashes(text);
        Words {
            key,
            hashes,
            sorted: false,
        }
    }

    pub(super) fn sort(&mut self) {
        if !self.sorted {
            self.hashes.sort_unstable();
            self.sorted = true;
        }
    }
}

/// How one paragraph (or pair) of the alignment is shown.
#[derive(Debug, Clone)]
pub(super) enum Block {
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

/// The state of one comparison while its paragraphs are aligned; [`super::emit`] then
/// turns it and its blocks into the redline.
pub(super) struct Engine<'t, 'o> {
    pub(super) old: &'t str,
    pub(super) new: &'t str,
    pub(super) old_paras: Vec<Paragraph>,
    pub(super) new_paras: Vec<Paragraph>,
    /// The words of each paragraph, made when first needed (every paragraph of a changed
    /// run is keyed, to realign re-wrapped ones).
    pub(super) old_words: Vec<Option<Words>>,
    pub(super) new_words: Vec<Option<Words>>,
    pub(super) options: &'o Options,
    pub(super) deadline: Option<Instant>,
    pub(super) coarse: bool,
    /// The word diffs' buffers, reused from pair to pair.
    pub(super) scratch: Scratch,
}

/// Largest replaced run (old × new paragraphs) paired by full dynamic programming; larger
/// runs are paired within a band around the diagonal.
const FULL_PAIRING_CELLS: usize = 40_000;
const PAIRING_BAND: usize = 32;

impl<'t, 'o> Engine<'t, 'o> {
    pub(super) fn new(old: &'t str, new: &'t str, options: &'o Options) -> Self {
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
            scratch: Scratch::default(),
        }
    }

    pub(super) fn past_deadline(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() > d)
    }

    /// Steps 1–3 of the module docs: the list of blocks in reading order (every
    /// paragraph equal when the texts are).
    pub(super) fn blocks(&mut self) -> Vec<Block> {
        if self.old == self.new {
            (0..self.old_paras.len())
                .map(|i| Block::Equal {
                    old: i,
                    new: i,
                    diff: None,
                })
                .collect()
        } else {
            self.align()
        }
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

    pub(super) fn old_para(&self, i: usize) -> &'t str {
        &self.old[self.old_paras[i].range.clone()]
    }

    pub(super) fn new_para(&self, i: usize) -> &'t str {
        &self.new[self.new_paras[i].range.clone()]
    }

    /// The blocks of two texts that differ.
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
        let diff = word_diff(
            self.old_para(i),
            self.new_para(j),
            self.deadline,
            &mut self.scratch,
        );
        if self.past_deadline() {
            self.coarse = true;
        }
        diff
    }
}
