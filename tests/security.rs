//! The live tier of SECURITY.md: each property of a safe and faithful entry, proved against a
//! real (and, where it matters, hostile) Docker container. Mandatory with CTENTER_LIVE=1.

use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::live::{pids_running, wait_until};
use crate::util::docker::{TestContainer, docker, live};
use crate::util::{Run, bin, ctenter};

/// tests/helpers/hostile.c, built static once per test run, in a directory to mount into
/// containers at /helpers.
fn helpers_dir() -> &'static str {
    static DIR: OnceLock<String> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("helpers");
        std::fs::create_dir_all(&dir).unwrap();
        let source = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/helpers/hostile.c");
        let out = Command::new("cc")
            .args(["-static", "-O2", "-o"])
            .arg(dir.join("hostile"))
            .arg(source)
            .output()
            .expect("run cc");
        assert!(out.status.success(), "cc -static hostile.c: {}", String::from_utf8_lossy(&out.stderr));
        dir.display().to_string()
    })
}

fn mount_helpers() -> String {
    format!("{}:/helpers:ro", helpers_dir())
}

fn status_lines(status: &str, names: &[&str]) -> Vec<String> {
    status
        .lines()
        .filter(|line| names.iter().any(|name| line.split(':').next() == Some(name)))
        .map(str::to_string)
        .collect()
}

/// A process of ctenter's own that stays alive long enough to look at: the joiner of an
/// `enter -- sleep`. Returns (the ctenter child, the joiner's pid).
fn running_enter(c: &TestContainer, seconds: &str) -> (std::process::Child, u32) {
    let child = Command::new(bin())
        .args(["enter", &c.id, "--", "sleep", seconds])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let mut joiner = None;
    wait_until("ctenter's joiner", || {
        let children = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", child.id()));
        joiner = children.ok().and_then(|c| c.split_whitespace().next()?.parse().ok());
        joiner.is_some() && !pids_running(c, &["sleep", seconds]).is_empty()
    });
    (child, joiner.unwrap())
}

#[test]
fn no_process_of_ctenter_has_the_host_binary_as_its_exe() {
    if !live("no_process_of_ctenter_has_the_host_binary_as_its_exe") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "571"]);
    let (mut child, joiner) = running_enter(&c, "570");
    let host_binary = std::fs::metadata(bin()).unwrap();
    for pid in [child.id(), joiner] {
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap();
        assert!(exe.display().to_string().starts_with("/memfd:ctenter"), "pid {pid} runs {exe:?}");
        let meta = std::fs::metadata(format!("/proc/{pid}/exe")).unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_ne!((meta.dev(), meta.ino()), (host_binary.dev(), host_binary.ino()), "pid {pid}");
        // The copy is sealed: nothing can write to it, so nothing can be planted through it.
        let write = std::fs::OpenOptions::new()
            .write(true)
            .open(format!("/proc/{pid}/exe"))
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"x"));
        assert!(write.is_err(), "pid {pid}: its exe is writable");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_proc_self_exe_interpreter_inside_gets_the_sealed_copy() {
    if !live("a_proc_self_exe_interpreter_inside_gets_the_sealed_copy") {
        return;
    }
    // CVE-2019-5736's trigger: a container binary replaced by `#!/proc/self/exe`, which makes the
    // entering tool execute itself inside. The host's libraries are mounted so that ctenter (a
    // dynamically linked binary) can start in there at all.
    let script = "printf '#!/proc/self/exe\\n' >/evil; chmod +x /evil; exec sleep 569";
    let c = TestContainer::start(
        &["-v", "/usr/lib:/lib:ro", "-v", "/usr/lib64:/lib64:ro"],
        &["sh", "-c", script],
    );
    wait_until("the /evil script", || {
        ctenter(["enter", &c.id, "--", "test", "-x", "/evil"]).run().code == Some(0)
    });
    // The interpreter fails on its arguments and reports it on stderr: a full pipe holds it
    // there, alive, while the test looks at it.
    let (read_end, write_end) = nix::unistd::pipe().unwrap();
    let capacity = nix::fcntl::fcntl(write_end.as_fd(), nix::fcntl::FcntlArg::F_SETPIPE_SZ(4096)).unwrap();
    nix::fcntl::fcntl(write_end.as_fd(), nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::O_NONBLOCK))
        .unwrap();
    nix::unistd::write(&write_end, &vec![b'.'; capacity as usize]).unwrap();
    nix::fcntl::fcntl(write_end.as_fd(), nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::empty())).unwrap();
    let child = Command::new(bin())
        .args(["enter", &c.id, "--", "/evil"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(write_end))
        .spawn()
        .unwrap();
    let mut interpreter = Vec::new();
    wait_until("the interpreter inside", || {
        interpreter = pids_running(&c, &["/proc/self/exe", "/evil"]);
        !interpreter.is_empty()
    });
    let exe = std::fs::read_link(format!("/proc/{}/exe", interpreter[0])).unwrap();
    assert!(exe.display().to_string().starts_with("/memfd:ctenter"), "the interpreter runs {exe:?}");
    let write = std::fs::OpenOptions::new()
        .write(true)
        .open(format!("/proc/{}/exe", interpreter[0]))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"x"));
    assert!(write.is_err(), "the interpreter's exe is writable");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut std::fs::File::from(read_end), &mut stderr).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(125), "the copy inside rejects its arguments: {stderr}");
}

