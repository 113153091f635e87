//! Cutting a text into paragraphs and a paragraph into word tokens.
//!
//! Every cut is a byte range into the original text, and the ranges of one level tile
//! their parent exactly, so whatever is built from them can always be put back together
//! byte for byte.

use std::hash::{Hash, Hasher};
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// One paragraph of a text: its lines up to the next blank line, with the blank lines
/// that follow it (and, for the first paragraph, any blank lines that lead the text).
#[derive(Debug, Clone)]
pub(crate) struct Paragraph {
    /// Byte range in the text; the paragraphs of a text tile it.
    pub range: Range<usize>,
    /// Hash of the paragraph with every whitespace run folded to one space and the ends
    /// trimmed: two paragraphs that differ only in line wrapping share it.
    pub key: u64,
}

/// Whether a line (without regard to its ending) holds nothing but whitespace.
fn is_blank(line: &str) -> bool {
    line.chars().all(char::is_whitespace)
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
    for line in text.split_inclusive('\n') {
        let blank = is_blank(line);
        if blank {
            if has_body {
                in_gap = true;
            }
        } else if in_gap {
            out.push(paragraph(text, start..pos));
            start = pos;
            in_gap = false;
        } else {
            has_body = true;
        }
        pos += line.len();
    }
    if start < text.len() {
        out.push(paragraph(text, start..text.len()));
    }
    out
}

fn paragraph(text: &str, range: Range<usize>) -> Paragraph {
    let key = normalized_hash(&text[range.clone()]);
    Paragraph { range, key }
}

/// Hash of `s` with whitespace runs folded to one space and the ends trimmed.
pub(crate) fn normalized_hash(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            h.write_u8(b' ');
        }
        word.hash(&mut h);
    }
    h.finish()
}

/// Whether `a` and `b` are equal once whitespace runs are folded and the ends trimmed.
pub(crate) fn normalized_eq(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// A word-level token: a word, a single punctuation mark, or a whole run of whitespace.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    /// Byte range in the paragraph.
    pub range: Range<usize>,
    /// Whether the token is a whitespace run.
    pub space: bool,
}

/// The key a token is compared by: whitespace runs all compare equal, so a change of
/// line wrapping never shows up as a change of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TokenKey<'a> {
    Space,
    Word(&'a str),
}

/// Splits `text` at Unicode word boundaries (UAX #29); punctuation marks come out as their
/// own tokens and consecutive whitespace (including newlines) is merged into one token.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for (start, piece) in text.split_word_bound_indices() {
        let space = piece.chars().all(char::is_whitespace);
        let end = start + piece.len();
        match out.last_mut() {
            Some(last) if space && last.space => last.range.end = end,
            _ => out.push(Token {
                range: start..end,
                space,
            }),
        }
    }
    out
}

pub(crate) fn token_keys<'a>(text: &'a str, tokens: &[Token]) -> Vec<TokenKey<'a>> {
    tokens
        .iter()
        .map(|t| {
            if t.space {
                TokenKey::Space
            } else {
                TokenKey::Word(&text[t.range.clone()])
            }
        })
        .collect()
}

/// Number of words in `text`: tokens that are not whitespace (a punctuation mark counts).
pub(crate) fn word_count(text: &str) -> usize {
    text.split_word_bounds()
        .filter(|p| !p.chars().all(char::is_whitespace))
        .count()
}

/// A bag of hashed words, sorted, for a cheap order-blind similarity between paragraphs.
pub(crate) fn word_bag(text: &str) -> Vec<u64> {
    let mut bag: Vec<u64> = text
        .split_word_bounds()
        .filter(|p| !p.chars().all(char::is_whitespace))
        .map(|p| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            p.hash(&mut h);
            h.finish()
        })
        .collect();
    bag.sort_unstable();
    bag
}

/// Dice coefficient of two sorted bags: `2·|a∩b| / (|a|+|b|)`, 1.0 for two empty bags.
///
/// It never falls below the similarity ratio of an in-order word diff of the same texts,
/// so a pair it rejects would be rejected by the word diff too.
pub(crate) fn dice(a: &[u64], b: &[u64]) -> f32 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f32 / (a.len() + b.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let a = paragraphs("the quick brown\nfox\n\n");
        let b = paragraphs("the quick\n  brown fox\n");
        assert_eq!(a[0].key, b[0].key);
    }

    #[test]
    fn tokens_merge_whitespace_and_split_punctuation() {
        let text = "Hello,  world\n\n(a)";
        let toks: Vec<&str> = tokens(text)
            .iter()
            .map(|t| &text[t.range.clone()])
            .collect();
        assert_eq!(toks, ["Hello", ",", "  ", "world", "\n\n", "(", "a", ")"]);
    }
}
