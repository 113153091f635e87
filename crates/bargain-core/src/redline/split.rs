//! Cutting a text into paragraphs and a paragraph into word tokens.
//!
//! Every cut is a byte range into the original text, and the ranges of one level tile
//! their parent exactly, so whatever is built from them can always be put back together
//! byte for byte.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// One paragraph of a text: its lines up to the next blank line, with the blank lines
/// that follow it (and, for the first paragraph, any blank lines that lead the text).
#[derive(Debug, Clone)]
pub(crate) struct Paragraph {
    /// Byte range in the text; the paragraphs of a text tile it.
    pub range: Range<usize>,
}

/// Whether a line (without regard to its ending) holds nothing but whitespace.
fn is_blank(line: &str) -> bool {
    // Most lines start with a word: decided by their first bytes.
    match line.bytes().position(|b| !ascii_space(b)) {
        None => true,
        Some(i) if line.as_bytes()[i] < 0x80 => false,
        Some(i) => line[i..].chars().all(char::is_whitespace),
    }
}

/// The lines of `text`, each with its newline (as `split_inclusive('\n')`, found with
/// SIMD, [`crate::text::byte_positions`]).
fn each_line(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut ends = crate::text::byte_positions(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        let end = match ends.next() {
            Some(nl) => nl + 1,
            None if start < text.len() => text.len(),
            None => return None,
        };
        let line = &text[start..end];
        start = end;
        Some(line)
    })
}

/// `char::is_whitespace` for an ASCII byte (tab, LF, VT, FF, CR, space).
fn ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// Length of the whitespace character at byte `i` of `text`, if there is one.
fn space_at(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return ascii_space(b).then_some(1);
    }
    // Non-ASCII whitespace (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000) starts with
    // one of these lead bytes; anything else is not whitespace.
    if !matches!(b, 0xc2 | 0xe1 | 0xe2 | 0xe3) {
        return None;
    }
    let c = text[i..].chars().next()?;
    c.is_whitespace().then_some(c.len_utf8())
}

/// How the word scans see a byte: 0 part of a word, 1 ASCII whitespace, 2 a lead byte
/// that may start non-ASCII whitespace (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000).
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = b'\t';
    while b <= b'\r' {
        t[b as usize] = 1;
        b += 1;
    }
    t[b' ' as usize] = 1;
    t[0xc2] = 2;
    t[0xe1] = 2;
    t[0xe2] = 2;
    t[0xe3] = 2;
    t
};

/// Calls `f` with the bytes of every whitespace-separated word of `text`, as
/// `str::split_whitespace` does, scanning bytes (eight at a time inside a word).
#[inline]
fn each_word<'t>(text: &'t str, mut f: impl FnMut(&'t [u8])) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    loop {
        while i < n {
            match CLASS[bytes[i] as usize] {
                0 => break,
                1 if bytes.get(i + 1) == Some(&b' ') => i = spaces_end(bytes, i + 2),
                1 => i += 1,
                _ => match space_at(text, i) {
                    Some(len) => i += len,
                    None => break,
                },
            }
        }
        if i >= n {
            return;
        }
        let start = i;
        // Continuation bytes are class 0, and class 2 bytes only ever lead a character,
        // so the word ends on a character boundary.
        i += 1;
        loop {
            i = next_unusual(bytes, i);
            if i >= n {
                break;
            }
            match CLASS[bytes[i] as usize] {
                0 => i += 1,
                1 => break,
                _ if space_at(text, i).is_some() => break,
                _ => i += 1,
            }
        }
        f(&bytes[start..i]);
    }
}

