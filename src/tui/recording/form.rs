//! The recording form itself: its state ([`RecordForm`]), its one pure transition ([`update`]:
//! a [`FormMsg`] in, an [`Outcome`] out) and the [`Request`] it describes. No terminal, no
//! repository: the table is copied in when the form opens, and results come back as messages.

use super::{Context, Loaded, WriteOutcome};
use crate::tui::keys::{self, Action, Scope};
use bargain_core::model::{Date, Session, Status, Table};
use bargain_core::record::{
    self, Plan, Refusal, Remedy, Request, StatusChange, TableRequest, Verb,
};
use bargain_core::store::{History, Snapshot};
use crossterm::event::KeyEvent;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

/// The article the form records on, copied out of the table when the form opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub id: String,
    pub number: u32,
    pub title: String,
    pub topic: String,
    pub status: Status,
    /// Side ids and names, in table order.
    pub sides: Vec<(String, String)>,
    /// Sides that have passed a text.
    pub with_text: Vec<String>,
    /// The side that passed last.
    pub last_pass: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pass,
    Status,
    /// A new article added to the table (`record::table`), not a recording on one.
    Article,
}

/// Where the form is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A pass, or a status change.
    Action,
    /// The status picker.
    Status,
    /// Fields: the pass's side and file; a TA's signatories, date and text; …
    Details,
    Note,
    /// Waiting for `record::check`.
    Checking,
    /// The checked plan, to confirm.
    Confirm(Box<Plan>),
    /// Waiting for the write.
    Writing(Box<Plan>),
    /// The refusal of `record::check`: back to change the request, or cancel.
    Refused(String),
    /// The write's outcome.
    Done(WriteOutcome),
}

/// What a field asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKey {
    /// The side that passes.
    Side,
    /// The file of a text: the pass's, or a new article's current language.
    Path,
    /// A new article's number.
    Number,
    /// A new article's title.
    Title,
    /// A new article's topic.
    Topic,
    /// A TA's signatory of this side.
    Signatory(String),
    Date,
    /// The session the day belongs to (`""`: between sessions).
    Session,
    /// The side whose text is agreed (`""`: every side's, when they are the same).
    Agreed,
    /// The side that withdraws.
    WithdrawnBy,
    /// Who of this side agrees to reopen (`""`: nobody named).
    ReopenBy(String),
    /// Record over the guard (a pass on agreed language, a reopen without every side): `"yes"`.
    Force,
}

#[derive(Debug, Clone)]
pub enum Input {
    /// One of `options` (value, as shown); `None` until chosen.
    Pick {
        options: Vec<(String, String)>,
        chosen: Option<usize>,
    },
    /// A line of text.
    Text(Box<TextArea<'static>>),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub key: FieldKey,
    pub label: String,
    pub input: Input,
}

impl Field {
    fn pick(
        key: FieldKey,
        label: String,
        options: Vec<(String, String)>,
        chosen: Option<usize>,
    ) -> Field {
        Field {
            key,
            label,
            input: Input::Pick { options, chosen },
        }
    }

    fn text(key: FieldKey, label: String, value: &str, placeholder: &str) -> Field {
        Field {
            key,
            label,
            input: Input::Text(Box::new(line_input(value, placeholder))),
        }
    }

    /// The chosen value of a picker, or the text of a text field.
    pub fn value(&self) -> Option<String> {
        match &self.input {
            Input::Pick { options, chosen } => chosen.map(|i| options[i].0.clone()),
            Input::Text(t) => Some(t.lines().join("").trim().to_string()),
        }
    }

    pub fn shown(&self) -> String {
        match &self.input {
            Input::Pick { options, chosen } => {
                let unset = || {
                    format!(
                        "(choose with {}/{})",
                        keys_label(Action::PickPrev),
                        keys_label(Action::PickNext)
                    )
                };
                chosen.map_or_else(unset, |i| options[i].1.clone())
            }
            Input::Text(t) => t.lines().join(""),
        }
    }
}

fn line_input(value: &str, placeholder: &str) -> TextArea<'static> {
    let mut t = TextArea::new(vec![value.to_string()]);
    t.move_cursor(CursorMove::End);
    t.set_placeholder_text(placeholder.to_string());
    t.set_cursor_line_style(ratatui::style::Style::new());
    t
}