#[test]
fn capabilities_no_new_privs_seccomp_and_cgroups_are_the_inits() {
    if !live("capabilities_no_new_privs_seccomp_and_cgroups_are_the_inits") {
        return;
    }
    let profile = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        profile.path(),
        r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}"#,
    )
    .unwrap();
    let seccomp = format!("seccomp={}", profile.path().display());
    let c = TestContainer::start(
        &[
            "--cap-drop",
            "ALL",
            "--cap-add",
            "NET_RAW",
            "--cap-add",
            "CHOWN",
            "--security-opt",
            "no-new-privileges",
            "--security-opt",
            &seccomp,
        ],
        &["sleep", "568"],
    );
    let fields =
        ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Seccomp_filters"];
    let init_status = std::fs::read_to_string(format!("/proc/{}/status", c.pid())).unwrap();
    let init_cgroup = std::fs::read_to_string(format!("/proc/{}/cgroup", c.pid())).unwrap();
    let run =
        ctenter(["enter", &c.id, "--", "sh", "-c", "cat /proc/self/status; echo ---; cat /proc/self/cgroup"])
            .run();
    run.expect_success();
    let (status, cgroup) = run.stdout.split_once("---\n").unwrap();
    assert_eq!(
        status_lines(status, &fields),
        status_lines(&init_status, &fields),
        "{}",
        run.report("status")
    );
    assert_eq!(cgroup, init_cgroup, "{}", run.report("cgroups"));
    assert!(init_status.contains("NoNewPrivs:\t1") && init_status.contains("CapEff:\t0000000000002001"));

    // The copied filter works: mkdir is refused inside, as in the container's own processes.
    let mkdir = ctenter(["enter", &c.id, "--", "mkdir", "/tmp/made-by-ctenter"]).run();
    mkdir.expect_code(1).expect_stderr_contains("Operation not permitted");

    // --privileged is nsenter's: host root's capabilities, no filter, the host's cgroups.
    let ours = std::fs::read_to_string("/proc/self/status").unwrap();
    let run = ctenter(["enter", "--privileged", &c.id, "--", "cat", "/proc/self/status"]).run();
    run.expect_success();
    assert_eq!(status_lines(&run.stdout, &["CapEff", "CapBnd"]), status_lines(&ours, &["CapEff", "CapBnd"]));
    assert!(run.stdout.contains("Seccomp:\t0"), "{}", run.report("no filter"));
    ctenter(["enter", "--privileged", &c.id, "--", "mkdir", "/tmp/made-by-ctenter"]).run().expect_success();
}

#[test]
fn a_non_root_user_gets_no_capabilities() {
    if !live("a_non_root_user_gets_no_capabilities") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "567"]);
    let run = ctenter(["enter", "-u", "nobody", &c.id, "--", "cat", "/proc/self/status"]).run();
    run.expect_success();
    let caps = status_lines(&run.stdout, &["CapInh", "CapPrm", "CapEff", "CapAmb"]);
    assert!(caps.iter().all(|line| line.ends_with("0000000000000000")), "{}", run.report("caps"));
    assert!(run.stdout.contains("Uid:\t65534\t65534\t65534\t65534"), "{}", run.report("uid"));
}

/// Unpauses the container on drop, so a failing test never leaves it frozen.
struct Paused<'a>(&'a TestContainer);

impl Drop for Paused<'_> {
    fn drop(&mut self) {
        let _ = Command::new("docker").args(["unpause", &self.0.id]).output();
    }
}