/// The first index at or after `i` whose byte is not a printable ASCII character (so may
/// be whitespace), or the length of `bytes`. Words are mostly printable ASCII: eight bytes
/// are looked at a time.
#[inline]
fn next_unusual(bytes: &[u8], mut i: usize) -> usize {
    const BELOW: u64 = 0x2121_2121_2121_2121;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while i + 8 <= bytes.len() {
        let x = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        // High bit of a byte set if it is below 0x21 or above 0x7f. Borrows of the
        // subtraction can only flag bytes above the first flagged one, so the lowest flag
        // is exact.
        let unusual = ((x.wrapping_sub(BELOW) & !x) | x) & HIGH;
        if unusual != 0 {
            return i + (unusual.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && (0x21..0x80).contains(&bytes[i]) {
        i += 1;
    }
    i
}

/// The first index at or after `i` that does not hold a space (b' '), or the length of
/// `bytes`. Text taken from PDF lays out pages with long runs of spaces (almost half of the
/// agreements' whitespace is in runs of eight or more): those are skipped eight at a time.
/// Most gaps are one space, so callers come here only from a second one.
#[inline]
fn spaces_end(bytes: &[u8], mut i: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    while i + 8 <= bytes.len() {
        let x = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
        let other = x ^ SPACES;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    i
}

/// Splits `text` into paragraphs separated by blank lines (lines of only whitespace).
///
/// Single newlines inside a paragraph (the line wrapping of text extracted from PDF) do
/// not split it. The result tiles `text`; it is empty only when `text` is empty.
pub(crate) fn paragraphs(text: &str) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    // Whether the paragraph being built has a non-blank line yet, and whether a blank
    // line has followed it (so the next non-blank line starts a new paragraph).
    let mut has_body = false;
    let mut in_gap = false;
    for line in each_line(text) {
        let blank = is_blank(line);
        if blank {
            if has_body {
                in_gap = true;
            }
        } else if in_gap {
            out.push(Paragraph { range: start..pos });
            start = pos;
            in_gap = false;
        } else {
            has_body = true;
        }
        pos += line.len();
    }
    if start < text.len() {
        out.push(Paragraph {
            range: start..text.len(),
        });
    }
    out
}

/// Hash of `s` with whitespace runs folded to one space and the ends trimmed: the
/// key [`word_hashes`] gives, without the word hashes.
#[cfg(test)]
fn folded_key(s: &str) -> u64 {
    let mut h = 0u64;
    each_word(s, |w| h = fold_word(h, hash_bytes(w)));
    h
}

/// Folds the hash of the next word into a [`folded_key`]-style hash.
#[inline]
fn fold_word(h: u64, w: u64) -> u64 {
    (h.rotate_left(7) ^ w).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Whether `a` and `b` are equal once whitespace runs are folded and the ends trimmed.
pub(crate) fn normalized_eq(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// A word-level token: a word, a punctuation mark (a run of the same mark, such as a
/// dotted leader, is one token), or a whole run of whitespace.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Byte range in the paragraph.
    pub range: Range<usize>,
    /// The key the token is compared by: a hash of its text, or [`SPACE`] for whitespace,
    /// so that all whitespace runs compare equal and a change of line wrapping never shows
    /// up as a change of words. Equal keys are always confirmed on the bytes.
    pub key: u64,
}

/// The key of every whitespace token.
pub(crate) const SPACE: u64 = 0;

/// Calls `f(range, space)` with every token of `text` (see [`tokens_into`]), in order.
#[inline]
fn each_token(text: &str, f: impl FnMut(Range<usize>, bool)) {
    each_token_by(text, true, f)
}

/// [`each_token`], with the fast path for simple lines or (`fast` false, for tests) the
/// Unicode tables throughout.
#[inline]
fn each_token_by(text: &str, fast: bool, mut f: impl FnMut(Range<usize>, bool)) {
    // The token being built: its range, whether it is whitespace, and the mark it is a
    // run of (if it is a run of one repeated single-char punctuation mark).
    let mut cur: Option<(Range<usize>, bool)> = None;
    let mut last_mark: Option<char> = None;
    let mut piece = |range: Range<usize>, space: bool, mark: Option<char>| {
        match &mut cur {
            Some((last, true)) if space => last.end = range.end,
            Some((last, _)) if mark.is_some() && mark == last_mark => last.end = range.end,
            _ => {
                if let Some((r, sp)) = cur.replace((range, space)) {
                    f(r, sp);
                }
            }
        }
        last_mark = mark;
    };
    // UAX #29 always breaks after a line feed (WB3a), so each line is cut on its own: the
    // ASCII ones (most of a contract) by the fast path, the others by the full tables.
    let mut line_start = 0;
    for line in each_line(text) {
        let bytes = line.as_bytes();
        if fast && is_simple(bytes) {
            for r in ascii_word_bounds(bytes) {
                // An ASCII token is whitespace throughout exactly when its first byte is;
                // a token that starts with a non-ASCII byte is one known mark.
                let first = bytes[r.start];
                let space = ascii_space(first);
                let mark = if first >= 0x80 {
                    known_at(bytes, r.start).map(|(c, _)| c)
                } else {
                    (r.len() == 1 && !space && !first.is_ascii_alphanumeric())
                        .then_some(first as char)
                };
                piece(line_start + r.start..line_start + r.end, space, mark);
            }
        } else {
            for (start, p) in line.split_word_bound_indices() {
                let space = p.chars().all(char::is_whitespace);
                let mut chars = p.chars();
                let mark = match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_alphanumeric() && !space => Some(c),
                    _ => None,
                };
                let start = line_start + start;
                piece(start..start + p.len(), space, mark);
            }
        }
        line_start += line.len();
    }
    if let Some((r, sp)) = cur {
        f(r, sp);
    }
}

/// The tokens of `text` with keys not yet computed (`SPACE` or 1), pushed onto `out`.
fn raw_tokens(text: &str, out: &mut Vec<Token>) {
    out.reserve(text.len() / 3);
    each_token(text, |range, space| {
        out.push(Token {
            range,
            key: if space { SPACE } else { 1 },
        })
    });
}

/// [`tokens_into`] a new vector.
#[cfg(test)]
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokens_into(text, &mut out);
    out
}

/// Splits `text` at Unicode word boundaries (UAX #29); punctuation marks come out as their
/// own tokens (a run of one repeated mark as one token) and consecutive whitespace
/// (including newlines) is merged into one token. The tokens go into `out` (cleared
/// first), so that the word diff of one paragraph pair after another reuses one buffer
/// instead of allocating two per changed hunk.
pub(crate) fn tokens_into(text: &str, out: &mut Vec<Token>) {
    out.clear();
    if is_simple(text.as_bytes()) {
        simple_tokens(text.as_bytes(), out)
    } else {
        raw_tokens(text, out)
    };
    for t in out.iter_mut() {
        if t.key != SPACE {
            t.key = hash_bytes(text[t.range.clone()].as_bytes()) | 1;
        }
    }
}

/// [`raw_tokens`] of text that [`is_simple`], in one pass without the per-line cutting and
/// merging of [`each_token`] (the same tokens: a test compares them).
fn simple_tokens(b: &[u8], out: &mut Vec<Token>) {
    const NO_MARK: u32 = u32::MAX;
    let wordish = |c: u8| WORDISH[usize::from(c)];
    out.reserve(b.len() / 3 + 1);
    // The mark the last token is a run of.
    let (mut i, mut last_mark) = (0, NO_MARK);
    while i < b.len() {
        let (start, c) = (i, b[i]);
        i += 1;
        if ascii_space(c) {
            while i < b.len() && ascii_space(b[i]) {
                i += 1;
                if b.get(i) == Some(&b' ') {
                    i = spaces_end(b, i);
                }
            }
            out.push(Token {
                range: start..i,
                key: SPACE,
            });
            last_mark = NO_MARK;
        } else if wordish(c) {
            i = simple_word_end(b, start);
            out.push(Token {
                range: start..i,
                key: 1,
            });
            // A lone `_` is a mark, but no `_` can follow it: it would be in this word.
            last_mark = NO_MARK;
        } else {
            let mark = match known_at(b, start) {
                Some((k, _)) if c >= 0x80 => {
                    i = start + 3;
                    u32::from(k)
                }
                _ => u32::from(c),
            };
            match out.last_mut() {
                Some(last) if mark == last_mark => last.range.end = i,
                _ => out.push(Token {
                    range: start..i,
                    key: 1,
                }),
            }
            last_mark = mark;
        }
    }
}

/// The end of the word whose first byte, a letter, digit or `_`, is at `start`, in text
/// that is ASCII but for [`known_at`] characters. UAX #29 joins letters across a MidLetter,
/// MidNumLet or single quote (WB6/7) and digits across a MidNum, MidNumLet or single quote
/// (WB11/12); `’` and `‘` are MidNumLet, as `.` is. Any other byte ends the word, an unknown
/// non-ASCII one included (callers that take only known ones then stop there).
fn simple_word_end(b: &[u8], start: usize) -> usize {
    let letter = |c: u8| c.is_ascii_alphabetic();
    let mut i = start + 1;
    loop {
        i = wordish_end(b, i);
        if i >= b.len() {
            break;
        }
        let d = b[i];
        let (len, class) = match d {
            0..0x80 => (1, d),
            _ if known_at(b, i).is_some_and(|(_, k)| k == Known::MidNumLet) => (3, b'.'),
            _ => break,
        };
        let (prev, next) = (b[i - 1], b.get(i + len).copied());
        let joins = match next {
            Some(n) if letter(prev) && letter(n) => matches!(class, b':' | b'.' | b'\''),
            Some(n) if prev.is_ascii_digit() && n.is_ascii_digit() => {
                matches!(class, b',' | b';' | b'.' | b'\'')
            }
            _ => false,
        };
        if !joins {
            break;
        }
        i += len + 1;
    }
    i
}

/// How UAX #29 classes a [`known_at`] character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Joins letters and digits around it, as `.` does: `’` and `‘`.
    MidNumLet,
    /// A word boundary on both sides: dashes, curly double quotes, bullets, the ellipsis.
    Other,
}

/// The non-ASCII character at byte `i` of `b` if the fast paths know it: the ones that
/// contracts are full of (apostrophes, dashes, curly quotes, bullets), none of which UAX #29
/// lets anything attach to. Bullets come out of PDF text in many shapes: every block element
/// and geometric shape (U+2580–U+25FF: `▪`, `■`, `●`, `◦`...) and every private-use glyph
/// of the Symbol and Wingdings fonts (U+F000–U+F0FF) is known, as a word boundary on both
/// sides (a test checks each one against the tables).
fn known_at(b: &[u8], i: usize) -> Option<(char, Known)> {
    // The three bytes of a character from U+2000 (lead 0xe2) or U+F000 (lead 0xef).
    let decode = |base: u32, m: u8, x: u8| base + (u32::from(m & 0x3f) << 6) + u32::from(x & 0x3f);
    let code = match *b.get(i..i + 3)? {
        [0xe2, m @ (0x80 | 0x96 | 0x97), x] => decode(0x2000, m, x),
        [0xef, m @ 0x80..=0x83, x] => decode(0xf000, m, x),
        _ => return None,
    };
    let class = match code {
        0x2018 | 0x2019 => Known::MidNumLet,
        0x2013 | 0x2014 | 0x201c | 0x201d | 0x2022 | 0x2026 => Known::Other,
        0x2580..=0x25ff | 0xf000..=0xf0ff => Known::Other,
        _ => return None,
    };
    Some((char::from_u32(code)?, class))
}

/// Whether `b` is ASCII but for [`known_at`] characters: the text [`ascii_word_bounds`]
/// takes.
fn is_simple(b: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while i < b.len() {
        // Mostly ASCII: eight bytes at a time while none has its high bit set.
        while i + 8 <= b.len()
            && u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes")) & HIGH == 0
        {
            i += 8;
        }
        if i >= b.len() {
            break;
        }
        if b[i] < 0x80 {
            i += 1;
        } else if known_at(b, i).is_some() {
            i += 3;
        } else {
            return false;
        }
    }
    true
}

/// UAX #29 word boundaries for text that [`is_simple`], much faster than the general
/// tables; agrees with `split_word_bound_indices` on such input (a test checks this on
/// random input).
fn ascii_word_bounds(b: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let wordish = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= b.len() {
            return None;
        }
        let start = i;
        let c = b[i];
        if c >= 0x80 {
            // A known character, on its own (see `is_simple`): three bytes, all of them.
            i += 3;
            return Some(start..i);
        }
        i += 1;
        if wordish(c) {
            i = simple_word_end(b, start);
        } else if c == b'\r' {
            if b.get(i) == Some(&b'\n') {
                i += 1;
            }
        } else if c == b' ' {
            // WB3d: horizontal spaces stay together.
            i = spaces_end(b, i);
        }
        Some(start..i)
    })
}

