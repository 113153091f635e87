//! Planning one article's change once [`super::check`] has found the article and the recorder:
//! a pass (the side's own, the TA guard, unchanged text) or a status change (the transition
//! table of [`super::Verb::next`], signatories, the agreed text, a reopen's agreement). Each
//! returns the sentence, the files, the trailers and the body of the commit, or a [`Refusal`].

use super::refusal::{BadAgreement, Hint, Refusal};
use super::rights::{Right, WhoMay, has_authority};
use super::{Request, StatusChange, Verb};
use crate::events::Trailers;
use crate::model::{Article, Person, Side, Status, Table, TentativeAgreement};
use crate::store::writer::FileWrite;
use crate::store::{ArticleEntry, History, Repo, Snapshot};
use git2::Oid;
use std::collections::BTreeMap;

pub(super) type Planned = (String, Vec<FileWrite>, Trailers, Vec<String>);

pub(super) struct Planner<'a> {
    pub(super) repo: &'a Repo,
    pub(super) snapshot: &'a Snapshot,
    pub(super) history: &'a History,
    pub(super) entry: &'a ArticleEntry,
    pub(super) article: &'a Article,
    pub(super) number: &'a str,
    pub(super) person: &'a Person,
    pub(super) request: &'a Request,
    pub(super) note: Option<&'a str>,
    pub(super) trailers: Trailers,
}

