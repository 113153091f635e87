//! What bargain has learnt about blobs, kept in `.git/bargain/facts-v1` so that `status` does not
//! read and parse the same blobs again at every start: whether a pass reads as text, which
//! status an `article.yaml` version records (or that it cannot be read), and the SHA-256 of an
//! agreed text (`ta.md`), which a standing TA's recorded hash is checked against.
//!
//! Promises:
//! 1. Never a wrong answer. A blob's bytes never change under its id, so a fact learnt once stays
//!    true: the file can be damaged, never stale. It is used only when its magic, format version,
//!    SHA-256 checksum and record structure all check out; anything else is ignored (every fact
//!    is learnt again from the blobs) and the file rewritten. A fact is kept only for a blob that
//!    was found, so a blob missing today (a partial clone) is asked again tomorrow.
//! 2. A cache: failing to write it is never an error, and it is written by temporary file and
//!    rename, so a reader sees the old file or the new one.
//! 3. Untrusted bytes: the body is two counted runs of fixed-size records (fact bytes, then
//!    digests) and nothing else, each record's value one this version writes; reading allocates
//!    at most what the file holds.
//!
//! The format is bumped when what a fact means changes (for example when the rules of what a
//! readable `article.yaml` is change in a way that turns a readable file unreadable): an older
//! file is then ignored.

use super::Repo;
use crate::model::{Status, TentativeAgreement};
use git2::Oid;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;

const MAGIC: &[u8; 16] = b"bargain-facts\0\0\0";
/// Bumped whenever what a fact means changes.
pub const FORMAT: u32 = 2;
const HEADER: usize = MAGIC.len() + 4 + 32;
/// An object id and its fact byte.
const RECORD: usize = 20 + 1;
/// An object id and the SHA-256 of its bytes.
const DIGEST_RECORD: usize = 20 + 32;

/// Bits 0–1 of a fact: whether the blob reads as text.
const TEXT_MASK: u8 = 0b0000_0011;
const TEXT: u8 = 1;
const NOT_TEXT: u8 = 2;
/// Bits 4–7: the status an `article.yaml` holding these bytes records; 1 + its place in
/// [`Status::ALL`], or [`UNREADABLE`].
const STATUS_SHIFT: u8 = 4;
const UNREADABLE: u8 = 15;

/// The facts known about blobs, and those learnt since loading.
#[derive(Debug, Default)]
pub struct Facts {
    known: Known,
    learnt: usize,
}

/// The facts of a file: a fact byte per blob, and the digests of the blobs hashed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Known {
    pub facts: HashMap<Oid, u8>,
    pub digests: HashMap<Oid, [u8; 32]>,
}

/// Where the facts of `repo` are kept (shared by all work trees of one repository).
pub fn path(repo: &Repo) -> PathBuf {
    repo.git.commondir().join("bargain").join("facts-v1")
}

impl Facts {
    /// The facts on disk; none when the file is missing or fails any check.
    pub fn load(repo: &Repo) -> Facts {
        std::fs::read(path(repo))
            .ok()
            .and_then(|bytes| decode(&bytes))
            .map(|known| Facts { known, learnt: 0 })
            .unwrap_or_default()
    }

    /// Whether `blob` reads as text by the rule every reader uses ([`crate::text::text_in`]);
    /// `None` when the blob is not in the repository.
    pub fn is_text(&mut self, repo: &Repo, blob: Oid, path: &str) -> Option<bool> {
        match self.known.facts.get(&blob).map(|f| f & TEXT_MASK) {
            Some(TEXT) => return Some(true),
            Some(NOT_TEXT) => return Some(false),
            _ => {}
        }
        let found = repo.git.find_blob(blob).ok()?;
        let text = crate::text::text_in(found.content(), path).is_ok();
        self.learn(blob, TEXT_MASK, if text { TEXT } else { NOT_TEXT });
        Some(text)
    }