/// A fast non-cryptographic hash (FxHash-style) of bytes.
///
/// Most inputs are words, shorter than a machine word: those are read in at most two
/// overlapping loads instead of byte by byte, and for them the hash is collision-free
/// (the loads determine every byte, and the mixing step is a bijection).
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let n = bytes.len();
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            bytes[at..at + 4].try_into().expect("4 bytes"),
        ))
    };
    let h = if n >= 8 {
        let mut h = n as u64;
        let mut at = 0;
        while at + 8 <= n {
            h = mix(h, word(at));
            at += 8;
        }
        // The last 1–7 bytes, read as the last 8 (the length is already in `h`).
        if at < n { mix(h, word(n - 8)) } else { h }
    } else if n >= 4 {
        mix(n as u64, half(0) | half(n - 4) << 32)
    } else if n > 0 {
        let b = |i: usize| u64::from(bytes[i]);
        mix(n as u64, b(0) | b(n / 2) << 8 | b(n - 1) << 16)
    } else {
        0
    };
    h ^ (h >> 29)
}

/// Byte ranges of the lines of `text`, each with its newline, into `out` (cleared first).
pub(crate) fn lines_into(text: &str, out: &mut Vec<Range<usize>>) {
    out.clear();
    let mut pos = 0;
    out.extend(each_line(text).map(|l| {
        pos += l.len();
        pos - l.len()..pos
    }));
}

