//! Words both fronts use when they put the library's numbers into sentences: counts with their
//! nouns, thousands separators, a title cut to a width. One place, so the CLI's preview and the
//! TUI's screen say the same thing the same way.

/// `word` for `n` of them: "article", "articles"; "appendices", "memoranda".
pub fn plural(word: &str, n: usize) -> String {
    match (word, n == 1) {
        (w, true) => w.to_string(),
        ("appendix", _) => "appendices".into(),
        ("memorandum", _) => "memoranda".into(),
        (w, _) => format!("{w}s"),
    }
}

/// "1 article", "14 articles".
pub fn count(n: usize, word: &str) -> String {
    format!("{n} {}", plural(word, n))
}

/// `n` with commas between thousands: 215,609.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// At most `width` characters, an ellipsis marking the cut.
pub fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_sentences() {
        assert_eq!(count(1, "article"), "1 article");
        assert_eq!(count(2, "appendix"), "2 appendices");
        assert_eq!(count(3, "memorandum"), "3 memoranda");
        assert_eq!(thousands(215_609), "215,609");
        assert_eq!(thousands(999), "999");
        assert_eq!(clip("Recognition and Scope", 11), "Recognitio…");
        assert_eq!(clip("Short", 11), "Short");
    }
}
