//! `view`: draws the state, changes nothing. The redline is drawn from rows wrapped beforehand
//! (see `redline_view`), only the rows in view, so a frame costs the same at the bottom of a
//! 190,000-word text as at the top of a short one.

use super::keys::{self, Scope};
use super::layout::{self, Areas};
use super::search::fold;
use super::state::{
    Loading, MoveFilter, Pane, RedlineStatus, SortBy, State, SyncProblem, SyncState,
};
use bargain_core::text::escape_line;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

pub fn view(frame: &mut Frame<'_>, state: &State) {
    let areas = layout::areas(state);
    let buf = frame.buffer_mut();
    header(buf, &areas, state);
    tabs(buf, &areas, state);
    if let Some(r) = areas.list {
        list(buf, r, state);
    }
    if let Some(r) = areas.divider {
        for y in r.y..r.bottom() {
            buf.set_string(r.x, y, "│", state.theme.dim());
        }
    }
    if let Some(r) = areas.redline {
        redline(buf, r, state);
    }
    if let Some(r) = areas.history {
        history(buf, r, state);
    }
    status_line(buf, areas.status, state);
    key_bar(buf, areas.keybar, state);
    if let Some(form) = &state.recording.form {
        super::recording::view(form, frame, frame_area(state), state.theme);
    }
    let buf = frame.buffer_mut();
    if let Some(screen) = &state.import {
        super::import::view(screen, buf, frame_area(state), state.theme);
    }
    if let Some(scroll) = state.help {
        help(buf, frame_area(state), scroll, state);
    }
}

fn frame_area(state: &State) -> Rect {
    Rect::new(0, 0, state.size.0, state.size.1)
}

/// Draws spans on one row, cut at the area's right edge.
fn put(buf: &mut Buffer, x: u16, y: u16, width: u16, spans: Vec<Span<'_>>) {
    if width == 0 || y >= buf.area.bottom() {
        return;
    }
    buf.set_line(x, y, &Line::from(spans), width);
}

fn fill(buf: &mut Buffer, area: Rect, style: Style) {
    let area = area.intersection(buf.area);
    buf.set_style(area, style);
}

fn header(buf: &mut Buffer, areas: &Areas, state: &State) {
    let r = areas.header;
    let t = state.theme;
    let Some(table) = &state.table else {
        let text = match &state.loading {
            Loading::Failed(_) => "bargain: the table could not be opened",
            _ => "bargain: opening the table…",
        };
        put(buf, r.x, r.y, r.width, vec![Span::styled(text, t.bold())]);
        return;
    };
    let tas = table
        .rows
        .iter()
        .filter(|r| r.status.is_some_and(|s| s.is_agreed()))
        .count();
    let mut spans = vec![
        Span::styled(" │ ", t.dim()),
        Span::raw(match &table.branch {
            Some(b) => format!("⎇ {}", escape_line(b)),
            None => "detached HEAD".to_string(),
        }),
        Span::styled(" │ ", t.dim()),
        identity(state, &table.snapshot.table, false),
        Span::styled(" │ ", t.dim()),
        Span::raw(format!("{} articles, {tas} TA", table.rows.len())),
        Span::styled(" │ ", t.dim()),
    ];
    if table.uncommitted > 0 {
        spans.push(Span::styled(
            format!("✎ {} uncommitted", table.uncommitted),
            t.warning(),
        ));
    } else {
        spans.push(Span::raw("committed"));
    }
    spans.push(Span::raw(", "));
    match table.sync {
        SyncState::NoUpstream => spans.push(Span::styled("no remote", t.dim())),
        SyncState::Upstream {
            ahead,
            behind,
            unsent,
            fetched_at,
            problem,
        } => {
            spans.push(if ahead == 0 && behind == 0 {
                Span::raw("synced")
            } else {
                Span::styled(
                    format!("↑{ahead} to send ↓{behind} to receive"),
                    t.warning(),
                )
            });
            if let Some(at) = fetched_at {
                spans.push(Span::styled(
                    format!(" (fetched {})", clock_time(at)),
                    t.dim(),
                ));
            }
            if unsent > 0 {
                spans.push(Span::styled(format!(", {unsent} unsent"), t.warning()));
            }
            match problem {
                Some(SyncProblem::Auth) => {
                    spans.push(Span::styled(", sign-in failed", t.warning()))
                }
                Some(SyncProblem::Offline) => {
                    spans.push(Span::styled(", remote unreachable", t.warning()))
                }
                None => {}
            }
        }
    }
    let mut rest: usize = spans.iter().map(|s| s.width()).sum();
    // A narrow terminal: who you are in short ("union chief") before anything is cut.
    if rest + 12 > usize::from(r.width) {
        spans[3] = identity(state, &table.snapshot.table, true);
        rest = spans.iter().map(|s| s.width()).sum();
    }
    // The table's name whole, else with the sides' short names, else up to its dash
    // ("National Agreement 2025"), before it is cut.
    let t_ = &table.snapshot.table;
    let short = layout::abbreviate_sides(&t_.name, t_);
    let head = short
        .split_once(" — ")
        .map_or_else(|| short.clone(), |(h, _)| h.trim().to_string());
    // Nothing to tell about the work tree ("committed") gives way to the name.
    if table.uncommitted == 0 && rest + layout::width_of(&escape_line(&head)) > usize::from(r.width)
    {
        if let Some(i) = spans.iter().position(|s| s.content == "committed") {
            spans.drain(i..i + 2);
        }
        rest = spans.iter().map(|s| s.width()).sum();
    }
    let room = usize::from(r.width).saturating_sub(rest).max(12);
    let name = layout::fit(
        [t_.name.clone(), short, head]
            .iter()
            .map(|n| escape_line(n).into_owned()),
        room,
    );
    spans.insert(0, Span::styled(name, t.bold()));
    put(buf, r.x, r.y, r.width, spans);
}

