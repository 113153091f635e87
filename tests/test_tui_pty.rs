//! The real binary on the demo table in a pseudo-terminal, read back through a terminal emulator
//! (`vt100`). Every step waits until the screen shows what is expected and has stopped changing —
//! never for a fixed time.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long a step may take before the test fails (debug builds on a busy machine are slow).
const PATIENCE: Duration = Duration::from_secs(60);
/// A screen that has not changed for this long is taken as drawn.
const SETTLED: Duration = Duration::from_millis(300);

struct Session {
    parser: vt100::Parser,
    output: Receiver<Vec<u8>>,
    keys: Box<dyn Write + Send>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _dir: tempfile::TempDir,
}

fn size(rows: u16, cols: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("non-zero size")
}

impl Session {
    fn demo(rows: u16, cols: u16) -> Session {
        Session::demo_with(rows, cols, &[])
    }

    fn demo_with(rows: u16, cols: u16, env: &[(&str, &str)]) -> Session {
        let dir = tempfile::tempdir().expect("temp dir");
        let cwd = dir.path().to_path_buf();
        // The demo's last session is in August 2025: record as on its last day.
        let mut env = env.to_vec();
        env.push(("BARGAIN_TEST_TODAY", "2025-08-07"));
        Session::start(dir, &["demo", "table"], &cwd, rows, cols, &env)
    }

    /// `bargain ARGS` run in `cwd` (inside `dir`, kept as long as the session).
    fn start(
        dir: tempfile::TempDir,
        args: &[&str],
        cwd: &std::path::Path,
        rows: u16,
        cols: u16,
        env: &[(&str, &str)],
    ) -> Session {
        let pair = native_pty_system()
            .openpty(size(rows, cols))
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_bargain"));
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("bargain starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let keys = pair.master.take_writer().expect("writer");
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Session {
            parser: vt100::Parser::new(nz(rows), nz(cols), 0),
            output,
            keys,
            master: pair.master,
            child,
            _dir: dir,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen contains every one of `texts` and has settled; returns it.
    fn wait_for(&mut self, texts: &[&str]) -> String {
        let start = Instant::now();
        let mut last = self.screen();
        let mut changed = Instant::now();
        loop {
            match self.output.recv_timeout(Duration::from_millis(50)) {
                Ok(bytes) => self.parser.process(&bytes),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {}
            }
            let screen = self.screen();
            if screen != last {
                last = screen;
                changed = Instant::now();
            } else if texts.iter().all(|t| last.contains(t)) && changed.elapsed() >= SETTLED {
                return last;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "waited {PATIENCE:?} for {texts:?}; the screen shows:\n{last}"
            );
        }
    }

    /// Waits for the first screen that `shows` accepts, drawn or still being drawn (a screen
    /// that keeps changing, such as progress, never settles); returns it.
    fn wait_until(&mut self, shows: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if shows(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "waited {PATIENCE:?}; the screen shows:\n{screen}"
            );
            match self.output.recv_timeout(Duration::from_millis(50)) {
                Ok(bytes) => self.parser.process(&bytes),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {}
            }
        }
    }

    fn press(&mut self, keys: &str) {
        self.keys.write_all(keys.as_bytes()).expect("keys sent");
        self.keys.flush().expect("keys flushed");
    }

    /// Presses `q` and waits until bargain has exited; how it exited.
    fn quit(&mut self) -> portable_pty::ExitStatus {
        self.press("q");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                return status;
            }
            while let Ok(bytes) = self.output.recv_timeout(Duration::from_millis(50)) {
                self.parser.process(&bytes);
            }
            assert!(start.elapsed() < PATIENCE, "bargain did not quit");
        }
    }

    fn resize(&mut self, rows: u16, cols: u16) {
        self.master.resize(size(rows, cols)).expect("resize");
        self.parser.set_size(nz(rows), nz(cols));
    }
}

