//! TUI response times.
//!
//! - `frame`: one whole frame (160×48) with the redline scrolled to the bottom of a 1,000-word
//!   and of a 190,000-word comparison. Only the rows in view are drawn, so the two should cost
//!   about the same (the goal is ≤ 1.5×). `wrap` is the one-off cost of wrapping the large one.
//! - `large-table`: on a generated table (1,000 articles, 20,000 commits by default, kept under
//!   `target/bench-tables/`, shared with `benches/history.rs`): from start to the first frame,
//!   to the article list on screen, and to the history indexed; from a keystroke to the next
//!   frame, and to the next article's redline on screen.
//!
//! Run: `cargo bench --bench tui` (`-- frame` for the frame times only).

use bargain::tui::jobs::{self, Jobs, RedlineJob};
use bargain::tui::keys::Action;
use bargain::tui::redline_view::{self, Arrangement, RedlineDoc};
use bargain::tui::state::{Message, Opened, Pane, RedlineReady, RedlineResult, SyncState};
use bargain::tui::{Effect, State, update, view};
use bargain_core::comparison::Label;
use bargain_core::store::{History, Repo};
use bargain_testutils::Spec;
use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::Duration;

const SIZE: (u16, u16) = (160, 48);

/// `n` words of contract-like prose in paragraphs of about 80 words; `variant` changes every
/// tenth paragraph.
fn prose(n: usize, variant: u64) -> String {
    const WORDS: &[&str] = &[
        "the",
        "employer",
        "shall",
        "provide",
        "written",
        "notice",
        "to",
        "union",
        "within",
        "thirty",
        "days",
        "of",
        "any",
        "change",
        "in",
        "staffing",
        "patient",
        "care",
        "committee",
        "review",
        "and",
        "may",
        "request",
        "meet",
        "confer",
        "technology",
        "clinical",
        "judgment",
    ];
    let mut out = String::with_capacity(n * 8);
    let mut seed = 7u64;
    for i in 0..n {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let paragraph = i / 80;
        let salt = if paragraph % 10 == 3 { variant } else { 0 };
        out.push_str(WORDS[((seed >> 33) + salt) as usize % WORDS.len()]);
        out.push(if i % 80 == 79 { '\n' } else { ' ' });
        if i % 80 == 79 {
            out.push('\n');
        }
    }
    out
}

fn open(state: &mut State, repo: &Repo) {
    let head = repo.head().unwrap();
    let snapshot = Arc::new(repo.snapshot_at(head.commit).unwrap());
    update(
        state,
        Message::Opened(Box::new(Opened {
            snapshot,
            branch: head.branch,
            uncommitted: 0,
            sync: SyncState::NoUpstream,
        })),
    );
    let history = History::build(repo).unwrap();
    update(state, Message::Indexed(Arc::new(history)));
}

/// The demo table open on a wide screen with a synthetic redline of `words` words, scrolled to
/// its bottom.
fn with_redline(words: usize, demo: &Path) -> State {
    let repo = Repo::open(demo).unwrap();
    let mut state = State::new(SIZE, true);
    open(&mut state, &repo);
    let generation = state.article.as_ref().unwrap().generation;
    let doc = RedlineDoc::compare(&prose(words, 0), &prose(words, 5), Some("union"));
    update(
        &mut state,
        Message::Redline(Box::new(RedlineResult {
            generation,
            outcome: Ok(RedlineReady {
                old: Label::default(),
                new: vec![Label::default()],
                doc: Arc::new(doc),
            }),
        })),
    );
    state.focus = Pane::Redline;
    update(&mut state, Message::Act(Action::Bottom));
    assert!(state.article.as_ref().unwrap().scroll > 0 || words < 2_000);
    state
}

fn frame(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let demo =
        bargain_core::demo::build(&dir.path().join("demo"), &Default::default(), None).unwrap();
    let mut group = c.benchmark_group("frame");
    for words in [1_000, 190_000] {
        let state = with_redline(words, &demo);
        let mut terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();
        group.bench_function(format!("{words}-word redline, at the bottom"), |b| {
            b.iter(|| terminal.draw(|f| view(f, &state)).unwrap().area)
        });
    }
    let doc = RedlineDoc::compare(&prose(190_000, 0), &prose(190_000, 5), None);
    let look = State::new(SIZE, true).look();
    group.sample_size(10);
    group.bench_function(
        "wrap a 190000-word redline once (inline, 95 columns)",
        |b| {
            b.iter(|| {
                redline_view::render(&doc, 95, Arrangement::Inline, look)
                    .lines
                    .len()
            })
        },
    );
    group.finish();
}

