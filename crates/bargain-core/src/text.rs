//! Text that came from outside (a repository, a file named on the command line): checked as
//! text, and made safe to show.
//!
//! Anyone with push access writes the files a committee member reads, so no byte of them reaches a
//! terminal as a control sequence: everything shown goes through [`escape_controls`]. Text is kept
//! exact in memory (a redline must rebuild it byte for byte); escaping happens only at display.

use std::borrow::Cow;
use std::fmt;

/// The first index of `needle` in `haystack`, as `memchr::memchr` finds it, but with SSE2
/// (always there on x86-64) rather than with the vector width read from the processor. That
/// reading (`cpuid`, which a virtual machine traps) costs more than searching a whole article:
/// a `bargain diff --files` of two articles spent 3% of its CPU on it.
pub(crate) fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    if let Some(one) = memchr::arch::x86_64::sse2::memchr::One::new(needle) {
        return one.find(haystack);
    }
    memchr::memchr(needle, haystack)
}

/// Every index of `needle` in `haystack`, in order ([`find_byte`] of each rest).
pub(crate) fn byte_positions(needle: u8, haystack: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let found = at + find_byte(needle, haystack.get(at..)?)?;
        at = found + 1;
        Some(found)
    })
}

/// Something wrong with one file of the table. The table still loads around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path inside the repository, with `/` separators.
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Problem {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line each: a newline in a file name or quoted value must not forge another line.
        let file = escape_line(&self.file);
        let message = escape_line(&self.message);
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{file}:{l}:{c}: {message}"),
            (Some(l), None) => write!(f, "{file}:{l}: {message}"),
            _ => write!(f, "{file}: {message}"),
        }
    }
}

/// Shows control characters visibly: ESC as `^[`, other C0 controls as `^X`, DEL as `^?`, C1
/// controls and bidirectional overrides as `<U+XXXX>`. Newlines and tabs are kept.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// Like [`escape_controls`] but also shows newlines and tabs, for one-line fields (titles, names).
pub fn escape_line(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| needs_escape(c) || c == '\n' || c == '\t')
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("^J"),
            '\t' => out.push(' '),
            c => push_escaped(&mut out, c),
        }
    }
    Cow::Owned(out)
}

/// Makes serialized JSON safe to print: serde_json escapes C0 controls itself but leaves DEL, C1
/// controls (U+0080..U+009F, e.g. CSI U+009B) and bidi overrides raw. Those can only occur inside
/// JSON strings, so each becomes a `\uXXXX` escape: the JSON still decodes to the exact text.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if needs_escape(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` is never shown raw: a control character other than newline and tab, or a
/// bidirectional control. The one table of what is escaped, for every output of the program.
pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// Characters that reorder text on screen (the "Trojan Source" family).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

fn push_escaped(out: &mut String, c: char) {
    if c != '\n' && c != '\t' && needs_escape(c) {
        out.push_str(&visible(c));
    } else {
        out.push(c);
    }
}

/// How an escaped character is shown: caret notation for C0 and DEL (`^[`, `^?`), `<U+XXXX>` for
/// the rest.
pub fn visible(c: char) -> String {
    let n = c as u32;
    if n < 0x20 {
        format!("^{}", char::from_u32(n + 0x40).unwrap_or('?'))
    } else if n == 0x7f {
        "^?".to_owned()
    } else {
        format!("<U+{n:04X}>")
    }
}

/// The most a YAML file of the table (`bargaining.yaml`, `article.yaml`) may hold. The largest
/// real one is a few KB; a parser given megabytes of list items costs a hundred times their size
/// in memory before it can say what is wrong, so anything bigger is refused unread.
pub const MAX_YAML_BYTES: u64 = 512 << 10;
/// The most one text of an article (a pass, `current.md`, `ta.md`) may hold. A whole
/// agreement is under 1 MB (tests/data) and an article is a part of one, but the table promises
/// that a 10 MB article still loads (tests/test_table.rs), so the cap sits above that.
pub const MAX_TEXT_BYTES: u64 = 16 << 20;
/// The most a note of a recording may hold: a note is a sentence or a paragraph for the record
/// (it goes into the commit message, and for a status into `article.yaml`), never a document.
pub const MAX_NOTE_BYTES: usize = 16 << 10;

/// Checks a size against a cap before anything is read: the problem names the file, its size and
/// the cap.
pub fn check_size(bytes: u64, cap: u64, file: &str) -> Result<(), Problem> {
    if bytes <= cap {
        return Ok(());
    }
    Err(Problem::new(
        file,
        format!(
            "is {}, over the cap of {} for this kind of file; it was not read",
            human_bytes(bytes),
            human_bytes(cap)
        ),
    ))
}

/// A size as people read it: `812 bytes`, `512 KB`, `4 MB` (binary units, as `du -h`).
pub fn human_bytes(bytes: u64) -> String {
    const KB: u64 = 1 << 10;
    const MB: u64 = 1 << 20;
    match bytes {
        b if b >= MB && b % MB == 0 => format!("{} MB", b / MB),
        b if b >= MB => format!("{:.1} MB", b as f64 / MB as f64),
        b if b >= KB && b % KB == 0 => format!("{} KB", b / KB),
        b if b >= KB => format!("{:.1} KB", b as f64 / KB as f64),
        b => format!("{b} bytes"),
    }
}