/// Whitespace-separated words: a cheap count where exactness does not matter.
pub(crate) fn rough_words(text: &str) -> usize {
    let mut n = 0;
    each_word(text, |_| n += 1);
    n
}

/// A short hash of one word in a bag (a 32-bit one: a clash between two of a text's
/// words only nudges a similarity estimate, and bags half the size sort faster).
pub(crate) type WordHash = u32;

/// The key of `text` with whitespace runs folded to one space and the ends trimmed, and
/// the short hashes of its whitespace-separated words in order: sorted, a cheap
/// order-blind fingerprint for pairing paragraphs and finding moves.
pub(crate) fn word_hashes(text: &str) -> (u64, Vec<WordHash>) {
    let mut words: Vec<WordHash> = Vec::with_capacity(text.len() / 5);
    let mut key = 0u64;
    each_word(text, |w| {
        let h = hash_bytes(w);
        key = fold_word(key, h);
        words.push(h as WordHash);
    });
    (key, words)
}

/// Number of words in `text`: tokens other than whitespace (a punctuation mark counts).
pub(crate) fn word_count(text: &str) -> usize {
    if let Some(n) = simple_word_count(text.as_bytes()) {
        return n;
    }
    // Tokens never span a line feed and a mark run never continues across one, so the
    // lines are counted one by one: the simple ones fast, the others by the full tables.
    let mut n = 0;
    for line in each_line(text) {
        match simple_word_count(line.as_bytes()) {
            Some(k) => n += k,
            None => each_token(line, |_, space| n += usize::from(!space)),
        }
    }
    n
}

