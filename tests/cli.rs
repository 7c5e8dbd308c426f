//! Command-line contract: exit codes and one-line errors for bad input, no Docker needed.

use crate::util::{ctenter, repo_path};

fn fixture_proc(case: &str) -> String {
    repo_path(&format!("fixtures/{case}/proc")).display().to_string()
}

#[test]
fn help_and_version_exit_zero() {
    ctenter(["--help"]).run().expect_success();
    let run = ctenter(["--version"]).run();
    run.expect_success().expect_stdout(&format!("ctenter {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn usage_errors_exit_125() {
    for args in [&[][..], &["bogus"], &["pid"], &["ls", "--bogus"], &["enter"]] {
        ctenter(args).run().expect_code(125);
    }
    // Bad usage is one line naming what is wrong, with the usage; no arguments at all is the help.
    for (args, says) in [
        (&["bogus"][..], "unrecognized subcommand 'bogus'"),
        (&["pid"], "<CONTAINER>; usage: ctenter pid <CONTAINER>"),
        (&["ls", "-q", "--json"], "'--quiet' cannot be used with '--json'"),
    ] {
        ctenter(args).run().expect_one_line_error().expect_stderr_contains(says);
    }
    ctenter([] as [&str; 0]).run().expect_stderr_contains("Usage: ctenter [OPTIONS] <COMMAND>");
}

#[test]
fn bad_enter_options_name_the_option() {
    let root = fixture_proc("docker-cgroupfs-hybrid");
    ctenter(["--proc-root", &root, "enter", "--ns", "net,bogus", "ea3"])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("unknown namespace \"bogus\"");
    ctenter(["--proc-root", &root, "enter", "-w", "relative", "ea3"])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("--workdir \"relative\"");
    ctenter(["--proc-root", &root, "enter", "-e", "=x", "ea3"]).run().expect_one_line_error();
}

#[test]
fn missing_proc_root_names_the_path() {
    ctenter(["--proc-root", "/nonexistent/proc", "ls"])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("/nonexistent/proc");
}

#[test]
fn no_such_container_says_how_many_were_scanned() {
    let root = fixture_proc("docker-cgroupfs-hybrid");
    ctenter(["pid", "--proc-root", &root, "zzz"])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("no such container: zzz (2 containers found among 9 processes");
    ctenter(["--proc-root", &root, "pid", ""]).run().expect_one_line_error();
}

fn expected_ids(case: &str) -> Vec<(String, u64)> {
    let text = std::fs::read(repo_path(&format!("fixtures/{case}/expected.json"))).unwrap();
    let list: Vec<serde_json::Value> = serde_json::from_slice(&text).unwrap();
    list.iter().map(|c| (c["id"].as_str().unwrap().to_string(), c["pid"].as_u64().unwrap())).collect()
}

#[test]
fn ambiguous_prefix_lists_every_candidate() {
    // Both containers of this case have IDs starting with 3f2a (see its README).
    let root = fixture_proc("docker-systemd-v2");
    let run = ctenter(["--proc-root", &root, "pid", "3f2a"]).run();
    run.expect_code(125).expect_stderr_contains("container \"3f2a\" is ambiguous: it matches 2 containers:");
    for (id, pid) in expected_ids("docker-systemd-v2") {
        run.expect_stderr_contains(&format!("  {id}  docker  -  pid {pid}  "));
    }
    let (first, pid) = &expected_ids("docker-systemd-v2")[0];
    ctenter(["--proc-root", &root, "pid", &first[..6]])
        .run()
        .expect_success()
        .expect_stdout(&format!("{pid}\n"));
}

#[test]
fn prefix_is_case_insensitive_and_pid_prints_the_init() {
    let root = fixture_proc("docker-pid-host");
    let (id, pid) = &expected_ids("docker-pid-host")[0];
    ctenter(["--proc-root", &root, "pid", &id[..5].to_uppercase()])
        .run()
        .expect_success()
        .expect_stdout(&format!("{pid}\n"));
    ctenter(["--proc-root", &root, "pid", id]).run().expect_success().expect_stdout(&format!("{pid}\n"));
}

#[test]
fn ls_table_quiet_and_no_trunc() {
    let root = fixture_proc("docker-systemd-v2");
    let ids = expected_ids("docker-systemd-v2");
    let quiet: String = ids.iter().map(|(id, _)| format!("{}\n", &id[..12])).collect();
    ctenter(["--proc-root", &root, "ls", "-q"]).run().expect_success().expect_stdout(&quiet);
    let full: String = ids.iter().map(|(id, _)| format!("{id}\n")).collect();
    ctenter(["ls", "-q", "--no-trunc", "--proc-root", &root]).run().expect_success().expect_stdout(&full);
    // No state files and no /proc/stat in a fixture: no name, no uptime.
    let line = |cells: [&str; 7]| {
        let [id, name, engine, pid, procs, uptime, command] = cells;
        format!("{id:<12}   {name:<4}   {engine:<6}   {pid:<4}   {procs:<5}   {uptime:<6}   {command}\n")
    };
    let mut table = line(["CONTAINER ID", "NAME", "ENGINE", "PID", "PROCS", "UPTIME", "COMMAND"]);
    for (id, pid) in &ids {
        let (procs, command) =
            if *pid == 1010 { ("3", "nginx -g daemon off;") } else { ("1", "sleep infinity") };
        table += &line([&id[..12], "-", "docker", &pid.to_string(), procs, "-", command]);
    }
    ctenter(["--proc-root", &root, "ls"]).run().expect_success().expect_stdout(&table);
}

#[test]
fn enter_on_a_fixture_fails_cleanly() {
    // A fixture's pids are not live processes: enter must refuse and run nothing.
    let root = fixture_proc("docker-systemd-v2");
    ctenter(["--proc-root", &root, "enter", "--ns", "uts", "3f2a1", "--", "true"])
        .run()
        .expect_one_line_error()
        .expect_stderr_contains(&format!(
            "--proc-root {root}: enter needs the procfs of ctenter's own pid namespace"
        ));
}

/// `--proc-root` and `--state-root` of one fixture case.
fn with_state(case: &str, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--proc-root".to_string(), fixture_proc(case)];
    all.extend([
        "--state-root".to_string(),
        repo_path(&format!("fixtures/{case}/root")).display().to_string(),
    ]);
    all.extend(args.iter().map(|a| a.to_string()));
    all
}

#[test]
fn names_from_state_files_resolve_and_stale_ones_never_do() {
    let pid_of = |needle: &str| ctenter(with_state("state-trees-v2", &["pid", needle])).run();
    for (needle, pid) in [
        ("web", "1010"),
        ("/web", "1010"),
        ("pweb", "2010"),
        ("prod/api-7d9f/app", "3020"),
        ("api-7d9f/app", "3020"),
        ("api-7d9f", "3020"),
        ("prod/db-0/db", "4010"),
        ("db-0", "4010"),
    ] {
        pid_of(needle).expect_success().expect_stdout(&format!("{pid}\n"));
    }
    for stale in ["old-web", "gone", "prod/api-7d9f/POD", "app"] {
        pid_of(stale)
            .expect_one_line_error()
            .expect_stderr_contains(&format!("no such container: {stale} ("));
    }
    // A stopped Docker container's files never match, but the error says it is not running.
    pid_of("old-web")
        .expect_stderr_contains("docker container old-web (")
        .expect_stderr_contains("exists on disk but has no process: it is not running");
}

#[test]
fn a_full_id_resolves_and_ls_shows_names_and_pods() {
    let expected: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(repo_path("fixtures/state-trees-v2/expected.json")).unwrap())
            .unwrap();
    let web = expected.iter().find(|c| c["name"] == "web").unwrap();
    let web_pid = format!("{}\n", web["pid"]);
    let id = web["id"].as_str().unwrap();
    ctenter(with_state("state-trees-v2", &["pid", id])).run().expect_success().expect_stdout(&web_pid);
    // The table shows the names; unnamed containers show "-".
    let table = ctenter(with_state("state-trees-v2", &["ls"])).run();
    table.expect_success();
    let header = table.stdout.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["CONTAINER", "ID", "NAME", "ENGINE", "PID", "PROCS", "UPTIME", "POD", "NAMESPACE", "COMMAND"]
    );
    let row = table.stdout.lines().find(|l| l.starts_with(&id[..12])).unwrap();
    assert_eq!(row.split_whitespace().take(3).collect::<Vec<_>>(), [&id[..12], "web", "docker"]);
}