/// Who records from this desk: "Union chief negotiator (Coalition…, chief)", from git's identity
/// and the table's people; a warning when git has none or the table does not know it.
fn identity(state: &State, table: &bargain_core::model::Table, short: bool) -> Span<'static> {
    use bargain_core::model::Role;
    let t = state.theme;
    let Some(context) = &state.recording.context else {
        return Span::styled("you: …", t.dim());
    };
    let actor = match &context.actor {
        Ok(actor) => actor,
        Err(_) if short => return Span::styled("read only", t.warning()),
        Err(_) => return Span::styled("no git identity: read only", t.warning()),
    };
    let Some(person) = table.person(&actor.email) else {
        if short {
            return Span::styled("read only", t.warning());
        }
        return Span::styled(
            format!(
                "{} (not in the table): read only",
                escape_line(&actor.email)
            ),
            t.warning(),
        );
    };
    let mut roles: Vec<String> = person
        .roles
        .iter()
        .filter(|r| **r != Role::Member)
        .map(|r| match r {
            Role::ChiefNegotiator => "chief".to_string(),
            Role::Secretary => "secretary".to_string(),
            Role::Member => "member".to_string(),
        })
        .collect();
    roles.extend(
        table
            .topics
            .iter()
            .filter(|topic| table.leads(&person.email, &topic.id))
            .map(|topic| format!("{} lead", topic.id)),
    );
    if roles.is_empty() {
        roles.push("member".to_string());
    }
    if short {
        return Span::raw(format!(
            "{} {}",
            escape_line(&person.side),
            escape_line(&roles.join(", "))
        ));
    }
    Span::raw(format!(
        "{} ({}, {})",
        escape_line(&person.name),
        escape_line(&person.side),
        escape_line(&roles.join(", "))
    ))
}

fn tabs(buf: &mut Buffer, areas: &Areas, state: &State) {
    let r = areas.tabs;
    for (x, w, topic, text) in layout::tabs(state) {
        if x >= r.width {
            break;
        }
        let style = if topic == state.topic {
            state.theme.pane_title(true)
        } else {
            state.theme.plain()
        };
        put(
            buf,
            x,
            r.y,
            w.min(r.width - x),
            vec![Span::styled(text, style)],
        );
        if x + w < r.width {
            put(
                buf,
                x + w,
                r.y,
                1,
                vec![Span::styled("│", state.theme.dim())],
            );
        }
    }
}