    /// The status an `article.yaml` holding `blob` records, `None` when it cannot be read as one
    /// (or the blob is not in the repository); `read` parses the blob when it is not known yet.
    pub fn status(
        &mut self,
        repo: &Repo,
        blob: Oid,
        read: impl FnOnce() -> Option<Status>,
    ) -> Option<Status> {
        if let Some(code) = self.known.facts.get(&blob).map(|f| f >> STATUS_SHIFT)
            && code != 0
        {
            return status_of(code);
        }
        let exists = repo.git.odb().is_ok_and(|odb| odb.exists(blob));
        if !exists {
            return None;
        }
        let status = read();
        let code = status.map_or(UNREADABLE, code_of);
        self.learn(blob, 0xf0, code << STATUS_SHIFT);
        status
    }

    /// The SHA-256 of `blob`'s bytes as `article.yaml` records a TA's hash
    /// ([`TentativeAgreement::hash_of`]); `None` when the blob is not in the repository.
    pub fn sha256(&mut self, repo: &Repo, blob: Oid) -> Option<String> {
        if let Some(digest) = self.known.digests.get(&blob) {
            return Some(TentativeAgreement::hex(digest));
        }
        let found = repo.git.find_blob(blob).ok()?;
        let digest: [u8; 32] = Sha256::digest(found.content()).into();
        self.known.digests.insert(blob, digest);
        self.learnt += 1;
        Some(TentativeAgreement::hex(&digest))
    }

    fn learn(&mut self, blob: Oid, mask: u8, value: u8) {
        let fact = self.known.facts.entry(blob).or_insert(0);
        *fact = (*fact & !mask) | value;
        self.learnt += 1;
    }

    /// Writes the facts back when any were learnt since loading. Errors are ignored: the next
    /// start learns them again.
    pub fn save(&self, repo: &Repo) {
        if self.learnt == 0 {
            return;
        }
        let _ = super::keep(&path(repo), &encode(&self.known));
    }
}

fn code_of(status: Status) -> u8 {
    1 + Status::ALL
        .iter()
        .position(|s| *s == status)
        .expect("every status is listed") as u8
}

fn status_of(code: u8) -> Option<Status> {
    Status::ALL.get(usize::from(code).checked_sub(1)?).copied()
}

/// Whether a fact byte is one this version writes.
fn valid(fact: u8) -> bool {
    let text = fact & TEXT_MASK;
    let status = fact >> STATUS_SHIFT;
    let unused = fact & 0b0000_1100;
    fact != 0
        && unused == 0
        && text != TEXT_MASK
        && (status == UNREADABLE || usize::from(status) <= Status::ALL.len())
}

/// The file's bytes for `known`, records sorted so the same facts give the same file.
pub fn encode(known: &Known) -> Vec<u8> {
    let mut facts: Vec<(&Oid, &u8)> = known.facts.iter().collect();
    facts.sort_unstable();
    let mut digests: Vec<(&Oid, &[u8; 32])> = known.digests.iter().collect();
    digests.sort_unstable();
    let mut body = Vec::with_capacity(8 + facts.len() * RECORD + digests.len() * DIGEST_RECORD);
    body.extend_from_slice(&(facts.len() as u32).to_le_bytes());
    for (id, fact) in facts {
        body.extend_from_slice(id.as_bytes());
        body.push(*fact);
    }
    body.extend_from_slice(&(digests.len() as u32).to_le_bytes());
    for (id, digest) in digests {
        body.extend_from_slice(id.as_bytes());
        body.extend_from_slice(digest);
    }
    framed(&body)
}

/// A whole file around `body`: magic, format and the body's SHA-256. (The fuzz target frames
/// arbitrary bodies with it, so that they reach the body's reader.)
pub fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&Sha256::digest(body));
    out.extend_from_slice(body);
    out
}

