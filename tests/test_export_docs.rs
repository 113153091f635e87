//! Documents out, checked by the programs the other side uses: a Word redline that pandoc
//! accepts into the new text and rejects into the old, word for word, with each change's
//! author; LibreOffice converting it to PDF; Chromium printing the packet; and the HTML,
//! Markdown, TA and bulletin documents as a reader gets them. A test that needs a program that
//! is not installed says so and skips (`.ci/run` installs them all).

use crate::common::{Fixture, client_runs};
use bargain_core::comparison::{Comparison, Resolved};
use bargain_core::store::{History, Repo};
use std::io::Read;
use std::path::Path;
use std::process::Command;

/// The demo table, built in the fixture's folder `table`.
fn demo() -> Fixture {
    let f = Fixture::bare_dir();
    bargain_core::demo::build(&f.file("table"), &Default::default(), None).expect("demo builds");
    f
}

/// Whether `program` runs; prints why a test skips when it does not.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The words of a text as a reader compares them: Markdown heading marks (after a page's form
/// feed, too) left out (Word shows them as a heading style).
fn words(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_start_matches(['\x0c', '#']))
        .flat_map(str::split_whitespace)
        .map(str::to_string)
        .collect()
}

/// What pandoc reads from a .docx with its revisions accepted, rejected, or all shown.
fn pandoc(docx: &Path, changes: &str, to: &str) -> String {
    run(
        "pandoc",
        &[
            &format!("--track-changes={changes}"),
            "-t",
            to,
            "--wrap=none",
            &docx.display().to_string(),
        ],
    )
}

fn part(docx: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).expect("docx")).expect("a zip");
    let mut xml = String::new();
    zip.by_name(name)
        .expect("part present")
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

/// Both sides' latest texts of `article` in the demo, old first.
fn sides_texts(f: &Fixture, article: &str) -> (String, String) {
    let (old, new, _) = sides_of(f, article);
    (old, new)
}

/// The `sides` comparison's old and new texts, and the name of the side whose text is new.
fn sides_of(f: &Fixture, article: &str) -> (String, String, String) {
    let repo = Repo::discover(&f.file("table")).expect("repo");
    let snapshot = repo.snapshot().expect("snapshot");
    let history = History::build(&repo).expect("history");
    match Resolved::of(&repo, &snapshot, &history, article, &Comparison::Sides).expect("resolves") {
        Resolved::Two { old, new } => {
            let side = new.label.side.as_deref().expect("a pass is new");
            let name = snapshot.table.side_name(side).to_string();
            (old.text, new.text, name)
        }
        Resolved::Three { .. } => unreachable!("sides is two-way"),
    }
}

#[test]
fn word_redline_is_tracked_changes_that_pandoc_accepts_into_the_new_text_and_rejects_into_the_old()
{
    let f = demo();
    let pandoc_here = client_runs("pandoc");
    for article in ["12", "13", "21", "22", "40"] {
        let out = f.file(&format!("a{article}.docx"));
        let out_arg = out.display().to_string();
        f.run_in(
            "table",
            &["diff", article, "--format", "docx", "--output", &out_arg],
        )
        .assert_exit(0);
        let xml = part(&out, "word/document.xml");
        assert!(xml.contains("<w:ins ") && xml.contains("<w:del "), "{xml}");
        assert!(xml.contains("<w:pgSz w:w=\"12240\" w:h=\"15840\"/>"));
        assert!(xml.contains("<w:pStyle w:val=\"Heading1\"/>"));
        assert!(
            !xml.contains("<w:br/>") && !xml.contains("<w:cr/>"),
            "no line break inside a run: {article}"
        );
        if !pandoc_here {
            continue;
        }
        let (old, new, newer) = sides_of(&f, article);
        assert_eq!(
            words(&pandoc(&out, "accept", "plain")),
            words(&new),
            "article {article} accepted"
        );
        assert_eq!(
            words(&pandoc(&out, "reject", "plain")),
            words(&old),
            "article {article} rejected"
        );
        // Every change is the new text's side's (the later mover), as the table names it,
        // dated by its pass.
        let all = pandoc(&out, "all", "markdown");
        assert!(
            all.contains(&format!("author=\"{newer}\"")),
            "{article}: {all}"
        );
        assert!(!all.contains("author=\"employer\"") && !all.contains("author=\"union\""));
        assert!(all.contains("date=\"2025-"));
    }
}

