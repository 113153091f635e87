//! Plain data of a bargaining table: the table itself, its sides, topics, people and sessions,
//! each article's recorded state, and the status words.
//!
//! The serde types here *are* the repository format v1 (`bargaining.yaml`, `article.yaml`): unknown
//! keys are refused so a typo never passes silently. Nothing here reads files or touches git; what is
//! derived from history (passes, whose move, last movement) is computed next to [`Article`] from the
//! events that `store::history` finds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// One negotiation, as configured in `bargaining.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Format version of the repository; only 1 exists.
    pub format: u32,
    pub name: String,
    pub sides: Vec<Side>,
    #[serde(default)]
    pub topics: Vec<Topic>,
    #[serde(default)]
    pub people: Vec<Person>,
    #[serde(default)]
    pub sessions: Vec<Session>,
    /// Who keeps this record: one side, whose recorders enter the other side's passes as
    /// received, or both sides, each recording its own (`joint`, the default).
    #[serde(default, skip_serializing_if = "KeptBy::is_joint")]
    pub kept_by: KeptBy,
    /// Every recording must be a signed commit, checked against the people's `keys`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_signed: bool,
}

/// Who keeps the record of a table (`kept_by:` in `bargaining.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KeptBy {
    /// Both sides record in this repository, each its own passes and signatures.
    #[default]
    Joint,
    /// One side keeps it: its recorders also enter the other side's passes as received across
    /// the table, and attest the other side's signatures.
    Side(String),
}

impl KeptBy {
    pub fn is_joint(&self) -> bool {
        *self == KeptBy::Joint
    }

    /// The keeping side, for a table kept by one side.
    pub fn side(&self) -> Option<&str> {
        match self {
            KeptBy::Joint => None,
            KeptBy::Side(s) => Some(s),
        }
    }
}

impl Serialize for KeptBy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.side().unwrap_or("joint"))
    }
}

impl<'de> Deserialize<'de> for KeptBy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeptBy, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match text.as_str() {
            "joint" => KeptBy::Joint,
            side => KeptBy::Side(side.to_string()),
        })
    }
}

/// A party at the table. Ids and names are configured, never hard-coded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Side {
    pub id: String,
    pub name: String,
}

/// A subgroup's area, with its leads from each side (side id → emails).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub leads: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    pub email: String,
    pub side: String,
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Public keys this person signs commits with, for `require_signed`: an ssh key on one line
    /// (`ssh-ed25519 AAAA…`) or an OpenPGP key as the armored block `gpg --armor --export` writes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<String>,
}

/// What a person is at the table. Topic leads are named under their topic, not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    ChiefNegotiator,
    Secretary,
    Member,
}

/// A bargaining session: one or more consecutive days at the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    pub name: String,
    pub start: Date,
    pub end: Date,
}

/// `article.yaml`: what is recorded about one article. Passes are not here: they are the git
/// history of `<side>.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub number: u32,
    pub title: String,
    pub topic: String,
    pub status: Status,
    /// The side that withdrew the article (status `withdrawn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_by: Option<String>,
    /// The tentative agreement, once there is one (kept through ratification).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ta: Option<TentativeAgreement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratified: Option<Date>,
    /// A tentative agreement one side has signed, awaiting the other side's signatory (a table
    /// kept jointly).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<TaProposal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Article {
    /// A new article on the table: open, nothing agreed, no note.
    pub fn open(number: u32, title: String, topic: String) -> Article {
        Article {
            number,
            title,
            topic,
            status: Status::Open,
            withdrawn_by: None,
            ta: None,
            ratified: None,
            proposal: None,
            note: None,
        }
    }
}

/// A TA proposed by a signatory of one side on one side's latest text: the article becomes
/// tentatively agreed when a signatory of every other side countersigns that same text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaProposal {
    /// When it was signed at the table.
    pub date: Date,
    /// The side whose latest text is proposed as agreed.
    pub text: String,
    /// SHA-256 of that text: a countersignature is refused once it has changed.
    pub sha256: String,
    /// side id → the signatory's email (those who have signed so far).
    pub signatories: BTreeMap<String, String>,
}

/// Both sides accept one text: dated, initialled by a signatory of each side, and the hash of
/// `ta.md` so anyone can confirm both signed the same words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TentativeAgreement {
    pub date: Date,
    /// side id → signatory email
    pub signatories: BTreeMap<String, String>,
    /// side id → how that signature was given. Absent for TAs recorded before signatures had
    /// kinds: both signatories named in one recording.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub signatures: BTreeMap<String, Signature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// How one side's signature of a TA was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub kind: SignatureKind,
    /// The day it was signed at the table.
    pub date: Date,
    /// Who attested it (an attested signature only): a recorder of the keeping side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attested_by: Option<String>,
    /// SHA-256 of the scanned signed page, when the recorder gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_sha256: Option<String>,
}

/// The kind of a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureKind {
    /// Made by the signatory in a commit of their own.
    Countersigned,
    /// Stated by a recorder of the other side: "signed at the table".
    Attested,
}

impl SignatureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureKind::Countersigned => "countersigned",
            SignatureKind::Attested => "attested",
        }
    }
}