#[test]
fn a_paused_container_is_refused_unless_privileged() {
    if !live("a_paused_container_is_refused_unless_privileged") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "566"]);
    docker(&["pause", &c.id]);
    let _paused = Paused(&c);
    ctenter(["enter", &c.id, "--", "true"])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("container is paused");
    // Not in the frozen cgroup, the command runs (with the container's namespaces) and returns.
    ctenter(["enter", "--privileged", &c.id, "--", "hostname"])
        .run()
        .expect_success()
        .expect_stdout(&format!("{}\n", &c.id[..12]));
}

#[test]
fn a_chrooted_init_is_entered_at_its_own_root() {
    if !live("a_chrooted_init_is_entered_at_its_own_root") {
        return;
    }
    let setup = "mkdir -p /jail/bin && cp /bin/busybox /jail/bin/ && echo jailed >/jail/marker \
                 && exec chroot /jail /bin/busybox sleep 565";
    let c = TestContainer::start(&[], &["sh", "-c", setup]);
    wait_until("the chrooted init", || {
        std::fs::read_link(format!("/proc/{}/exe", c.pid()))
            .is_ok_and(|exe| exe.ends_with("jail/bin/busybox"))
    });
    ctenter(["enter", &c.id, "--", "/bin/busybox", "cat", "/marker"])
        .run()
        .expect_success()
        .expect_stdout("jailed\n");
    ctenter(["enter", &c.id, "--", "/bin/busybox", "ls", "/jail"]).run().expect_code(1);
}

#[test]
fn a_restarting_container_never_gets_a_command_run_on_the_host() {
    if !live("a_restarting_container_never_gets_a_command_run_on_the_host") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "564"]);
    let expected = format!("{0}\n{0}\n", &c.id[..12]);
    let stop = AtomicBool::new(false);
    let (mut ran, mut refused, mut killed) = (0, 0, 0);
    /// Stops the restart loop however the test body ends (a failed assertion too, which would
    /// otherwise leave the scope waiting for the loop forever).
    struct StopOnDrop<'a>(&'a AtomicBool);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                let _ = Command::new("docker").args(["restart", "-t", "0", &c.id]).output();
            }
        });
        let _stop = StopOnDrop(&stop);
        for _ in 0..300 {
            // If this ran in the host's namespaces, both lines would be the host's.
            let run = run_bounded(&["enter", &c.id, "--", "sh", "-c", "hostname; cat /etc/hostname"]);
            match run.code {
                Some(0) => {
                    assert_eq!(run.stdout, expected, "{}", run.report("ran, but not in the container"));
                    ran += 1;
                }
                // Killed with the container by the restart, after starting inside it.
                Some(137) => {
                    assert!(expected.starts_with(&run.stdout), "{}", run.report("killed, but ran elsewhere"));
                    killed += 1;
                }
                Some(125) => {
                    assert!(run.stdout.is_empty(), "{}", run.report("refused after running something"));
                    assert!(
                        ["not running", "no such container", "restarted", "exited"]
                            .iter()
                            .any(|s| run.stderr.contains(s)),
                        "{}",
                        run.report("refused for an unexpected reason")
                    );
                    refused += 1;
                }
                _ => panic!("{}", run.report("neither ran in the container nor refused")),
            }
        }
    });
    eprintln!("restart race: {ran} ran inside, {killed} killed with the container, {refused} refused");
    assert!(ran > 0, "no attempt ever got in");
}

