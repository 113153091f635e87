//! Real git servers on 127.0.0.1 for the sync tests, each started and stopped by the test: a
//! bare repository shared by clones, `git daemon` (git://). Each server is stopped when dropped.

#![allow(dead_code)]

use super::Fixture;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A bare repository holding a table (the fixture's table and two articles), to clone.
pub struct Shared {
    pub dir: TempDir,
}

impl Shared {
    /// A bare repository seeded from a fixture with the standard table and articles 12 and 21.
    pub fn new() -> Shared {
        let seed = Fixture::new();
        seed.two_articles();
        let dir = tempfile::tempdir().expect("temporary folder");
        git_in(
            dir.path(),
            &["init", "-q", "--bare", "-b", "main", "table.git"],
        );
        let bare = dir.path().join("table.git");
        seed.git(&["push", "-q", &bare.display().to_string(), "main"]);
        Shared { dir }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("table.git")
    }

    pub fn file_url(&self) -> String {
        format!("file://{}", self.path().display())
    }

    /// The branch head in the bare repository.
    pub fn head(&self) -> String {
        git_in(&self.path(), &["rev-parse", "main"])
            .trim()
            .to_string()
    }
}

/// A clone of `url` as a fixture, committing as `email`.
pub fn clone(url: &str, email: &str) -> Fixture {
    let f = Fixture::bare_dir();
    f.git(&["clone", "-q", url, "."]);
    f.identity(email);
    f
}

/// Runs git in `dir`; panics with its output on failure.
pub fn git_in(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A free TCP port on 127.0.0.1 (bound and released; the server binds it next).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until something accepts connections on `port`, at most 10 s.
pub fn wait_for_port(port: u16) -> bool {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// A server process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `git daemon` serving `base` (read and push) on 127.0.0.1 and a free port.
pub fn git_daemon(base: &Path) -> Option<Server> {
    let port = free_port();
    let child = Command::new("git")
        .args([
            "daemon",
            "--listen=127.0.0.1",
            &format!("--port={port}"),
            "--export-all",
            "--enable=receive-pack",
            "--reuseaddr",
            &format!("--base-path={}", base.display()),
            &base.display().to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let server = Server { child, port };
    wait_for_port(port).then_some(server)
}

/// Whether `program` can be run (found on PATH or in the usual sbin folders).
pub fn have(program: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .chain(["/usr/sbin", "/sbin", "/usr/lib/git-core"])
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}
