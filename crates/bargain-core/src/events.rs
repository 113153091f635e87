//! What a commit did to the table, and the labels the tool puts on it: the one place for the
//! `Bargain-*` trailers (their keys, how they are written, how they are read back), for the events
//! the history index finds, for the words that name an event, and for which session and day an
//! event belongs to. `store::history` fills these types in its one walk; `record` writes the
//! trailers; `record::log`, the comparisons' labels and the TUI's history all describe events
//! through [`What`] and [`session_of`].
//!
//! Trailers are labels for people, never evidence: the audit (`record::verify`) judges what a
//! commit changed. The tool writes its trailers as the last paragraph of a message whose other
//! paragraphs cannot look like trailers (see [`indent_note`]), and reads back only that last
//! paragraph, only when every line of it is a well-formed trailer and every `Bargain-` key is
//! one it knows with a valid value: a hand commit with `Bargain-Whatever: x`, a note with a fake
//! trailer block or a `---` line, is never read as the tool's record.

use crate::model::{Date, Session, Status, Table, is_id};
use git2::Oid;

/// The trailer keys the tool writes.
pub mod key {
    pub const ARTICLE: &str = "Bargain-Article";
    pub const SIDE: &str = "Bargain-Side";
    /// The first day of the session the recording belongs to.
    pub const SESSION: &str = "Bargain-Session";
    pub const STATUS: &str = "Bargain-Status";
    /// A reopen: the people whose agreement was recorded, comma-separated.
    pub const REOPENED_BY: &str = "Bargain-Reopened-By";
    /// `yes` on a change that overrode the TA guard or a reopen without every side.
    pub const FORCED: &str = "Bargain-Forced";
    /// The day the event happened at the table (not the commit's time).
    pub const DATE: &str = "Bargain-Date";
    /// `yes` on a pass entered as received from the other side (whose words: `Bargain-Side`;
    /// who entered it: the commit's author).
    pub const RECEIVED: &str = "Bargain-Received";
    /// What kind of record a commit is, beyond a pass or a status ([`super::Change`]).
    pub const CHANGE: &str = "Bargain-Change";

    /// Every key, in the order they are written.
    pub const ALL: [&str; 9] = [
        ARTICLE,
        SIDE,
        RECEIVED,
        SESSION,
        STATUS,
        CHANGE,
        DATE,
        REOPENED_BY,
        FORCED,
    ];
}

/// What kind of record a commit is, beyond a pass (`Bargain-Side`) or a status
/// (`Bargain-Status`): the value of `Bargain-Change`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A TA signed by one side, awaiting the others.
    TaProposed,
    /// A TA signed by another side in a commit of their own.
    TaCountersigned,
    /// A TA recorded by the keeping side with the other side's signature attested.
    TaAttested,
    SessionAdded,
    TopicAdded,
    ArticleAdded,
    ArticleRetitled,
    /// The current contract imported, article by article.
    ContractImported,
}

impl Change {
    pub const ALL: [Change; 8] = [
        Change::TaProposed,
        Change::TaCountersigned,
        Change::TaAttested,
        Change::SessionAdded,
        Change::TopicAdded,
        Change::ArticleAdded,
        Change::ArticleRetitled,
        Change::ContractImported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Change::TaProposed => "ta-proposed",
            Change::TaCountersigned => "ta-countersigned",
            Change::TaAttested => "ta-attested",
            Change::SessionAdded => "session-added",
            Change::TopicAdded => "topic-added",
            Change::ArticleAdded => "article-added",
            Change::ArticleRetitled => "article-retitled",
            Change::ContractImported => "contract-imported",
        }
    }

    pub fn parse(word: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.as_str() == word)
    }
}

/// The tool's trailers on one commit. Empty fields are not written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trailers {
    pub article: Option<String>,
    pub side: Option<String>,
    /// The session's first day.
    pub session: Option<Date>,
    pub status: Option<Status>,
    /// A pass entered as received from the other side.
    pub received: bool,
    pub change: Option<Change>,
    /// When the event happened at the table.
    pub date: Option<Date>,
    pub reopened_by: Vec<String>,
    pub forced: bool,
}

