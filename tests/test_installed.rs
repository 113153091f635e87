//! The installed build (`cargo install-bargain`: the `dist` profile, linked statically on Linux
//! with glibc) against the build the rest of the suite runs: the same bytes out of every command
//! that reads, and a sync through a real remote. `.ci/run` installs it and names it in
//! `BARGAIN_INSTALLED`; without that variable the test says it skipped.
//!
//! The rest of the suite cannot simply run on the installed build: it fixes the day through
//! `BARGAIN_TEST_TODAY`, which only debug builds read.

use crate::common::Fixture;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The installed binary, or `None` (and a line saying so) when the suite was not given one.
fn installed() -> Option<PathBuf> {
    match std::env::var_os("BARGAIN_INSTALLED") {
        Some(path) => {
            // Made absolute: the commands run in the demo's folder.
            let path = std::fs::canonicalize(&path).unwrap_or_else(|e| {
                panic!("BARGAIN_INSTALLED names {}: {e}", path.to_string_lossy())
            });
            assert!(
                path.is_file(),
                "BARGAIN_INSTALLED names {}, which is not a file",
                path.display()
            );
            Some(path)
        }
        None => {
            crate::common::skip(
                "the installed build (BARGAIN_INSTALLED unset; .ci/run sets it after \
                 `cargo install-bargain`)",
            );
            None
        }
    }
}

fn run(bin: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{} runs: {e}", bin.display()))
}

/// Runs `args` with both builds in `dir` and asserts the same exit, output and errors.
fn same(test_build: &Path, installed: &Path, dir: &Path, args: &[&str]) {
    let a = run(test_build, dir, args);
    let b = run(installed, dir, args);
    let words = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(
        a.status.code(),
        b.status.code(),
        "bargain {args:?}: {}",
        words(&b)
    );
    assert!(
        a.stdout == b.stdout,
        "bargain {args:?}: the two builds print different output"
    );
    assert_eq!(words(&a), words(&b), "bargain {args:?}: different errors");
}

/// Whether an ELF executable names a dynamic loader (has a `PT_INTERP` program header).
fn has_interpreter(elf: &[u8]) -> bool {
    assert!(
        elf.len() > 64 && elf[..4] == *b"\x7fELF" && elf[4] == 2,
        "a 64-bit ELF file"
    );
    let word = |at: usize, n: usize| {
        let mut bytes = [0u8; 8];
        bytes[..n].copy_from_slice(&elf[at..at + n]);
        u64::from_le_bytes(bytes) as usize
    };
    let (table, size, count) = (word(0x20, 8), word(0x36, 2), word(0x38, 2));
    (0..count).any(|i| word(table + i * size, 4) == 3)
}

#[test]
fn the_installed_build_prints_what_the_test_build_prints() {
    let Some(installed) = installed() else {
        return;
    };
    let test_build = PathBuf::from(env!("CARGO_BIN_EXE_bargain"));
    if cfg!(all(target_os = "linux", target_env = "gnu")) {
        let elf = std::fs::read(&installed).expect("the installed binary reads");
        assert!(
            !has_interpreter(&elf),
            "the installed build is linked statically on Linux with glibc (README, \"Try it\")"
        );
        assert!(
            has_interpreter(&std::fs::read(&test_build).unwrap()),
            "the check tells a dynamic binary from a static one"
        );
    }

    let f = Fixture::bare_dir();
    f.run(&["demo", "demo", "--no-tui"]).assert_exit(0);
    let demo = f.file("demo");
    let mut articles: Vec<String> = std::fs::read_dir(demo.join("proposals"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let number = name.split('-').next()?.to_string();
            number.parse::<u32>().is_ok().then_some(number)
        })
        .collect();
    articles.sort();
    assert!(articles.len() >= 10, "the demo's articles: {articles:?}");

    let same_here = |args: &[&str]| same(&test_build, &installed, &demo, args);
    same_here(&["--version"]);
    same_here(&["status"]);
    same_here(&["status", "--format", "csv"]);
    same_here(&["verify"]);
    same_here(&["completions", "bash"]);
    same_here(&["man"]);
    same_here(&["diff", "999"]);
    for n in &articles {
        same_here(&["diff", n, "--format", "plain"]);
        same_here(&["diff", n, "--format", "html"]);
        same_here(&["log", n]);
    }
    // A Word redline to a file, byte for byte.
    let (a, b) = (f.file("a.docx"), f.file("b.docx"));
    for (bin, out) in [(&test_build, &a), (&installed, &b)] {
        let o = run(
            bin,
            &demo,
            &[
                "diff",
                "12",
                "--format",
                "docx",
                "--output",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(
        std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(),
        "the .docx differ"
    );

    // Every real pair, whole, as `benches/redline_pairs.sh` times it: the optimiser changed no
    // byte of the redline.
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut pairs: Vec<PathBuf> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    pairs.sort();
    assert!(pairs.len() >= 4, "the real pairs in tests/data/");
    for dir in pairs {
        let mut texts: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        texts.sort();
        let (old, new) = (texts[0].to_str().unwrap(), texts[1].to_str().unwrap());
        same_here(&["diff", "--files", old, new, "--format", "plain"]);
    }

    // Sync spawns git for the network: the installed build pushes the table to a bare remote.
    let remote = f.file("remote.git");
    f.git(&["init", "-q", "--bare", remote.to_str().unwrap()]);
    f.git(&[
        "-C",
        "demo",
        "remote",
        "add",
        "origin",
        remote.to_str().unwrap(),
    ]);
    let o = run(&installed, &demo, &["sync"]);
    assert!(
        o.status.success(),
        "sync: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let head = f.git(&["-C", "demo", "rev-parse", "HEAD"]);
    let branch = f.git(&["-C", "demo", "symbolic-ref", "HEAD"]);
    let pushed = f.git(&[
        "--git-dir",
        remote.to_str().unwrap(),
        "rev-parse",
        branch.trim(),
    ]);
    assert_eq!(head, pushed, "the remote holds the table's head after sync");
}