impl Planner<'_> {
    fn table(&self) -> &Table {
        &self.snapshot.table
    }

    fn heading(&self) -> String {
        format!("Article {} — {}", self.article.number, self.article.title)
    }

    fn side(&self, id: &str) -> Result<&Side, Refusal> {
        self.table().side(id).ok_or_else(|| Refusal::UnknownSide {
            side: id.to_string(),
            sides: self.table().sides.iter().map(|s| s.id.clone()).collect(),
        })
    }

    /// A side's action (a pass, a withdrawal) is recorded by that side's people.
    fn own_side(&self, side: &str) -> Result<(), Refusal> {
        self.side(side)?;
        if self.person.side != side {
            return Err(Refusal::OtherSide {
                email: self.person.email.clone(),
                own: self.person.side.clone(),
                side: side.to_string(),
                who: Box::new(WhoMay::of(
                    self.table(),
                    &self.article.topic,
                    Some(side),
                    self.number,
                    Right::Record,
                )),
            });
        }
        Ok(())
    }

    fn blob(&self, id: Oid, path: &str) -> Result<Vec<u8>, Refusal> {
        self.repo
            .git
            .find_blob(id)
            .map(|b| b.content().to_vec())
            .map_err(|e| Refusal::BadText(format!("{path} cannot be read: {}", e.message())))
    }

    fn article_yaml(&self, article: &Article) -> Result<FileWrite, Refusal> {
        let yaml = serde_yaml::to_string(article)
            .map_err(|e| Refusal::BadText(format!("article.yaml: {e}")))?;
        Ok(FileWrite {
            path: self.entry.path("article.yaml"),
            content: Some(yaml.into_bytes()),
        })
    }

    pub(super) fn pass(mut self, side: &str, text: &str) -> Result<Planned, Refusal> {
        self.own_side(side)?;
        if text.contains('\0') {
            return Err(Refusal::BadText(
                "the text is binary (contains a NUL byte), not text".to_string(),
            ));
        }
        if text.trim().is_empty() {
            return Err(Refusal::EmptyText);
        }
        let status = self.article.status;
        let mut body = Vec::new();
        match status {
            Status::Open | Status::Impasse => {}
            Status::TentativelyAgreed | Status::Ratified if self.request.force => {
                self.trailers.forced = true;
                body.push(format!(
                    "Recorded as forced: this pass changes language {} on {} without a reopen.",
                    if status == Status::Ratified {
                        "ratified"
                    } else {
                        "tentatively agreed"
                    },
                    self.article
                        .ta
                        .as_ref()
                        .map_or_else(|| "an earlier day".to_string(), |t| t.date.to_string())
                ));
            }
            Status::TentativelyAgreed | Status::Ratified => {
                return Err(Refusal::TaGuard {
                    article: self.number.to_string(),
                    since: self.article.ta.as_ref().map(|t| t.date),
                });
            }
            Status::Withdrawn | Status::CurrentLanguage => {
                return Err(Refusal::Transition {
                    article: self.number.to_string(),
                    from: status,
                    to: "a new pass",
                    hint: if status == Status::Withdrawn {
                        Hint::PutBackFirst
                    } else {
                        Hint::ReopenFirst
                    },
                });
            }
        }
        let path = self.entry.path(&format!("{side}.md"));
        if let Some(&latest) = self.entry.passes.get(side)
            && self.blob(latest, &path)? == text.as_bytes()
        {
            return Err(Refusal::Unchanged {
                side: side.to_string(),
            });
        }
        let n = self.history.passes(&self.entry.id, side).count() + 1;
        let sentence = format!(
            "{} pass #{n} on {}",
            self.table().side_name(side),
            self.heading()
        );
        self.trailers.side = Some(side.to_string());
        let files = vec![FileWrite {
            path,
            content: Some(text.as_bytes().to_vec()),
        }];
        Ok((sentence, files, self.trailers, body))
    }

    fn transition(&self, change: &StatusChange, hint: Hint) -> Refusal {
        Refusal::Transition {
            article: self.number.to_string(),
            from: self.article.status,
            to: change.verb().as_str(),
            hint,
        }
    }

    pub(super) fn set(mut self, change: &StatusChange) -> Result<Planned, Refusal> {
        use Status::*;
        let from = self.article.status;
        let target = change.target();
        let n = self.number;
        if !Verb::next(from).contains(&change.verb()) {
            let hint = match (from, change) {
                (Ratified, _) => Hint::Final,
                (TentativelyAgreed, StatusChange::Open) | (CurrentLanguage, _) => Hint::ReopenFirst,
                (TentativelyAgreed, _) => Hint::RatifyOrReopen,
                (Withdrawn, _) => Hint::PutBackFirst,
                (_, StatusChange::Reopen { .. }) => Hint::NothingToReopen,
                (_, StatusChange::Ratified { .. }) => Hint::NothingToRatify,
                (s, _) if s == target => Hint::AlreadyIs,
                _ => Hint::None,
            };
            return Err(self.transition(change, hint));
        }
        let mut article = self.article.clone();
        article.status = target;
        if let Some(note) = self.note {
            article.note = Some(note.to_string());
        }
        let mut files = Vec::new();
        let mut body = Vec::new();
        let heading = self.heading();
        let sentence = match change {
            StatusChange::Open => {
                article.withdrawn_by = None;
                format!("{heading} is back on the table")
            }
            StatusChange::Impasse => format!("Impasse on {heading}"),
            StatusChange::CurrentLanguage => {
                if self.entry.current.is_none() {
                    return Err(Refusal::NoCurrentLanguage {
                        article: n.to_string(),
                    });
                }
                format!("Current language on {heading}")
            }
            StatusChange::Withdrawn { by } => {
                let by = by.clone().unwrap_or_else(|| self.person.side.clone());
                self.own_side(&by)?;
                article.withdrawn_by = Some(by.clone());
                format!("{} withdraws {heading}", self.table().side_name(&by))
            }
            StatusChange::Ratified { date } => {
                article.ratified = Some(*date);
                format!("Ratified: {heading}")
            }
            StatusChange::TentativelyAgreed {
                signatories,
                date,
                agreed,
            } => {
                let signed = self.signatories(signatories)?;
                let (text, whose) = self.agreed_text(agreed.as_deref())?;
                article.withdrawn_by = None;
                article.ta = Some(TentativeAgreement {
                    date: *date,
                    signatories: signed,
                    sha256: Some(TentativeAgreement::hash_of(&text)),
                });
                files.push(FileWrite {
                    path: self.entry.path("ta.md"),
                    content: Some(text),
                });
                format!("Tentative agreement on {heading} ({whose})")
            }
            StatusChange::Reopen { agreed_by } => {
                let (names, missing) = self.reopen_agreement(agreed_by)?;
                if !missing.is_empty() {
                    if !self.request.force {
                        return Err(Refusal::ReopenNeedsEverySide {
                            article: n.to_string(),
                            missing,
                        });
                    }
                    self.trailers.forced = true;
                    body.push(format!(
                        "Reopened as forced, without the recorded agreement of {}.",
                        missing.join(", ")
                    ));
                }
                self.trailers.reopened_by = names;
                article.ta = None;
                article.ratified = None;
                if self.entry.ta.is_some() {
                    files.push(FileWrite {
                        path: self.entry.path("ta.md"),
                        content: None,
                    });
                }
                match from {
                    TentativelyAgreed => format!("Reopen the tentative agreement on {heading}"),
                    _ => format!("Reopen {heading}"),
                }
            }
        };
        files.insert(0, self.article_yaml(&article)?);
        self.trailers.status = Some(target);
        Ok((sentence, files, self.trailers, body))
    }

    /// One signatory of each side, each a chief or a lead of the topic of that side.
    fn signatories(&self, emails: &[String]) -> Result<BTreeMap<String, String>, Refusal> {
        let table = self.table();
        let topic = &self.article.topic;
        let mut signed = BTreeMap::new();
        for email in emails {
            let person = table
                .person(email)
                .ok_or_else(|| Refusal::UnknownSignatory {
                    email: email.clone(),
                })?;
            if !has_authority(table, person, topic) {
                return Err(Refusal::SignatoryWithoutRight {
                    email: email.clone(),
                    topic: table.topic_title(topic).to_string(),
                    who: Box::new(WhoMay::of(
                        table,
                        topic,
                        Some(&person.side),
                        self.number,
                        Right::Sign,
                    )),
                });
            }
            if let Some(first) = signed.insert(person.side.clone(), person.email.clone()) {
                return Err(Refusal::TwoSignatories {
                    side: person.side.clone(),
                    first,
                    second: email.clone(),
                });
            }
        }
        let missing: Vec<WhoMay> = table
            .sides
            .iter()
            .filter(|s| !signed.contains_key(&s.id))
            .map(|s| WhoMay::of(table, topic, Some(&s.id), self.number, Right::Sign))
            .collect();
        if !missing.is_empty() {
            return Err(Refusal::MissingSignatories { missing });
        }
        Ok(signed)
    }

    /// The agreed text and a few words on whose it is.
    fn agreed_text(&self, agreed: Option<&str>) -> Result<(Vec<u8>, String), Refusal> {
        let n = self.number;
        let pass_label = |side: &str| {
            let count = self.history.passes(&self.entry.id, side).count();
            format!("{side}#{count}'s text")
        };
        if let Some(side) = agreed {
            self.side(side)?;
            let blob = self
                .entry
                .passes
                .get(side)
                .ok_or_else(|| Refusal::NoAgreedText {
                    article: n.to_string(),
                    side: side.to_string(),
                })?;
            let text = self.blob(*blob, &self.entry.path(&format!("{side}.md")))?;
            return Ok((text, pass_label(side)));
        }
        let mut texts = Vec::new();
        for side in &self.table().sides {
            if let Some(blob) = self.entry.passes.get(&side.id) {
                texts.push((side.id.clone(), *blob));
            }
        }
        let all_same =
            texts.len() == self.table().sides.len() && texts.windows(2).all(|w| w[0].1 == w[1].1);
        if !all_same || texts.is_empty() {
            return Err(Refusal::TextsDiffer {
                article: n.to_string(),
                with_text: texts.into_iter().map(|(s, _)| s).collect(),
            });
        }
        let text = self.blob(texts[0].1, &self.entry.path("ta.md"))?;
        Ok((text, "both sides' identical text".to_string()))
    }

    /// The people who agree to a reopen (the recorder first) and the sides still missing.
    fn reopen_agreement(
        &self,
        agreed_by: &[String],
    ) -> Result<(Vec<String>, Vec<String>), Refusal> {
        let table = self.table();
        let mut people = vec![self.person];
        for email in agreed_by {
            let person = table.person(email).ok_or_else(|| Refusal::BadAgreement {
                email: email.clone(),
                why: if table.side(email).is_some() {
                    BadAgreement::IsASide
                } else {
                    BadAgreement::NotListed
                },
            })?;
            let topic = &self.article.topic;
            if !has_authority(table, person, topic) {
                return Err(Refusal::BadAgreement {
                    email: email.clone(),
                    why: BadAgreement::WithoutRight {
                        topic: table.topic_title(topic).to_string(),
                        who: Box::new(WhoMay::of(
                            table,
                            topic,
                            Some(&person.side),
                            self.number,
                            Right::Agree,
                        )),
                    },
                });
            }
            if !people.iter().any(|p| p.email == person.email) {
                people.push(person);
            }
        }
        let missing = table
            .sides
            .iter()
            .filter(|s| !people.iter().any(|p| p.side == s.id))
            .map(|s| s.id.clone())
            .collect();
        Ok((people.iter().map(|p| p.email.clone()).collect(), missing))
    }
}
