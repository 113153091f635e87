//! Planning one article's change once [`super::check`] has found the article and the recorder:
//! a pass (the side's own, the TA guard, unchanged text) or a status change (the transition
//! table of [`super::Verb::next`], signatories, the agreed text, a reopen's agreement). Each
//! returns the sentence, the files, the trailers and the body of the commit, or a [`Refusal`].

use super::refusal::{BadAgreement, Hint, Refusal};
use super::rights::{Right, WhoMay, has_authority};
use super::{Request, StatusChange, Verb};
use crate::events::{Change, Trailers};
use crate::model::{
    Article, Date, Person, Side, Signature, SignatureKind, Status, TaProposal, Table,
    TentativeAgreement,
};
use crate::store::writer::FileWrite;
use crate::store::{ArticleEntry, History, Repo, Snapshot};
use crate::text::possessive;
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
    /// The day it happened at the table.
    pub(super) date: Date,
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

    pub(super) fn pass(
        mut self,
        side: &str,
        text: &str,
        received: bool,
    ) -> Result<Planned, Refusal> {
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
            "{} pass #{n} on {}{}",
            self.table().side_name(side),
            self.heading(),
            if received {
                format!(", as received on {}", self.date)
            } else {
                String::new()
            }
        );
        self.trailers.side = Some(side.to_string());
        self.trailers.received = received;
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
                (_, StatusChange::Ratified) => Hint::NothingToRatify,
                (s, _) if s == target => Hint::AlreadyIs,
                _ => Hint::None,
            };
            return Err(self.transition(change, hint));
        }
        let mut article = self.article.clone();
        article.status = target;
        // A TA proposed and not yet countersigned does not outlive another change of status.
        article.proposal = None;
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
                article.withdrawn_by = Some(by.clone());
                format!("{} withdraws {heading}", self.table().side_name(&by))
            }
            StatusChange::Ratified => {
                article.ratified = Some(self.date);
                format!("Ratified: {heading}")
            }
            StatusChange::TentativelyAgreed {
                signatories,
                agreed,
                page_sha256,
            } => {
                let kept_by = self.table().kept_by.clone();
                if kept_by.is_joint() {
                    return self.propose(signatories, agreed.as_deref());
                }
                let signed = self.attested(signatories)?;
                let (text, _, whose) = self.agreed_text(agreed.as_deref())?;
                let own = self.person.side.clone();
                article.withdrawn_by = None;
                article.proposal = None;
                let signatures = signed
                    .keys()
                    .map(|s| {
                        let attested = *s != own;
                        let signature = Signature {
                            kind: if attested {
                                SignatureKind::Attested
                            } else {
                                SignatureKind::Countersigned
                            },
                            date: self.date,
                            attested_by: attested.then(|| self.person.email.clone()),
                            page_sha256: if attested { page_sha256.clone() } else { None },
                        };
                        (s.clone(), signature)
                    })
                    .collect();
                article.ta = Some(TentativeAgreement {
                    date: self.date,
                    signatories: signed,
                    signatures,
                    sha256: Some(TentativeAgreement::hash_of(&text)),
                });
                files.push(FileWrite {
                    path: self.entry.path("ta.md"),
                    content: Some(text),
                });
                self.trailers.change = Some(Change::TaAttested);
                let others: Vec<&str> = self
                    .table()
                    .sides
                    .iter()
                    .filter(|s| s.id != own)
                    .map(|s| s.name.as_str())
                    .collect();
                format!(
                    "Tentative agreement on {heading} ({whose}); {} signature attested",
                    possessive(&others.join(" and "))
                )
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

    /// When `person`, a signatory or one who agrees, is neither a chief nor a lead of the
    /// article's topic: the topic's title and who of their side would hold `right`.
    fn without_authority(&self, person: &Person, right: Right) -> Option<(String, Box<WhoMay>)> {
        let table = self.table();
        let topic = &self.article.topic;
        if has_authority(table, person, topic) {
            return None;
        }
        let who = WhoMay::of(table, topic, Some(&person.side), self.number, right);
        Some((table.topic_title(topic).to_string(), Box::new(who)))
    }

    /// The signatories named, each listed, a chief or a lead of the topic, one per side. The
    /// recorder signs for their own side: naming someone else there is refused.
    fn named_signatories(&self, emails: &[String]) -> Result<BTreeMap<String, String>, Refusal> {
        let table = self.table();
        let mut signed = BTreeMap::new();
        signed.insert(self.person.side.clone(), self.person.email.clone());
        for email in emails {
            let person = table
                .person(email)
                .ok_or_else(|| Refusal::UnknownSignatory {
                    email: email.clone(),
                })?;
            if let Some((topic, who)) = self.without_authority(person, Right::Sign) {
                return Err(Refusal::SignatoryWithoutRight {
                    email: email.clone(),
                    topic,
                    who,
                });
            }
            if person.email == self.person.email {
                continue;
            }
            if let Some(first) = signed.insert(person.side.clone(), person.email.clone()) {
                return Err(Refusal::TwoSignatories {
                    side: person.side.clone(),
                    first,
                    second: email.clone(),
                });
            }
        }
        Ok(signed)
    }

    /// A table kept by one side: the recorder signs for theirs, and each other side's signatory
    /// who signed at the table is named, for an attested signature.
    fn attested(&self, emails: &[String]) -> Result<BTreeMap<String, String>, Refusal> {
        let signed = self.named_signatories(emails)?;
        let table = self.table();
        let missing: Vec<WhoMay> = table
            .sides
            .iter()
            .filter(|s| !signed.contains_key(&s.id))
            .map(|s| {
                WhoMay::of(
                    table,
                    &self.article.topic,
                    Some(&s.id),
                    self.number,
                    Right::Sign,
                )
            })
            .collect();
        if !missing.is_empty() {
            return Err(Refusal::MissingSignatories { missing });
        }
        Ok(signed)
    }

    /// A table kept jointly: the recorder signs for their side and the TA is proposed to the
    /// others, who countersign in commits of their own. A proposal already signed by another
    /// side is countersigned instead.
    fn propose(self, signatories: &[String], agreed: Option<&str>) -> Result<Planned, Refusal> {
        let signed = self.named_signatories(signatories)?;
        let others: Vec<String> = signed
            .iter()
            .filter(|(s, _)| **s != self.person.side)
            .map(|(_, e)| e.clone())
            .collect();
        if !others.is_empty() {
            return Err(Refusal::CountersignedByThemselves {
                article: self.number.to_string(),
                others,
            });
        }
        if let Some(proposal) = &self.article.proposal {
            let still = self.proposed_text_stands(proposal)?;
            match (proposal.signatories.contains_key(&self.person.side), still) {
                (true, true) => {
                    return Err(Refusal::AlreadySigned {
                        article: self.number.to_string(),
                        side: self.person.side.clone(),
                    });
                }
                // The text moved since: proposing again replaces the stale proposal.
                (true, false) => {}
                (false, _) if agreed.is_none_or(|a| a == proposal.text) => return self.sign(),
                (false, _) => {}
            }
        }
        let (text, side, whose) = self.agreed_text(agreed)?;
        let mut article = self.article.clone();
        article.proposal = Some(TaProposal {
            date: self.date,
            text: side,
            sha256: TentativeAgreement::hash_of(&text),
            signatories: signed,
        });
        if let Some(note) = self.note {
            article.note = Some(note.to_string());
        }
        let awaiting = self.awaiting(article.proposal.as_ref());
        let sentence = format!(
            "Tentative agreement proposed on {} ({whose}), signed for {}; awaiting {}",
            self.heading(),
            self.table().side_name(&self.person.side),
            awaiting.join(" and ")
        );
        let files = vec![self.article_yaml(&article)?];
        let mut trailers = self.trailers;
        trailers.change = Some(Change::TaProposed);
        Ok((sentence, files, trailers, Vec::new()))
    }

    /// The names of the sides that have not signed `proposal` yet.
    fn awaiting(&self, proposal: Option<&TaProposal>) -> Vec<String> {
        self.table()
            .sides
            .iter()
            .filter(|s| proposal.is_none_or(|p| !p.signatories.contains_key(&s.id)))
            .map(|s| s.name.clone())
            .collect()
    }

    /// Whether the proposed side's latest text is still the one proposed.
    fn proposed_text_stands(&self, proposal: &TaProposal) -> Result<bool, Refusal> {
        let Some(&blob) = self.entry.passes.get(&proposal.text) else {
            return Ok(false);
        };
        let text = self.blob(blob, &self.entry.path(&format!("{}.md", proposal.text)))?;
        Ok(TentativeAgreement::hash_of(&text) == proposal.sha256)
    }

    /// Countersigns the proposed TA for the recorder's side; the last side to sign makes the
    /// article tentatively agreed.
    pub(super) fn sign(self) -> Result<Planned, Refusal> {
        let n = self.number.to_string();
        let proposal = self
            .article
            .proposal
            .as_ref()
            .ok_or_else(|| Refusal::NoProposal { article: n.clone() })?;
        if !matches!(self.article.status, Status::Open | Status::Impasse) {
            return Err(Refusal::NoProposal { article: n });
        }
        if proposal.signatories.contains_key(&self.person.side) {
            return Err(Refusal::AlreadySigned {
                article: n,
                side: self.person.side.clone(),
            });
        }
        if !self.proposed_text_stands(proposal)? {
            return Err(Refusal::ProposalTextChanged {
                article: n,
                side: proposal.text.clone(),
                date: proposal.date,
            });
        }
        let mut signed = proposal.signatories.clone();
        signed.insert(self.person.side.clone(), self.person.email.clone());
        let mut article = self.article.clone();
        if let Some(note) = self.note {
            article.note = Some(note.to_string());
        }
        let mut trailers = self.trailers.clone();
        trailers.change = Some(Change::TaCountersigned);
        let heading = self.heading();
        let signer_side = self.table().side_name(&self.person.side).to_string();
        let mut pending = proposal.clone();
        pending.signatories = signed.clone();
        let awaiting = self.awaiting(Some(&pending));
        let mut files = Vec::new();
        let sentence = if awaiting.is_empty() {
            let blob = self.entry.passes[&proposal.text];
            let text = self.blob(blob, &self.entry.path(&format!("{}.md", proposal.text)))?;
            let signatures = signed
                .keys()
                .map(|side| {
                    let date = if proposal.signatories.contains_key(side) {
                        proposal.date
                    } else {
                        self.date
                    };
                    let signature = Signature {
                        kind: SignatureKind::Countersigned,
                        date,
                        attested_by: None,
                        page_sha256: None,
                    };
                    (side.clone(), signature)
                })
                .collect();
            article.status = Status::TentativelyAgreed;
            article.withdrawn_by = None;
            article.proposal = None;
            article.ta = Some(TentativeAgreement {
                date: self.date,
                signatories: signed,
                signatures,
                sha256: Some(proposal.sha256.clone()),
            });
            files.push(FileWrite {
                path: self.entry.path("ta.md"),
                content: Some(text),
            });
            trailers.status = Some(Status::TentativelyAgreed);
            format!(
                "Tentative agreement on {heading}: countersigned for {signer_side} on {} text",
                possessive(self.table().side_name(&proposal.text))
            )
        } else {
            article.proposal = Some(pending);
            format!(
                "Tentative agreement on {heading} signed for {signer_side}; awaiting {}",
                awaiting.join(" and ")
            )
        };
        files.insert(0, self.article_yaml(&article)?);
        Ok((sentence, files, trailers, Vec::new()))
    }

    /// The agreed text, the side whose latest pass it is, and a few words on whose it is.
    fn agreed_text(&self, agreed: Option<&str>) -> Result<(Vec<u8>, String, String), Refusal> {
        let n = self.number;
        let pass_label = |side: &str| {
            let count = self.history.passes(&self.entry.id, side).count();
            format!("{} pass {count}", possessive(self.table().side_name(side)))
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
            return Ok((text, side.to_string(), pass_label(side)));
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
        let side = texts[0].0.clone();
        let text = self.blob(texts[0].1, &self.entry.path("ta.md"))?;
        Ok((text, side, "both sides' identical text".to_string()))
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
            if let Some((topic, who)) = self.without_authority(person, Right::Agree) {
                return Err(Refusal::BadAgreement {
                    email: email.clone(),
                    why: BadAgreement::WithoutRight { topic, who },
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