impl Trailers {
    /// The trailer lines, in [`key::ALL`] order. Values are made one line; nothing else in them
    /// can start a new trailer.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(a) = &self.article {
            lines.push(format!("{}: {}", key::ARTICLE, one_line(a)));
        }
        if let Some(s) = &self.side {
            lines.push(format!("{}: {}", key::SIDE, one_line(s)));
        }
        if self.received {
            lines.push(format!("{}: yes", key::RECEIVED));
        }
        if let Some(d) = self.session {
            lines.push(format!("{}: {d}", key::SESSION));
        }
        if let Some(s) = self.status {
            lines.push(format!("{}: {s}", key::STATUS));
        }
        if let Some(c) = self.change {
            lines.push(format!("{}: {}", key::CHANGE, c.as_str()));
        }
        if let Some(d) = self.date {
            lines.push(format!("{}: {d}", key::DATE));
        }
        if !self.reopened_by.is_empty() {
            lines.push(format!(
                "{}: {}",
                key::REOPENED_BY,
                one_line(&self.reopened_by.join(", "))
            ));
        }
        if self.forced {
            lines.push(format!("{}: yes", key::FORCED));
        }
        lines
    }

    /// The tool's trailers of `message`: its last paragraph, when every line of it is a trailer,
    /// at least one is a `Bargain-` key, and every `Bargain-` key is known, given once, with a
    /// valid value. `None` for anything else (a commit made by hand, or one whose trailers were
    /// tampered with).
    pub fn parse(message: &str) -> Option<Trailers> {
        let paragraphs: Vec<&str> = message.split("\n\n").collect();
        let last = paragraphs
            .iter()
            .rev()
            .map(|p| p.trim_matches('\n'))
            .find(|p| !p.trim().is_empty())?;
        let mut trailers = Trailers::default();
        let mut seen: Vec<&str> = Vec::new();
        for line in last.lines() {
            let (name, value) = line.split_once(':')?;
            if name.is_empty()
                || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                || !value.starts_with(' ')
            {
                return None;
            }
            let value = value.trim();
            if !name.to_ascii_lowercase().starts_with("bargain-") {
                // Another tool's trailer (Signed-off-by, Co-authored-by): allowed beside ours.
                continue;
            }
            let known = key::ALL.iter().find(|k| k.eq_ignore_ascii_case(name))?;
            if seen.contains(known) {
                return None;
            }
            seen.push(known);
            match *known {
                key::ARTICLE if is_id(value) => trailers.article = Some(value.to_string()),
                key::SIDE if is_id(value) => trailers.side = Some(value.to_string()),
                key::SESSION => trailers.session = Some(Date::parse(value)?),
                key::STATUS => trailers.status = Some(Status::parse(value)?),
                key::CHANGE => trailers.change = Some(Change::parse(value)?),
                key::RECEIVED if value.eq_ignore_ascii_case("yes") => trailers.received = true,
                key::DATE => trailers.date = Some(Date::parse(value)?),
                key::REOPENED_BY => {
                    trailers.reopened_by = value
                        .split(',')
                        .map(|e| e.trim().to_string())
                        .filter(|e| !e.is_empty())
                        .collect();
                }
                key::FORCED if value.eq_ignore_ascii_case("yes") => trailers.forced = true,
                key::FORCED if value.eq_ignore_ascii_case("no") => {}
                _ => return None,
            }
        }
        (!seen.is_empty()).then_some(trailers)
    }
}