/// The words of a Markdown text as a reader of its Word file sees them: a heading's `#` marker
/// (after a page's form feed and at most three spaces, as CommonMark has it) left out, every
/// other `#` kept (`        #      #` in a table is two words).
fn text_words(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let l = l.trim_start_matches('\x0c');
            let indent = l.len() - l.trim_start_matches(' ').len();
            let rest = &l[indent..];
            let after = rest.trim_start_matches('#');
            let hashes = rest.len() - after.len();
            if indent <= 3
                && (1..=6).contains(&hashes)
                && (after.is_empty() || after.starts_with([' ', '\t']))
            {
                after
            } else {
                l
            }
        })
        .flat_map(str::split_whitespace)
        .map(str::to_string)
        .collect()
}

/// Where two word lists part, each with a few words around it: "at word 1234: pandoc has
/// `… sheet . The …`, the text `… sheet. The …`". Resynchronises after each difference on the
/// nearest run of eight equal words.
fn word_differences(got: &[String], want: &[String]) -> Vec<String> {
    const RUN: usize = 8;
    let same_run = |i: usize, j: usize| {
        (0..RUN).all(|k| match (got.get(i + k), want.get(j + k)) {
            (Some(a), Some(b)) => a == b,
            (None, None) => true,
            _ => false,
        })
    };
    let show = |words: &[String], from: usize, to: usize| {
        let start = from.saturating_sub(4);
        let end = (to + 4).min(words.len());
        words[start..end].join(" ")
    };
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < got.len() || j < want.len() {
        if got.get(i) == want.get(j) {
            i += 1;
            j += 1;
            continue;
        }
        // The smallest step on either side after which the two agree again.
        let mut found = None;
        'search: for step in 1..400 {
            for a in 0..=step {
                let (ni, nj) = (i + a, j + step - a);
                if ni <= got.len() && nj <= want.len() && same_run(ni, nj) {
                    found = Some((ni, nj));
                    break 'search;
                }
            }
        }
        let (ni, nj) = found.unwrap_or((got.len(), want.len()));
        out.push(format!(
            "at word {j}: pandoc has `{}`, the text `{}`",
            show(got, i, ni),
            show(want, j, nj)
        ));
        (i, j) = (ni, nj);
    }
    out
}

/// Every real pair in `tests/data/`, old first: (folder, old file, new file).
fn real_pairs() -> Vec<(String, std::path::PathBuf, std::path::PathBuf)> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut folders: Vec<_> = std::fs::read_dir(&data)
        .expect("tests/data")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
        .into_iter()
        .map(|folder| {
            let mut texts: Vec<_> = std::fs::read_dir(&folder)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "txt"))
                .collect();
            texts.sort();
            assert_eq!(
                texts.len(),
                2,
                "{}: an old and a new text",
                folder.display()
            );
            let name = folder.file_name().unwrap().to_string_lossy().into_owned();
            (name, texts[0].clone(), texts[1].clone())
        })
        .collect()
}

#[test]
fn word_redlines_of_every_real_pair_accept_into_the_new_text_and_reject_into_the_old_in_pandoc() {
    if !client_runs("pandoc") {
        return;
    }
    let f = Fixture::bare_dir();
    let mut failures = Vec::new();
    for (name, old, new) in real_pairs() {
        let out = f.file(&format!("{name}.docx"));
        let (old_arg, new_arg, out_arg) = (
            old.display().to_string(),
            new.display().to_string(),
            out.display().to_string(),
        );
        f.run(&[
            "diff", "--files", &old_arg, &new_arg, "--format", "docx", "--output", &out_arg,
        ])
        .assert_exit(0);
        for (changes, text) in [("accept", &new), ("reject", &old)] {
            // pandoc's plain text marks no heading: its words are all words.
            let read = pandoc(&out, changes, "plain");
            let got: Vec<String> = read.split_whitespace().map(str::to_string).collect();
            let want = text_words(&std::fs::read_to_string(text).unwrap());
            let differences = word_differences(&got, &want);
            eprintln!(
                "{name}, {changes}: {} words read, {} in the text, {} differences",
                got.len(),
                want.len(),
                differences.len()
            );
            for d in &differences {
                eprintln!("  {d}");
            }
            if !differences.is_empty() {
                failures.push(format!("{name} {changes}: {}", differences.len()));
            }
        }
    }
    assert!(failures.is_empty(), "pandoc read other words: {failures:?}");
}