impl TentativeAgreement {
    /// The hash recorded with a TA: SHA-256 of the exact bytes of `ta.md`, in hex.
    pub fn hash_of(text: &[u8]) -> String {
        use sha2::{Digest, Sha256};
        Self::hex(&Sha256::digest(text))
    }

    /// A SHA-256 digest as `article.yaml` records it: lowercase hex.
    pub fn hex(digest: &[u8]) -> String {
        use std::fmt::Write;
        digest.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
}

/// The recorded status of an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Open,
    TentativelyAgreed,
    CurrentLanguage,
    Withdrawn,
    Impasse,
    Ratified,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Open,
        Status::TentativelyAgreed,
        Status::CurrentLanguage,
        Status::Withdrawn,
        Status::Impasse,
        Status::Ratified,
    ];

    /// The word used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::TentativelyAgreed => "tentatively-agreed",
            Status::CurrentLanguage => "current-language",
            Status::Withdrawn => "withdrawn",
            Status::Impasse => "impasse",
            Status::Ratified => "ratified",
        }
    }

    /// Short label for narrow columns.
    pub fn badge(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::TentativelyAgreed => "TA",
            Status::CurrentLanguage => "current",
            Status::Withdrawn => "withdrawn",
            Status::Impasse => "impasse",
            Status::Ratified => "ratified",
        }
    }

    /// Still being bargained: someone has a move to make.
    pub fn is_live(self) -> bool {
        matches!(self, Status::Open | Status::Impasse)
    }

    /// A tentative agreement stands (ratified ones included).
    pub fn is_agreed(self) -> bool {
        matches!(self, Status::TentativelyAgreed | Status::Ratified)
    }

    /// Counts as settled in the "TAs / articles" totals.
    pub fn is_settled(self) -> bool {
        matches!(
            self,
            Status::TentativelyAgreed | Status::Ratified | Status::CurrentLanguage
        )
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A calendar date (YYYY-MM-DD), as written in the files and derived from commit times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let year16 = i16::try_from(year).ok()?;
        jiff::civil::Date::new(year16, i8::try_from(month).ok()?, i8::try_from(day).ok()?)
            .ok()
            .map(Date::from_civil)
    }

    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }

    fn from_civil(d: jiff::civil::Date) -> Date {
        Date {
            year: i32::from(d.year()),
            month: d.month() as u8,
            day: d.day() as u8,
        }
    }

    fn civil(self) -> jiff::civil::Date {
        // Every `Date` is made through `new` or `from_civil`, so it is a valid civil date.
        jiff::civil::Date::new(self.year as i16, self.month as i8, self.day as i8)
            .unwrap_or(jiff::civil::Date::ZERO)
    }

    /// The local calendar date of a git time (seconds since the epoch, offset in minutes). A time
    /// outside what a calendar can show (a forged commit) is taken as 1970-01-01.
    pub fn from_git_time(seconds: i64, offset_minutes: i32) -> Date {
        let day = jiff::Timestamp::from_second(seconds)
            .ok()
            .zip(jiff::tz::Offset::from_seconds(offset_minutes.saturating_mul(60)).ok())
            .map(|(t, offset)| t.to_zoned(offset.to_time_zone()).date());
        day.map_or(Date::EPOCH, Date::from_civil)
    }

    /// Today in the local time zone (the one clock read of the library).
    pub fn today() -> Date {
        Date::from_civil(jiff::Zoned::now().date())
    }

    /// 1970-01-01.
    pub const EPOCH: Date = Date {
        year: 1970,
        month: 1,
        day: 1,
    };

    /// Days since 1970-01-01, negative before.
    pub fn to_days(self) -> i64 {
        let epoch = jiff::civil::date(1970, 1, 1);
        self.civil()
            .since((jiff::Unit::Day, epoch))
            .map_or(0, |span| i64::from(span.get_days()))
    }

    /// The date `days` after 1970-01-01 (clamped to the calendar's range).
    pub fn from_days(days: i64) -> Date {
        Date::EPOCH.add_days(days)
    }

    pub fn add_days(self, days: i64) -> Date {
        let span = jiff::Span::new().try_days(days).unwrap_or_default();
        let day = self.civil().checked_add(span).unwrap_or(if days < 0 {
            jiff::civil::Date::MIN
        } else {
            jiff::civil::Date::MAX
        });
        Date::from_civil(day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a date; expected YYYY-MM-DD"))
        })
    }
}

impl Table {
    pub fn side(&self, id: &str) -> Option<&Side> {
        self.sides.iter().find(|s| s.id == id)
    }