/// Runs ctenter like `ctenter(args).run()`, but fails the test instead of hanging when ctenter
/// does not return within a minute.
fn run_bounded(args: &[&str]) -> Run {
    let mut child = Command::new(bin())
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("{}", Run::new(args.iter().map(Into::into).collect(), out).report("ctenter hung"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Run::new(args.iter().map(Into::into).collect(), child.wait_with_output().unwrap())
}

/// A pty of the test's own, standing in for the caller's terminal: ctenter runs with its slave
/// as controlling terminal and stdio, the test holds the master (and a slave fd to look at the
/// terminal's input queue afterwards).
struct Terminal {
    master: OwnedFd,
    slave: OwnedFd,
}

impl Terminal {
    fn new(rows: u16, cols: u16) -> Self {
        let size = libc::winsize { ws_row: rows, ws_col: cols, ws_xpixel: 0, ws_ypixel: 0 };
        let pty = nix::pty::openpty(Some(&size), None).unwrap();
        Terminal { master: pty.master, slave: pty.slave }
    }

    fn spawn(&self, args: &[&str]) -> std::process::Child {
        let mut command = Command::new(bin());
        command.args(args).env_clear().env("PATH", "/usr/bin:/bin").env("TERM", "xterm");
        for stdio in 0..3 {
            let fd = Stdio::from(self.slave.try_clone().unwrap());
            match stdio {
                0 => command.stdin(fd),
                1 => command.stdout(fd),
                _ => command.stderr(fd),
            };
        }
        // SAFETY: setsid and ioctl are async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        command.spawn().unwrap()
    }

    /// Runs ctenter on this terminal to its end; returns its exit code and everything it wrote.
    fn run(&self, args: &[&str], after_start: impl FnOnce(&Self)) -> (Option<i32>, String) {
        let master = self.master.try_clone().unwrap();
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let reader_done = done.clone();
        // The test keeps a slave fd, so the master never reads EOF: poll until told to stop.
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let mut fds = [nix::poll::PollFd::new(master.as_fd(), nix::poll::PollFlags::POLLIN)];
                let ready = nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(50u16)).unwrap_or(0);
                if ready > 0 {
                    match nix::unistd::read(master.as_fd(), &mut buf) {
                        Ok(n) if n > 0 => out.extend_from_slice(&buf[..n]),
                        _ => break,
                    }
                } else if reader_done.load(Ordering::Relaxed) {
                    break;
                }
            }
            String::from_utf8_lossy(&out).into_owned()
        });
        let mut child = self.spawn(args);
        after_start(self);
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "ctenter {args:?} did not return");
            std::thread::sleep(Duration::from_millis(20));
        };
        done.store(true, Ordering::Relaxed);
        (status.code(), reader.join().unwrap())
    }

    /// What sits in the terminal's input queue: what a shell reading it would run next.
    fn pending_input(&self) -> Vec<u8> {
        let fd = self.slave.as_fd();
        let flags = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFL).unwrap();
        let flags = nix::fcntl::OFlag::from_bits_retain(flags) | nix::fcntl::OFlag::O_NONBLOCK;
        nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETFL(flags)).unwrap();
        let mut buf = [0u8; 4096];
        match nix::unistd::read(fd, &mut buf) {
            Ok(n) => buf[..n].to_vec(),
            Err(_) => Vec::new(),
        }
    }

    fn termios(&self) -> nix::sys::termios::Termios {
        nix::sys::termios::tcgetattr(self.slave.as_fd()).unwrap()
    }
}

#[test]
fn tiocsti_inside_never_types_into_the_callers_terminal() {
    if !live("tiocsti_inside_never_types_into_the_callers_terminal") {
        return;
    }
    let c = TestContainer::start(&["-v", &mount_helpers()], &["sleep", "563"]);
    let inject = ["/helpers/hostile", "tiocsti", "echo INJECTED"];

    // Default: the command's terminal is ctenter's own pty; it types only into that.
    let terminal = Terminal::new(24, 80);
    let args = [&["enter", &c.id, "--"][..], &inject].concat();
    let (code, _) = terminal.run(&args, |_| {});
    assert_eq!(code, Some(0));
    assert_eq!(terminal.pending_input(), b"", "injected into the caller's terminal through the pty");

    // -T: the caller's terminal is the command's stdin but not its controlling terminal (new
    // session), so without CAP_SYS_ADMIN (the container's capabilities) TIOCSTI is refused...
    let terminal = Terminal::new(24, 80);
    let args = [&["enter", "-T", &c.id, "--"][..], &inject].concat();
    let (code, _) = terminal.run(&args, |_| {});
    assert_eq!(code, Some(1), "TIOCSTI must fail");
    assert_eq!(terminal.pending_input(), b"");

    // ...and with --privileged's host capabilities it gets through: the check above can fail.
    let terminal = Terminal::new(24, 80);
    let args = [&["enter", "-T", "--privileged", &c.id, "--"][..], &inject].concat();
    let (code, _) = terminal.run(&args, |_| {});
    assert_eq!(code, Some(0));
    assert_eq!(terminal.pending_input(), b"echo INJECTED\n", "the detector saw nothing");
}

