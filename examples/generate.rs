//! Generates a large synthetic table for benchmarks:
//! `cargo run --release --example generate -- DIR [--articles 1000] [--commits 20000] [--seed 2025]`

use bargain_testutils::{Spec, write_repository};
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    dir: PathBuf,
    #[arg(long, default_value_t = Spec::default().articles)]
    articles: usize,
    #[arg(long, default_value_t = Spec::default().commits)]
    commits: usize,
    #[arg(long, default_value_t = Spec::default().seed)]
    seed: u64,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    if args.dir.exists() {
        eprintln!("{} exists; choose a new folder", args.dir.display());
        std::process::exit(2);
    }
    let spec = Spec {
        articles: args.articles,
        commits: args.commits,
        seed: args.seed,
    };
    let started = std::time::Instant::now();
    write_repository(&args.dir, &spec)?;
    eprintln!(
        "generated {} articles and {} commits in {} ({:.1} s)",
        spec.articles,
        spec.commits,
        args.dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
