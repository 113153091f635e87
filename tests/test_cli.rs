//! The command line as a user meets it: a closed pipe, shell completions, the manual pages,
//! refusals that name the flags that would go ahead, and a suite that forgets no test file.

use crate::common::Fixture;
use std::io::Read;
use std::process::{Command, Stdio};

/// Runs `bargain ARGS` in `f`, reads only the first `bytes` of its output, closes the pipe, and
/// returns the exit code and what it wrote on standard error.
fn read_then_close(f: &Fixture, args: &[&str], bytes: usize) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .args(args)
        .current_dir(f.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bargain runs");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut head = vec![0; bytes];
    stdout
        .read_exact(&mut head)
        .expect("the first bytes arrive");
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr reads");
    (child.wait().expect("exit").code(), stderr)
}

#[test]
fn a_closed_pipe_ends_status_quietly_with_success() {
    let f = Fixture::new();
    // Enough articles that the tracker is larger than a pipe's buffer (64 KB).
    let yamls: Vec<(String, String)> = (1..=1500)
        .map(|n| {
            (
                format!("proposals/{n}-article/article.yaml"),
                format!(
                    "number: {n}\ntitle: Article with a long enough title to fill the table {n}\ntopic: ai\nstatus: open\n"
                ),
            )
        })
        .collect();
    let files: Vec<(&str, Option<&str>)> = yamls
        .iter()
        .map(|(p, y)| (p.as_str(), Some(y.as_str())))
        .collect();
    f.commit_as("chief@union.example", &files, "Many articles");
    let (code, stderr) = read_then_close(&f, &["status"], 100);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn a_closed_pipe_ends_a_redline_quietly_with_success() {
    let f = Fixture::new();
    let data =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/oregon-afscme-osh-rn");
    let old = data.join("state-afscme-osh-registered-nurses-2023-2025.txt");
    let new = data.join("state-afscme-osh-registered-nurses-2025-2027.txt");
    let (code, stderr) = read_then_close(
        &f,
        &[
            "diff",
            "--files",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
        ],
        100,
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn completions_are_generated_for_each_shell_from_the_commands() {
    let f = Fixture::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = f.run(&["completions", shell]);
        assert_eq!(run.code, Some(0), "{shell}: {}", run.stderr);
        for command in ["status", "diff", "pass", "set", "verify"] {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    let bash = f.run(&["completions", "bash"]).stdout;
    assert!(bash.contains("tentatively-agreed"), "status words complete");
    assert!(bash.contains("--force"));
    assert_eq!(f.run(&["completions", "tcsh"]).code, Some(2));
}

/// The commands a `--help` lists under "Commands:", with the line that describes each.
fn listed_commands(help: &str) -> Vec<(String, String)> {
    help.lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| {
            let (name, about) = l.trim().split_once(' ')?;
            Some((name.to_string(), about.trim().to_string()))
        })
        .filter(|(name, _)| name != "help")
        .collect()
}

/// Each command's flags are defined only when it is run (`cli::Command`'s `defer`): every
/// command, nested ones too, still describes itself as the list above it does, `help X` is `X
/// --help`, and the completions and man pages, drawn from the whole definition, reach every
/// subcommand.
#[test]
fn every_command_describes_itself_as_the_list_of_commands_does() {
    let f = Fixture::new();
    let top = f.run(&["--help"]);
    let commands = listed_commands(&top.stdout);
    assert!(commands.len() >= 18, "{}", top.stdout);
    let bash = f.run(&["completions", "bash"]).stdout;
    let pages = f.file("man");
    f.run(&["man", "--output", pages.to_str().unwrap()])
        .assert_exit(0);
    // `bargain PATH --help` opens with `about`, `bargain help PATH` prints the same; its text.
    let describes = |path: &[&str], about: &str| {
        let own = f.run(&[path, &["--help"]].concat());
        assert_eq!(own.code, Some(0), "{path:?}: {}", own.stderr);
        assert_eq!(own.stdout.lines().next(), Some(about), "{path:?} --help");
        let help = f.run(&[&["help"], path].concat());
        assert_eq!(help.stdout, own.stdout, "help {path:?}");
        own.stdout
    };
    let mut nested = 0;
    for (name, about) in &commands {
        let own = describes(&[name], about);
        for (sub, sub_about) in listed_commands(&own) {
            nested += 1;
            describes(&[name, &sub], &sub_about);
            let entry = format!("bargain__subcmd__help__subcmd__{name}__subcmd__{sub}");
            assert!(
                bash.contains(&entry),
                "bash completes `bargain help {name} {sub}`"
            );
            let page = pages.join(format!("bargain-{name}-{sub}.1"));
            assert!(page.is_file(), "{} is written", page.display());
        }
    }
    assert!(
        nested >= 8,
        "session, topic, article and export have subcommands"
    );
    let written = std::fs::read_dir(&pages).unwrap().count();
    assert_eq!(
        written,
        1 + commands.len() + nested,
        "one page per command, none for help"
    );
}

#[test]
fn the_manual_pages_are_written_from_the_same_definition() {
    let f = Fixture::new();
    let run = f.run(&["man"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with(".ie") || run.stdout.contains(".TH bargain"));
    assert!(run.stdout.contains("verify"));
    let dir = f.file("man");
    let run = f.run(&["man", "--output", dir.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for page in ["bargain.1", "bargain-diff.1", "bargain-set.1"] {
        let text =
            std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page}");
    }
    if Command::new("man").arg("--version").output().is_ok() {
        let out = Command::new("man")
            .arg("-l")
            .arg(dir.join("bargain-set.1"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .expect("man runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("reopen"), "{text}");
    } else {
        crate::common::skip("rendering with man(1): man is not installed");
    }
}

#[test]
fn a_refusal_names_the_flags_that_go_ahead_and_the_record_names_none() {
    let f = Fixture::new();
    f.article("12-ai", 12, "AI", "ai", None);
    f.pass("12-ai", "union", "Same.\n", "ai-lead@union.example");
    f.pass("12-ai", "employer", "Same.\n", "ai-lead@employer.example");
    f.on("2025-06-04");
    f.agree("12", "chief@union.example", "chief@employer.example", None)
        .expect("TA proposed and countersigned");
    std::fs::write(f.file("new.md"), "Changed.\n").unwrap();
    let run = f.run(&["pass", "12", "--side", "union", "--file", "new.md"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("nothing was recorded"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("bargain set 12 reopen --by EMAIL"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    let run = f.run(&[
        "pass", "12", "--side", "union", "--file", "new.md", "--force",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let message = f.git(&["log", "-1", "--format=%B"]);
    assert!(message.contains("Bargain-Forced: yes"), "{message}");
    assert!(!message.contains("--"), "no flag in the record: {message}");
}

#[test]
fn an_unknown_status_word_lists_the_words_set_takes() {
    let f = Fixture::new();
    f.article("12-ai", 12, "AI", "ai", None);
    let run = f.run(&["set", "12", "agreed"]);
    assert_eq!(run.code, Some(2));
    for word in [
        "open",
        "tentatively-agreed",
        "current-language",
        "withdrawn",
        "impasse",
        "ratified",
        "reopen",
    ] {
        assert!(run.stderr.contains(word), "{word}: {}", run.stderr);
    }
}

#[test]
fn no_test_file_is_forgotten_by_the_runner() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let runner = std::fs::read_to_string(tests.join("runner.rs")).expect("runner.rs");
    let mut forgotten = Vec::new();
    for entry in std::fs::read_dir(&tests).expect("tests/") {
        let path = entry.expect("entry").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(module) = name.strip_suffix(".rs")
            && module != "runner"
            && !runner.contains(&format!("mod {module};"))
        {
            forgotten.push(name.to_string());
        }
    }
    assert!(
        forgotten.is_empty(),
        "tests/runner.rs does not include {forgotten:?}: add `mod NAME;` for each"
    );
}