#[test]
fn pid_explain_says_how_and_why() {
    let run = ctenter(with_state("state-trees-v2", &["pid", "--explain", "api-7d9f"])).run();
    run.expect_success()
        .expect_stdout_contains("matched:    \"api-7d9f\" by its name\n")
        .expect_stdout_contains("pod:        prod/api-7d9f\n")
        .expect_stdout_contains("init:       pid 3020: /api\n")
        .expect_stdout_contains("why:        pid 1 of its own pid namespace (NSpid 3020 1)\n")
        .expect_stdout_contains("-namespace k8s.io")
        .expect_stdout_contains("/run/containerd/io.containerd.runtime.v2.task/k8s.io/")
        .expect_stdout_contains("nsenter:    nsenter --target 3020 --mount --uts --ipc --net --pid\n");
    let (id, _) = &expected_ids("docker-pid-host")[0];
    let host_pid = ctenter(["--proc-root", &fixture_proc("docker-pid-host"), "pid", "--explain", id]).run();
    host_pid
        .expect_success()
        .expect_stdout_contains("the earliest member whose parent is outside the container");
}

#[test]
fn pid_json_is_one_object_and_errors_say_what_next() {
    let run = ctenter(with_state("state-trees-v2", &["pid", "--json", "web"])).run();
    run.expect_success();
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.report("one line"));
    let object: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let expected: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(repo_path("fixtures/state-trees-v2/expected.json")).unwrap())
            .unwrap();
    let web = expected.iter().find(|c| c["name"] == "web").unwrap();
    assert_eq!(
        object,
        serde_json::json!({"id": web["id"], "engine": "docker", "name": "web", "pid": web["pid"], "matched": "name"})
    );
    let (id, pid) = &expected_ids("docker-pid-host")[0];
    let by_prefix =
        ctenter(["--proc-root", &fixture_proc("docker-pid-host"), "pid", "--json", &id[..6]]).run();
    let object: serde_json::Value = serde_json::from_str(&by_prefix.expect_success().stdout).unwrap();
    assert_eq!(
        (&object["pid"], &object["matched"], &object["name"]),
        (&serde_json::json!(pid), &"prefix".into(), &serde_json::Value::Null)
    );
    ctenter(["pid", "--json", "--explain", "x"]).run().expect_code(125);
    // Not found points at `ls`; ambiguity lists the candidates (above).
    ctenter(with_state("state-trees-v2", &["pid", "--json", "nope"]))
        .run()
        .expect_one_line_error()
        .expect_stderr_contains("see 'ctenter ls'");
}