#[test]
fn the_pty_has_the_callers_size_follows_resizes_and_the_mode_is_restored() {
    if !live("the_pty_has_the_callers_size_follows_resizes_and_the_mode_is_restored") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "562"]);
    let terminal = Terminal::new(33, 101);
    let before = terminal.termios();
    let script =
        "stty size; tty >/dev/null; test -t 0 && echo on-a-tty; read line; stty size; echo got=$line";
    let (code, output) = terminal.run(&["enter", &c.id, "--", "sh", "-c", script], |t| {
        let mut master = std::fs::File::from(t.master.try_clone().unwrap());
        // The first size is set before the command starts; wait for the command to be reading.
        wait_until("the command inside", || !pids_running(&c, &["sh", "-c", script]).is_empty());
        std::thread::sleep(Duration::from_millis(300));
        let size = libc::winsize { ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: TIOCSWINSZ reads one winsize; the kernel then sends SIGWINCH to ctenter.
        assert_eq!(unsafe { libc::ioctl(t.master.as_raw_fd(), libc::TIOCSWINSZ, &size) }, 0);
        std::thread::sleep(Duration::from_millis(300));
        std::io::Write::write_all(&mut master, b"hello\r").unwrap();
    });
    assert_eq!(code, Some(0), "{output}");
    for line in ["33 101", "on-a-tty", "40 120", "got=hello"] {
        assert!(output.contains(line), "{line:?} missing from {output:?}");
    }
    let after = terminal.termios();
    assert_eq!(after.local_flags, before.local_flags, "the caller's terminal mode was not restored");
    assert_eq!(after.input_flags, before.input_flags);
}

#[test]
fn pty_relay_returns_with_the_command_and_passes_eof() {
    if !live("pty_relay_returns_with_the_command_and_passes_eof") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "561"]);
    // -t without a terminal: still a pty inside; EOF on stdin reaches cat.
    let run = ctenter(["enter", "-t", &c.id, "--", "sh", "-c", "test -t 0 && echo on-a-tty; cat"])
        .stdin("line one\nno newline")
        .run();
    run.expect_success().expect_stdout_contains("on-a-tty").expect_stdout_contains("no newline");
    // A background process keeps the pty open; ctenter returns when the command itself exits.
    let started = Instant::now();
    ctenter(["enter", "-t", &c.id, "--", "sh", "-c", "sleep 560 & echo started"])
        .run()
        .expect_success()
        .expect_stdout_contains("started");
    assert!(started.elapsed() < Duration::from_secs(60), "ctenter waited for the background process");
}

#[test]
fn closed_standard_fds_change_nothing() {
    if !live("closed_standard_fds_change_nothing") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "559"]);
    let want: Vec<String> = ["mnt", "net", "pid", "uts", "ipc"]
        .iter()
        .map(|ns| std::fs::read_link(format!("/proc/{}/ns/{ns}", c.pid())).unwrap().display().to_string())
        .collect();
    let inner = "for ns in mnt net pid uts ipc; do readlink /proc/self/ns/$ns; done; ls /proc/self/fd";
    // stdin and stderr closed: no fd ctenter opens may take their numbers into the container.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("exec {} enter {} -- sh -c '{inner}' 0<&- 2>&-", bin(), c.id))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[..5], want.iter().map(String::as_str).collect::<Vec<_>>()[..]);
    assert_eq!(lines[5..], ["0", "1", "2", "3"], "only stdio (and ls's own dir fd) inside");
}

#[test]
fn hostile_init_contents_never_hide_the_init() {
    if !live("hostile_init_contents_never_hide_the_init") {
        return;
    }
    let odd = TestContainer::start(&["-v", &mount_helpers()], &["/helpers/hostile", "odd-comm"]);
    wait_until("the odd comm", || {
        std::fs::read(format!("/proc/{}/comm", odd.pid())).is_ok_and(|comm| comm.starts_with(b"x) (y"))
    });
    let big = format!("BIG={}", "x".repeat(120_000));
    let mut options = vec!["-e"; 8].into_iter().flat_map(|e| [e, big.as_str()]).collect::<Vec<_>>();
    options.push("--entrypoint");
    options.push("env");
    let huge = TestContainer::start(&options, &["sleep", "558"]);
    let empty = TestContainer::start(&["--entrypoint", "env"], &["-i", "sleep", "557"]);
    // Processes that come and go while ctenter scans.
    let churn = TestContainer::start(&[], &["sh", "-c", "while :; do /bin/true; done"]);
    for c in [&odd, &huge, &empty, &churn] {
        for _ in 0..5 {
            ctenter(["pid", &c.id]).run().expect_success().expect_stdout(&format!("{}\n", c.pid()));
        }
        let listed = ctenter(["ls", "--json", "--no-trunc"]).run();
        listed.expect_success().expect_stdout_contains(&c.id);
        ctenter(["enter", &c.id, "--", "true"]).run().expect_success();
    }
    assert_eq!(std::fs::read(format!("/proc/{}/environ", empty.pid())).unwrap(), b"");
}