#[test]
fn the_demo_in_a_real_terminal_from_open_to_quit() {
    let mut s = Session::demo(24, 80);
    let screen = s.wait_for(&["Articles 13/13", "Enter open", "2025-08-06"]);
    assert!(!screen.contains("Indexing"), "{screen}");
    assert!(s.parser.screen().alternate_screen());

    s.press("1");
    let screen = s.wait_for(&["1 AI & technology 1/3", "Articles 3/13"]);
    assert!(!screen.contains("Joint Staffing"), "{screen}");

    s.press("\r");
    // At 80 columns the labels name the sides by their short names rather than cut them.
    s.wait_for(&[
        "12 Artificial Intelligence and Technology · both sides' latest",
        "old  union pass 2 · July session · 2025-07-16 · Union AI & technology lead",
        "new  employer pass 2",
        "] next change",
    ]);

    s.press("c");
    s.wait_for(&["since last: union", "old  union pass 1"]);

    s.press("/clinical judgment\r");
    s.wait_for(&["/clinical judgment — ", "matches in"]);

    s.press("?");
    s.wait_for(&["Keys (Esc closes", "Everywhere", "next comparison"]);
    s.press("\x1b");
    let screen = s.wait_for(&["since last: union"]);
    assert!(!screen.contains("Keys (Esc closes"), "{screen}");

    s.resize(48, 160);
    s.wait_for(&[
        "Articles 3/13",
        "History · ",
        "Economics 1/3",
        "since last: Coalition of",
    ]);

    s.resize(24, 80);
    s.wait_for(&["since last: union", "? help"]);

    let status = s.quit();
    assert!(status.success(), "{status:?}");
    // The reader thread may still hold the last bytes (leaving the alternate screen): read until
    // it reports the end of output, not just what has arrived so far.
    while let Ok(bytes) = s.output.recv_timeout(Duration::from_secs(2)) {
        s.parser.process(&bytes);
    }
    assert!(
        !s.parser.screen().alternate_screen(),
        "the terminal is given back"
    );
}

#[test]
fn resizing_140x40_to_80x24_to_100x30_and_back_shows_the_list_from_its_top() {
    let mut s = Session::demo(40, 140);
    s.wait_for(&["Articles 13/13", "History · ", "2025-08-06"]);
    // As in the trial: an article further down is open and the redline has the focus, so the
    // narrow screens show the redline alone and the list is measured while it is hidden.
    s.press("jj\r");
    s.wait_for(&["14 AI Note Capture", "] next change"]);
    for (rows, cols, shows) in [
        (24, 80, "] next change"),
        (30, 100, "] next change"),
        (40, 140, "Articles 13/13"),
    ] {
        s.resize(rows, cols);
        s.wait_for(&[shows, "14 AI Note Capture"]);
    }
    let screen = s.wait_for(&["Articles 13/13", "History · "]);
    let list: Vec<&str> = screen
        .lines()
        .skip(4)
        .map(|l| l.split('│').next().unwrap_or_default())
        .collect();
    assert!(
        list.first()
            .is_some_and(|l| l.starts_with("12   Artificial")),
        "the list starts at its first article:\n{screen}"
    );
    assert!(
        list.iter().any(|l| l.starts_with("13   Mental Health")),
        "{screen}"
    );
    assert!(
        list.iter().any(|l| l.starts_with("14   AI Note")),
        "{screen}"
    );
    s.quit();
}

