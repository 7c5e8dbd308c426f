//! The live tier: real Docker containers on this machine. Docker is only the oracle here
//! (`docker inspect`); ctenter itself never talks to it. Mandatory with CTENTER_LIVE=1.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::docker::{TestContainer, docker, live};
use crate::util::{Run, bin, ctenter, program};

pub(crate) fn ns_link(pid: u32, kind: &str) -> String {
    std::fs::read_link(format!("/proc/{pid}/ns/{kind}")).unwrap().display().to_string()
}

/// Waits (bounded) until `probe` holds; for events, not for timing claims.
pub(crate) fn wait_until(what: &str, mut probe: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !probe() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Live processes (not zombies) in container `c`'s pid namespace whose cmdline is exactly `argv`.
pub(crate) fn pids_running(c: &TestContainer, argv: &[&str]) -> Vec<u32> {
    let want: Vec<u8> = argv.iter().flat_map(|a| a.bytes().chain([0])).collect();
    let container_pid_ns = ns_link(c.pid(), "pid");
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == want))
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/ns/pid"))
                .is_ok_and(|ns| ns.display().to_string() == container_pid_ns)
        })
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z'))
        })
        .collect()
}

#[test]
fn pid_of_a_prefix_is_dockers_pid_even_beside_an_exec_process() {
    if !live("pid_of_a_prefix_is_dockers_pid_even_beside_an_exec_process") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "600"]);
    docker(&["exec", "-d", &c.id, "sleep", "599"]);
    wait_until("the exec'd process", || !pids_running(&c, &["sleep", "599"]).is_empty());
    let prefix = c.unique_prefix(4);
    ctenter(["pid", &prefix]).run().expect_success().expect_stdout(&format!("{}\n", c.pid()));
}

#[test]
fn host_pid_namespace_container_resolves_to_dockers_init() {
    if !live("host_pid_namespace_container_resolves_to_dockers_init") {
        return;
    }
    let c = TestContainer::start(&["--pid=host"], &["sleep", "598"]);
    docker(&["exec", "-d", &c.id, "sleep", "597"]);
    wait_until("the exec'd process", || !pids_running(&c, &["sleep", "597"]).is_empty());
    ctenter(["pid", &c.id]).run().expect_success().expect_stdout(&format!("{}\n", c.pid()));
}

#[test]
fn ls_json_shows_the_container_as_docker_does() {
    if !live("ls_json_shows_the_container_as_docker_does") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "596"]);
    let run = ctenter(["ls", "--json"]).run();
    let mine = run.listed(&c.id);
    assert_eq!(mine["pid"], c.pid());
    assert_eq!(mine["engine"], "docker");
    assert_eq!(mine["command"], "sleep 596");
    assert_eq!(mine["processes"], 1);
    // From /var/lib/docker/containers/<id>/config.v2.json, read with no daemon.
    assert_eq!(mine["name"], c.name.as_str());
    let config = format!("/var/lib/docker/containers/{}/config.v2.json", c.id);
    assert_eq!(mine["sources"], serde_json::json!([config]));
    let started = mine["started"].as_str().expect("started");
    let docker_started = docker(&["inspect", "-f", "{{.State.StartedAt}}", &c.id]);
    let epoch = |t: &str| -> i64 { crate::util::runtimes::run("date", &["-d", t, "+%s"]).parse().unwrap() };
    let skew = (epoch(started) - epoch(&docker_started)).abs();
    assert!(skew <= 2, "started {started} vs docker's StartedAt {docker_started}");
    ctenter(["ls", "-q"])
        .run()
        .expect_success()
        .stdout
        .lines()
        .find(|l| *l == &c.id[..12])
        .expect("ls -q lists it");
}