/// Text from a table file made safe for a subject line or a trailer value: no line breaks, no
/// control characters.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || crate::text::needs_escape(c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A note as it goes into a commit body: every line indented by four spaces, so nothing a user
/// types can be read as a trailer, a trailer block, or git's `---` divider. Control characters
/// other than the line breaks, and bidirectional controls, are dropped.
pub fn indent_note(note: &str) -> String {
    note.trim()
        .lines()
        .map(|line| {
            let clean: String = line
                .chars()
                .filter(|&c| !c.is_control() && !crate::text::needs_escape(c))
                .collect();
            let clean = clean.trim_end();
            if clean.is_empty() {
                String::new()
            } else {
                format!("    {clean}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one place commit messages are composed: `sentence` (made one line), then each paragraph
/// of `body` (each indented, see [`indent_note`]), then the trailers, blocks separated by a blank
/// line.
pub fn compose_message(sentence: &str, body: &[String], trailers: &Trailers) -> String {
    let mut message = one_line(sentence);
    message.push('\n');
    for paragraph in body {
        let paragraph = indent_note(paragraph);
        if !paragraph.is_empty() {
            message.push('\n');
            message.push_str(&paragraph);
            message.push('\n');
        }
    }
    let lines = trailers.lines();
    if !lines.is_empty() {
        message.push('\n');
        for line in lines {
            message.push_str(&line);
            message.push('\n');
        }
    }
    message
}

/// One commit that changed something under `proposals/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: Oid,
    pub author: String,
    pub email: String,
    /// Author time: seconds since the epoch and the author's offset in minutes.
    pub time: i64,
    pub offset: i32,
    /// The first line of the message.
    pub summary: String,
    /// The tool's trailers; `None` for a commit made by hand with plain git.
    pub trailers: Option<Trailers>,
    /// The author line's timestamp could not be read (git's `fsck` calls it a bad date): the
    /// commit is shown undated, its `time` the committer's when that one reads, else zero.
    pub undated: bool,
}

impl CommitInfo {
    /// The calendar day of the commit's author time.
    pub fn date(&self) -> Date {
        Date::from_git_time(self.time, self.offset)
    }

    /// The day the event happened at the table: the `Bargain-Date` trailer, else the commit's
    /// day.
    pub fn event_date(&self) -> Date {
        self.trailers
            .as_ref()
            .and_then(|t| t.date)
            .unwrap_or_else(|| self.date())
    }

    /// The day as `log` shows it: the event date, or "undated" for a commit made by hand
    /// whose author timestamp cannot be read.
    pub fn date_words(&self) -> String {
        match self.trailers.as_ref().and_then(|t| t.date) {
            Some(date) => date.to_string(),
            None if self.undated => "undated   ".to_string(),
            None => self.date().to_string(),
        }
    }

    /// Made by this tool: it carries a well-formed block of its trailers.
    pub fn is_recorded(&self) -> bool {
        self.trailers.is_some()
    }

    /// Recorded with a guard overridden (`Bargain-Forced: yes`).
    pub fn forced(&self) -> bool {
        self.trailers.as_ref().is_some_and(|t| t.forced)
    }

    /// The status the commit's trailers say it recorded.
    pub fn status(&self) -> Option<Status> {
        self.trailers.as_ref().and_then(|t| t.status)
    }

    /// The kind of record the commit's trailers say it is, beyond a pass or a status.
    pub fn change(&self) -> Option<Change> {
        self.trailers.as_ref().and_then(|t| t.change)
    }
}

/// The session a commit belongs to: the session its `Bargain-Session` trailer names, where the
/// table has it; else the session whose days include its event date.
pub fn session_of<'t>(table: &'t Table, commit: &CommitInfo) -> Option<&'t Session> {
    commit
        .trailers
        .as_ref()
        .and_then(|t| t.session)
        .and_then(|d| table.sessions.iter().find(|s| s.start == d))
        .or_else(|| table.session_on(commit.event_date()))
}

/// What a changed file is to the negotiation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `<side>.md`: a pass by that side, numbered per side from 1.
    Pass { side: String, number: u32 },
    /// `article.yaml`: a status event.
    Article,
    /// `current.md`: the current contract language.
    Current,
    /// `ta.md`: the tentatively agreed text.
    Ta,
    /// Anything else in the folder.
    Other(String),
}

impl FileKind {
    /// The file's name inside the article folder.
    pub fn file_name(&self) -> String {
        match self {
            FileKind::Pass { side, .. } => format!("{side}.md"),
            FileKind::Article => "article.yaml".to_string(),
            FileKind::Current => "current.md".to_string(),
            FileKind::Ta => "ta.md".to_string(),
            FileKind::Other(name) => name.clone(),
        }
    }

    /// Whether the file holds a text of the article (a pass, the current language, the TA).
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            FileKind::Pass { .. } | FileKind::Current | FileKind::Ta
        )
    }
}

/// One version of one file of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Index into the history's commits.
    pub commit: usize,
    pub kind: FileKind,
    /// The new content; `None` when the commit removed the file.
    pub blob: Option<Oid>,
}

/// What an event did, as data; [`What::words`] names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A pass; `received`: entered by the other side as handed across the table.
    Pass {
        side: String,
        number: u32,
        received: bool,
    },
    /// `article.yaml` written by a record that is not a plain status change (a TA proposed or
    /// countersigned, an article added or retitled, an import).
    Change(Change),
    /// `article.yaml` written by a recording of this status.
    Status(Status),
    /// The first `article.yaml` of an article, made by hand.
    Opened,
    /// `article.yaml` changed by hand.
    Edited,
    Current,
    Ta,
    Other(String),
    /// The file was removed (the whole article, for `article.yaml`).
    Removed(FileKind),
}