#[test]
fn a_pass_written_in_the_editor_is_recorded_in_a_real_terminal() {
    // An "editor" that adds a sentence to the text it is given and saves.
    let tools = tempfile::tempdir().expect("temp dir");
    let editor = tools.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '12.9 Added at the keyboard.\\n' >> \"$1\"\n",
    )
    .expect("editor script");
    let mut perms = std::fs::metadata(&editor).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&editor, perms).unwrap();
    let editor = editor.display().to_string();
    let mut s = Session::demo_with(24, 80, &[("EDITOR", &editor), ("VISUAL", "")]);
    s.wait_for(&["Articles 13/13", "r record"]);

    s.press("p");
    s.wait_for(&["Pass on Article 12", "write it in $EDITOR"]);
    s.press("\x05"); // Ctrl-e: the editor runs, and the TUI takes the terminal back
    s.wait_for(&["A note for the record"]);
    assert!(s.parser.screen().alternate_screen());
    s.press("At the table.\r");
    s.wait_for(&["Record this? One commit:", "pass #3 on Article 12"]);
    s.press("\r");
    let screen = s.wait_for(&["Recorded as "]);
    assert!(screen.contains("Enter close"), "{screen}");
    s.press("\r");
    s.wait_for(&["r record"]);
    s.quit();

    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(s._dir.path().join("table"))
            .output()
            .expect("git runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = git(&["show", "HEAD:proposals/12-ai-technology/union.md"]);
    assert!(text.ends_with("12.9 Added at the keyboard.\n"), "{text}");
    let message = git(&["log", "-1", "--format=%ae%n%B"]);
    assert!(message.starts_with("chief@union.example\n"), "{message}");
    assert!(message.contains("At the table."), "{message}");
    assert!(message.contains("Bargain-Side: union"), "{message}");
}

#[test]
fn a_panic_gives_the_terminal_back_before_its_message() {
    let mut s = Session::demo_with(
        24,
        80,
        &[("BARGAIN_TUI_TEST_PANIC", "1"), ("RUST_BACKTRACE", "0")],
    );
    let screen = s.wait_for(&["panicked", "BARGAIN_TUI_TEST_PANIC is set"]);
    let vt = s.parser.screen();
    assert!(!vt.alternate_screen(), "{screen}");
    assert_eq!(vt.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    assert!(!vt.hide_cursor(), "the cursor is shown again");
    // Out of raw mode, a newline returns the carriage: the message is not a staircase.
    let line = screen
        .lines()
        .find(|l| l.contains("BARGAIN_TUI_TEST_PANIC"))
        .unwrap_or_default();
    assert!(
        line.starts_with("BARGAIN_TUI_TEST_PANIC") || line.starts_with("thread"),
        "{screen}"
    );
    let status = s.child.wait().expect("exit status");
    assert!(!status.success());
}

/// A generated table whose whole walk, in a debug build, takes several times one article's.
const ARTICLES: usize = 200;
const COMMITS: usize = 3_000;

/// The number after `before` on the screen, up to the first character that is not a digit.
fn number_after(screen: &str, before: &str) -> Option<usize> {
    let (_, rest) = screen.split_once(before)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[test]
fn without_an_index_on_disk_the_open_article_shows_its_history_before_the_whole_walk_ends() {
    // A generated table with enough history that walking all of it takes a while, and no
    // index on disk (a fresh clone): the article opened at start is walked alone meanwhile.
    let dir = tempfile::tempdir().expect("temp dir");
    let table = dir.path().join("table");
    let spec = bargain_testutils::Spec {
        articles: ARTICLES,
        commits: COMMITS,
        seed: 2025,
    };
    bargain_testutils::write_repository(&table, &spec).expect("table generated");
    assert!(!table.join(".git/bargain").exists());
    let mut s = Session::start(dir, &[], &table, 40, 160, &[]);
    // The first screen that counts the open article's events (before: "History · … events").
    let screen = s.wait_until(|screen| number_after(screen, "History · ").is_some());
    assert!(
        number_after(&screen, "History · ").is_some_and(|n| n > 0),
        "{screen}"
    );
    // The history rows are there while the status line still counts the whole walk's commits:
    // under half of them walked (the rows of the whole index come with no progress left).
    assert!(screen.contains("Indexing history"), "{screen}");
    let done = number_after(&screen, "Indexing history: ");
    let total = screen
        .split_once("Indexing history: ")
        .and_then(|(_, rest)| number_after(rest, "/"));
    if let (Some(done), Some(total)) = (done, total) {
        assert!(done * 2 < total, "{done}/{total}:\n{screen}");
    }
    // The list's whose-move and moved columns still wait for the whole index.
    assert!(
        screen
            .lines()
            .any(|l| l.starts_with("1    Generated article 1 ") && l.contains("…         …")),
        "{screen}"
    );
    s.quit();
}
