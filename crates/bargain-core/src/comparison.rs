//! Comparisons: which two texts of an article a redline shows, and how each is labelled (side,
//! pass number, session, date, author). Named once here and shared by the CLI's `bargain diff`
//! and the TUI's redline pane.
//!
//! Owns: the comparison names (`sides`, `since-last SIDE`, `vs-current SIDE`, `ta`, `three-way`,
//! and two versions picked from the history), finding the blobs in the history index, reading
//! them, the labels, and the one dispatch from a resolved comparison to the engine
//! ([`Resolved::redline`]: two-way or three-way, changes attributed to the new text's side), which
//! the CLI and the TUI both call. Never does: the diffing itself (that is `redline`), printing,
//! or escaping — labels and texts are returned exactly as the repository has them; the caller
//! escapes at display.

use crate::events::{Event, FileKind, What, session_of};
use crate::model::{Date, Table};
use crate::redline::{self, Options, Redline, ThreeWay};
use crate::store::{ArticleEntry, History, Repo, Snapshot};
use crate::text::Problem;

/// What to compare for one article.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// Each side's latest pass against the other's: the first side's (in table order) is the
    /// old text, the second side's the new.
    Sides,
    /// A side's latest pass against its previous one (against the current language, or nothing
    /// for a new article, when the side has passed once).
    SinceLast(String),
    /// A side's latest pass against the current contract language (a new article is all
    /// insertion).
    VsCurrent(String),
    /// The tentatively agreed text against the current language.
    Ta,
    /// The current language as the base, each side's latest pass against it.
    ThreeWay,
    /// Any two versions from the article's history: old, new.
    Versions(VersionRef, VersionRef),
}

/// One version of one of the article's files.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VersionRef {
    /// Pass `number` (1-based) of `side`.
    Pass { side: String, number: u32 },
    /// The current language as committed now.
    Current,
    /// The tentatively agreed text as committed now.
    Ta,
    /// The version written by event `n` of [`History::events`] for the article (events are
    /// only ever appended, so the index is stable while the index grows).
    Event(usize),
    /// The text of the article that a commit wrote (a hex prefix of its id, at least 4
    /// digits): its pass, current language or TA.
    Commit(String),
}

/// A text and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub label: Label,
    pub text: String,
}

/// Where a version comes from. All fields are untrusted repository data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Label {
    /// What the version is: "Example Health pass 2", "current language", "tentative agreement",
    /// or why there is no text ("no pass from Example Health yet").
    pub title: String,
    /// Side id of a pass.
    pub side: Option<String>,
    pub pass: Option<u32>,
    /// Session name ([`crate::events::session_of`]).
    pub session: Option<String>,
    pub date: Option<Date>,
    /// The commit's author: who recorded it (for a pass received, who entered it), by their
    /// name in the table where they are listed.
    pub author: Option<String>,
    /// A pass of the other side, entered as received across the table.
    pub received: bool,
    pub commit: Option<git2::Oid>,
}

impl Label {
    /// "Example Health pass 2 · June session · 2025-06-04 · Employer AI lead", or for a pass
    /// entered as received: "Example Health pass 3 · received 2025-08-06 · entered by Union
    /// secretary · August session".
    pub fn line(&self) -> String {
        let mut parts = vec![self.title.clone()];
        if self.received {
            parts.extend(self.date.map(|d| format!("received {d}")));
            parts.extend(self.author.as_ref().map(|a| format!("entered by {a}")));
            parts.extend(self.session.clone());
        } else {
            parts.extend(self.session.clone());
            parts.extend(self.date.map(|d| d.to_string()));
            parts.extend(self.author.clone());
        }
        parts.join(" · ")
    }

    fn missing(title: String) -> Label {
        Label {
            title,
            ..Label::default()
        }
    }
}

/// Why a comparison cannot be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("no article `{0}` in this table")]
    UnknownArticle(String),
    #[error("no side `{0}` in this table")]
    UnknownSide(String),
    /// The version asked for does not exist; the sentence says which.
    #[error("{0}")]
    NoSuchVersion(String),
    /// A blob could not be read as text.
    #[error("{0}")]
    Unreadable(Problem),
    /// `three-way` compares three texts or more: use [`resolve_three_way`].
    #[error("three-way compares more than two texts")]
    NeedsThreeWay,
}

