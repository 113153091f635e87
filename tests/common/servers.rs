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

/// `git http-backend` behind lighttpd on 127.0.0.1, serving `base` under `/git/` with basic
/// authentication: one user, `user`, with `password`. `None` when lighttpd is not installed.
pub fn smart_http(base: &Path, user: &str, password: &str) -> Option<Server> {
    let lighttpd = have("lighttpd")?;
    let backend = have("git-http-backend")?;
    let dir = base.join(".lighttpd");
    std::fs::create_dir_all(&dir).ok()?;
    std::fs::write(dir.join("users"), format!("{user}:{password}\n")).ok()?;
    let port = free_port();
    let conf = format!(
        r#"server.document-root = "{dir}"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{dir}/error.log"
server.modules = ("mod_alias", "mod_setenv", "mod_cgi", "mod_auth", "mod_authn_file")
alias.url = ("/git/" => "{backend}/")
$HTTP["url"] =~ "^/git/" {{
  cgi.assign = ("" => "")
  setenv.add-environment = ("GIT_PROJECT_ROOT" => "{base}", "GIT_HTTP_EXPORT_ALL" => "1")
}}
auth.backend = "plain"
auth.backend.plain.userfile = "{dir}/users"
auth.require = ("/git/" => ("method" => "basic", "realm" => "table", "require" => "valid-user"))
"#,
        dir = dir.display(),
        backend = backend.display(),
        base = base.display(),
    );
    let conf_path = dir.join("lighttpd.conf");
    std::fs::write(&conf_path, conf).ok()?;
    let child = Command::new(lighttpd)
        .arg("-D")
        .arg("-f")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let server = Server { child, port };
    wait_for_port(port).then_some(server)
}

/// sshd on 127.0.0.1 and a free port, accepting only a key made here for the current user.
/// Returns the server and the `GIT_SSH_COMMAND` that reaches it. `None` without sshd.
pub fn sshd(dir: &Path) -> Option<(Server, String)> {
    let sshd = have("sshd")?;
    have("ssh-keygen")?;
    std::fs::create_dir_all(dir).ok()?;
    // Privilege separation wants this folder to exist.
    let _ = std::fs::create_dir_all("/run/sshd");
    let keygen = |file: &Path| {
        Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(file)
            .status()
            .is_ok_and(|s| s.success())
    };
    let host_key = dir.join("host_key");
    let user_key = dir.join("user_key");
    if !keygen(&host_key) || !keygen(&user_key) {
        return None;
    }
    let public = std::fs::read_to_string(dir.join("user_key.pub")).ok()?;
    std::fs::write(dir.join("authorized_keys"), public).ok()?;
    let port = free_port();
    let conf = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nAuthorizedKeysFile {dir}/authorized_keys\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\nPermitRootLogin prohibit-password\nStrictModes no\nUsePAM no\nPidFile {dir}/sshd.pid\n",
        host = host_key.display(),
        dir = dir.display(),
    );
    let conf_path = dir.join("sshd_config");
    std::fs::write(&conf_path, conf).ok()?;
    let child = Command::new(sshd)
        .arg("-D")
        .arg("-e")
        .arg("-f")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let server = Server { child, port };
    if !wait_for_port(port) {
        return None;
    }
    let command = format!(
        "ssh -i {} -p {port} -o IdentitiesOnly=yes -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR",
        user_key.display()
    );
    Some((server, command))
}

/// The current user's name, for an ssh URL.
pub fn user() -> String {
    std::env::var("USER")
        .ok()
        .or_else(|| {
            Command::new("id")
                .arg("-un")
                .output()
                .ok()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        })
        .unwrap_or_else(|| "root".to_string())
}