fn pane_title(buf: &mut Buffer, r: Rect, state: &State, pane: Pane, spans: Vec<Span<'_>>) {
    let focused = state.focus == pane && state.help.is_none();
    let style = state.theme.pane_title(focused);
    fill(buf, Rect::new(r.x, r.y, r.width, 1), style);
    let mut line = Line::from(spans);
    line = line.patch_style(style);
    buf.set_line(r.x, r.y, &line, r.width);
}

fn list(buf: &mut Buffer, r: Rect, state: &State) {
    let t = state.theme;
    if r.height == 0 {
        return;
    }
    let Some(table) = &state.table else {
        let text = match &state.loading {
            Loading::Failed(why) => format!("Cannot open the table: {}", escape_line(why)),
            _ => "Opening the table…".to_string(),
        };
        put(
            buf,
            r.x,
            r.y + 1,
            r.width,
            vec![Span::styled(text, t.bold())],
        );
        return;
    };
    let mut filters = Vec::new();
    if let Some(s) = state.status_filter {
        filters.push(format!("status {}", s.badge()));
    }
    match &state.move_filter {
        MoveFilter::Any => {}
        MoveFilter::Side(s) => filters.push(format!(
            "{} move",
            escape_line(&bargain_core::text::possessive(
                table.snapshot.table.side_name(s)
            ))
        )),
        MoveFilter::Nobody => filters.push("nobody's move".to_string()),
    }
    // Whose move is known only from the whole index: until then a filter by it counts "…".
    let shown = if state.move_filter != MoveFilter::Any && table.history.is_none() {
        "…".to_string()
    } else {
        state.visible.len().to_string()
    };
    let mut title = format!(
        " Articles {shown}/{} · sort: {}",
        table.rows.len(),
        state.sort.word()
    );
    if !filters.is_empty() {
        title.push_str(&format!(" · {}", filters.join(", ")));
    }
    pane_title(buf, r, state, Pane::List, vec![Span::raw(title)]);
    if r.height < 2 {
        return;
    }
    let searching = !state.search.query.is_empty();
    // Columns: number, title, badge, whose move, last movement, matches.
    let w = usize::from(r.width);
    let badge_w = 12;
    let hits_w = if searching { 5 } else { 0 };
    // The column the list is sorted by is shown whenever a title still has room beside it; the
    // other goes first when both do not fit.
    let (mut move_w, mut date_w) = (if w >= 50 { 10 } else { 0 }, if w >= 60 { 11 } else { 0 });
    let fixed = 5 + badge_w + hits_w + LIST_MIN_TITLE;
    match state.sort {
        SortBy::LastMovement if fixed + 11 <= w => {
            date_w = 11;
            if fixed + date_w + move_w > w {
                move_w = 0;
            }
        }
        SortBy::WhoseMove if fixed + 10 <= w => {
            move_w = 10;
            if fixed + date_w + move_w > w {
                date_w = 0;
            }
        }
        _ => {}
    }
    let title_w = w
        .saturating_sub(5 + badge_w + move_w + date_w + hits_w)
        .max(8);
    let cell = |text: &str, width: usize| {
        let text = layout::shorten(text, width.saturating_sub(1));
        let pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
        format!("{text}{}", " ".repeat(pad))
    };
    let mut head = vec![
        Span::raw(cell("No.", 5)),
        Span::raw(cell("Title", title_w)),
        Span::raw(cell("Status", badge_w)),
    ];
    if move_w > 0 {
        head.push(Span::raw(cell("Move", move_w)));
    }
    if date_w > 0 {
        head.push(Span::raw(cell("Moved", date_w)));
    }
    if searching {
        head.push(Span::raw(cell("Hits", hits_w)));
    }
    put(
        buf,
        r.x,
        r.y + 1,
        r.width,
        head.into_iter().map(|s| s.style(t.dim())).collect(),
    );
    let indexed = table.history.is_some();
    let rows = usize::from(r.height.saturating_sub(layout::LIST_HEAD));
    for (k, &i) in state
        .visible
        .iter()
        .enumerate()
        .skip(state.list_offset)
        .take(rows)
    {
        let row = &table.rows[i];
        let y = r.y + layout::LIST_HEAD + (k - state.list_offset) as u16;
        let selected = k == state.selected;
        let number = row.number.map_or("?".to_string(), |n| n.to_string());
        let badge = row.status.map_or("broken", |s| s.badge());
        let mut spans = vec![Span::raw(cell(&number, 5))];
        let title = escape_line(&row.title);
        spans.extend(highlight(
            &cell(&title, title_w),
            &state.search.query,
            t.plain(),
            t.hit(),
        ));
        spans.push(Span::styled(
            cell(&format!("[{badge}]"), badge_w),
            t.status(row.status),
        ));
        if move_w > 0 {
            let who = if !indexed {
                "…".to_string()
            } else {
                row.whose_move.as_deref().map_or("—".to_string(), |s| {
                    escape_line(layout::short_side(&table.snapshot.table, s)).into_owned()
                })
            };
            spans.push(Span::raw(cell(&who, move_w)));
        }
        if date_w > 0 {
            let date = if !indexed {
                "…".to_string()
            } else {
                row.last_movement.map_or("—".to_string(), |d| d.to_string())
            };
            spans.push(Span::raw(cell(&date, date_w)));
        }
        if searching {
            let n = state.search.counts.get(&row.id).copied().unwrap_or(0);
            let text = if n > 0 { format!("{n}") } else { String::new() };
            spans.push(Span::styled(cell(&text, hits_w), t.warning()));
        }
        if row.problems > 0 {
            spans.push(Span::styled("!", t.error()));
        }
        put(buf, r.x, y, r.width, spans);
        if selected {
            let style = if state.focus == Pane::List {
                t.selected()
            } else {
                t.bold()
            };
            buf.set_style(Rect::new(r.x, y, r.width, 1), style);
        }
    }
    if state.visible.is_empty() && r.height > 2 {
        put(
            buf,
            r.x + 1,
            r.y + 2,
            r.width.saturating_sub(1),
            vec![Span::styled(
                "No article matches (Esc clears the filters)",
                t.dim(),
            )],
        );
    }
}