impl Comparison {
    /// The comparisons every article offers, in the order a user cycles through them.
    pub fn all(table: &Table) -> Vec<Comparison> {
        let mut all = vec![Comparison::Sides];
        all.extend(
            table
                .sides
                .iter()
                .map(|s| Comparison::SinceLast(s.id.clone())),
        );
        all.extend(
            table
                .sides
                .iter()
                .map(|s| Comparison::VsCurrent(s.id.clone())),
        );
        all.push(Comparison::Ta);
        all.push(Comparison::ThreeWay);
        all
    }

    /// The name used on the command line: `sides`, `since-last union`, `vs-current employer`,
    /// `ta`, `three-way`, `union#1..employer#2`.
    pub fn name(&self) -> String {
        match self {
            Comparison::Sides => "sides".to_string(),
            Comparison::SinceLast(s) => format!("since-last {s}"),
            Comparison::VsCurrent(s) => format!("vs-current {s}"),
            Comparison::Ta => "ta".to_string(),
            Comparison::ThreeWay => "three-way".to_string(),
            Comparison::Versions(a, b) => format!("{}..{}", a.name(), b.name()),
        }
    }

    /// Parses a name as [`Comparison::name`] writes it (`since-last:union` is accepted too).
    pub fn parse(text: &str) -> Option<Comparison> {
        let text = text.trim();
        let (verb, arg) = match text.split_once([' ', ':', '=']) {
            Some((v, a)) => (v, Some(a.trim())),
            None => (text, None),
        };
        match (verb, arg) {
            ("sides", None) => Some(Comparison::Sides),
            ("ta", None) => Some(Comparison::Ta),
            ("three-way", None) => Some(Comparison::ThreeWay),
            ("since-last", Some(s)) if !s.is_empty() => Some(Comparison::SinceLast(s.to_string())),
            ("vs-current", Some(s)) if !s.is_empty() => Some(Comparison::VsCurrent(s.to_string())),
            _ => {
                let (a, b) = text.split_once("..")?;
                Some(Comparison::Versions(
                    VersionRef::parse(a)?,
                    VersionRef::parse(b)?,
                ))
            }
        }
    }

    /// A short description for a screen: "sides", "since last: Example Health", …
    pub fn describe(&self, table: &Table) -> String {
        match self {
            Comparison::Sides => "both sides' latest".to_string(),
            Comparison::SinceLast(s) => format!("since last: {}", table.side_name(s)),
            Comparison::VsCurrent(s) => format!("{} vs current", table.side_name(s)),
            Comparison::Ta => "TA vs current".to_string(),
            Comparison::ThreeWay => "three-way".to_string(),
            Comparison::Versions(..) => "picked versions".to_string(),
        }
    }
}

impl VersionRef {
    /// `union#2`, `current`, `ta`, `event:7`.
    pub fn name(&self) -> String {
        match self {
            VersionRef::Pass { side, number } => format!("{side}#{number}"),
            VersionRef::Current => "current".to_string(),
            VersionRef::Ta => "ta".to_string(),
            VersionRef::Event(n) => format!("event:{n}"),
            VersionRef::Commit(id) => id.clone(),
        }
    }

    pub fn parse(text: &str) -> Option<VersionRef> {
        let text = text.trim();
        match text {
            "current" => return Some(VersionRef::Current),
            "ta" => return Some(VersionRef::Ta),
            _ => {}
        }
        if let Some(n) = text.strip_prefix("event:") {
            return n.parse().ok().map(VersionRef::Event);
        }
        if text.len() >= 4 && text.len() <= 40 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Some(VersionRef::Commit(text.to_ascii_lowercase()));
        }
        let (side, number) = text.split_once('#')?;
        Some(VersionRef::Pass {
            side: side.to_string(),
            number: number.parse().ok().filter(|&n| n > 0)?,
        })
    }
}