#[test]
fn a_moved_paragraph_is_a_word_move_and_reads_back_both_ways() {
    let f = Fixture::bare_dir();
    let old = "# Article 9 — Leave\n\n9.1 Leave requests are answered within five working days of their receipt by the manager.\n\n9.2 Notice is given.\n\n9.3 Unused leave carries over to the next year.\n";
    let new = "# Article 9 — Leave\n\n9.2 Notice is given in writing.\n\n9.3 Unused leave carries over to the next year.\n\n9.1 Leave requests are answered within five working days of their receipt by the manager.\n\n9.4 A new clause.\n";
    f.write("old.md", old);
    f.write("new.md", new);
    f.run(&[
        "diff",
        "--files",
        "old.md",
        "new.md",
        "--format",
        "docx",
        "-o",
        "moved.docx",
        "--author",
        "Union AI lead",
    ])
    .assert_exit(0);
    let docx = f.file("moved.docx");
    // An ordinary file for its reader, not the private mode of a temporary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&docx)
            .expect("written")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
    }
    let xml = part(&docx, "word/document.xml");
    assert!(xml.contains("<w:moveFrom "), "{xml}");
    assert!(xml.contains("<w:moveTo "));
    assert!(xml.contains("w:name=\"move1\""));
    assert_eq!(
        xml.matches("<w:moveFromRangeStart ").count(),
        xml.matches("<w:moveFromRangeEnd ").count()
    );
    // Revision ids are unique (a range's end repeats its start's id).
    let mut ids: Vec<&str> = xml
        .split(" w:id=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').expect("closed")])
        .collect();
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len() + xml.matches("RangeEnd w:id=").count(), total);
    if !client_runs("pandoc") {
        return;
    }
    assert_eq!(words(&pandoc(&docx, "accept", "plain")), words(new));
    assert_eq!(words(&pandoc(&docx, "reject", "plain")), words(old));
    assert!(pandoc(&docx, "all", "markdown").contains("author=\"Union AI lead\""));
}

#[test]
fn docx_without_output_is_refused_with_the_flag_to_give() {
    let f = Fixture::bare_dir();
    f.write("a.md", "a\n");
    let run = f.run(&["diff", "--files", "a.md", "a.md", "--format", "docx"]);
    run.assert_exit(2);
    assert!(run.stderr.contains("--output"), "{}", run.stderr);
}

#[test]
fn libreoffice_converts_the_word_redline_to_pdf() {
    if !client_runs("soffice") || !client_runs("pdftotext") {
        return;
    }
    let f = demo();
    let out = f.file("a12.docx").display().to_string();
    f.run_in("table", &["diff", "12", "--format", "docx", "-o", &out])
        .assert_exit(0);
    let profile = f.file("lo-profile");
    run(
        "soffice",
        &[
            &format!("-env:UserInstallation=file://{}", profile.display()),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            &f.path().display().to_string(),
            &out,
        ],
    );
    let pdf = f.file("a12.pdf").display().to_string();
    let info = run("pdfinfo", &[&pdf]);
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
    let text = run("pdftotext", &[&pdf, "-"]);
    assert!(text.contains("Artificial Intelligence and Technology"));
    // LibreOffice shows both texts of a redline: the deleted words are still there.
    let (old, _) = sides_texts(&f, "12");
    let deleted_phrase = "or other new technology";
    assert!(old.contains(deleted_phrase));
    assert!(text.contains(deleted_phrase), "{text}");
}

#[test]
fn html_redline_renders_headings_and_names_sides_only_when_they_mix() {
    let f = demo();
    let two = f.run_in("table", &["diff", "12", "--format", "html"]);
    two.assert_exit(0);
    let html = &two.stdout;
    assert!(
        !html.contains("# Article 12"),
        "no literal Markdown heading"
    );
    assert!(html.contains("<h1>Article 12 — Artificial Intelligence and Technology</h1>"));
    assert!(!html.contains("vertical-align:super") && !html.contains("class=\"by\""));
    // One side's changes: no attribution at all.
    assert!(!html.contains(" title=\"Example Health\""), "{html}");
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    // Three-way mixes both sides: each change carries its side as a tooltip, with a legend.
    let three = f.run_in("table", &["diff", "13", "three-way", "--format", "html"]);
    three.assert_exit(0);
    assert!(
        three
            .stdout
            .contains(" title=\"Coalition of Health Care Unions\""),
        "{}",
        three.stdout
    );
    assert!(three.stdout.contains("class=\"legend\""));
}

#[test]
fn markdown_redline_keeps_section_numbers_and_headings_unescaped() {
    let f = demo();
    let md = f.run_in("table", &["diff", "12", "--format", "md"]);
    md.assert_exit(0);
    assert!(!md.stdout.contains("12\\.1"), "{}", md.stdout);
    assert!(md.stdout.contains("12.1 Purpose"));
    assert!(!md.stdout.contains("high\\-quality"));
    assert!(md.stdout.contains("\n# Article 12"));
}