/// The form's state.
#[derive(Debug, Clone)]
pub struct RecordForm {
    pub ticket: u64,
    pub subject: Subject,
    /// Who records (email, side), when git knows and the table lists them.
    pub me: Option<(String, String)>,
    pub today: Date,
    pub step: Step,
    pub kind: Kind,
    /// The cursor in the action list and in the status picker.
    pub action_cursor: usize,
    pub status_cursor: usize,
    /// `Verb::next` of the article's status: the status picker's choices.
    pub statuses: Vec<Verb>,
    /// The status chosen, once chosen.
    pub status: Option<Verb>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The pass's text, once read or written.
    pub text: Option<Loaded>,
    pub note: TextArea<'static>,
    /// A line under the step: why Enter did not go on, what the editor did.
    pub message: Option<String>,
    /// People who may sign or agree for the article's topic, per side: (email, `"Name <email>"`).
    signers: Vec<(String, Vec<(String, String)>)>,
    /// The table is kept jointly: each side signs a TA for itself, the others countersign.
    joint: bool,
    /// The table's sessions, for the session picker.
    sessions: Vec<Session>,
    /// The session was picked by hand: a new date no longer picks it.
    session_by_hand: bool,
}

/// The form's input.
#[derive(Debug, Clone)]
pub enum FormMsg {
    Key(KeyEvent),
    Act(Action),
    Text(Result<Loaded, String>),
    Checked(Result<Box<Plan>, NotChecked>),
    Written(WriteOutcome),
}

/// Why `record::check` gave no plan.
#[derive(Debug, Clone)]
pub enum NotChecked {
    /// The rules refused it: the form names what to do in its own fields.
    Refused(Box<Refusal>),
    /// It could not be checked at all.
    Failed(String),
}

/// What the form asks of its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Continue,
    /// Close the form; nothing is written.
    Cancel,
    /// Read the pass's text from this file.
    ReadFile(String),
    /// Write the pass in `$EDITOR`, starting from the side's latest text.
    OpenEditor {
        side: String,
    },
    /// Check this request (`record::check`) and show the plan.
    Submit(Box<Request>),
    /// Check this change of the table (`record::check_table`) and show the plan.
    SubmitTable {
        request: Box<TableRequest>,
        note: Option<String>,
    },
    /// The user confirmed the plan: write it.
    Confirm(Box<Plan>),
}

pub const ACTIONS: [&str; 2] = ["Record a pass (a side's new full text)", "Set the status"];

impl RecordForm {
    /// A form on `article` of `snapshot`'s table, opened at `kind` (`None`: the action list).
    pub fn new(
        snapshot: &Snapshot,
        history: &History,
        article: &str,
        kind: Option<Kind>,
        context: Option<&Context>,
        ticket: u64,
    ) -> Result<RecordForm, String> {
        let table = &snapshot.table;
        let entry = snapshot
            .find(article)
            .ok_or_else(|| format!("there is no article {article}"))?;
        let a = entry.article.as_ref().ok_or_else(|| {
            format!(
                "article {} cannot be recorded on until its files are fixed",
                entry.id
            )
        })?;
        let progress = history.progress(&entry.id, &table.sides);
        let subject = Subject {
            id: entry.id.clone(),
            number: a.number,
            title: a.title.clone(),
            topic: a.topic.clone(),
            status: a.status,
            sides: table
                .sides
                .iter()
                .map(|s| (s.id.clone(), s.name.clone()))
                .collect(),
            with_text: entry.passes.keys().cloned().collect(),
            last_pass: progress.last_pass.clone(),
        };
        let me = context
            .and_then(|c| c.actor.as_ref().ok())
            .and_then(|actor| table.person(&actor.email))
            .map(|p| (p.email.clone(), p.side.clone()));
        let today = context.map_or_else(crate::clock::today, |c| c.today);
        let signers = signers(table, &subject.topic);
        let statuses = Verb::next(subject.status).to_vec();
        let mut note = TextArea::default();
        note.set_wrap_mode(WrapMode::WordOrGlyph);
        note.set_placeholder_text("(optional) a note for the record");
        note.set_cursor_line_style(ratatui::style::Style::new());
        let mut form = RecordForm {
            ticket,
            subject,
            me,
            today,
            step: Step::Action,
            kind: Kind::Pass,
            action_cursor: 0,
            status_cursor: 0,
            statuses,
            status: None,
            fields: Vec::new(),
            focus: 0,
            text: None,
            note,
            message: None,
            signers,
            joint: table.kept_by.is_joint(),
            sessions: table.sessions.clone(),
            session_by_hand: false,
        };
        match kind {
            Some(Kind::Pass) => form.choose_action(0),
            Some(Kind::Status) => form.choose_action(1),
            // An article is added by its own form (`new_article`).
            Some(Kind::Article) | None => {}
        }
        Ok(form)
    }