/// The two texts of a comparison, old first. `article` is a number or a folder id.
pub fn resolve(
    repo: &Repo,
    snapshot: &Snapshot,
    history: &History,
    article: &str,
    comparison: &Comparison,
) -> Result<(Version, Version), CompareError> {
    let r = Resolver::new(repo, snapshot, history, article)?;
    match comparison {
        Comparison::Sides => r.sides(),
        Comparison::SinceLast(side) => r.since_last(side),
        Comparison::VsCurrent(side) => {
            r.check_side(side)?;
            let new = r.latest_pass(side)?.ok_or_else(|| {
                CompareError::NoSuchVersion(format!(
                    "{} has not passed on this article",
                    r.table.side_name(side)
                ))
            })?;
            Ok((r.current()?, new))
        }
        Comparison::Ta => Ok((r.current()?, r.ta()?)),
        Comparison::ThreeWay => Err(CompareError::NeedsThreeWay),
        Comparison::Versions(a, b) => Ok((r.pick(a)?, r.pick(b)?)),
    }
}

/// The base (current language, or nothing for a new article) and each side's latest pass, in
/// table order; sides that have not passed are left out.
pub fn resolve_three_way(
    repo: &Repo,
    snapshot: &Snapshot,
    history: &History,
    article: &str,
) -> Result<(Version, Vec<Version>), CompareError> {
    let r = Resolver::new(repo, snapshot, history, article)?;
    let mut sides = Vec::new();
    for side in &snapshot.table.sides {
        if let Some(v) = r.latest_pass(&side.id)? {
            sides.push(v);
        }
    }
    if sides.is_empty() {
        return Err(CompareError::NoSuchVersion(
            "no side has passed on this article yet".to_string(),
        ));
    }
    Ok((r.current()?, sides))
}

/// A comparison's texts: two versions, or (three-way) the base and each side's latest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Two { old: Version, new: Version },
    Three { base: Version, sides: Vec<Version> },
}

/// A resolved comparison's redline, borrowing its texts.
pub enum Marks<'t> {
    Two(Redline<'t>),
    Three(ThreeWay<'t>),
}

impl Resolved {
    /// Resolves any comparison, three-way included. `article` is a number or a folder id.
    pub fn of(
        repo: &Repo,
        snapshot: &Snapshot,
        history: &History,
        article: &str,
        comparison: &Comparison,
    ) -> Result<Resolved, CompareError> {
        if *comparison == Comparison::ThreeWay {
            let (base, sides) = resolve_three_way(repo, snapshot, history, article)?;
            return Ok(Resolved::Three { base, sides });
        }
        let (old, new) = resolve(repo, snapshot, history, article, comparison)?;
        Ok(Resolved::Two { old, new })
    }

    /// The engine on these texts: a two-way redline (its changes are all the new text's, which
    /// the `new` label names, so no change carries a side), or each side's changes against the
    /// base, attributed — the one comparison that mixes sides.
    pub fn redline(&self) -> Marks<'_> {
        match self {
            Resolved::Two { old, new } => {
                Marks::Two(redline::compare(&old.text, &new.text, &Options::default()))
            }
            Resolved::Three { base, sides } => {
                let inputs: Vec<(&str, &str)> = sides
                    .iter()
                    .map(|v| (v.label.side.as_deref().unwrap_or_default(), v.text.as_str()))
                    .collect();
                Marks::Three(redline::three_way(&base.text, &inputs, &Options::default()))
            }
        }
    }

    /// Each version's role and label, in the order a header shows them: `old`, `new`; or `base`
    /// then one `side` each.
    pub fn labels(&self) -> Vec<(&'static str, &Label)> {
        match self {
            Resolved::Two { old, new } => vec![("old", &old.label), ("new", &new.label)],
            Resolved::Three { base, sides } => std::iter::once(("base", &base.label))
                .chain(sides.iter().map(|v| ("side", &v.label)))
                .collect(),
        }
    }
}

struct Resolver<'a> {
    repo: &'a Repo,
    table: &'a Table,
    history: &'a History,
    entry: &'a ArticleEntry,
}