/// Two versions of a text taken from a PDF: a form feed opens each page, and the pages open
/// with headings.
const PAGED_OLD: &str = "# Article 5 — Wages\n\n5.1 Wages are paid monthly.\n\x0c# Article 6 — Hours\n\n6.1 The week is forty hours.\n\x0c## 6.2 Overtime\n\nOvertime is paid at time and a half.\n";
const PAGED_NEW: &str = "# Article 5 — Wages\n\n5.1 Wages are paid every two weeks.\n\x0c# Article 6 — Hours\n\n6.1 The week is thirty-six hours.\n\x0c## 6.2 Overtime\n\nOvertime is paid at double time.\n";

#[test]
fn a_heading_after_a_form_feed_is_a_heading_in_html_markdown_and_word() {
    let f = Fixture::bare_dir();
    f.write("old.txt", PAGED_OLD);
    f.write("new.txt", PAGED_NEW);
    let (old, new) = (f.file("old.txt"), f.file("new.txt"));
    let (old, new) = (old.display().to_string(), new.display().to_string());
    let diff = |format: &str, extra: &[&str]| {
        let mut args = vec!["diff", "--files", &old, &new, "--format", format];
        args.extend_from_slice(extra);
        let run = f.run(&args);
        run.assert_exit(0);
        run
    };

    let html = diff("html", &[]).stdout;
    assert!(
        html.contains("<h1 class=\"page\">Article 6 — Hours</h1>"),
        "{html}"
    );
    assert!(
        html.contains("<h2 class=\"page\">6.2 Overtime</h2>"),
        "{html}"
    );
    assert!(html.contains(".redline .page{break-before:page}"));
    assert!(!html.contains('\x0c') && !html.contains("^L"), "{html}");

    let md = diff("md", &[]).stdout;
    assert!(md.contains("\n# Article 6 — Hours\n"), "{md}");
    assert!(md.contains("\n## 6.2 Overtime\n"), "{md}");
    assert!(!md.contains('\x0c') && !md.contains("^L"), "{md}");

    let out = f.file("paged.docx");
    let out_arg = out.display().to_string();
    diff("docx", &["--output", &out_arg]);
    let xml = part(&out, "word/document.xml");
    // The heading paragraph starts the page: no page break in a run, no raw form feed.
    assert_eq!(xml.matches("<w:pageBreakBefore/>").count(), 2, "{xml}");
    assert!(
        xml.contains("<w:pStyle w:val=\"Heading1\"/><w:pageBreakBefore/></w:pPr><w:r><w:t xml:space=\"preserve\">Article 6 — Hours</w:t>"),
        "{xml}"
    );
    assert!(!xml.contains('\x0c') && !xml.contains("^L"));
    if !client_runs("pandoc") {
        return;
    }
    let read = pandoc(&out, "accept", "html");
    assert!(read.contains(">Article 6 — Hours</h1>"), "{read}");
    assert!(read.contains(">6.2 Overtime</h2>"), "{read}");
    let unpaged = |text: &str| words(&text.replace('\x0c', ""));
    assert_eq!(words(&pandoc(&out, "accept", "plain")), unpaged(PAGED_NEW));
    assert_eq!(words(&pandoc(&out, "reject", "plain")), unpaged(PAGED_OLD));
}

#[test]
fn tentative_agreement_exports_carry_the_signature_block_and_hash() {
    let f = demo();
    let html = f.run_in("table", &["export", "ta", "14", "--format", "html"]);
    html.assert_exit(0);
    assert!(
        html.stdout.contains("Tentatively agreed on 2025-08-06."),
        "{}",
        html.stdout
    );
    assert!(
        html.stdout
            .contains("For Example Health: Employer AI &amp; technology lead")
    );
    assert!(html.stdout.contains("(as recorded with the signatures)"));
    let docx = f.file("ta14.docx").display().to_string();
    f.run_in(
        "table",
        &["export", "ta", "14", "--format", "docx", "-o", &docx],
    )
    .assert_exit(0);
    let xml = part(Path::new(&docx), "word/document.xml");
    assert!(xml.contains("Text SHA-256: "));
    assert!(!xml.contains("<w:ins ") && !xml.contains("<w:del "));
    let open = f.run_in("table", &["export", "ta", "12"]);
    open.assert_exit(1);
    assert!(
        open.stderr.contains("no tentative agreement"),
        "{}",
        open.stderr
    );
}