impl What {
    /// What event `index` of an article's `events` did (written by `commit`).
    pub fn of(events: &[Event], index: usize, commit: &CommitInfo) -> What {
        let event = &events[index];
        if event.blob.is_none() {
            return What::Removed(event.kind.clone());
        }
        match &event.kind {
            FileKind::Pass { side, number } => What::Pass {
                side: side.clone(),
                number: *number,
                received: commit.trailers.as_ref().is_some_and(|t| t.received),
            },
            FileKind::Article => {
                let first = !events[..index].iter().any(|e| e.kind == FileKind::Article);
                match (commit.status(), commit.change()) {
                    (
                        _,
                        Some(
                            change @ (Change::TaProposed
                            | Change::TaCountersigned
                            | Change::TaAttested),
                        ),
                    ) => What::Change(change),
                    (Some(status), _) => What::Status(status),
                    (None, Some(change)) => What::Change(change),
                    (None, None) if first => What::Opened,
                    (None, None) => What::Edited,
                }
            }
            FileKind::Current => What::Current,
            FileKind::Ta => What::Ta,
            FileKind::Other(name) => What::Other(name.clone()),
        }
    }

    /// The event as the record reads it: [`What::words`], and for a pass entered as received,
    /// when and by whom: "Example Health pass 3 · received 2025-08-06 · entered by Union
    /// secretary" (the person's name in the table, else their git name).
    pub fn describe(&self, table: &Table, commit: &CommitInfo) -> String {
        match self {
            What::Pass {
                side,
                number,
                received: true,
            } => format!(
                "{} pass {number} · received {} · entered by {}",
                table.side_name(side),
                commit.event_date(),
                table
                    .person(&commit.email)
                    .map_or(commit.author.as_str(), |p| p.name.as_str())
            ),
            other => other.words(table),
        }
    }

    /// Whether this event only repeats what another event of the same commit says: the TA text
    /// written by a TA's record, the current language written by an import or a new article.
    pub fn implied_by(&self, other: &What) -> bool {
        matches!(
            (self, other),
            (
                What::Ta,
                What::Change(Change::TaCountersigned | Change::TaAttested)
                    | What::Status(Status::TentativelyAgreed)
            ) | (
                What::Current,
                What::Change(Change::ContractImported | Change::ArticleAdded)
            )
        )
    }

    /// "Example Health pass 2", "status: tentatively-agreed", "current language removed".
    /// Repository text is returned as is; the caller escapes it where it is shown.
    pub fn words(&self, table: &Table) -> String {
        match self {
            What::Pass {
                side,
                number,
                received: false,
            } => format!("{} pass {number}", table.side_name(side)),
            What::Pass {
                side,
                number,
                received: true,
            } => format!("{} pass {number}, as received", table.side_name(side)),
            What::Status(status) => format!("status: {status}"),
            What::Change(Change::TaProposed) => "tentative agreement proposed".to_string(),
            What::Change(Change::TaCountersigned) => {
                "tentative agreement countersigned".to_string()
            }
            What::Change(Change::TaAttested) => {
                "tentative agreement, the other side's signature attested".to_string()
            }
            What::Change(Change::ArticleAdded) => "article added".to_string(),
            What::Change(Change::ArticleRetitled) => "article retitled".to_string(),
            What::Change(Change::ContractImported) => "current language imported".to_string(),
            What::Change(Change::SessionAdded | Change::TopicAdded) => "table changed".to_string(),
            What::Opened => "article opened".to_string(),
            What::Edited => "article.yaml edited by hand".to_string(),
            What::Current => "current language".to_string(),
            What::Ta => "tentative agreement".to_string(),
            What::Other(name) => name.clone(),
            What::Removed(FileKind::Article) => "article removed".to_string(),
            What::Removed(FileKind::Pass { side, .. }) => {
                format!(
                    "{} text removed",
                    crate::text::possessive(table.side_name(side))
                )
            }
            What::Removed(FileKind::Current) => "current language removed".to_string(),
            What::Removed(FileKind::Ta) => "tentative agreement removed".to_string(),
            What::Removed(FileKind::Other(name)) => format!("{name} removed"),
        }
    }
}