/// The narrowest a title column gets to make room for the column the list is sorted by.
const LIST_MIN_TITLE: usize = 12;

/// Splits text into spans, the query's matches in `hit` style.
fn highlight(text: &str, query: &str, base: Style, hit: Style) -> Vec<Span<'static>> {
    if query.is_empty() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let folded: Vec<char> = fold(text).chars().collect();
    let q: Vec<char> = fold(query).chars().collect();
    let chars: Vec<char> = text.chars().collect();
    let mut spans = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while !q.is_empty() && i + q.len() <= folded.len() {
        if folded[i..i + q.len()] == q[..] {
            if start < i {
                spans.push(Span::styled(
                    chars[start..i].iter().collect::<String>(),
                    base,
                ));
            }
            spans.push(Span::styled(
                chars[i..i + q.len()].iter().collect::<String>(),
                hit,
            ));
            i += q.len();
            start = i;
        } else {
            i += 1;
        }
    }
    if start < chars.len() {
        spans.push(Span::styled(
            chars[start..].iter().collect::<String>(),
            base,
        ));
    }
    spans
}

/// A wrapped row with the query's matches highlighted (only rows in view are touched).
fn highlight_line(line: &Line<'static>, query: &str, hit: Style) -> Line<'static> {
    if query.is_empty() {
        return line.clone();
    }
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let folded: Vec<char> = fold(&text).chars().collect();
    let q: Vec<char> = fold(query).chars().collect();
    let mut marked = vec![false; folded.len()];
    let mut i = 0;
    let mut any = false;
    while !q.is_empty() && i + q.len() <= folded.len() {
        if folded[i..i + q.len()] == q[..] {
            marked[i..i + q.len()].iter_mut().for_each(|m| *m = true);
            i += q.len();
            any = true;
        } else {
            i += 1;
        }
    }
    if !any {
        return line.clone();
    }
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut k = 0;
    for span in &line.spans {
        let mut run = String::new();
        let mut run_hit = None;
        for c in span.content.chars() {
            let h = marked.get(k).copied().unwrap_or(false);
            if run_hit.is_some_and(|r| r != h) {
                let style = if run_hit == Some(true) {
                    span.style.patch(hit)
                } else {
                    span.style
                };
                spans.push(Span::styled(std::mem::take(&mut run), style));
            }
            run_hit = Some(h);
            run.push(c);
            k += 1;
        }
        if !run.is_empty() {
            let style = if run_hit == Some(true) {
                span.style.patch(hit)
            } else {
                span.style
            };
            spans.push(Span::styled(run, style));
        }
    }
    Line::from(spans)
}

fn redline(buf: &mut Buffer, r: Rect, state: &State) {
    let t = state.theme;
    let Some(a) = &state.article else {
        pane_title(buf, r, state, Pane::Redline, vec![Span::raw(" Redline")]);
        put(
            buf,
            r.x + 1,
            r.y + 2,
            r.width.saturating_sub(1),
            vec![Span::styled("Select an article (Enter)", t.dim())],
        );
        return;
    };
    let Some(table) = &state.table else { return };
    let row = table.rows.iter().find(|row| row.id == a.id);
    let tv = &table.snapshot.table;
    let name = row.map_or_else(
        || a.id.clone(),
        |row| {
            format!(
                "{} {}",
                row.number.map_or("?".to_string(), |n| n.to_string()),
                row.title
            )
        },
    );
    // What a chief asks of an article first: is there a TA, who signed it and how, or whose
    // signature it still waits for (the tracker's words).
    let agreement = row.map_or_else(String::new, |row| {
        use bargain_core::export::tracker_doc::{agreement_words, awaiting_words};
        match &row.agreement {
            Some(a) => format!(" · TA {}", agreement_words(a)),
            None => awaiting_words(tv, row).map_or_else(String::new, |w| format!(" · {w}")),
        }
    });
    // Room left of the scroll position drawn at the title's right end.
    let total = a.rendered.lines.len();
    let text_h = layout::redline_text(state).map_or(0, |t| usize::from(t.height));
    let pct_w = if total > text_h && r.width > 12 { 6 } else { 0 };
    let full = format!(" {name} · {}{agreement}", state.comparison.describe(tv));
    let title = layout::fit(
        [full.clone(), layout::abbreviate_sides(&full, tv)]
            .iter()
            .map(|t| escape_line(t).into_owned()),
        usize::from(r.width).saturating_sub(pct_w),
    );
    pane_title(buf, r, state, Pane::Redline, vec![Span::raw(title)]);
    let head = layout::redline_head(state);
    if r.height < head {
        return;
    }
    let look = state.look();
    let (del_open, del_close) = look.markers(super::redline_view::FragmentKind::Deleted);
    let (ins_open, ins_close) = look.markers(super::redline_view::FragmentKind::Inserted);
    let (old_word, new_word) = if state.comparison == bargain_core::comparison::Comparison::ThreeWay
    {
        ("base", "side")
    } else {
        ("old", "new")
    };
    let tag = |open: &str, word: &str, close: &str| {
        if open.is_empty() {
            format!("{word:<4}")
        } else {
            format!("{open}{word}{close}")
        }
    };
    let old_tag = tag(del_open, old_word, del_close);
    let new_tag = tag(ins_open, new_word, ins_close);
    match &a.status {
        RedlineStatus::Ready => {
            let room = usize::from(r.width).saturating_sub(old_tag.chars().count() + 1);
            put(
                buf,
                r.x,
                r.y + 1,
                r.width,
                vec![
                    Span::styled(old_tag, t.deleted()),
                    Span::raw(" "),
                    Span::raw(fit_label(&a.old, tv, room)),
                ],
            );
            // One row per new version: a three-way shows each side's whole, one under another.
            let room = usize::from(r.width).saturating_sub(new_tag.chars().count() + 1);
            for (k, label) in a.new.iter().enumerate() {
                put(
                    buf,
                    r.x,
                    r.y + 2 + k as u16,
                    r.width,
                    vec![
                        Span::styled(new_tag.clone(), t.inserted()),
                        Span::raw(" "),
                        Span::raw(fit_label(label, tv, room)),
                    ],
                );
            }
        }
        RedlineStatus::Loading => {
            put(
                buf,
                r.x,
                r.y + 1,
                r.width,
                vec![Span::styled("comparing…", t.dim())],
            );
        }
        RedlineStatus::Failed(_) => {}
    }
    let mut legend = Vec::new();
    if a.status == RedlineStatus::Ready {
        let s = a.doc.summary;
        let changes = a.rendered.change_rows.len();
        let at = a
            .change
            .map_or(String::new(), |c| format!(" · at {}/{changes}", c + 1));
        let moved = if s.moved_words > 0 {
            format!(", {} moved", s.moved_words)
        } else {
            String::new()
        };
        let text = if a.doc.is_unchanged() {
            "no changes".to_string()
        } else {
            format!(
                "+{} −{} words{moved}, {changes} change{}{at}",
                s.inserted_words,
                s.deleted_words,
                if changes == 1 { "" } else { "s" }
            )
        };
        legend.push(Span::styled(text, t.bold()));
        legend.push(Span::styled(" │ ", t.dim()));
    }
    legend.extend(look.legend());
    if let Some(note) = &a.doc.note {
        legend.push(Span::styled(" │ ", t.dim()));
        legend.push(Span::styled(note.clone(), t.warning()));
    }
    put(buf, r.x, r.y + head - 1, r.width, legend);
    let Some(text) = layout::redline_text(state) else {
        return;
    };
    let hit = t.hit();
    for (k, line) in a
        .rendered
        .lines
        .iter()
        .skip(a.scroll)
        .take(usize::from(text.height))
        .enumerate()
    {
        let line = highlight_line(line, &state.search.query, hit);
        buf.set_line(text.x, text.y + k as u16, &line, text.width);
    }
    // Where the view is in the text, on the title row's right edge.
    if pct_w > 0 {
        let pct = (a.scroll + usize::from(text.height)).min(total) * 100 / total.max(1);
        let tag = format!(" {pct:>3}% ");
        let x = r.right().saturating_sub(tag.len() as u16);
        buf.set_string(x, r.y, tag, t.pane_title(state.focus == Pane::Redline));
    }
}

fn table_of(state: &State) -> Option<&bargain_core::model::Table> {
    state.table.as_ref().map(|t| &t.snapshot.table)
}

/// A history row's session, event and author in `width` columns (after its marker and date):
/// whole; else the sides' short names; else without the session; then the event is cut before
/// the author's name is. Escaped.
fn fit_history_row(
    row: &super::state::HistoryRow,
    table: Option<&bargain_core::model::Table>,
    width: usize,
) -> (Option<String>, String, String) {
    let room = width.saturating_sub(6 + 11);
    let short =
        |text: &str| table.map_or_else(|| text.to_string(), |t| layout::abbreviate_sides(text, t));
    let session = row.session.as_deref().map(|s| escape_line(s).into_owned());
    // A pass received across the table already says who entered it.
    let who = if row.what.ends_with(&format!("entered by {}", row.who)) {
        String::new()
    } else {
        escape_line(&row.who).into_owned()
    };
    let long = escape_line(&row.what).into_owned();
    let abbreviated = escape_line(&short(&row.what)).into_owned();
    let used = |session: Option<&String>, what: &str| {
        session.map_or(0, |s| layout::width_of(s) + 1)
            + layout::width_of(what)
            + if who.is_empty() {
                0
            } else {
                3 + layout::width_of(&who)
            }
    };
    for (session, what) in [
        (session.clone(), &long),
        (session.clone(), &abbreviated),
        (None, &abbreviated),
    ] {
        if used(session.as_ref(), what) <= room {
            return (session, what.clone(), who);
        }
    }
    // The event keeps at least a few words; the author's name is cut only after that.
    let what_room = room.saturating_sub(3 + layout::width_of(&who)).max(16);
    let what = layout::shorten(&abbreviated, what_room);
    let who = layout::shorten(
        &who,
        room.saturating_sub(3 + layout::width_of(&what)).max(1),
    );
    (None, what, who)
}

/// A version's label in `width` columns: whole; else the sides' short names; else without its
/// session; cut only when even that does not fit. Escaped.
fn fit_label(
    label: &bargain_core::comparison::Label,
    table: &bargain_core::model::Table,
    width: usize,
) -> String {
    let line = label.line();
    let short = layout::abbreviate_sides(&line, table);
    let no_session = bargain_core::comparison::Label {
        session: None,
        ..label.clone()
    };
    let bare = layout::abbreviate_sides(&no_session.line(), table);
    layout::fit(
        [line, short, bare]
            .iter()
            .map(|l| escape_line(l).into_owned()),
        width,
    )
}

fn history(buf: &mut Buffer, r: Rect, state: &State) {
    let t = state.theme;
    let Some(a) = &state.article else {
        pane_title(buf, r, state, Pane::History, vec![Span::raw(" History")]);
        return;
    };
    // Until the article's history is there, its count is not known: "…", never "0".
    let known = state
        .table
        .as_ref()
        .is_some_and(|t| t.history_of(&a.id).is_some());
    let events = if known {
        a.history.len().to_string()
    } else {
        "…".to_string()
    };
    pane_title(
        buf,
        r,
        state,
        Pane::History,
        vec![Span::raw(format!(
            " History · {events} events · Space marks old, Enter compares"
        ))],
    );
    if a.history.is_empty() && r.height > 1 {
        let text = if known {
            "No history for this article"
        } else {
            "Indexing the history…"
        };
        put(
            buf,
            r.x + 1,
            r.y + 1,
            r.width.saturating_sub(1),
            vec![Span::styled(text, t.dim())],
        );
    }
    let rows = usize::from(r.height.saturating_sub(layout::HISTORY_HEAD));
    for (k, row) in a
        .history
        .iter()
        .enumerate()
        .skip(a.history_offset)
        .take(rows)
    {
        let y = r.y + layout::HISTORY_HEAD + (k - a.history_offset) as u16;
        // Which versions the redline shows, and the one marked as the next old text.
        let shown = |l: &bargain_core::comparison::Label| {
            l.commit == Some(row.commit) && l.title == row.what
        };
        let (marker, style) = if a.mark == Some(row.event) {
            ("◆mark ", t.deleted())
        } else if a.status == RedlineStatus::Ready && shown(&a.old) {
            ("[old] ", t.deleted())
        } else if a.status == RedlineStatus::Ready && a.new.iter().any(shown) {
            ("{new} ", t.inserted())
        } else {
            ("      ", t.plain())
        };
        let mut spans = vec![
            Span::styled(marker.to_string(), style),
            Span::raw(format!("{} ", row.date)),
        ];
        let (session, what, who) = fit_history_row(row, table_of(state), usize::from(r.width));
        if let Some(s) = session {
            spans.push(Span::styled(format!("{s} "), t.dim()));
        }
        let what_style = if row.has_text { t.bold() } else { t.plain() };
        spans.push(Span::styled(what, what_style));
        if !who.is_empty() {
            spans.push(Span::styled(format!(" — {who}"), t.dim()));
        }
        put(buf, r.x, y, r.width, spans);
        if k == a.history_selected {
            let style = if state.focus == Pane::History {
                t.selected()
            } else {
                t.bold()
            };
            buf.set_style(Rect::new(r.x, y, r.width, 1), style);
        }
    }
}

fn status_line(buf: &mut Buffer, r: Rect, state: &State) {
    let t = state.theme;
    if state.search.editing {
        put(
            buf,
            r.x,
            r.y,
            r.width,
            vec![
                Span::styled("/", t.key()),
                Span::raw(escape_line(&state.search.input).into_owned()),
                Span::styled("▏", t.key()),
            ],
        );
        return;
    }
    let mut spans = Vec::new();
    match &state.loading {
        Loading::Opening => spans.push(Span::styled("Opening the table…", t.warning())),
        Loading::Indexing(p) => spans.push(Span::styled(
            if p.total > 0 {
                format!(
                    "Indexing history: {}/{} commits ({}%)",
                    p.done,
                    p.total,
                    p.done * 100 / p.total
                )
            } else {
                "Indexing history…".to_string()
            },
            t.warning(),
        )),
        Loading::Failed(why) => spans.push(Span::styled(escape_line(why).into_owned(), t.error())),
        Loading::Done => {}
    }
    if let Some(flash) = &state.flash {
        if !spans.is_empty() {
            spans.push(Span::raw(" · "));
        }
        spans.push(Span::styled(flash.clone(), t.warning()));
    } else if !state.search.query.is_empty() {
        if !spans.is_empty() {
            spans.push(Span::raw(" · "));
        }
        let here = state
            .article
            .as_ref()
            .map_or(String::from("0"), |a| match a.hit {
                Some(i) => format!("{}/{}", i + 1, a.hit_rows.len()),
                None => a.hit_rows.len().to_string(),
            });
        spans.push(Span::styled(
            format!(
                "/{} — {} matches in {} articles, {} rows here (n/N next/previous, Esc clears)",
                escape_line(&state.search.query),
                state.search.total,
                state.search.counts.len(),
                here
            ),
            t.plain(),
        ));
    }
    put(buf, r.x, r.y, r.width, spans);
}

fn key_bar(buf: &mut Buffer, r: Rect, state: &State) {
    let t = state.theme;
    let scope = if state.help.is_some() {
        Scope::Global
    } else {
        state.scope()
    };
    let mut spans = Vec::new();
    let mut used = 0usize;
    if state.help.is_some() {
        spans.push(Span::styled("Esc", t.key()));
        spans.push(Span::raw(" close help"));
        put(buf, r.x, r.y, r.width, spans);
        return;
    }
    let help = keys::help_binding();
    let reserve = if !scope.inherits_global() {
        0
    } else {
        help.label.chars().count() + help.short.chars().count() + 1
    };
    // The editor key only where it writes something: a pass's details.
    let editor_here = state.recording.form.as_ref().is_some_and(|f| {
        f.kind == super::recording::Kind::Pass && f.step == super::recording::Step::Details
    });
    let mut items: Vec<&keys::Binding> = Vec::new();
    for b in keys::bar(scope) {
        if std::ptr::eq(b, help) || (b.action == keys::Action::Editor && !editor_here) {
            continue;
        }
        let w = b.label.chars().count() + b.short.chars().count() + 3;
        if used + w + reserve > usize::from(r.width) {
            break;
        }
        used += w;
        items.push(b);
    }
    if scope.inherits_global() {
        items.push(help);
    }
    for b in items {
        spans.push(Span::styled(b.label, t.key()));
        spans.push(Span::raw(format!(" {}  ", b.short)));
    }
    put(buf, r.x, r.y, r.width, spans);
}

fn help(buf: &mut Buffer, screen: Rect, scroll: usize, state: &State) {
    let t = state.theme;
    let size = (screen.width, screen.height);
    let area = super::help::area(size);
    Clear.render(area, buf);
    let body = super::help::body(size);
    let lines = super::help::lines(body.width);
    let scroll = scroll.min(super::help::max_scroll(size));
    let shown = lines.len().min(scroll + usize::from(body.height));
    // Where the view is, so a list longer than the screen says there is more.
    let title = if shown < lines.len() || scroll > 0 {
        format!(
            " Keys (Esc closes, j/k scroll, G end) · lines {}–{} of {} ",
            scroll + 1,
            shown,
            lines.len()
        )
    } else {
        " Keys (Esc closes) ".to_string()
    };
    fill(
        buf,
        Rect::new(area.x, area.y, area.width, 1),
        t.pane_title(true),
    );
    buf.set_stringn(
        area.x,
        area.y,
        title,
        usize::from(area.width),
        t.pane_title(true),
    );
    for (k, line) in lines
        .iter()
        .skip(scroll)
        .take(usize::from(body.height))
        .enumerate()
    {
        let spans = match line.kind {
            super::help::Kind::Heading => vec![Span::styled(line.text.clone(), t.heading())],
            super::help::Kind::Binding => vec![
                Span::styled(line.key.clone(), t.key()),
                Span::raw(line.text.clone()),
            ],
            super::help::Kind::Note => vec![Span::styled(line.text.clone(), t.dim())],
        };
        buf.set_line(body.x, body.y + k as u16, &Line::from(spans), body.width);
    }
}

/// "14:05" (UTC) for a time in seconds since the epoch: when the last fetch succeeded.
fn clock_time(seconds: i64) -> String {
    let of_day = seconds.rem_euclid(86_400);
    format!("{:02}:{:02} UTC", of_day / 3600, of_day % 3600 / 60)
}