/// ASCII letters, digits and `_` (a table: [`simple_word_count`] looks up every byte).
const WORDISH: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// The first index at or after `i` whose byte is not [`WORDISH`] (a letter, digit or `_`), or
/// the length of `b`. A word is mostly letters: eight bytes are classed at a time, by
/// byte-wise range checks in one `u64` (a byte of 0x7f or less plus `0x80 - c` has its high
/// bit set exactly when it is at least `c`, and no sum carries into the next byte).
#[inline]
fn wordish_end(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each byte set where `y` (bytes of 0x7f or less) is at least `c`.
    let at_least = |y: u64, c: u8| y.wrapping_add(ONES * u64::from(0x80 - c)) & HIGH;
    while i + 8 <= b.len() {
        let x = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let y = x & !HIGH;
        let digit = at_least(y, b'0') & !at_least(y, b'9' + 1);
        // Setting 0x20 folds upper case onto lower and moves nothing else into a..=z.
        let l = y | (ONES * 0x20);
        let letter = at_least(l, b'a') & !at_least(l, b'z' + 1);
        // A byte of `z` is zero exactly where `y` is `_`.
        let z = y ^ (ONES * u64::from(b'_'));
        let underscore = !(z.wrapping_add(ONES * 0x7f) | z) & HIGH;
        let other = !((digit | letter | underscore) & !x) & HIGH;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && WORDISH[usize::from(b[i])] {
        i += 1;
    }
    i
}

/// [`word_count`] of text that [`is_simple`]: the tokens of [`ascii_word_bounds`], merged
/// as [`each_token`] merges them, counted without being built. `None` for any other text.
pub(crate) fn simple_word_count(b: &[u8]) -> Option<usize> {
    const NO_MARK: u32 = u32::MAX;
    let wordish = |c: u8| WORDISH[usize::from(c)];
    // The mark the last token is a run of.
    let (mut n, mut i, mut last_mark) = (0usize, 0usize, NO_MARK);
    while i < b.len() {
        let c = b[i];
        if c >= 0x80 {
            // A known character is a mark of its own; a run of the same one is one token.
            let (mark, _) = known_at(b, i)?;
            n += usize::from(last_mark != u32::from(mark));
            last_mark = u32::from(mark);
            i += 3;
            continue;
        }
        i += 1;
        if ascii_space(c) {
            if b.get(i) == Some(&b' ') {
                i = spaces_end(b, i);
            }
            last_mark = NO_MARK;
        } else if wordish(c) {
            // A lone `_` is a mark too, but a run never follows it.
            n += 1;
            last_mark = NO_MARK;
            // An unknown character ending the word fails the next token's start.
            i = simple_word_end(b, i - 1);
        } else {
            // Any other byte is a one-byte mark; a run of the same mark is one token.
            n += usize::from(u32::from(c) != last_mark);
            last_mark = u32::from(c);
        }
    }
    Some(n)
}

/// The end of the run of ASCII whitespace starting at `i` of `b` (`i` itself if none).
pub(crate) fn space_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && ascii_space(b[i]) {
        i += 1;
    }
    i
}

/// Where the ASCII whitespace that ends `b` starts (0 when `b` is all whitespace).
pub(crate) fn text_end(b: &[u8]) -> usize {
    b.iter()
        .rposition(|&c| !ascii_space(c))
        .map_or(0, |i| i + 1)
}

/// The end of the run of bytes other than ASCII whitespace starting at `i` of `b`.
pub(crate) fn word_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !ascii_space(b[i]) {
        i += 1;
    }
    i
}

/// The number of ASCII whitespace bytes in `t`, counted 64 bytes at a time into a byte-wide
/// counter, which the compiler turns into vector instructions (a plain filter and count
/// ran byte by byte, and cost a twentieth of a whole redline).
fn count_spaces(t: &[u8]) -> usize {
    let mut chunks = t.chunks_exact(64);
    let mut n = 0;
    for chunk in &mut chunks {
        let mut k = 0u8;
        for &c in chunk {
            k += u8::from(c == b' ' || c.wrapping_sub(b'\t') < 5);
        }
        n += usize::from(k);
    }
    n + chunks
        .remainder()
        .iter()
        .filter(|&&c| ascii_space(c))
        .count()
}

/// Whether `a` and `b` are both [`is_simple`] and hold the same whitespace-separated words
/// in the same order (only the whitespace between them may differ). In such text a token
/// never straddles whitespace and a word cuts into the same tokens wherever it stands, so
/// the two token sequences are the same but for their whitespace runs.
pub(crate) fn same_words(a: &[u8], b: &[u8]) -> bool {
    // Most hunks that reach here have a word changed: the same words need the same number
    // of bytes outside whitespace, which a branch-free count (vectorised) rules out first.
    let spaces = |t: &[u8]| count_spaces(t);
    if a.len() - spaces(a) != b.len() - spaces(b) {
        return false;
    }
    let (mut i, mut j) = (0, 0);
    loop {
        (i, j) = (space_end(a, i), space_end(b, j));
        match (i >= a.len(), j >= b.len()) {
            (true, true) => break,
            (false, false) => {}
            _ => return false,
        }
        let (wi, wj) = (word_end(a, i), word_end(b, j));
        if a[i..wi] != b[j..wj] {
            return false;
        }
        (i, j) = (wi, wj);
    }
    is_simple(a) && is_simple(b)
}