    /// A form that adds an article to `snapshot`'s table: its number, title, topic (`topic`
    /// chosen at first, when given) and, optionally, the current contract's language from a
    /// file. The same steps as a recording: the note, the plan checked by the library, the
    /// commit.
    pub fn new_article(
        snapshot: &Snapshot,
        topic: Option<&str>,
        context: Option<&Context>,
        ticket: u64,
    ) -> RecordForm {
        let table = &snapshot.table;
        let subject = Subject {
            id: String::new(),
            number: 0,
            title: String::new(),
            topic: topic.unwrap_or_default().to_string(),
            status: Status::Open,
            sides: table
                .sides
                .iter()
                .map(|s| (s.id.clone(), s.name.clone()))
                .collect(),
            with_text: Vec::new(),
            last_pass: None,
        };
        let me = context
            .and_then(|c| c.actor.as_ref().ok())
            .and_then(|actor| table.person(&actor.email))
            .map(|p| (p.email.clone(), p.side.clone()));
        let mut note = TextArea::default();
        note.set_wrap_mode(WrapMode::WordOrGlyph);
        note.set_placeholder_text("(optional) a note for the record");
        note.set_cursor_line_style(ratatui::style::Style::new());
        let topics: Vec<(String, String)> = table
            .topics
            .iter()
            .map(|t| (t.id.clone(), format!("{} ({})", t.title, t.id)))
            .collect();
        let chosen = topic.and_then(|id| topics.iter().position(|(t, _)| t == id));
        let fields = vec![
            Field::text(FieldKey::Number, "Number".into(), "", "e.g. 15"),
            Field::text(FieldKey::Title, "Title".into(), "", "the article's title"),
            Field::pick(FieldKey::Topic, "Topic".into(), topics, chosen),
            Field::text(
                FieldKey::Path,
                "Current language".into(),
                "",
                "(optional) a file with the expiring contract's text",
            ),
        ];
        RecordForm {
            ticket,
            subject,
            me,
            today: context.map_or_else(crate::clock::today, |c| c.today),
            step: Step::Details,
            kind: Kind::Article,
            action_cursor: 0,
            status_cursor: 0,
            statuses: Vec::new(),
            status: None,
            fields,
            focus: 0,
            text: None,
            note,
            message: None,
            signers: Vec::new(),
            joint: table.kept_by.is_joint(),
            sessions: table.sessions.clone(),
            session_by_hand: false,
        }
    }

