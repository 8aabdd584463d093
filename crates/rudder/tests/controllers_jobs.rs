//! The Job and CronJob controllers, driven through real kubectl. Without a scheduler no pod
//! ever runs, so the tests play the kubelet: they finish pods by writing their phase through
//! the status subresource.

mod common;

use std::time::{Duration, Instant};

use common::{eventually, Cluster};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(20);

fn cluster() -> Cluster {
    Cluster::start_with(&["--disable", "scheduler"])
}

/// A Job with one busybox container; `extra` is indented spec fields.
fn job_yaml(name: &str, extra: &str) -> String {
    format!(
        "apiVersion: batch/v1
kind: Job
metadata: {{name: {name}}}
spec:
{extra}  template:
    spec:
      restartPolicy: Never
      containers: [{{name: main, image: busybox, command: [sh, -c, 'exit 0']}}]
"
    )
}

/// Plays the kubelet: sets a pod's phase.
fn finish(c: &Cluster, pod: &str, phase: &str) {
    c.ok(&[
        "patch",
        "pod",
        pod,
        "--subresource=status",
        "--type=merge",
        "-p",
        &format!(r#"{{"status":{{"phase":"{phase}"}}}}"#),
    ]);
}

/// The Job's pods as JSON objects.
fn pods_of(c: &Cluster, job: &str) -> Vec<Value> {
    let list = c.json(&["get", "pods", "-l", &format!("job-name={job}")]);
    list["items"].as_array().cloned().unwrap_or_default()
}

fn name(pod: &Value) -> String {
    pod["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn phase(pod: &Value) -> &str {
    pod["status"]["phase"].as_str().unwrap_or("")
}

/// Pods that are neither finished nor being deleted.
fn active(c: &Cluster, job: &str) -> Vec<String> {
    pods_of(c, job)
        .iter()
        .filter(|p| {
            !matches!(phase(p), "Succeeded" | "Failed")
                && p["metadata"]["deletionTimestamp"].is_null()
        })
        .map(name)
        .collect()
}

fn wait_active(c: &Cluster, job: &str, n: usize) -> Vec<String> {
    eventually(WAIT, || {
        let pods = active(c, job);
        (pods.len() == n).then_some(pods)
    })
}

/// The condition of `type_` whose status is True, once it appears.
fn wait_condition(c: &Cluster, kind: &str, obj: &str, type_: &str) -> Value {
    eventually(WAIT, || {
        let o = c.json(&["get", kind, obj]);
        o["status"]["conditions"]
            .as_array()?
            .iter()
            .find(|x| x["type"] == type_ && x["status"] == "True")
            .cloned()
    })
}

fn events(c: &Cluster, obj: &str) -> String {
    c.ok(&[
        "get",
        "events",
        "--field-selector",
        &format!("involvedObject.name={obj}"),
        "-o",
        "jsonpath={range .items[*]}{.reason} {.message}{\"\\n\"}{end}",
    ])
}

fn wait_event(c: &Cluster, obj: &str, line_prefix: &str) -> String {
    eventually(WAIT, || {
        let all = events(c, obj);
        all.lines()
            .find(|l| l.starts_with(line_prefix))
            .map(str::to_string)
    })
}

#[test]
fn job_runs_pods_in_parallel_until_completions() {
    let c = cluster();
    c.ok_stdin(
        &["apply", "-f", "-"],
        &job_yaml("pi", "  completions: 3\n  parallelism: 2\n"),
    );
    let first = wait_active(&c, "pi", 2);
    let pod = c.json(&["get", "pod", &first[0]]);
    assert!(first[0].starts_with("pi-"), "{first:?}");
    assert_eq!(pod["metadata"]["ownerReferences"][0]["kind"], "Job");
    assert_eq!(pod["metadata"]["ownerReferences"][0]["controller"], true);
    assert_eq!(
        pod["metadata"]["finalizers"][0],
        "batch.kubernetes.io/job-tracking"
    );
    let job = c.json(&["get", "job", "pi"]);
    assert_eq!(
        pod["metadata"]["labels"]["batch.kubernetes.io/controller-uid"],
        job["metadata"]["uid"]
    );
    assert_eq!(job["status"]["active"], 2);
    assert!(job["status"]["startTime"].is_string());

    // Finish pods one at a time; never more than two run at once.
    let mut finished = 0;
    while finished < 3 {
        let running = eventually(WAIT, || {
            let a = active(&c, "pi");
            (!a.is_empty()).then_some(a)
        });
        assert!(running.len() <= 2, "{running:?}");
        finish(&c, &running[0], "Succeeded");
        finished += 1;
        if finished < 3 {
            // The replacement (if one is still needed) shows up.
            let want = (3 - finished).min(2);
            wait_active(&c, "pi", want);
        }
    }
    c.ok(&[
        "wait",
        "--for=condition=complete",
        "job/pi",
        "--timeout=30s",
    ]);
    let job = c.json(&["get", "job", "pi"]);
    let status = &job["status"];
    assert_eq!(status["succeeded"], 3, "{status}");
    assert!(status["active"].is_null(), "{status}");
    assert!(status["completionTime"].is_string(), "{status}");
    assert_eq!(status["uncountedTerminatedPods"], serde_json::json!({}));
    let types: Vec<&str> = status["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["SuccessCriteriaMet", "Complete"]);
    let reason = &status["conditions"][1]["reason"];
    assert_eq!(reason, "CompletionsReached");
    let table = c.ok(&["get", "job", "pi"]);
    let row = table.lines().nth(1).unwrap();
    assert!(row.contains("Complete") && row.contains("3/3"), "{table}");
    // Every pod was counted and let go.
    for p in pods_of(&c, "pi") {
        let finalizers = p["metadata"]["finalizers"].as_array().cloned();
        assert!(finalizers.unwrap_or_default().is_empty(), "{p}");
    }
    let ev = events(&c, "pi");
    assert!(
        ev.lines()
            .any(|l| l.starts_with("SuccessfulCreate Created pod: pi-")),
        "{ev}"
    );
    assert!(ev.lines().any(|l| l == "Completed Job completed"), "{ev}");
    // The status has settled: nothing keeps rewriting it.
    let rv = job["metadata"]["resourceVersion"].clone();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        c.json(&["get", "job", "pi"])["metadata"]["resourceVersion"],
        rv
    );
}

#[test]
fn backoff_limit_fails_the_job_and_removes_running_pods() {
    let c = cluster();
    c.ok_stdin(
        &["apply", "-f", "-"],
        &job_yaml(
            "flaky",
            "  completions: 3\n  parallelism: 3\n  backoffLimit: 1\n",
        ),
    );
    let pods = wait_active(&c, "flaky", 3);
    finish(&c, &pods[0], "Failed");
    // One failure is within the limit; its replacement waits out the backoff.
    let status = eventually(WAIT, || {
        let s = c.json(&["get", "job", "flaky"])["status"].clone();
        (s["failed"] == 1).then_some(s)
    });
    assert!(status["conditions"].is_null(), "{status}");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(active(&c, "flaky").len(), 2, "replacement is backed off");

    finish(&c, &pods[1], "Failed");
    let failed = wait_condition(&c, "job", "flaky", "Failed");
    assert_eq!(failed["reason"], "BackoffLimitExceeded");
    assert_eq!(
        failed["message"],
        "Job has reached the specified backoff limit"
    );
    let job = c.json(&["get", "job", "flaky"]);
    let conds: Vec<&str> = job["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["type"].as_str().unwrap())
        .collect();
    assert_eq!(conds, ["FailureTarget", "Failed"]);
    // The pod still running was deleted, and its end counted.
    assert!(active(&c, "flaky").is_empty());
    // Two failed, and the deleted one (a backed-off replacement too, on a slow machine).
    let failed = job["status"]["failed"].as_i64().unwrap_or(0);
    assert!(failed >= 3, "{}", job["status"]);
    assert!(job["status"]["completionTime"].is_null());
    let table = c.ok(&["get", "job", "flaky"]);
    assert!(table.lines().nth(1).unwrap().contains("Failed"), "{table}");
    wait_event(
        &c,
        "flaky",
        "BackoffLimitExceeded Job has reached the specified backoff limit",
    );
    wait_event(
        &c,
        "flaky",
        &format!("SuccessfulDelete Deleted pod: {}", pods[2]),
    );
}

#[test]
fn active_deadline_fails_the_job() {
    let c = cluster();
    c.ok_stdin(
        &["apply", "-f", "-"],
        &job_yaml("slow", "  activeDeadlineSeconds: 2\n"),
    );
    wait_active(&c, "slow", 1);
    let started = Instant::now();
    let failed = wait_condition(&c, "job", "slow", "Failed");
    assert_eq!(failed["reason"], "DeadlineExceeded");
    assert_eq!(
        failed["message"],
        "Job was active longer than specified deadline"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(active(&c, "slow").is_empty());
    wait_event(
        &c,
        "slow",
        "DeadlineExceeded Job was active longer than specified deadline",
    );
}

#[test]
fn finished_jobs_are_deleted_after_their_ttl() {
    let c = cluster();
    c.ok_stdin(
        &["apply", "-f", "-"],
        &job_yaml("brief", "  ttlSecondsAfterFinished: 1\n"),
    );
    let pods = wait_active(&c, "brief", 1);
    finish(&c, &pods[0], "Succeeded");
    // With a TTL of one second the Job may be gone before a poll sees it Complete; either
    // way it must be gone soon.
    eventually(WAIT, || {
        c.fails_quietly(&["get", "job", "brief"]).then_some(())
    });
    // Its pod was let go, so the garbage collector is free to remove it.
    let pod = c.kubectl(&["get", "pod", &pods[0], "-o", "json"]);
    if pod.status.success() {
        let pod: Value = serde_json::from_slice(&pod.stdout).unwrap();
        let finalizers = pod["metadata"]["finalizers"].as_array().cloned();
        assert!(finalizers.unwrap_or_default().is_empty(), "{pod}");
    }
}

#[test]
fn suspended_jobs_run_nothing_until_resumed() {
    let c = cluster();
    c.ok_stdin(
        &["apply", "-f", "-"],
        &job_yaml(
            "later",
            "  suspend: true\n  parallelism: 2\n  completions: 2\n",
        ),
    );
    let cond = wait_condition(&c, "job", "later", "Suspended");
    assert_eq!(cond["reason"], "JobSuspended");
    assert!(pods_of(&c, "later").is_empty());
    let job = c.json(&["get", "job", "later"]);
    assert!(job["status"]["startTime"].is_null());
    let table = c.ok(&["get", "job", "later"]);
    assert!(
        table.lines().nth(1).unwrap().contains("Suspended"),
        "{table}"
    );

    c.ok(&[
        "patch",
        "job",
        "later",
        "--type=merge",
        "-p",
        r#"{"spec":{"suspend":false}}"#,
    ]);
    let pods = wait_active(&c, "later", 2);
    wait_event(&c, "later", "Resumed Job resumed");
    let job = c.json(&["get", "job", "later"]);
    assert!(job["status"]["startTime"].is_string());

    // Suspending again removes the running pods without counting them as failures.
    c.ok(&[
        "patch",
        "job",
        "later",
        "--type=merge",
        "-p",
        r#"{"spec":{"suspend":true}}"#,
    ]);
    eventually(WAIT, || active(&c, "later").is_empty().then_some(()));
    eventually(WAIT, || {
        pods.iter()
            .all(|p| c.fails_quietly(&["get", "pod", p]))
            .then_some(())
    });
    let job = c.json(&["get", "job", "later"]);
    assert!(job["status"]["failed"].is_null(), "{}", job["status"]);
}

#[test]
fn indexed_jobs_run_one_pod_per_index() {
    let c = cluster();
    c.ok_stdin(
        &["apply", "-f", "-"],
        &job_yaml(
            "idx",
            "  completions: 3\n  parallelism: 3\n  completionMode: Indexed\n",
        ),
    );
    wait_active(&c, "idx", 3);
    let mut by_index = Vec::new();
    for p in pods_of(&c, "idx") {
        let i = p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(name(&p).starts_with(&format!("idx-{i}-")), "{}", name(&p));
        assert_eq!(
            p["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"],
            i.as_str()
        );
        assert_eq!(p["spec"]["hostname"], format!("idx-{i}"));
        assert_eq!(
            p["spec"]["containers"][0]["env"][0]["name"],
            "JOB_COMPLETION_INDEX"
        );
        by_index.push((i, name(&p)));
    }
    by_index.sort();
    let indexes: Vec<&str> = by_index.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(indexes, ["0", "1", "2"]);

    // Index 1 fails: it gets a new pod for the same index (after the backoff).
    finish(&c, &by_index[1].1, "Failed");
    finish(&c, &by_index[0].1, "Succeeded");
    finish(&c, &by_index[2].1, "Succeeded");
    eventually(WAIT, || {
        let s = c.json(&["get", "job", "idx"])["status"].clone();
        (s["completedIndexes"] == "0,2").then_some(())
    });
    let again = eventually(WAIT, || {
        let a = active(&c, "idx");
        (a.len() == 1).then_some(a)
    });
    assert!(again[0].starts_with("idx-1-"), "{again:?}");
    finish(&c, &again[0], "Succeeded");
    c.ok(&[
        "wait",
        "--for=condition=complete",
        "job/idx",
        "--timeout=30s",
    ]);
    let status = c.json(&["get", "job", "idx"])["status"].clone();
    assert_eq!(status["completedIndexes"], "0-2");
    assert_eq!(status["succeeded"], 3);
    assert_eq!(status["failed"], 1);
}

#[test]
fn pods_of_deleted_jobs_are_let_go() {
    let c = cluster();
    c.ok_stdin(&["apply", "-f", "-"], &job_yaml("gone", ""));
    let pods = wait_active(&c, "gone", 1);
    // Once the Job is gone, nothing holds its pod back: deleting the pod (as the garbage
    // collector does) removes it although it still carried the tracking finalizer.
    c.ok(&["delete", "job", "gone", "--wait=false"]);
    eventually(WAIT, || {
        c.fails_quietly(&["get", "job", "gone"]).then_some(())
    });
    c.ok(&[
        "delete",
        "pod",
        &pods[0],
        "--wait=false",
        "--ignore-not-found",
    ]);
    eventually(WAIT, || {
        c.fails_quietly(&["get", "pod", &pods[0]]).then_some(())
    });
}

const CRON_JOB: &str = "apiVersion: batch/v1
kind: CronJob
metadata: {name: tick}
spec:
  schedule: '@every 3s'
  jobTemplate:
    metadata: {labels: {app: tick}}
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: main, image: busybox}]
";

#[test]
fn cron_job_starts_jobs_on_schedule() {
    let c = cluster();
    c.ok_stdin(&["apply", "-f", "-"], CRON_JOB);
    let created = wait_event(&c, "tick", "SuccessfulCreate Created job tick-");
    let job_name = created.rsplit(' ').next().unwrap().to_string();
    let cj = eventually(WAIT, || {
        let cj = c.json(&["get", "cronjob", "tick"]);
        cj["status"]["lastScheduleTime"].is_string().then_some(cj)
    });
    let scheduled = cj["status"]["lastScheduleTime"]
        .as_str()
        .unwrap()
        .to_string();
    let active = &cj["status"]["active"];
    assert_eq!(active[0]["name"], job_name.as_str(), "{cj}");
    assert_eq!(active[0]["kind"], "Job");

    let job = c.json(&["get", "job", &job_name]);
    assert_eq!(
        job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        scheduled.as_str()
    );
    assert_eq!(job["metadata"]["labels"]["app"], "tick");
    let owner = &job["metadata"]["ownerReferences"][0];
    assert_eq!(owner["kind"], "CronJob");
    assert_eq!(owner["uid"], cj["metadata"]["uid"]);
    // Named after the scheduled time in minutes since the epoch.
    let minutes = epoch_seconds(&scheduled) / 60;
    assert_eq!(job_name, format!("tick-{minutes}"));

    // Finishing the Job takes it off the active list and records the success.
    let pods = wait_active(&c, &job_name, 1);
    finish(&c, &pods[0], "Succeeded");
    wait_condition(&c, "job", &job_name, "Complete");
    wait_event(
        &c,
        "tick",
        &format!("SawCompletedJob Saw completed job: {job_name}, condition: Complete"),
    );
    eventually(WAIT, || {
        let cj = c.json(&["get", "cronjob", "tick"]);
        cj["status"]["lastSuccessfulTime"].is_string().then_some(())
    });

    // The CronJob is woken at its next time, three seconds on, without any other change.
    let next = eventually(Duration::from_secs(10), || {
        let t = c.json(&["get", "cronjob", "tick"])["status"]["lastScheduleTime"]
            .as_str()
            .map(str::to_string)?;
        (t != scheduled).then_some(t)
    });
    let gap = epoch_seconds(&next) - epoch_seconds(&scheduled);
    assert!(gap > 0 && gap % 3 == 0, "{scheduled} → {next}");

    // Suspended, it starts nothing more; whatever still runs is finished off.
    c.ok(&[
        "patch",
        "cronjob",
        "tick",
        "--type=merge",
        "-p",
        r#"{"spec":{"suspend":true}}"#,
    ]);
    let table = c.ok(&["get", "cronjob", "tick"]);
    assert!(table.contains("@every 3s"), "{table}");
    std::thread::sleep(Duration::from_millis(500));
    let jobs = c.json(&["get", "jobs"]);
    for job in jobs["items"].as_array().unwrap() {
        let done = job["status"]["conditions"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c["type"] == "Complete"));
        if !done {
            let name = name(job);
            let pods = wait_active(&c, &name, 1);
            finish(&c, &pods[0], "Succeeded");
        }
    }
    eventually(WAIT, || {
        let cj = c.json(&["get", "cronjob", "tick"]);
        cj["status"]["active"].is_null().then_some(())
    });
}

#[test]
fn jobs_created_from_a_cron_job_and_history_limits() {
    let c = cluster();
    c.ok_stdin(
        &["apply", "-f", "-"],
        "apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: '0 3 * * MON-FRI'
  timeZone: Etc/UTC
  suspend: true
  successfulJobsHistoryLimit: 1
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: main, image: busybox}]
",
    );
    // A manual run is a plain Job the CronJob controls.
    c.ok(&["create", "job", "manual", "--from=cronjob/nightly"]);
    let job = c.json(&["get", "job", "manual"]);
    assert_eq!(job["metadata"]["ownerReferences"][0]["name"], "nightly");
    assert_eq!(
        job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"],
        "manual"
    );
    wait_event(
        &c,
        "nightly",
        "UnexpectedJob Saw a job that the controller did not create or forgot: manual",
    );
    let pods = wait_active(&c, "manual", 1);
    finish(&c, &pods[0], "Succeeded");
    wait_condition(&c, "job", "manual", "Complete");
    let cj = eventually(WAIT, || {
        let cj = c.json(&["get", "cronjob", "nightly"]);
        cj["status"]["lastSuccessfulTime"].is_string().then_some(cj)
    });
    assert!(cj["status"]["lastScheduleTime"].is_null());

    // Older finished Jobs beyond the limits are deleted, oldest start first.
    let uid = cj["metadata"]["uid"].as_str().unwrap().to_string();
    for (name, cond, start) in [
        ("old-ok", "Complete", "2024-01-01T00:00:00Z"),
        ("old-bad", "Failed", "2024-01-01T00:00:00Z"),
        ("new-bad", "Failed", "2024-01-02T00:00:00Z"),
    ] {
        c.ok_stdin(&["apply", "-f", "-"], &format!(
            "apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
  ownerReferences: [{{apiVersion: batch/v1, kind: CronJob, name: nightly, uid: {uid}, controller: true}}]
spec:
  suspend: true
  template:
    spec:
      restartPolicy: Never
      containers: [{{name: main, image: busybox}}]
"));
        let done = if cond == "Complete" {
            format!(r#","completionTime":"{start}""#)
        } else {
            String::new()
        };
        c.ok(&[
            "patch",
            "job",
            name,
            "--subresource=status",
            "--type=merge",
            "-p",
            &format!(
                r#"{{"status":{{"startTime":"{start}"{done},"conditions":[{{"type":"{cond}","status":"True"}}]}}}}"#
            ),
        ]);
    }
    for gone in ["old-ok", "old-bad"] {
        eventually(WAIT, || {
            c.fails_quietly(&["get", "job", gone]).then_some(())
        });
        wait_event(
            &c,
            "nightly",
            &format!("SuccessfulDelete Deleted job {gone}"),
        );
    }
    std::thread::sleep(Duration::from_secs(1));
    let left = c.ok(&["get", "jobs", "-o", "jsonpath={.items[*].metadata.name}"]);
    let mut left: Vec<&str> = left.split_whitespace().collect();
    left.sort();
    assert_eq!(left, ["manual", "new-bad"]);
}

/// Seconds since the epoch of an RFC 3339 UTC time (`2024-01-01T10:00:00Z`).
fn epoch_seconds(t: &str) -> i64 {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", t, "+%s"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}