/// The English possessive of a name: "Example Health's", "Coalition of Health Care Unions'".
pub fn possessive(name: &str) -> String {
    if name.ends_with(['s', 'S']) {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// Checks that a file's bytes are text: UTF-8 and no NUL byte. The error names the file and the
/// line of the first bad byte.
pub fn decode_text(bytes: &[u8], file: &str) -> Result<String, Problem> {
    text_in(bytes, file).map(str::to_string)
}

/// [`decode_text`] without a copy: the text (less any byte-order mark) borrowed from `bytes`.
pub fn text_in<'b>(bytes: &'b [u8], file: &str) -> Result<&'b str, Problem> {
    let text = check_text(bytes, file)?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// [`decode_text`] of bytes the caller owns: a file read whole becomes the text without a
/// copy.
pub fn decode_text_owned(mut bytes: Vec<u8>, file: &str) -> Result<String, Problem> {
    check_text(&bytes, file)?;
    if bytes.starts_with("\u{feff}".as_bytes()) {
        bytes.drain(..3);
    }
    Ok(String::from_utf8(bytes).expect("checked"))
}

/// The bytes of a file named on the command line (`bargain diff --files`).
pub enum FileBytes {
    /// A large regular file, mapped rather than copied: as `git diff` does, and for the same
    /// reason (reading 300 KB costs a copy into fresh pages, mapping costs neither).
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(map) => map,
            FileBytes::Read(bytes) => bytes,
        }
    }
}

/// Files at least this big are mapped; smaller ones cost less to read than to map.
const MAP_FROM: u64 = 64 * 1024;

/// Reads a file for one command, mapping it when it is a large regular file.
///
/// A mapped file that another program rewrites while the command runs can show a mix of old
/// and new text, as with `git diff` and `ripgrep`, which map files the same way; the text is
/// checked as UTF-8 once and only read after that.
pub fn read_file(path: &std::path::Path) -> std::io::Result<FileBytes> {
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() && meta.len() >= MAP_FROM {
        // SAFETY: the map is read-only and private; see above for a file changed meanwhile.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(FileBytes::Mapped(map));
        }
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::io::Read::read_to_end(&mut &file, &mut bytes)?;
    Ok(FileBytes::Read(bytes))
}

fn check_text<'b>(bytes: &'b [u8], file: &str) -> Result<&'b str, Problem> {
    if let Some(at) = find_byte(0, bytes) {
        let line = line_of(bytes, at);
        return Err(Problem {
            file: file.to_string(),
            line: Some(line),
            column: None,
            message: "is binary (contains a NUL byte), not text".to_string(),
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => {
            let at = e.valid_up_to();
            let line = line_of(bytes, at);
            let column = at
                - bytes[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1;
            Err(Problem {
                file: file.to_string(),
                line: Some(line),
                column: Some(column),
                message: "is not UTF-8 text; save it as UTF-8".to_string(),
            })
        }
    }
}

fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_search_finds_what_memchr_finds() {
        // Past 64 bytes, so the vector loop runs, with hits at both ends and in a run.
        let mut hay = [b'x'; 200];
        for at in [0, 15, 16, 17, 63, 64, 100, 101, 199] {
            hay[at] = b'\n';
        }
        for len in [0, 1, 15, 16, 33, 64, 65, 150, 200] {
            let h = &hay[..len];
            let found: Vec<usize> = byte_positions(b'\n', h).collect();
            assert_eq!(found, memchr::memchr_iter(b'\n', h).collect::<Vec<_>>());
            assert_eq!(find_byte(b'\n', h), memchr::memchr(b'\n', h));
            assert_eq!(find_byte(0, h), None);
        }
    }

    #[test]
    fn escape_sequences_are_shown_not_sent() {
        let shown = escape_controls("a\x1b[31mred\x07\u{9b}2J\u{202e}x\ny\tz\x7f");
        assert_eq!(shown, "a^[[31mred^G<U+009B>2J<U+202E>x\ny\tz^?");
        assert!(matches!(escape_controls("plain\ntext"), Cow::Borrowed(_)));
        assert_eq!(escape_line("two\nlines"), "two^Jlines");
    }

    #[test]
    fn json_keeps_no_raw_control_and_decodes_to_the_same_text() {
        let text = "a\x1b[2J\u{9b}1m\x7f\u{202e}é";
        let json = serde_json::to_string(text).unwrap();
        let safe = escape_json(&json);
        assert!(!safe.chars().any(needs_escape), "{safe}");
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), text);
    }

    #[test]
    fn a_size_over_its_cap_names_the_file_the_size_and_the_cap() {
        assert!(check_size(MAX_YAML_BYTES, MAX_YAML_BYTES, "a.yaml").is_ok());
        let p = check_size(20 << 20, MAX_YAML_BYTES, "proposals/12/article.yaml").unwrap_err();
        assert_eq!(
            p.to_string(),
            "proposals/12/article.yaml: is 20 MB, over the cap of 512 KB for this kind of file; it was not read"
        );
        assert_eq!(human_bytes(1536), "1.5 KB");
        assert_eq!(human_bytes(12), "12 bytes");
    }

    #[test]
    fn bad_bytes_are_located() {
        let p = decode_text(b"ok\nfine\nbad \xff here", "x.md").unwrap_err();
        assert_eq!((p.line, p.column), (Some(3), Some(5)));
        let p = decode_text(b"one\n\0", "y.md").unwrap_err();
        assert_eq!(p.line, Some(2));
        assert_eq!(decode_text("\u{feff}bom".as_bytes(), "z").unwrap(), "bom");
    }
}