#[test]
fn enter_runs_in_the_init_namespaces() {
    if !live("enter_runs_in_the_init_namespaces") {
        return;
    }
    let c = TestContainer::start(&["--hostname", "ct-live-host"], &["sleep", "595"]);
    let prefix = c.unique_prefix(4);
    ctenter(["enter", &prefix, "--", "hostname"]).run().expect_success().expect_stdout("ct-live-host\n");
    let kinds = ["mnt", "net", "uts", "ipc", "pid"];
    let script = "for k in mnt net uts ipc pid; do readlink /proc/self/ns/$k; done";
    let inside = ctenter(["enter", &prefix, "--", "sh", "-c", script]).run();
    let init = c.pid();
    let expected: String = kinds.iter().map(|k| format!("{}\n", ns_link(init, k))).collect();
    inside.expect_success().expect_stdout(&expected);
    // The ns-file fallback (kernels before 5.8) must land in the same place.
    let fallback = ctenter(["enter", "--join-via", "ns-files", &prefix, "--", "sh", "-c", script]).run();
    fallback.expect_success().expect_stdout(&expected);
}

#[test]
fn ns_option_joins_only_the_named_namespaces() {
    if !live("ns_option_joins_only_the_named_namespaces") {
        return;
    }
    let c = TestContainer::start(&["--hostname", "ct-ns-subset"], &["sleep", "594"]);
    let run = ctenter([
        "enter",
        "--ns",
        "uts,net",
        &c.id,
        "--",
        "sh",
        "-c",
        "hostname; readlink /proc/self/ns/net; readlink /proc/self/ns/mnt",
    ])
    .run();
    let host_mnt = std::fs::read_link("/proc/self/ns/mnt").unwrap().display().to_string();
    run.expect_success().expect_stdout(&format!("ct-ns-subset\n{}\n{host_mnt}\n", ns_link(c.pid(), "net")));
}

#[test]
fn exit_codes_follow_the_shell_convention() {
    if !live("exit_codes_follow_the_shell_convention") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "593"]);
    ctenter(["enter", &c.id, "--", "sh", "-c", "exit 42"]).run().expect_code(42);
    ctenter(["enter", &c.id, "--", "sh", "-c", "kill -TERM $$"]).run().expect_code(143);
    ctenter(["enter", &c.id, "--", "no-such-command"])
        .run()
        .expect_code(127)
        .expect_stderr_contains("executable file not found in $PATH");
    ctenter(["enter", &c.id, "--", "/etc/passwd"])
        .run()
        .expect_code(126)
        .expect_stderr_contains("/etc/passwd");
    ctenter(["enter", "ffffffffffffffffffff", "--", "true"])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("no such container");
}

#[test]
fn environment_comes_from_the_container_not_the_caller() {
    if !live("environment_comes_from_the_container_not_the_caller") {
        return;
    }
    let c = TestContainer::start(&["-e", "MYVAR=a b"], &["sleep", "592"]);
    let run = ctenter(["enter", "-e", "SET_HERE=1", &c.id, "--", "env"]).env("CALLER_SECRET", "leak").run();
    run.expect_success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    for want in ["MYVAR=a b", "SET_HERE=1", "HOME=/root"] {
        assert!(lines.contains(&want), "{}", run.report(&format!("missing {want}")));
    }
    assert!(!run.stdout.contains("CALLER_SECRET"), "{}", run.report("caller variable leaked"));
}

#[test]
fn environment_is_the_one_docker_exec_gives() {
    if !live("environment_is_the_one_docker_exec_gives") {
        return;
    }
    let c =
        TestContainer::start(&["--hostname", "ct-env", "-e", "CFG=1", "-e", "SPACED=a b"], &["sleep", "591"]);
    let sorted = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    let from_docker = sorted(&docker(&["exec", &c.id, "env"]));
    let run = ctenter(["enter", &c.id, "--", "env"]).run();
    run.expect_success();
    assert_eq!(sorted(&run.stdout), from_docker, "{}", run.report("env differs from docker exec's"));
    assert!(from_docker.contains(&"HOSTNAME=ct-env".to_string()), "{from_docker:?}");
}