/// For each of an article's events (oldest first, as the index keeps them), the event of the
/// same commit that says it when it only repeats another ([`What::implied_by`]): the TA text a
/// TA writes is part of the TA. `None` for an event shown on its own. `log` and the TUI history
/// show one line per thing done by this.
pub fn implied(events: &[Event], whats: &[What]) -> Vec<Option<usize>> {
    (0..events.len())
        .map(|n| {
            let commit = events[n].commit;
            let start = events[..n]
                .iter()
                .rposition(|e| e.commit != commit)
                .map_or(0, |p| p + 1);
            let end = events[n..]
                .iter()
                .position(|e| e.commit != commit)
                .map_or(events.len(), |p| n + p);
            (start..end).find(|&m| m != n && whats[n].implied_by(&whats[m]))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded() -> Trailers {
        Trailers {
            article: Some("12-ai".into()),
            side: Some("union".into()),
            session: Date::parse("2025-06-03"),
            ..Trailers::default()
        }
    }

    #[test]
    fn a_message_is_a_sentence_a_note_and_the_trailers() {
        let message = compose_message(
            "Union pass #2 on Article 12 — AI\n\nBargain-Forced: yes",
            &["Moves on notice.".to_string(), "  ".to_string()],
            &recorded(),
        );
        assert_eq!(
            message,
            "Union pass #2 on Article 12 — AI  Bargain-Forced: yes\n\n    Moves on notice.\n\n\
             Bargain-Article: 12-ai\nBargain-Side: union\nBargain-Session: 2025-06-03\n"
        );
        assert_eq!(Trailers::parse(&message), Some(recorded()));
        let git: Vec<String> = git2::message_trailers_strs(&message)
            .unwrap()
            .iter()
            .map(|(k, _)| k.to_string())
            .collect();
        assert_eq!(git, ["Bargain-Article", "Bargain-Side", "Bargain-Session"]);
    }

    #[test]
    fn reopen_and_force_trailers_round_trip() {
        let trailers = Trailers {
            status: Some(Status::Open),
            date: Date::parse("2025-07-01"),
            reopened_by: vec!["a@x".into(), "b@y".into()],
            forced: true,
            ..Trailers::default()
        };
        let message = compose_message("Reopen", &[], &trailers);
        assert_eq!(
            message,
            "Reopen\n\nBargain-Status: open\nBargain-Date: 2025-07-01\n\
             Bargain-Reopened-By: a@x, b@y\nBargain-Forced: yes\n"
        );
        assert_eq!(Trailers::parse(&message), Some(trailers));
    }

    #[test]
    fn a_note_cannot_add_hide_or_replace_a_trailer() {
        let forged = "Agreed at the table.\n\nBargain-Forced: no\nBargain-Status: ratified\n---\n";
        let honest = Trailers {
            forced: true,
            ..recorded()
        };
        let message = compose_message("Reopen", &[forged.to_string()], &honest);
        assert_eq!(Trailers::parse(&message), Some(honest));
        // git's own parser sees the same trailers: the `---` line is indented, not a divider.
        let git: Vec<(String, String)> = git2::message_trailers_strs(&message)
            .unwrap()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert!(
            git.contains(&("Bargain-Forced".into(), "yes".into())),
            "{git:?}"
        );
        assert!(!git.iter().any(|(k, _)| k == "Bargain-Status"), "{git:?}");
    }

    #[test]
    fn only_a_well_formed_block_of_known_keys_is_the_tools() {
        for message in [
            "Fix typos\n",
            "Fix typos\n\nBargain-Whatever: x\n",
            "Fix typos\n\nBargain-Article: 12-ai\nnot a trailer line\n",
            "Fix typos\n\nBargain-Article: 12-ai\nBargain-Article: 13-x\n",
            "Fix typos\n\nBargain-Status: agreed\n",
            "Fix typos\n\nBargain-Article: ../../etc\n",
            "Fix typos\n\nBargain-Forced: maybe\n",
            "Bargain-Article: 12-ai\n\nand then some prose\n",
        ] {
            assert_eq!(Trailers::parse(message), None, "{message:?}");
        }
        assert_eq!(
            Trailers::parse("Pass\n\nBargain-Article: 12-ai\nSigned-off-by: A <a@x>\n")
                .and_then(|t| t.article),
            Some("12-ai".to_string())
        );
    }
}