    /// The article the form adds, or what is still missing, in the form's words.
    pub fn table_request(&self) -> Result<TableRequest, String> {
        let value = |key| self.field(&key).and_then(Field::value).unwrap_or_default();
        let typed = value(FieldKey::Number);
        let number = match typed.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ if typed.is_empty() => return Err("type the article's “Number”".to_string()),
            _ => {
                return Err(format!(
                    "the “Number” `{typed}` is not an article number (1, 2, 3…)"
                ));
            }
        };
        let title = value(FieldKey::Title);
        if title.is_empty() {
            return Err("type the article's “Title”".to_string());
        }
        let topic = self
            .field(&FieldKey::Topic)
            .and_then(Field::value)
            .ok_or("choose the article's “Topic”")?;
        Ok(TableRequest::AddArticle {
            number,
            title,
            topic,
            current: self.text.as_ref().map(|t| t.text.clone()),
        })
    }

    /// The field that has the focus on the details step.
    pub fn focused(&self) -> Option<&Field> {
        (self.step == Step::Details)
            .then(|| self.fields.get(self.focus))
            .flatten()
    }

    /// Whether keys are text here (a text field or the note).
    fn typing(&self) -> bool {
        self.step == Step::Note
            || self
                .focused()
                .is_some_and(|f| matches!(f.input, Input::Text(_)))
    }

    fn side_name(&self, id: &str) -> String {
        self.subject
            .sides
            .iter()
            .find(|(s, _)| s == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    }

    fn sides_options(&self) -> Vec<(String, String)> {
        self.subject.sides.clone()
    }

    fn my_side_index(&self) -> Option<usize> {
        let (_, side) = self.me.as_ref()?;
        self.subject.sides.iter().position(|(s, _)| s == side)
    }

    fn choose_action(&mut self, i: usize) {
        self.message = None;
        self.action_cursor = i;
        if i == 0 {
            self.kind = Kind::Pass;
            let side = self.my_side_index().or(Some(0));
            self.fields = vec![
                Field::pick(FieldKey::Side, "Side".into(), self.sides_options(), side),
                Field::text(
                    FieldKey::Path,
                    "From file".into(),
                    "",
                    &format!(
                        "a path; or {} to write it in $EDITOR",
                        keys_label(Action::Editor)
                    ),
                ),
            ];
            if self.subject.status.is_agreed() {
                self.fields.push(force_field("Over the agreement"));
            }
            self.fields.extend(self.when_fields());
            self.session_by_hand = false;
            self.focus = 1;
            self.step = Step::Details;
        } else {
            self.kind = Kind::Status;
            if self.statuses.is_empty() {
                self.message = Some(format!(
                    "article {} is {}: nothing more is recorded on it",
                    self.subject.number, self.subject.status
                ));
                return;
            }
            self.step = Step::Status;
        }
    }

    /// When it happened at the table: the day (today unless changed) and the session it belongs
    /// to, picked from the table's sessions or "between sessions" — the one that includes the
    /// day until another is picked, and none when no session includes it (never a guess).
    fn when_fields(&self) -> Vec<Field> {
        let mut options: Vec<(String, String)> = self
            .sessions
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    format!("{} ({} to {})", s.name, s.start, s.end),
                )
            })
            .collect();
        options.push((String::new(), "between sessions".to_string()));
        vec![
            Field::text(
                FieldKey::Date,
                "Date".into(),
                &self.today.to_string(),
                "YYYY-MM-DD",
            ),
            Field::pick(
                FieldKey::Session,
                "Session".into(),
                options,
                self.session_index_on(Some(self.today)),
            ),
        ]
    }

    /// The picker's index of the session that includes `date`.
    fn session_index_on(&self, date: Option<Date>) -> Option<usize> {
        let date = date?;
        self.sessions
            .iter()
            .position(|s| s.start <= date && date <= s.end)
    }

    /// After the date was typed: the session that includes it, unless one was picked by hand;
    /// when none includes it, the picker is left empty and says so.
    fn follow_date(&mut self) {
        if self.session_by_hand {
            return;
        }
        let date = self
            .field(&FieldKey::Date)
            .and_then(Field::value)
            .and_then(|t| Date::parse(&t));
        let index = self.session_index_on(date);
        if let Some(Field {
            input: Input::Pick { chosen, .. },
            ..
        }) = self.fields.iter_mut().find(|f| f.key == FieldKey::Session)
        {
            *chosen = index;
        }
        self.message = match (date, index) {
            (Some(d), None) if !self.sessions.is_empty() => Some(format!(
                "no session includes {d}: choose one under “Session”, or “between sessions”"
            )),
            _ => None,
        };
    }

    /// The session chosen: a name, or between sessions; what to do when none is.
    fn session_choice(&self) -> Result<record::SessionChoice, String> {
        match self.field(&FieldKey::Session).and_then(Field::value) {
            Some(name) if name.is_empty() => Ok(record::SessionChoice::Between),
            Some(name) => Ok(record::SessionChoice::Named(name)),
            None if self.field(&FieldKey::Session).is_none() => Ok(record::SessionChoice::Auto),
            None => Err(format!(
                "no session includes {}: choose one under “Session”, or “between sessions”",
                self.date()
                    .map_or_else(|_| "the day".to_string(), |d| d.to_string())
            )),
        }
    }

    /// The detail fields a status needs, then when it happened.
    fn status_fields(&self, verb: Verb) -> Vec<Field> {
        let mut fields = self.status_only_fields(verb);
        // A TA's day and session come with its signatures, before the agreed text.
        let at = if verb == Verb::Set(Status::TentativelyAgreed) {
            fields
                .iter()
                .take_while(|f| matches!(f.key, FieldKey::Signatory(_)))
                .count()
        } else {
            fields.len()
        };
        let rest = fields.split_off(at);
        fields.extend(self.when_fields());
        fields.extend(rest);
        fields
    }

    fn status_only_fields(&self, verb: Verb) -> Vec<Field> {
        match verb {
            Verb::Set(Status::TentativelyAgreed) => {
                let mut fields: Vec<Field> = self
                    .signers
                    .iter()
                    // Jointly kept: the recorder signs for their own side only; the other side
                    // countersigns in a commit of their own.
                    .filter(|(side, _)| {
                        !self.joint || self.me.as_ref().is_none_or(|(_, mine)| mine == side)
                    })
                    .map(|(side, people)| {
                        let mine = self.me.as_ref().and_then(|(email, my_side)| {
                            (my_side == side)
                                .then(|| people.iter().position(|(e, _)| e == email))
                                .flatten()
                        });
                        Field::pick(
                            FieldKey::Signatory(side.clone()),
                            format!("Signs for {side}"),
                            people.clone(),
                            mine,
                        )
                    })
                    .collect();
                let mut options: Vec<(String, String)> = self
                    .subject
                    .sides
                    .iter()
                    .filter(|(s, _)| self.subject.with_text.contains(s))
                    .map(|(s, n)| {
                        (
                            s.clone(),
                            format!("{} latest text", bargain_core::text::possessive(n)),
                        )
                    })
                    .collect();
                options.push((String::new(), "the same text on every side".into()));
                let chosen = self
                    .subject
                    .last_pass
                    .as_ref()
                    .and_then(|l| options.iter().position(|(s, _)| s == l))
                    .unwrap_or(options.len() - 1);
                fields.push(Field::pick(
                    FieldKey::Agreed,
                    "Agreed text".into(),
                    options,
                    Some(chosen),
                ));
                fields
            }
            Verb::Set(Status::Ratified) => Vec::new(),
            Verb::Set(Status::Withdrawn) => vec![Field::pick(
                FieldKey::WithdrawnBy,
                "Withdrawn by".into(),
                self.sides_options(),
                self.my_side_index().or(Some(0)),
            )],
            Verb::Reopen => {
                let mut fields: Vec<Field> = self
                    .signers
                    .iter()
                    .filter(|(side, _)| self.me.as_ref().is_none_or(|(_, mine)| mine != side))
                    .map(|(side, people)| {
                        let mut options = vec![(String::new(), "nobody named".to_string())];
                        options.extend(people.iter().cloned());
                        Field::pick(
                            FieldKey::ReopenBy(side.clone()),
                            format!("Agrees for {side}"),
                            options,
                            Some(0),
                        )
                    })
                    .collect();
                fields.push(force_field("Without every side"));
                fields
            }
            _ => Vec::new(),
        }
    }

    fn field(&self, key: &FieldKey) -> Option<&Field> {
        self.fields.iter().find(|f| &f.key == key)
    }

    /// The request the form describes, or what is still missing.
    pub fn request(&self) -> Result<Request, String> {
        let note = self.note.lines().join("\n").trim().to_string();
        let action = match self.kind {
            Kind::Pass => {
                let side = self
                    .field(&FieldKey::Side)
                    .and_then(Field::value)
                    .ok_or("choose the side that passes")?;
                let text = self
                    .text
                    .as_ref()
                    .ok_or("no text yet: a file path, or Ctrl-e for $EDITOR")?;
                // In a table kept by one side, a pass of the other side can only be its text
                // as received across the table; in a joint table each side records its own
                // (and `record::check` refuses the rest, saying so).
                let received =
                    !self.joint && self.me.as_ref().is_some_and(|(_, mine)| *mine != side);
                record::Action::Pass {
                    side,
                    text: text.text.clone(),
                    received,
                }
            }
            Kind::Status => record::Action::Set(self.status_change()?),
            Kind::Article => return Err("adding an article is a change of the table".into()),
        };
        Ok(Request {
            article: self.subject.id.clone(),
            action,
            // The day and the session as the form asks them.
            date: match self.field(&FieldKey::Date) {
                Some(_) => Some(self.date()?),
                None => None,
            },
            session: self.session_choice()?,
            note: (!note.is_empty()).then_some(note),
            force: self
                .field(&FieldKey::Force)
                .and_then(Field::value)
                .as_deref()
                == Some("yes"),
        })
    }

    /// The day and the session, checked as far as the form can: a date, and a session chosen.
    fn when(&self) -> Result<(), String> {
        if self.field(&FieldKey::Date).is_some() {
            self.date()?;
        }
        self.session_choice().map(|_| ())
    }

    fn date(&self) -> Result<Date, String> {
        let text = self
            .field(&FieldKey::Date)
            .and_then(Field::value)
            .unwrap_or_default();
        Date::parse(&text).ok_or_else(|| format!("the date `{text}` is not YYYY-MM-DD"))
    }

    fn status_change(&self) -> Result<StatusChange, String> {
        let verb = self.status.ok_or("choose a status")?;
        Ok(match verb {
            Verb::Set(Status::Open) => StatusChange::Open,
            Verb::Set(Status::Impasse) => StatusChange::Impasse,
            Verb::Set(Status::CurrentLanguage) => StatusChange::CurrentLanguage,
            Verb::Set(Status::Withdrawn) => StatusChange::Withdrawn {
                by: self.field(&FieldKey::WithdrawnBy).and_then(Field::value),
            },
            Verb::Set(Status::Ratified) => StatusChange::Ratified,
            Verb::Reopen => StatusChange::Reopen {
                agreed_by: self
                    .fields
                    .iter()
                    .filter(|f| matches!(f.key, FieldKey::ReopenBy(_)))
                    .filter_map(Field::value)
                    .filter(|v| !v.is_empty())
                    .collect(),
            },
            Verb::Set(Status::TentativelyAgreed) => {
                let mut signatories = Vec::new();
                for field in &self.fields {
                    if let FieldKey::Signatory(side) = &field.key {
                        let Input::Pick { options, chosen } = &field.input else {
                            continue;
                        };
                        if options.is_empty() {
                            return Err(format!(
                                "nobody may sign for {}: name a lead of the topic or a chief negotiator in bargaining.yaml",
                                self.side_name(side)
                            ));
                        }
                        let Some(i) = chosen else {
                            return Err(format!(
                                "a TA needs a signatory of each side: choose who signs for {}",
                                self.side_name(side)
                            ));
                        };
                        signatories.push(options[*i].0.clone());
                    }
                }
                StatusChange::TentativelyAgreed {
                    signatories,
                    page_sha256: None,
                    agreed: self
                        .field(&FieldKey::Agreed)
                        .and_then(Field::value)
                        .filter(|v| !v.is_empty()),
                }
            }
        })
    }

    /// A refusal in the form's own terms: the rules' sentence, then what to do here, naming the
    /// form's fields (never a command-line flag).
    pub fn explain(&self, refusal: &Refusal) -> String {
        let names = |sides: &[String]| {
            sides
                .iter()
                .map(|s| self.side_name(s))
                .collect::<Vec<_>>()
                .join(" and ")
        };
        let force = self
            .field(&FieldKey::Force)
            .map_or("Over the agreement", |f| f.label.as_str());
        // What the rules leave to the form: the field to change, for an article being added.
        let field_step = match refusal {
            Refusal::NumberTaken { .. } | Refusal::AmbiguousNumber { .. } => {
                Some("give another “Number”")
            }
            Refusal::BadName(_) if self.kind == Kind::Article => Some("change the “Title”"),
            Refusal::BadText(_) if self.kind == Kind::Article => {
                Some("choose another file under “Current language”, or leave it empty")
            }
            Refusal::UnknownTopic { .. } => Some("choose the “Topic”"),
            _ => None,
        };
        let steps: Vec<String> = refusal
            .remedies()
            .iter()
            .map(|remedy| match remedy {
                Remedy::Force => format!(
                    "to record it anyway, flagged as forced (verify lists it), go back and set “{force}” to yes"
                ),
                Remedy::Reopen { .. } => {
                    "reopen it first: Set the status → reopen, with someone of every side".to_string()
                }
                Remedy::PutBack { .. } => {
                    "put it back on the table first: Set the status → open".to_string()
                }
                Remedy::NameAgreeing { sides } => {
                    format!("choose who agrees for {} (“Agrees for …”)", names(sides))
                }
                Remedy::NameSignatories { sides } => {
                    format!("choose who signs for {} (“Signs for …”)", names(sides))
                }
                Remedy::NameAgreedText { .. } => "choose the “Agreed text”".to_string(),
                Remedy::ChooseSession => {
                    "choose the session it belongs to under “Session”".to_string()
                }
                Remedy::BetweenSessions => {
                    "choose “between sessions” under “Session”".to_string()
                }
                Remedy::AddSession => {
                    "add a session that includes the day (bargain session add)".to_string()
                }
                Remedy::Countersign { .. } => {
                    "the other side's signatory signs it in their own copy of the table"
                        .to_string()
                }
                Remedy::EnterAsReceived => {
                    "enter it as the other side's pass, received".to_string()
                }
                Remedy::SetIdentity => {
                    "tell git who you are, in a shell: git config user.email you@example.org"
                        .to_string()
                }
            })
            .chain(field_step.map(str::to_string))
            .collect();
        if steps.is_empty() {
            refusal.to_string()
        } else {
            format!("{refusal}. To go on: {}", steps.join("; or "))
        }
    }

    /// The step before this one (`None`: the first).
    fn previous(&self) -> Option<Step> {
        match &self.step {
            Step::Action => None,
            Step::Status => Some(Step::Action),
            Step::Details => match self.kind {
                Kind::Pass => Some(Step::Action),
                Kind::Status => Some(Step::Status),
                Kind::Article => None,
            },
            Step::Note => Some(if self.fields.is_empty() {
                Step::Status
            } else {
                Step::Details
            }),
            Step::Checking | Step::Confirm(_) | Step::Refused(_) => Some(Step::Note),
            Step::Writing(_) | Step::Done(_) => None,
        }
    }
}