#[test]
fn leaked_fds_are_closed_before_exec() {
    if !live("leaked_fds_are_closed_before_exec") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "591"]);
    // fd 5 open on the host's / would be a way out of the container (CVE-2024-21626).
    let out = Command::new("bash")
        .args(["-c", &format!("exec 5</ 7</etc/hostname; exec {} enter {} -- ls /proc/self/fd", bin(), c.id)])
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run::new(vec!["bash -c 'exec 5</ 7<...; ctenter enter ID -- ls /proc/self/fd'".into()], out);
    // 0-2, plus the directory fd `ls` itself opens.
    run.expect_success().expect_stdout("0\n1\n2\n3\n");
}

#[test]
fn ambiguous_first_character_lists_both_containers() {
    if !live("ambiguous_first_character_lists_both_containers") {
        return;
    }
    // 17 containers always hold two with the same first hex character (pigeonhole).
    let mut started: Vec<TestContainer> = Vec::new();
    let (a, b) = loop {
        let next = TestContainer::start(&[], &["sleep", "590"]);
        if let Some(pos) = started.iter().position(|s| s.id[..1] == next.id[..1]) {
            break (started.swap_remove(pos), next);
        }
        started.push(next);
        assert!(started.len() <= 16, "pigeonhole");
    };
    drop(started);
    let run = ctenter(["pid", &a.id[..1]]).run();
    run.expect_code(125).expect_stderr_contains("is ambiguous");
    run.expect_stderr_contains(&format!("{}  docker  {}  pid {}  sleep 590", a.id, a.name, a.pid()));
    run.expect_stderr_contains(&format!("{}  docker  {}  pid {}  sleep 590", b.id, b.name, b.pid()));
}

#[test]
fn workdir_default_explicit_and_missing() {
    if !live("workdir_default_explicit_and_missing") {
        return;
    }
    let c = TestContainer::start(&["-w", "/etc"], &["sleep", "589"]);
    ctenter(["enter", &c.id, "--", "pwd"]).run().expect_success().expect_stdout("/etc\n");
    ctenter(["enter", "-w", "/tmp", &c.id, "--", "pwd"]).run().expect_success().expect_stdout("/tmp\n");
    ctenter(["enter", "-w", "/does/not/exist", &c.id, "--", "pwd"])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("/does/not/exist inside the container");
}

#[test]
fn no_command_runs_the_container_login_shell() {
    if !live("no_command_runs_the_container_login_shell") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "588"]);
    ctenter(["enter", &c.id]).stdin("echo \"$0\"; exit 3\n").run().expect_code(3).expect_stdout("-sh\n");
}

#[test]
fn users_come_from_the_containers_own_files_as_docker_exec_reads_them() {
    if !live("users_come_from_the_containers_own_files_as_docker_exec_reads_them") {
        return;
    }
    // A host-only account file, and a container whose /etc/passwd will point at the same path:
    // read inside the container that path does not exist, so the name must not resolve.
    let host_only = format!("/etc/ctenter-host-only-{}", std::process::id());
    std::fs::write(&host_only, "hostonly:x:4242:4242::/:/bin/sh\n").unwrap();
    struct Remove(String);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let _remove = Remove(host_only.clone());
    let setup = "echo 'app:x:1234:4321:App:/home/app:/bin/ash' >> /etc/passwd; \
        sed -i 's#^root:x:0:0:root:/root:/bin/sh#root:x:0:0:root:/root:/bin/ash#' /etc/passwd; \
        echo 'grp:x:4321:' >> /etc/group; echo 'extra:x:777:app' >> /etc/group; \
        mkdir -p /home/app; exec sleep 587";
    let c = TestContainer::start(&[], &["sh", "-c", setup]);
    wait_until("the container's account files", || {
        docker(&["exec", &c.id, "cat", "/etc/group"]).contains("extra:x:777:app")
    });

    // Names, groups and HOME as docker exec -u gives them (the init's HOME=/root is root's).
    let script = "id; echo HOME=$HOME";
    for user in ["app", "1234", "app:grp", "nobody", "0"] {
        let from_docker = docker(&["exec", "-u", user, &c.id, "sh", "-c", script]);
        let run = ctenter(["enter", "-u", user, &c.id, "--", "sh", "-c", script]).run();
        run.expect_success();
        assert_eq!(run.stdout.trim(), from_docker, "{}", run.report(&format!("-u {user}")));
    }
    assert!(docker(&["exec", "-u", "app", &c.id, "id"]).contains("777(extra)"));

    // The host's supplementary groups never get in, even for root.
    let run =
        program("setpriv", ["--groups", "4242,4343", "--", bin(), "enter", &c.id, "--", "id", "-G"]).run();
    run.expect_success();
    assert_eq!(run.stdout.trim(), docker(&["exec", &c.id, "id", "-G"]), "{}", run.report("groups"));

    // /etc/passwd as a symlink to an absolute path is followed inside the container only.
    docker(&["exec", &c.id, "sh", "-c", &format!("ln -sf {host_only} /etc/passwd")]);
    ctenter(["enter", "-u", "hostonly", &c.id, "--", "id"])
        .run()
        .expect_code(125)
        .expect_stderr_contains("user hostonly: no such user in the container's /etc/passwd");

    // No command: the user's login shell from passwd (root's is /bin/ash here), as a login shell.
    docker(&[
        "exec",
        &c.id,
        "sh",
        "-c",
        "rm /etc/passwd; echo 'root:x:0:0:root:/root:/bin/ash' > /etc/passwd",
    ]);
    ctenter(["enter", &c.id]).stdin("echo \"$0\"; exit 3\n").run().expect_code(3).expect_stdout("-ash\n");
}