/// A bag's words counted in 64 buckets by hash. Two bags share at most, bucket by bucket,
/// the smaller of their counts: comparing sketches bounds the words two bags share in a
/// few instructions, and rules out most pairs of unrelated texts without merging bags.
///
/// The move search compares the sketches of every deletion with those of every insertion
/// of a similar length (a revised agreement with many moved or rewritten paragraphs makes
/// a hundred thousand such pairs), so the comparison is written to be vectorised: whether
/// a count saturated is found once per sketch, and the minima are summed in 32 bits.
#[derive(Debug, Clone)]
pub(crate) struct Sketch {
    counts: [u16; 64],
    /// Whether a count reached `u16::MAX` (and so stands for any number).
    saturated: bool,
}

impl Sketch {
    pub(crate) fn of(bag: &[WordHash]) -> Sketch {
        let mut counts = [0u16; 64];
        for &h in bag {
            let b = (h >> (WordHash::BITS - 6)) as usize;
            counts[b] = counts[b].saturating_add(1);
        }
        let saturated = counts.contains(&u16::MAX);
        Sketch { counts, saturated }
    }

    /// An upper bound on the words the two bags share (a saturated count stands for any
    /// number, so the bound stays an upper bound).
    pub(crate) fn shared_at_most(&self, other: &Sketch) -> usize {
        if self.saturated || other.saturated {
            return usize::MAX / 2;
        }
        // At most 64 · 65,534: the sum fits in 32 bits.
        let shared: u32 = self
            .counts
            .iter()
            .zip(&other.counts)
            .map(|(&a, &b)| u32::from(a.min(b)))
            .sum();
        shared as usize
    }
}

/// [`dice`] when it is at least `threshold`; otherwise some value below `threshold`
/// (the merge stops as soon as the words left can no longer lift it that high).
pub(crate) fn dice_at_least(a: &[WordHash], b: &[WordHash], threshold: f32) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let total = (a.len() + b.len()) as f32;
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    loop {
        // The most the result can still reach: every word left on the shorter side shared.
        // The same float expression as the result, so the bound is never below it.
        let best = common + (a.len() - i).min(b.len() - j);
        if 2.0 * best as f32 / total < threshold {
            return 2.0 * best as f32 / total;
        }
        if i >= a.len() || j >= b.len() {
            break;
        }
        // A stretch of the branch-free merge between checks.
        let mut k = 0;
        while k < 32 && i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            common += usize::from(x == y);
            i += usize::from(x <= y);
            j += usize::from(y <= x);
            k += 1;
        }
    }
    2.0 * common as f32 / total
}

