//! The bodies of the fuzz targets (`fuzz/`, cargo-fuzz on nightly), kept here so the stable test
//! suite replays every corpus file through exactly the same code (`tests/test_harden.rs`).
//!
//! Each body takes arbitrary bytes, must never panic, hang or allocate out of proportion, and
//! asserts the promise of what it drives: a failed assertion is a finding.

use crate::document::{self, Kind, Limits};
use crate::export::redline_text::{plain, plain_parse};
use crate::model::{Article, Table};
use crate::redline::{Options, compare};
use crate::store::snapshot::parse_yaml_str;
use std::time::Duration;

/// Limits small enough that one fuzz input costs milliseconds, as an import of a hostile file
/// would be bounded by the defaults.
fn limits() -> Limits {
    Limits {
        max_file_bytes: 1 << 20,
        max_unpacked_bytes: 4 << 20,
        max_text_bytes: 1 << 20,
        ..Limits::default()
    }
}

/// `bargaining.yaml` and `article.yaml` as the store loads them: the text check, the YAML parse
/// with its size and nesting caps, and the table's own consistency check.
pub fn table_yaml(data: &[u8]) {
    let Ok(text) = crate::text::decode_text(data, "bargaining.yaml") else {
        return;
    };
    if let Ok(table) = parse_yaml_str::<Table>(&text, "bargaining.yaml") {
        let _ = table.check();
    }
    let _ = parse_yaml_str::<Article>(&text, "article.yaml");
}

/// Two texts, cut at the first NUL byte (or in the middle when there is none).
fn two_texts(data: &[u8]) -> (String, String) {
    let cut = memchr::memchr(0, data).unwrap_or(data.len() / 2);
    let (a, b) = data.split_at(cut);
    let b = b.strip_prefix(b"\0").unwrap_or(b);
    (
        String::from_utf8_lossy(a).into_owned(),
        String::from_utf8_lossy(b).into_owned(),
    )
}

/// The redline engine on two arbitrary texts. Oracle: exactness — both texts rebuilt byte for
/// byte from the segments — and the plain-marker rendering read back to the same two texts.
pub fn redline(data: &[u8]) {
    let (old, new) = two_texts(data);
    let options = Options {
        deadline: Duration::from_millis(200),
        ..Options::by("union")
    };
    let r = compare(&old, &new, &options);
    assert_eq!(
        r.old_text(),
        old,
        "the old text is not rebuilt from the segments"
    );
    assert_eq!(
        r.new_text(),
        new,
        "the new text is not rebuilt from the segments"
    );
    assert_eq!(r.is_unchanged(), old == new);
    let _ = r.changes();
    let marked = plain(&r);
    match plain_parse(&marked) {
        Ok((o, n)) => {
            assert_eq!(o, old, "plain markers do not read back to the old text");
            assert_eq!(n, new, "plain markers do not read back to the new text");
        }
        Err(e) => panic!("the engine's own plain markers do not parse: {e}"),
    }
}

/// The plain-marker parser on arbitrary text: an error or two texts, never a panic.
pub fn plain_markers(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok((old, new)) = plain_parse(&text) {
        // What it read must survive a redline and come back the same.
        let r = compare(&old, &new, &Options::default());
        assert_eq!(r.old_text(), old);
        assert_eq!(r.new_text(), new);
    }
}

/// The `.docx` import reader, then the split into articles.
pub fn docx(data: &[u8]) {
    if let Ok(doc) = document::read(data, Kind::Docx, &limits()) {
        let _ = document::split(&doc);
    }
}

/// The PDF-text import reader (what `pdftotext -layout` wrote), then the split into articles.
pub fn pdf_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(doc) = document::pdf::from_text(&text, &limits()) {
        let _ = document::split(&doc);
    }
}

/// The files kept in `.git/bargain/` (the history index, the blob facts), their bodies framed
/// with a right checksum so that arbitrary bytes reach the readers behind it, read as a start
/// reads them: damage is refused, never a panic; what reads back writes back to the same.
pub fn cache_files(data: &[u8]) {
    use crate::store::{facts, index_cache};
    let shallow = [0; 32];
    if let Ok(history) = index_cache::decode(&index_cache::framed(&[data]), &shallow) {
        let written = index_cache::encode(&history, &shallow).expect("what was read is written");
        let back = index_cache::decode(&written, &shallow).expect("and read back");
        assert_eq!(back.commits, history.commits);
        assert_eq!(back.articles, history.articles);
        assert_eq!((back.head, back.shallow), (history.head, history.shallow));
    }
    if let Some(known) = facts::decode(&facts::framed(data)) {
        assert_eq!(facts::decode(&facts::encode(&known)).as_ref(), Some(&known));
    }
}

/// One fuzz body.
pub type Target = fn(&[u8]);

/// The targets by name, as the corpora under `fuzz/corpus/<name>/` are kept.
pub const TARGETS: &[(&str, Target)] = &[
    ("cache_files", cache_files),
    ("table_yaml", table_yaml),
    ("redline", redline),
    ("plain_markers", plain_markers),
    ("docx", docx),
    ("pdf_text", pdf_text),
];
