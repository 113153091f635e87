//! Writes the articles that two agreements share, one file per article and side, split by the
//! importer (letters and appendices too, paired by id):
//! `agreement_articles OLD NEW DIR` makes `DIR/old/ID.txt` and `DIR/new/ID.txt`, so the
//! redline can be timed article by article against `git diff --no-index --word-diff`
//! (`benches/cli_vs_git.sh`).

use std::path::Path;
use std::process::ExitCode;

use bargain_testutils::agreement_articles;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [old, new, dir] = args.as_slice() else {
        eprintln!("usage: agreement_articles OLD NEW DIR");
        return ExitCode::from(2);
    };
    match write(Path::new(old), Path::new(new), Path::new(dir)) {
        Ok(n) => {
            eprintln!("{n} article pairs written under {dir}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("agreement_articles: {e}");
            ExitCode::from(1)
        }
    }
}

fn write(old: &Path, new: &Path, dir: &Path) -> std::io::Result<usize> {
    let (old, new) = (std::fs::read_to_string(old)?, std::fs::read_to_string(new)?);
    let news = agreement_articles(&new);
    std::fs::create_dir_all(dir.join("old"))?;
    std::fs::create_dir_all(dir.join("new"))?;
    let mut pairs = 0;
    for (n, body) in agreement_articles(&old) {
        if let Some((_, other)) = news.iter().find(|(m, _)| *m == n) {
            std::fs::write(dir.join("old").join(format!("{n}.txt")), body)?;
            std::fs::write(dir.join("new").join(format!("{n}.txt")), other)?;
            pairs += 1;
        }
    }
    Ok(pairs)
}