/// The override of a guard: off unless chosen, and flagged in the history when on.
fn force_field(label: &str) -> Field {
    Field::pick(
        FieldKey::Force,
        label.to_string(),
        vec![
            (String::new(), "no: refuse".to_string()),
            (
                "yes".to_string(),
                "yes, record it anyway (flagged)".to_string(),
            ),
        ],
        Some(0),
    )
}

/// People of each side who may sign (or agree) on `topic`: its leads and the chief negotiators.
fn signers(table: &Table, topic: &str) -> Vec<(String, Vec<(String, String)>)> {
    table
        .sides
        .iter()
        .map(|side| {
            let people = table
                .people
                .iter()
                .filter(|p| p.side == side.id && record::may_record(table, &p.email, topic))
                .map(|p| (p.email.clone(), format!("{} <{}>", p.name, p.email)))
                .collect();
            (side.id.clone(), people)
        })
        .collect()
}

/// The form's one state transition. Pure: no terminal, no repository.
pub fn update(form: &mut RecordForm, message: FormMsg) -> Outcome {
    match message {
        FormMsg::Key(key) => {
            let action = keys::action_for(Scope::Record, &key);
            let typing = form.typing();
            match action {
                Some(
                    a @ (Action::Open
                    | Action::Back
                    | Action::PrevStep
                    | Action::Editor
                    | Action::Up
                    | Action::Down),
                ) if !(form.step == Step::Note && matches!(a, Action::Up | Action::Down)) => {
                    act(form, a)
                }
                Some(a @ (Action::PickPrev | Action::PickNext)) if !typing => act(form, a),
                _ if typing => {
                    let area = match form.step {
                        Step::Note => &mut form.note,
                        _ => match form.fields.get_mut(form.focus).map(|f| &mut f.input) {
                            Some(Input::Text(t)) => t,
                            _ => return Outcome::Continue,
                        },
                    };
                    if area.input(key) {
                        form.message = None;
                        if form.step == Step::Details
                            && form.fields.get(form.focus).map(|f| &f.key) == Some(&FieldKey::Date)
                        {
                            form.follow_date();
                        }
                    }
                    Outcome::Continue
                }
                _ => Outcome::Continue,
            }
        }
        FormMsg::Act(action) => act(form, action),
        FormMsg::Text(result) => {
            match result {
                Ok(loaded) if loaded.text.trim().is_empty() => {
                    form.message = Some(if form.kind == Kind::Article {
                        format!(
                            "the text from {} is empty; leave “Current language” empty for a new article without one",
                            loaded.source
                        )
                    } else {
                        format!(
                            "the text from {} is empty; a pass is a side's full text",
                            loaded.source
                        )
                    });
                }
                Ok(loaded) => {
                    form.message = None;
                    form.text = Some(loaded);
                    if form.step == Step::Details {
                        // On to the note, unless the day or the session still needs an answer.
                        match form.when() {
                            Ok(()) => form.step = Step::Note,
                            Err(why) => form.message = Some(why),
                        }
                    }
                }
                Err(why) => form.message = Some(why),
            }
            Outcome::Continue
        }
        FormMsg::Checked(result) => {
            if form.step == Step::Checking {
                form.step = match result {
                    Ok(plan) => Step::Confirm(plan),
                    Err(NotChecked::Failed(why)) => Step::Refused(why),
                    Err(NotChecked::Refused(refusal)) => Step::Refused(form.explain(&refusal)),
                };
            }
            Outcome::Continue
        }
        FormMsg::Written(outcome) => {
            form.step = Step::Done(outcome);
            Outcome::Continue
        }
    }
}