    pub fn topic(&self, id: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.id == id)
    }

    pub fn person(&self, email: &str) -> Option<&Person> {
        self.people
            .iter()
            .find(|p| p.email.eq_ignore_ascii_case(email))
    }

    /// The session whose days include `date`.
    /// A session by its name (in any case) or by any day of it (`YYYY-MM-DD`).
    pub fn session_named(&self, key: &str) -> Option<&Session> {
        let key = key.trim();
        self.sessions
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(key))
            .or_else(|| Date::parse(key).and_then(|d| self.session_on(d)))
    }

    pub fn session_on(&self, date: Date) -> Option<&Session> {
        self.sessions
            .iter()
            .find(|s| s.start <= date && date <= s.end)
    }

    /// Display name of a side, falling back to its id.
    pub fn side_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.side(id).map_or(id, |s| s.name.as_str())
    }

    /// Topic title, falling back to its id.
    pub fn topic_title<'a>(&'a self, id: &'a str) -> &'a str {
        self.topic(id).map_or(id, |t| t.title.as_str())
    }

    /// Whether `email` leads `topic` for any side.
    pub fn leads(&self, email: &str, topic: &str) -> bool {
        self.topic(topic).is_some_and(|t| {
            t.leads
                .values()
                .flatten()
                .any(|e| e.eq_ignore_ascii_case(email))
        })
    }

    /// Consistency problems that serde cannot see: duplicate ids, unknown sides in people and
    /// leads, sessions out of order. Each is a plain sentence.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.format != 1 {
            problems.push(format!(
                "format {} is not supported; this bargain reads format 1",
                self.format
            ));
        }
        if self.sides.len() < 2 {
            problems.push("a table needs at least two sides".to_string());
        }
        let mut seen = std::collections::BTreeSet::new();
        for side in &self.sides {
            if !is_id(&side.id) {
                problems.push(format!(
                    "side id `{}` must be lowercase letters, digits and dashes",
                    side.id
                ));
            }
            if !seen.insert(side.id.as_str()) {
                problems.push(format!("side `{}` is listed twice", side.id));
            }
        }
        let mut topics = std::collections::BTreeSet::new();
        for topic in &self.topics {
            if !topics.insert(topic.id.as_str()) {
                problems.push(format!("topic `{}` is listed twice", topic.id));
            }
            for (side, emails) in &topic.leads {
                if self.side(side).is_none() {
                    problems.push(format!(
                        "topic `{}` names leads for unknown side `{side}`",
                        topic.id
                    ));
                }
                for email in emails {
                    match self.person(email) {
                        None => problems.push(format!(
                            "topic `{}` lead {email} is not among the people",
                            topic.id
                        )),
                        Some(p) if p.side != *side => problems.push(format!(
                            "topic `{}` lead {email} is listed for side `{side}` but belongs to `{}`",
                            topic.id, p.side
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
        let mut emails = std::collections::BTreeSet::new();
        for person in &self.people {
            if self.side(&person.side).is_none() {
                problems.push(format!(
                    "{} belongs to unknown side `{}`",
                    person.email, person.side
                ));
            }
            if !emails.insert(person.email.to_ascii_lowercase()) {
                problems.push(format!("{} is listed twice among the people", person.email));
            }
        }
        for session in &self.sessions {
            if session.end < session.start {
                problems.push(format!(
                    "session `{}` ends ({}) before it starts ({})",
                    session.name, session.end, session.start
                ));
            }
        }
        problems
    }
}

/// What history says about an article: derived, never stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Side id → how many passes it has made.
    pub passes: BTreeMap<String, u32>,
    /// The side that passed most recently.
    pub last_pass: Option<String>,
    /// The date anything about the article last changed (a pass or a status).
    pub last_movement: Option<Date>,
}

impl Progress {
    pub fn total_passes(&self) -> u32 {
        self.passes.values().sum()
    }
}

/// Whose move it is on an article: nobody once it is settled or withdrawn; while it is live, the
/// first side (in table order) other than the one that passed last. Before any pass, nobody has
/// put language on the table, so nobody owes a response.
pub fn whose_move<'a>(status: Status, sides: &'a [Side], progress: &Progress) -> Option<&'a Side> {
    if !status.is_live() {
        return None;
    }
    let last = progress.last_pass.as_deref()?;
    sides.iter().find(|s| s.id != last)
}

/// A lowercase slug of a title: letters and digits, words joined by dashes, at most `max`
/// bytes, cut at a word — the words of an article folder's name ([`is_id`] holds of it).
pub fn slug(title: &str, max: usize) -> String {
    let mut out = String::new();
    for word in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word: String = word
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() && out.len() + 1 + word.len() > max {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
        if out.len() >= max {
            out.truncate(max);
            break;
        }
    }
    out
}

/// Ids of sides, topics and articles: what is safe as a file or folder name everywhere.
pub fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !s.starts_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        for days in [-1000, 0, 1, 59, 60, 365, 10_000, 20_000, 20_270] {
            let d = Date::from_days(days);
            assert_eq!(d.to_days(), days, "{d}");
        }
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::parse("2025-06-03").unwrap().to_string(), "2025-06-03");
        assert_eq!(Date::parse("2025-02-29"), None);
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
    }

    #[test]
    fn git_time_uses_the_committer_offset() {
        // 2025-06-03 23:30 UTC is already June 4th in UTC+2.
        let t = Date::new(2025, 6, 3).unwrap().to_days() * 86_400 + 23 * 3600 + 1800;
        assert_eq!(Date::from_git_time(t, 0).to_string(), "2025-06-03");
        assert_eq!(Date::from_git_time(t, 120).to_string(), "2025-06-04");
    }
}