impl<'a> Resolver<'a> {
    fn new(
        repo: &'a Repo,
        snapshot: &'a Snapshot,
        history: &'a History,
        article: &str,
    ) -> Result<Resolver<'a>, CompareError> {
        let entry = snapshot
            .find(article)
            .ok_or_else(|| CompareError::UnknownArticle(article.to_string()))?;
        Ok(Resolver {
            repo,
            table: &snapshot.table,
            history,
            entry,
        })
    }

    fn events(&self) -> &[Event] {
        self.history.events(&self.entry.id)
    }

    fn check_side(&self, side: &str) -> Result<(), CompareError> {
        match self.table.side(side) {
            Some(_) => Ok(()),
            None => Err(CompareError::UnknownSide(side.to_string())),
        }
    }

    /// Index of the last event with content whose kind matches.
    fn event_of(&self, kind: impl Fn(&FileKind) -> bool) -> Option<usize> {
        self.events()
            .iter()
            .rposition(|e| kind(&e.kind) && e.blob.is_some())
    }

    fn passes(&self, side: &str) -> Vec<usize> {
        self.events()
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(&e.kind, FileKind::Pass { side: s, .. } if s == side))
            .filter(|(_, e)| e.blob.is_some())
            .map(|(i, _)| i)
            .collect()
    }

    /// A side's latest pass; from the snapshot alone when the index does not have it (still
    /// being built, or beyond a shallow clone's boundary).
    fn latest_pass(&self, side: &str) -> Result<Option<Version>, CompareError> {
        match self.passes(side).last() {
            Some(&i) => self.version(i).map(Some),
            None => self
                .entry
                .passes
                .get(side)
                .map(|&blob| {
                    let title = format!("{} latest pass", self.table.side_name(side));
                    let mut v = self.unindexed(blob, &format!("{side}.md"), title)?;
                    v.label.side = Some(side.to_string());
                    Ok(v)
                })
                .transpose(),
        }
    }

    /// A text the snapshot has and the index does not: labelled without history.
    fn unindexed(
        &self,
        blob: git2::Oid,
        file: &str,
        title: String,
    ) -> Result<Version, CompareError> {
        let text = self
            .repo
            .text(blob, &self.entry.path(file))
            .map_err(CompareError::Unreadable)?;
        Ok(Version {
            label: Label::missing(title),
            text,
        })
    }

    fn ta(&self) -> Result<Version, CompareError> {
        match (self.event_of(|k| *k == FileKind::Ta), self.entry.ta) {
            (Some(i), _) => self.version(i),
            (None, Some(blob)) => self.unindexed(blob, "ta.md", "tentative agreement".to_string()),
            (None, None) => Err(CompareError::NoSuchVersion(
                "this article has no tentative agreement".to_string(),
            )),
        }
    }

    /// Both sides' latest passes, read forwards: the older latest pass, then the newer (what the
    /// last mover changed against the other side's position). When one side alone has passed,
    /// its text against the current language, or for a new article against nothing, labelled
    /// "no pass from … yet" (its words are new, not struck).
    fn sides(&self) -> Result<(Version, Version), CompareError> {
        let sides: Vec<&str> = self
            .table
            .sides
            .iter()
            .take(2)
            .map(|s| s.id.as_str())
            .collect();
        let mut latest = Vec::new();
        for side in &sides {
            // Where it stands in history (an unindexed pass has no place yet: `None`).
            let at = self.passes(side).last().copied();
            latest.push(self.latest_pass(side)?.map(|v| (at, v)));
        }
        let missing = |side: Option<&&str>| Version {
            label: Label::missing(format!(
                "no pass from {} yet",
                side.map_or("the other side", |s| self.table.side_name(s))
            )),
            text: String::new(),
        };
        let mut latest = latest.into_iter();
        match (latest.next().flatten(), latest.next().flatten()) {
            (None, None) => Err(CompareError::NoSuchVersion(
                "no side has passed on this article yet".to_string(),
            )),
            (Some((a_at, a)), Some((b_at, b))) => Ok(if b_at < a_at { (b, a) } else { (a, b) }),
            (Some((_, only)), None) | (None, Some((_, only))) => {
                let other = sides
                    .iter()
                    .find(|s| only.label.side.as_deref() != Some(**s));
                let base = if self.entry.current.is_some() {
                    self.current()?
                } else {
                    missing(other)
                };
                Ok((base, only))
            }
        }
    }

    fn since_last(&self, side: &str) -> Result<(Version, Version), CompareError> {
        self.check_side(side)?;
        let passes = self.passes(side);
        match passes.as_slice() {
            [] => Err(CompareError::NoSuchVersion(format!(
                "{} has not passed on this article",
                self.table.side_name(side)
            ))),
            [only] => Ok((self.current()?, self.version(*only)?)),
            [.., old, new] => Ok((self.version(*old)?, self.version(*new)?)),
        }
    }

    /// The current language; for a new article, an empty text saying so.
    fn current(&self) -> Result<Version, CompareError> {
        match (
            self.event_of(|k| *k == FileKind::Current),
            self.entry.current,
        ) {
            (Some(i), Some(_)) => self.version(i),
            (None, Some(blob)) => {
                self.unindexed(blob, "current.md", "current language".to_string())
            }
            _ => Ok(Version {
                label: Label::missing("no current language (new article)".to_string()),
                text: String::new(),
            }),
        }
    }

    fn pick(&self, r: &VersionRef) -> Result<Version, CompareError> {
        let index = match r {
            VersionRef::Current => return self.current(),
            VersionRef::Ta => return self.ta(),
            VersionRef::Pass { side, number } => {
                self.check_side(side)?;
                self.passes(side).get(*number as usize - 1).copied()
            }
            VersionRef::Event(n) => {
                Some(*n).filter(|&n| self.events().get(n).is_some_and(|e| e.blob.is_some()))
            }
            VersionRef::Commit(prefix) => self.events().iter().position(|e| {
                e.blob.is_some()
                    && !matches!(e.kind, FileKind::Article | FileKind::Other(_))
                    && self
                        .history
                        .commit(e)
                        .id
                        .to_string()
                        .starts_with(prefix.as_str())
            }),
        };
        let index = index.ok_or_else(|| {
            CompareError::NoSuchVersion(format!("{} has no version `{}`", self.entry.id, r.name()))
        })?;
        self.version(index)
    }

    /// The text and label of event `index`.
    fn version(&self, index: usize) -> Result<Version, CompareError> {
        let event = &self.events()[index];
        let commit = self.history.commit(event);
        let date = commit.event_date();
        let what = What::of(self.events(), index, commit);
        let received = matches!(what, What::Pass { received: true, .. });
        let title = match &what {
            // The label says "received …" itself.
            What::Pass { side, number, .. } => {
                format!("{} pass {number}", self.table.side_name(side))
            }
            other => other.words(self.table),
        };
        let (side, pass) = match &event.kind {
            FileKind::Pass { side, number } => (Some(side.clone()), Some(*number)),
            _ => (None, None),
        };
        let file = event.kind.file_name();
        let path = self.entry.path(&file);
        let blob = event.blob.ok_or_else(|| {
            CompareError::NoSuchVersion(format!("{path} was removed in that commit"))
        })?;
        let text = self
            .repo
            .text(blob, &path)
            .map_err(CompareError::Unreadable)?;
        let session = session_of(self.table, commit).map(|s| s.name.clone());
        Ok(Version {
            label: Label {
                title,
                side,
                pass,
                session,
                date: Some(date),
                author: Some(
                    self.table
                        .person(&commit.email)
                        .map_or_else(|| commit.author.clone(), |p| p.name.clone()),
                ),
                received,
                commit: Some(commit.id),
            },
            text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in [
            Comparison::Sides,
            Comparison::SinceLast("union".into()),
            Comparison::VsCurrent("employer".into()),
            Comparison::Ta,
            Comparison::ThreeWay,
            Comparison::Versions(
                VersionRef::Pass {
                    side: "union".into(),
                    number: 2,
                },
                VersionRef::Current,
            ),
        ] {
            assert_eq!(
                Comparison::parse(&c.name()),
                Some(c.clone()),
                "{}",
                c.name()
            );
        }
        assert_eq!(
            Comparison::parse("since-last:union"),
            Some(Comparison::SinceLast("union".into()))
        );
        assert_eq!(Comparison::parse("nonsense"), None);
        assert_eq!(VersionRef::parse("union#0"), None);
    }
}