fn act(form: &mut RecordForm, action: Action) -> Outcome {
    match action {
        Action::Back => match form.step {
            // The write is under way: the form stays to show its result.
            Step::Writing(_) => Outcome::Continue,
            _ => Outcome::Cancel,
        },
        Action::PrevStep => {
            if let Some(step) = form.previous() {
                form.step = step;
                form.message = None;
            }
            Outcome::Continue
        }
        Action::Up | Action::Down => {
            let by: isize = if action == Action::Down { 1 } else { -1 };
            let wrap =
                |i: usize, n: usize| ((i as isize + by).rem_euclid(n.max(1) as isize)) as usize;
            match form.step {
                Step::Action => form.action_cursor = wrap(form.action_cursor, ACTIONS.len()),
                Step::Status => form.status_cursor = wrap(form.status_cursor, form.statuses.len()),
                Step::Details => form.focus = wrap(form.focus, form.fields.len()),
                _ => {}
            }
            Outcome::Continue
        }
        Action::PickPrev | Action::PickNext => {
            if form.step == Step::Details
                && let Some(Field {
                    input: Input::Pick { options, chosen },
                    ..
                }) = form.fields.get_mut(form.focus)
                && !options.is_empty()
            {
                let n = options.len();
                *chosen = Some(match (*chosen, action) {
                    (None, Action::PickNext) => 0,
                    (None, _) => n - 1,
                    (Some(i), Action::PickNext) => (i + 1) % n,
                    (Some(i), _) => (i + n - 1) % n,
                });
                form.message = None;
                if form.fields[form.focus].key == FieldKey::Session {
                    form.session_by_hand = true;
                }
            }
            Outcome::Continue
        }
        Action::Editor => {
            if form.kind == Kind::Pass && form.step == Step::Details {
                match form.field(&FieldKey::Side).and_then(Field::value) {
                    Some(side) => return Outcome::OpenEditor { side },
                    None => form.message = Some("choose the side that passes".into()),
                }
            }
            Outcome::Continue
        }
        Action::Open => next(form),
        _ => Outcome::Continue,
    }
}