fn large_table_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-tables");
    bargain_testutils::cached_repository(&root, &Spec::from_env()).expect("generate the table")
}

fn large_table(c: &mut Criterion) {
    // Read as the binary reads (`main` calls this once at start).
    bargain_core::store::configure_reads();
    let dir = large_table_dir();
    let mut group = c.benchmark_group("large-table");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let mut terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).unwrap();

    // The shell draws before anything is read.
    group.bench_function("start to first frame", |b| {
        b.iter(|| {
            let state = State::new(SIZE, true);
            terminal.draw(|f| view(f, &state)).unwrap().area
        })
    });
    // Start to the list on screen, and to the index complete, as the shell does it: with the
    // index kept on disk (a warm start), and without it (a fresh clone: all history walked).
    let kept = bargain_core::store::index_cache::path(&Repo::open(&dir).unwrap());
    for (name, until_indexed, cold) in [
        ("start to article list on screen", false, false),
        ("start to history indexed, index on disk", true, false),
        ("start to history indexed, no index on disk", true, true),
    ] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    if cold {
                        let _ = std::fs::remove_file(&kept);
                    }
                },
                |()| {
                    let (tx, rx) = channel();
                    let _jobs = Jobs::start(dir.clone(), tx);
                    let mut state = State::new(SIZE, true);
                    for message in rx.iter() {
                        let done = match &message {
                            Message::Opened(_) => !until_indexed,
                            Message::Indexed(_) => true,
                            _ => false,
                        };
                        update(&mut state, message);
                        if done {
                            break;
                        }
                    }
                    terminal.draw(|f| view(f, &state)).unwrap().area
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }

    let repo = Repo::open(&dir).unwrap();
    let mut state = State::new(SIZE, true);
    open(&mut state, &repo);
    let down = || Message::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE));
    let up = || Message::Key(KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE));
    let mut flip = false;
    group.bench_function("keystroke to next frame", |b| {
        b.iter(|| {
            flip = !flip;
            update(&mut state, if flip { down() } else { up() });
            terminal.draw(|f| view(f, &state)).unwrap().area
        })
    });
    group.bench_function("keystroke to the next article's redline on screen", |b| {
        b.iter(|| {
            flip = !flip;
            let effects = update(&mut state, if flip { down() } else { up() });
            for effect in effects {
                if let Effect::ComputeRedline {
                    generation,
                    article,
                    comparison,
                } = effect
                {
                    let table = state.table.as_ref().unwrap();
                    let job = RedlineJob {
                        generation,
                        article,
                        comparison,
                        snapshot: table.snapshot.clone(),
                        history: table.history.clone().unwrap(),
                    };
                    let outcome = jobs::compute(&repo, &job);
                    update(
                        &mut state,
                        Message::Redline(Box::new(RedlineResult {
                            generation,
                            outcome,
                        })),
                    );
                }
            }
            terminal.draw(|f| view(f, &state)).unwrap().area
        })
    });
    // A search typed over every article's text: one character more, counted and highlighted.
    let corpus = bargain::tui::search::corpus(&repo, &state.table.as_ref().unwrap().snapshot);
    update(&mut state, Message::Corpus(Arc::new(corpus)));
    update(&mut state, Message::Act(Action::Search));
    let key = |c| Message::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    let backspace = || Message::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    for c in "employ".chars() {
        update(&mut state, key(c));
    }
    // Typing one more character (the matches narrow), and deleting one (all texts again).
    for (name, forward) in [
        ("search: typing a character, key to next frame", true),
        ("search: deleting a character, key to next frame", false),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let (untimed, timed) = if forward {
                        (backspace(), key('e'))
                    } else {
                        (key('e'), backspace())
                    };
                    update(&mut state, untimed);
                    let start = std::time::Instant::now();
                    update(&mut state, timed);
                    terminal.draw(|f| view(f, &state)).unwrap();
                    total += start.elapsed();
                }
                total
            })
        });
    }
    group.finish();
}

criterion_group!(benches, frame, large_table);
criterion_main!(benches);