#[test]
fn packet_is_one_self_contained_page_per_article_and_chromium_prints_it() {
    let f = demo();
    let out = f.file("packet.html").display().to_string();
    let run = f.run_in("table", &["export", "packet", "--topic", "ai", "-o", &out]);
    run.assert_exit(0);
    let html = std::fs::read_to_string(&out).expect("written");
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("http"));
    assert_eq!(html.matches("<section class=\"article\">").count(), 3);
    assert!(html.contains("break-before:page"));
    assert!(html.contains("<table class=\"tracker\">"));
    // A running header on every article's pages: table, article, versions, date.
    assert!(html.contains("<div class=\"running\">National Agreement 2025"));
    if !client_runs("chromium") || !client_runs("pdftotext") {
        return;
    }
    f.run_in(
        "table",
        &["export", "packet", "--topic", "ai", "-o", &out, "--pdf"],
    )
    .assert_exit(0);
    let pdf = f.file("packet.pdf").display().to_string();
    let pages: usize = run_pages(&pdf);
    // The tracker's page, then at least a page per article.
    assert!(pages > 3, "{pages} pages");
    let text = super_text(&pdf);
    for heading in [
        "Article 12 — Artificial Intelligence and Technology",
        "Article 13 — Mental Health Intake and Triage",
        "Article 14 — AI Note Capture (Ambient Documentation)",
    ] {
        assert!(text.contains(heading), "{heading} in {text}");
    }
    // The page as a picture too.
    let png = f.file("packet.png");
    let profile = f.file("chromium-profile");
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1000,1400",
            &format!("file://{out}"),
        ])
        .output()
        .expect("chromium runs");
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000);
}

#[test]
fn packet_for_a_session_holds_the_articles_that_moved_there() {
    let f = demo();
    let out = f.file("july.html").display().to_string();
    f.run_in(
        "table",
        &["export", "packet", "--session", "July session", "-o", &out],
    )
    .assert_exit(0);
    let html = std::fs::read_to_string(&out).expect("written");
    let articles = html.matches("<section class=\"article\">").count();
    // Article 24 had no pass in July; Article 12 did.
    assert!(articles > 0 && articles < 13, "{articles}");
    assert!(html.contains("Example Health — July session · Article 12"));
    assert!(!html.contains("· Article 24 "));
    assert!(
        html.contains("old: Coalition of Health Care Unions pass 2; new: Example Health pass 2")
    );
    let unknown = f.run_in(
        "table",
        &["export", "packet", "--session", "May", "-o", &out],
    );
    unknown.assert_exit(2);
    assert!(
        unknown.stderr.contains("July session"),
        "{}",
        unknown.stderr
    );
}

fn run_pages(pdf: &str) -> usize {
    run("pdfinfo", &[pdf])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

fn super_text(pdf: &str) -> String {
    run("pdftotext", &[pdf, "-"])
}

#[test]
fn packet_pdf_without_chromium_says_what_to_install() {
    let f = demo();
    let empty = f.file("no-programs");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let out = Command::new(env!("CARGO_BIN_EXE_bargain"))
        .args(["export", "packet", "-o", "p.html", "--pdf"])
        .current_dir(f.file("table"))
        .env("PATH", &empty)
        .output()
        .expect("bargain runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Chromium") && stderr.contains("apt-get install chromium"),
        "{stderr}"
    );
    // The HTML is still there to print from a browser.
    assert!(f.file("table/p.html").is_file());
}

#[test]
fn bulletin_tells_members_what_moved_in_plain_words() {
    let f = demo();
    let md = f.run_in("table", &["bulletin", "--session", "August session"]);
    md.assert_exit(0);
    let text = &md.stdout;
    assert!(text.starts_with("# National Agreement 2025"), "{text}");
    assert!(
        text.contains("Tentative agreements so far: 4 of 13 articles."),
        "{text}"
    );
    assert!(text.contains("Both sides reached a tentative agreement on"));
    assert!(text.contains(
        "Coalition of Health Care Unions withdrew Article 24: Mental Health Caseload Limits."
    ));
    assert!(text.contains("## Next session"));
    for marker in ["{+", "[-", "~~", "**", "<ins>", "\\-"] {
        assert!(!text.contains(marker), "no marker {marker} in {text}");
    }
    let html = f.run_in("table", &["bulletin", "--format", "html"]);
    html.assert_exit(0);
    assert!(html.stdout.contains("<h2>Next session</h2>"));
    let unknown = f.run_in("table", &["bulletin", "--session", "December"]);
    unknown.assert_exit(2);
    assert!(
        unknown.stderr.contains("August session"),
        "{}",
        unknown.stderr
    );
}