/// Enter: on to the next step, or why not.
fn next(form: &mut RecordForm) -> Outcome {
    form.message = None;
    match form.step.clone() {
        Step::Action => {
            form.choose_action(form.action_cursor);
            Outcome::Continue
        }
        Step::Status => {
            let Some(&word) = form.statuses.get(form.status_cursor) else {
                return Outcome::Continue;
            };
            if form.status != Some(word) {
                form.fields = form.status_fields(word);
                form.focus = 0;
            }
            form.status = Some(word);
            form.step = if form.fields.is_empty() {
                Step::Note
            } else {
                Step::Details
            };
            Outcome::Continue
        }
        Step::Details => {
            if form.kind == Kind::Article {
                if let Err(why) = form.table_request() {
                    form.message = Some(why);
                    return Outcome::Continue;
                }
                let path = form
                    .field(&FieldKey::Path)
                    .and_then(Field::value)
                    .unwrap_or_default();
                if path.is_empty() {
                    form.text = None;
                } else if form.text.as_ref().is_none_or(|t| t.source != path) {
                    return Outcome::ReadFile(path);
                }
                form.step = Step::Note;
                return Outcome::Continue;
            }
            if form.kind == Kind::Pass {
                let path = form
                    .field(&FieldKey::Path)
                    .and_then(Field::value)
                    .unwrap_or_default();
                let loaded_from_it = form.text.as_ref().is_some_and(|t| t.source == path);
                if !path.is_empty() && !loaded_from_it {
                    return Outcome::ReadFile(path);
                }
                if form.text.is_none() {
                    form.message = Some(format!(
                        "type the path of the text, or {} to write it in $EDITOR",
                        keys_label(Action::Editor)
                    ));
                    return Outcome::Continue;
                }
                match form.when() {
                    Ok(()) => form.step = Step::Note,
                    Err(why) => form.message = Some(why),
                }
                return Outcome::Continue;
            }
            match form.status_change().and_then(|_| form.when()) {
                Ok(()) => form.step = Step::Note,
                Err(why) => form.message = Some(why),
            }
            Outcome::Continue
        }
        Step::Note if form.kind == Kind::Article => match form.table_request() {
            Ok(request) => {
                form.step = Step::Checking;
                let note = form.note.lines().join("\n").trim().to_string();
                Outcome::SubmitTable {
                    request: Box::new(request),
                    note: (!note.is_empty()).then_some(note),
                }
            }
            Err(why) => {
                form.message = Some(why);
                Outcome::Continue
            }
        },
        Step::Note => match form.request() {
            Ok(request) => {
                form.step = Step::Checking;
                Outcome::Submit(Box::new(request))
            }
            Err(why) => {
                form.message = Some(why);
                Outcome::Continue
            }
        },
        Step::Checking | Step::Writing(_) => Outcome::Continue,
        Step::Confirm(plan) => {
            form.step = Step::Writing(plan.clone());
            Outcome::Confirm(plan)
        }
        Step::Refused(_) => {
            form.step = Step::Note;
            Outcome::Continue
        }
        Step::Done(_) => Outcome::Cancel,
    }
}

/// How the key table writes the keys of an action in the form.
pub fn keys_label(action: Action) -> &'static str {
    keys::BINDINGS
        .iter()
        .find(|b| b.scope == Scope::Record && b.action == action)
        .map_or("", |b| b.label)
}