/// The facts in `bytes`, or `None` when the file fails any check.
pub fn decode(bytes: &[u8]) -> Option<Known> {
    if bytes.len() < HEADER || &bytes[..MAGIC.len()] != MAGIC {
        return None;
    }
    let format = u32::from_le_bytes(bytes[16..20].try_into().ok()?);
    let (sum, body) = bytes[20..].split_at(32);
    if format != FORMAT || Sha256::digest(body).as_slice() != sum {
        return None;
    }
    let (facts, rest) = records(body, RECORD)?;
    let (digests, rest) = records(rest, DIGEST_RECORD)?;
    if !rest.is_empty() {
        return None;
    }
    let mut known = Known {
        facts: HashMap::with_capacity(facts.len() / RECORD),
        digests: HashMap::with_capacity(digests.len() / DIGEST_RECORD),
    };
    for record in facts.chunks_exact(RECORD) {
        let id = Oid::from_bytes(&record[..20]).ok()?;
        let fact = record[20];
        if !valid(fact) || known.facts.insert(id, fact).is_some() {
            return None;
        }
    }
    for record in digests.chunks_exact(DIGEST_RECORD) {
        let id = Oid::from_bytes(&record[..20]).ok()?;
        let digest: [u8; 32] = record[20..].try_into().ok()?;
        if known.digests.insert(id, digest).is_some() {
            return None;
        }
    }
    Some(known)
}

/// A run of records counted by its leading `u32`, and what follows it; `None` when the bytes do
/// not hold that many.
fn records(bytes: &[u8], size: usize) -> Option<(&[u8], &[u8])> {
    let count = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let length = count.checked_mul(size)?;
    let rest = &bytes[4..];
    (rest.len() >= length).then(|| rest.split_at(length))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some_facts() -> Known {
        let mut known = HashMap::new();
        for (i, status) in Status::ALL.iter().enumerate() {
            let id = Oid::from_bytes(&[i as u8 + 1; 20]).unwrap();
            known.insert(id, code_of(*status) << STATUS_SHIFT | TEXT);
        }
        known.insert(Oid::from_bytes(&[99; 20]).unwrap(), NOT_TEXT);
        known.insert(
            Oid::from_bytes(&[98; 20]).unwrap(),
            UNREADABLE << STATUS_SHIFT,
        );
        let digests = HashMap::from([
            (Oid::from_bytes(&[97; 20]).unwrap(), [5; 32]),
            (Oid::from_bytes(&[1; 20]).unwrap(), [6; 32]),
        ]);
        Known {
            facts: known,
            digests,
        }
    }

    #[test]
    fn facts_read_back_as_written() {
        let known = some_facts();
        let bytes = encode(&known);
        // A written file is its body framed: what the fuzz target frames reaches the reader.
        assert_eq!(framed(&bytes[HEADER..]), bytes);
        assert_eq!(decode(&bytes), Some(known));
    }

    #[test]
    fn every_status_has_its_own_code() {
        for status in Status::ALL {
            assert_eq!(status_of(code_of(status)), Some(status));
        }
        assert_eq!(status_of(UNREADABLE), None);
        assert_eq!(status_of(0), None);
    }

    #[test]
    fn damaged_files_are_ignored_never_misread() {
        let bytes = encode(&some_facts());
        // Every truncation, and every single flipped bit, is refused.
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), None, "cut at {cut}");
        }
        for at in 0..bytes.len() {
            for bit in 0..8 {
                let mut damaged = bytes.clone();
                damaged[at] ^= 1 << bit;
                assert_eq!(decode(&damaged), None, "bit {bit} of byte {at}");
            }
        }
    }

    #[test]
    fn a_fact_this_version_never_writes_is_refused() {
        let id = Oid::from_bytes(&[7; 20]).unwrap();
        for fact in [0u8, TEXT_MASK, 0b0000_0100, 8 << STATUS_SHIFT] {
            let known = Known {
                facts: HashMap::from([(id, fact)]),
                ..Known::default()
            };
            assert_eq!(decode(&encode(&known)), None, "fact {fact:#010b}");
        }
    }
}