/// Dice coefficient of two sorted bags: `2·|a∩b| / (|a|+|b|)`, 1.0 for two empty bags.
///
/// Order-blind, so it is at least the share of words an in-order diff of the same words
/// would keep: a cheap upper estimate used to rule pairs out before diffing them.
#[cfg(test)]
pub(crate) fn dice(a: &[WordHash], b: &[WordHash]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    // Branch-free merge: the comparisons are unpredictable.
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        common += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    2.0 * common as f32 / (a.len() + b.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_counted_by_the_chunk_match_a_byte_by_byte_count() {
        // Every byte value, at every offset and length across a chunk boundary.
        let bytes: Vec<u8> = (0..=255u8)
            .chain(b"  \t\n\r\x0b\x0c ".iter().copied())
            .collect();
        let text: Vec<u8> = bytes.iter().cycle().take(3 * 64 + 17).copied().collect();
        for start in 0..70 {
            for end in (start..text.len()).step_by(13) {
                let t = &text[start..end];
                let naive = t.iter().filter(|&&c| ascii_space(c)).count();
                assert_eq!(count_spaces(t), naive, "{start}..{end}");
            }
        }
    }

    #[test]
    fn sketches_never_count_fewer_shared_words_than_the_bags_share() {
        let mut seed = 11u64;
        let mut words = |n: usize, distinct: u64| {
            let mut v: Vec<WordHash> = (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    ((seed % distinct) as WordHash).wrapping_mul(0x9e37_79b9)
                })
                .collect();
            v.sort_unstable();
            v
        };
        for n in 0..300 {
            let distinct = [3, 40, 1 << 30][n % 3];
            let (a, b) = (words(n % 97, distinct), words((n * 13) % 151, distinct));
            let shared = (dice(&a, &b) * (a.len() + b.len()) as f32 / 2.0).round() as usize;
            let bound = Sketch::of(&a).shared_at_most(&Sketch::of(&b));
            assert!(bound >= shared, "{bound} < {shared}");
            assert!(bound <= a.len().min(b.len()));
        }
    }

    #[test]
    fn dice_at_least_is_dice_above_the_threshold() {
        let mut seed = 7u64;
        let mut bag = |n: usize| {
            let mut v: Vec<WordHash> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 33) % 12) as WordHash
                })
                .collect();
            v.sort_unstable();
            v
        };
        for n in 0..120 {
            let (a, b) = (bag(n % 70), bag((n * 7) % 90));
            let d = dice(&a, &b);
            for t in [0.0, 0.3, 0.5, 0.8, 1.0] {
                let s = dice_at_least(&a, &b, t);
                if d >= t {
                    assert_eq!(s, d, "{a:?} {b:?} {t}");
                } else {
                    assert!(s < t, "{a:?} {b:?} {t}");
                }
            }
        }
    }

    fn texts(text: &str) -> Vec<&str> {
        paragraphs(text)
            .iter()
            .map(|p| &text[p.range.clone()])
            .collect()
    }

    #[test]
    fn paragraphs_keep_wrapped_lines_together_and_tile_the_text() {
        let text = "\n\nOne line\nwrapped here.\n\n  \nTwo.\r\n\r\nThree";
        assert_eq!(
            texts(text),
            [
                "\n\nOne line\nwrapped here.\n\n  \n",
                "Two.\r\n\r\n",
                "Three"
            ]
        );
        assert!(paragraphs("").is_empty());
        assert_eq!(texts(" \n\n"), [" \n\n"]);
    }

    #[test]
    fn rewrapped_paragraphs_share_a_key() {
        assert_eq!(
            folded_key("the quick brown\nfox\n\n"),
            folded_key("the quick\n  brown fox\n")
        );
        assert_ne!(folded_key("the quick"), folded_key("thequick"));
        let t = " the quick\n brown\u{a0}fox ";
        assert_eq!(word_hashes(t).0, folded_key(t));
    }

    /// `len` characters chosen by `pick` from a xorshift stream: the same text for the same seed.
    fn random_text(seed: &mut u64, len: usize, pick: impl Fn(usize) -> char) -> String {
        (0..len)
            .map(|_| {
                *seed ^= *seed << 13;
                *seed ^= *seed >> 7;
                *seed ^= *seed << 17;
                pick(*seed as usize)
            })
            .collect()
    }

    fn general(text: &str) -> Vec<Range<usize>> {
        text.split_word_bound_indices()
            .map(|(i, p)| i..i + p.len())
            .collect()
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_unicode_tables() {
        let alphabet = b"ab Z09_.,;:'\"-\r\n\t()$%/";
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for len in 0..400 {
            let text = random_text(&mut seed, len % 40, |i| {
                alphabet[i % alphabet.len()] as char
            });
            let fast: Vec<_> = ascii_word_bounds(text.as_bytes()).collect();
            assert_eq!(fast, general(&text), "{text:?}");
        }
        // With the known non-ASCII characters mixed in.
        let chars = [
            'a', 'Z', '0', '9', ' ', '.', ',', ':', '\'', '’', '’', '‘', '_', '\n', '-', '–', '—',
            '“', '”', '•', '…', '●', '\u{f0b7}', '▪', '\u{f0a7}', '■', '◦',
        ];
        for len in 0..2000 {
            let text = random_text(&mut seed, len % 40, |i| chars[i % chars.len()]);
            assert!(is_simple(text.as_bytes()));
            let fast: Vec<_> = ascii_word_bounds(text.as_bytes()).collect();
            assert_eq!(fast, general(&text), "{text:?}");
        }
        // Every bullet shape known, one by one, beside letters, digits, spaces and itself.
        for c in (0x2580..=0x25ff).chain(0xf000..=0xf0ff) {
            let c = char::from_u32(c).expect("not a surrogate");
            let text = format!("{c}a{c}b{c}{c} 1{c}2 {c}.{c}\n{c}");
            assert!(is_simple(text.as_bytes()), "{c:?}");
            let fast: Vec<_> = ascii_word_bounds(text.as_bytes()).collect();
            assert_eq!(fast, general(&text), "{text:?}");
        }
        assert!(!is_simple("é’".as_bytes()));
        assert!(!is_simple("\u{257f}\u{2600}\u{f100}".as_bytes()));
        let text = "It's 3,000.50 e.g. 1st a:b x_y  \r\n\n";
        assert_eq!(
            ascii_word_bounds(text.as_bytes()).collect::<Vec<_>>(),
            general(text)
        );
    }

    /// Checks that the fast paths cut `text` (tokens line by line and in one pass, and the
    /// word count) exactly as the Unicode tables do.
    fn cut_as_the_tables_cut(text: &str) {
        let mut general = Vec::new();
        each_token_by(text, false, |r, space| general.push((r, space)));
        let mut fast = Vec::new();
        each_token(text, |r, space| fast.push((r, space)));
        assert_eq!(fast, general, "{text:?}");
        let whole: Vec<(Range<usize>, bool)> = tokens(text)
            .into_iter()
            .map(|t| (t.range, t.key == SPACE))
            .collect();
        assert_eq!(whole, general, "{text:?}");
        let words = general.iter().filter(|(_, space)| !space).count();
        assert_eq!(word_count(text), words, "{text:?}");
    }

    #[test]
    fn wordish_runs_end_where_the_table_says() {
        // Every byte value at every place of an eight-byte chunk and of the tail.
        for bad in 0..=255u8 {
            for at in 0..12 {
                let mut b = *b"aZ09_zAyxwvu";
                b[at] = bad;
                for from in 0..b.len() {
                    let slow = (from..b.len())
                        .find(|&k| !WORDISH[usize::from(b[k])])
                        .unwrap_or(b.len());
                    assert_eq!(wordish_end(&b, from), slow, "{bad:#x} at {at} from {from}");
                }
            }
        }
    }

    #[test]
    fn fast_word_count_agrees_with_the_tokens() {
        let alphabet = b"ab Z09_.,;:'\"-\r\n\t\x00\x0b()$%/";
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..2000 {
            let text = random_text(&mut seed, len % 60, |i| {
                alphabet[i % alphabet.len()] as char
            });
            cut_as_the_tables_cut(&text);
        }
        // Mixed lines: simple ones counted fast, the others by the tables; the reference
        // is the tables throughout.
        let chars = [
            'a', ' ', '.', '.', '\n', '\n', '’', '\u{a0}', 'é', '\u{301}', '-', '3', '‘', '–', '—',
            '–', '“', '”', '•', '…', '●', '\u{f0b7}', '_', '▪', '\u{f0a7}',
        ];
        for len in 0..4000 {
            let text = random_text(&mut seed, len % 50, |i| chars[i % chars.len()]);
            cut_as_the_tables_cut(&text);
        }
        for t in [
            "a__b _ __ ..--..",
            "x\u{2019}s 3,000.50\r\n\u{a0}!!",
            "employee’s 3’000 a’’b ’’ a’.b 1’x x’1 ’a’",
            "\0\0 a",
        ] {
            let slow = tokens(t).iter().filter(|t| t.key != SPACE).count();
            assert_eq!(word_count(t), slow, "{t:?}");
        }
    }

    #[test]
    fn runs_of_spaces_are_cut_as_byte_by_byte() {
        // PDF page layout: runs of spaces of every length between words and at line ends.
        fn split(t: &str) -> Vec<&str> {
            let mut words = Vec::new();
            each_word(t, |w| words.push(std::str::from_utf8(w).expect("whole")));
            words
        }
        let check = |text: &str| {
            cut_as_the_tables_cut(text);
            let fast: Vec<_> = ascii_word_bounds(text.as_bytes()).collect();
            assert_eq!(fast, general(text), "{text:?}");
            assert_eq!(split(text), text.split_whitespace().collect::<Vec<_>>());
        };
        let mut chars = vec!['a', 'b', '.', '\n', '\t', '\u{2019}', '9'];
        chars.extend([' '; 14]);
        let mut seed: u64 = 0x5eed_5eed_5eed_5eed;
        for len in 0..3000 {
            check(&random_text(&mut seed, len % 90, |i| {
                chars[i % chars.len()]
            }));
        }
        for n in 0..20 {
            let gap = " ".repeat(n);
            check(&format!("{gap}a{gap}b,{gap}\n{gap}c{gap}\t{gap}"));
        }
    }

    #[test]
    fn fast_word_split_agrees_with_split_whitespace() {
        for t in [
            "",
            "  a b\t\nc\x0b\x0cd\r\n ",
            "x\u{1c}y",
            "é  ü\u{a0}z",
            "\u{85}q",
        ] {
            let mut words = Vec::new();
            each_word(t, |w| {
                words.push(std::str::from_utf8(w).expect("whole characters"))
            });
            assert_eq!(words, t.split_whitespace().collect::<Vec<_>>(), "{t:?}");
        }
    }

    #[test]
    fn word_split_agrees_with_split_whitespace_on_long_random_words() {
        let chars = [
            'a', 'b', 'Z', '.', '-', ' ', '\n', '\t', '\u{a0}', '\u{2009}', '’', 'é', '\u{1}',
            '\u{7f}', '\u{85}', '\u{3000}', '\u{2028}', '\u{c}',
        ];
        let mut seed: u64 = 0x1234_5678_9abc_def1;
        for len in 0..3000 {
            // Runs of letters long enough to take the eight-byte path.
            let text: String = random_text(&mut seed, len % 90, |i| chars[i % chars.len()])
                .chars()
                .flat_map(|c| std::iter::repeat_n(c, if c == 'a' { 11 } else { 1 }))
                .collect();
            let mut words = Vec::new();
            each_word(&text, |w| {
                words.push(std::str::from_utf8(w).expect("whole characters"))
            });
            assert_eq!(
                words,
                text.split_whitespace().collect::<Vec<_>>(),
                "{text:?}"
            );
            let lines: Vec<&str> = each_line(&text).collect();
            assert_eq!(lines, text.split_inclusive('\n').collect::<Vec<_>>());
        }
    }

    #[test]
    fn tokens_merge_whitespace_and_split_punctuation() {
        let text = "Hello,  world\n\n(a)....";
        let toks: Vec<&str> = tokens(text)
            .iter()
            .map(|t| &text[t.range.clone()])
            .collect();
        assert_eq!(
            toks,
            ["Hello", ",", "  ", "world", "\n\n", "(", "a", ")", "...."]
        );
    }
}