#[test]
fn signals_are_forwarded_and_killing_ctenter_kills_the_command() {
    if !live("signals_are_forwarded_and_killing_ctenter_kills_the_command") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "587"]);
    let script = "trap 'echo got-term; kill $! 2>/dev/null; exit 7' TERM; sleep 586 & wait";
    let child = Command::new(bin())
        .args(["enter", &c.id, "--", "sh", "-c", script])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the command inside", || !pids_running(&c, &["sleep", "586"]).is_empty());
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGTERM)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(7), "SIGTERM reaches the command, its exit code comes back");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "got-term\n");

    // The background sleep is not a child of ctenter's forks: only the process-group kill gets it.
    let mut child = Command::new(bin())
        .args(["enter", &c.id, "--", "sh", "-c", "sleep 585 & sleep 584; wait"])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the commands inside", || {
        !pids_running(&c, &["sleep", "585"]).is_empty() && !pids_running(&c, &["sleep", "584"]).is_empty()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    wait_until("the command and its background job to die with ctenter", || {
        pids_running(&c, &["sleep", "585"]).is_empty() && pids_running(&c, &["sleep", "584"]).is_empty()
    });
}

#[test]
fn without_root_enter_refuses_and_ls_still_works() {
    if !live("without_root_enter_refuses_and_ls_still_works") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "580"]);
    let as_nobody = |args: &[&str]| {
        let out = Command::new("setpriv")
            .args(["--reuid", "65534", "--regid", "65534", "--clear-groups", bin()])
            .args(args)
            .env_clear()
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Run::new(args.iter().map(Into::into).collect(), out)
    };
    as_nobody(&["enter", &c.id, "--", "true"]).expect_one_line_error().expect_stderr_contains("needs root");
    as_nobody(&["pid", &c.id]).expect_success().expect_stdout(&format!("{}\n", c.pid()));
}

#[test]
fn nested_cgroup_container_has_its_parent() {
    if !live("nested_cgroup_container_has_its_parent") {
        return;
    }
    let outer = TestContainer::start(&[], &["sleep", "583"]);
    let parent = format!("--cgroup-parent=/docker/{}/docker", outer.id);
    let inner = TestContainer::start(&[&parent, "--hostname", "ct-inner"], &["sleep", "582"]);
    let run = ctenter(["ls", "--json"]).run();
    let find = |id: &str| run.listed(id);
    assert_eq!(find(&inner.id)["parent"], outer.id.as_str());
    assert_eq!(find(&inner.id)["pid"], inner.pid());
    assert_eq!(find(&outer.id)["pid"], outer.pid());
    assert_eq!(find(&outer.id)["parent"], serde_json::Value::Null);
    ctenter(["enter", &inner.id, "--", "hostname"]).run().expect_success().expect_stdout("ct-inner\n");
}

#[test]
fn term_comes_from_the_caller_only_on_a_terminal() {
    if !live("term_comes_from_the_caller_only_on_a_terminal") {
        return;
    }
    let c = TestContainer::start(&[], &["sleep", "581"]);
    let inner = format!("{} enter {} -- sh -c 'echo TERM=$TERM'", bin(), c.id);
    // script(1) gives ctenter a pty as stdin; without one, the caller's TERM must not get in.
    let out = Command::new("script")
        .args(["-qec", &inner, "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("TERM", "ctenter-test-term")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let run = Run::new(vec![inner.clone().into()], out);
    run.expect_success();
    assert!(run.stdout.contains("TERM=ctenter-test-term"), "{}", run.report("TERM from a terminal caller"));
    ctenter(["enter", &c.id, "--", "sh", "-c", "echo TERM=$TERM"])
        .env("TERM", "ctenter-test-term")
        .run()
        .expect_success()
        .expect_stdout("TERM=\n");
}

/// A host process moved into a Docker-shaped cgroup, as `runc init` is for a moment while a
/// container starts: it is listed, but entering it must refuse and run nothing on the host.
#[test]
fn an_init_in_the_host_mount_namespace_is_refused() {
    if !live("an_init_in_the_host_mount_namespace_is_refused") {
        return;
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let fake_id = format!("{:016x}", (nanos as u64) ^ u64::from(std::process::id())).repeat(4);
    let mut cgroup = FakeCgroup::new(&format!("/sys/fs/cgroup/pids/docker/{fake_id}"));
    let host_process = cgroup.run(&["sleep", "1000"]);
    ctenter(["pid", &fake_id[..16]]).run().expect_success().expect_stdout(&format!("{}\n", host_process));

    let marker = format!("/tmp/ctenter-must-not-exist-{fake_id}");
    ctenter(["enter", &fake_id[..16], "--", "touch", &marker])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("container not running: its init shares ctenter's mount namespace");
    ctenter(["enter", "--ns", "net", &fake_id[..16], "--", "touch", &marker]).run().expect_code(125);
    assert!(!std::path::Path::new(&marker).exists(), "the command ran on the host");
}

/// A v1 cgroup directory of our own with one host process in it; both removed on drop.
struct FakeCgroup {
    dir: std::path::PathBuf,
    process: Option<std::process::Child>,
}

impl FakeCgroup {
    fn new(dir: &str) -> Self {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("mkdir {dir}: {e}"));
        Self { dir: dir.into(), process: None }
    }

    fn run(&mut self, argv: &[&str]) -> u32 {
        let child = Command::new(argv[0]).args(&argv[1..]).stdin(Stdio::null()).spawn().unwrap();
        let pid = child.id();
        self.process = Some(child);
        std::fs::write(self.dir.join("cgroup.procs"), pid.to_string()).unwrap();
        pid
    }
}

impl Drop for FakeCgroup {
    fn drop(&mut self) {
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[test]
fn pid_explain_gives_an_nsenter_line_that_works() {
    if !live("pid_explain_gives_an_nsenter_line_that_works") {
        return;
    }
    let c = TestContainer::start(&["--hostname", "ct-explain"], &["sleep", "579"]);
    let run = ctenter(["pid", "--explain", &c.name]).run();
    run.expect_success().expect_stdout_contains("by its name");
    let line = run.stdout.lines().find_map(|l| l.strip_prefix("nsenter:    ")).expect("an nsenter line");
    let argv: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(argv[..3], ["nsenter", "--target", &c.pid().to_string()]);
    let out = Command::new(argv[0]).args(&argv[1..]).arg("hostname").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ct-explain\n", "{line}: {out:?}");
}
