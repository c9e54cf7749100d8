"""The durable job queue (platform/jobs) under several worker processes and crashes.

Uses the test-only job kind "test.record" (registered only with
TALI_TEST_HOOKS): `tali worker --enqueue-test N [--sleep-ms M] [--fail]
[--max-attempts K]` enqueues N jobs with payloads {n: 1..N, ...} in one
transaction; running one sleeps sleep_ms, waits while the file named by
TALI_TEST_JOB_GATE exists, then appends "<n> <pid>" to the
file named by TALI_TEST_JOB_LOG.  Every test runs on SQLite and PostgreSQL
(the `backend` fixture), with real `tali worker` processes.
"""

import collections
import os
import signal
import subprocess
import time

import pytest

import test_auth as acct
from conftest import TEST_SETTINGS, base_env, tail, tali_bin


def wait_until(fn, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            return None
        time.sleep(interval)


class Queue:
    """One fresh database, the job log file, and the worker processes on them."""

    def __init__(self, backend, tmp_path):
        self.kind = backend.kind
        self.dir = str(tmp_path)
        self.log_path = os.path.join(self.dir, "jobs.log")
        self.env = base_env()
        self.env.update(TEST_SETTINGS)
        self.env.update({"DATABASE_URL": backend.new_database_url(), "TALI_TEST_JOB_LOG": self.log_path,
                         "JOBS_RETRY_DELAY_SECONDS": "0"})
        self.workers = []

    def enqueue(self, count, *extra):
        r = subprocess.run([tali_bin(), "worker", "--enqueue-test", str(count), *extra], env=self.env,
                           cwd=self.dir, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, f"enqueue failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
        assert f"enqueued {count} test job(s)" in r.stdout

    def start_worker(self, name, env=None, args=()):
        out = open(os.path.join(self.dir, f"{name}.stdout.log"), "wb")
        err = open(os.path.join(self.dir, f"{name}.stderr.log"), "wb")
        full = dict(self.env, **(env or {}))
        p = subprocess.Popen([tali_bin(), "worker", *args], env=full, cwd=self.dir, stdout=out, stderr=err,
                             stdin=subprocess.DEVNULL)
        out.close()
        err.close()
        p.tali_name = name
        self.workers.append(p)
        return p

    def worker_log(self, p):
        return (f"--- {p.tali_name} stdout ---\n{tail(os.path.join(self.dir, p.tali_name + '.stdout.log'))}\n"
                f"--- {p.tali_name} stderr ---\n{tail(os.path.join(self.dir, p.tali_name + '.stderr.log'))}")

    def stop(self, p, timeout):
        """SIGTERM; returns the exit code, or None when it did not exit within timeout (then killed)."""
        if p.poll() is not None:
            return p.returncode
        p.send_signal(signal.SIGTERM)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return None

    def kill_all(self):
        for p in self.workers:
            if p.poll() is None:
                p.kill()
                p.wait()

    def lines(self):
        """The job log as [(n, pid)]."""
        try:
            with open(self.log_path) as f:
                text = f.read()
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            n, pid = line.split()
            out.append((int(n), int(pid)))
        return out

    def sql(self, statement, params=()):
        return acct.sql(self, statement, params)

    def states(self):
        return {state: int(n) for state, n in self.sql("SELECT state, COUNT(*) FROM jobs GROUP BY state")}

    def job(self, n=1):
        """(state, attempts, locked_by, last_error) of the n-th job enqueued."""
        rows = self.sql("SELECT state, attempts, locked_by, last_error FROM jobs ORDER BY id")
        state, attempts, locked_by, last_error = rows[n - 1]
        return state, int(attempts), locked_by or None, last_error or None


@pytest.fixture
def queue(backend, tmp_path):
    q = Queue(backend, tmp_path)
    yield q
    q.kill_all()


def worker_id_pid(locked_by):
    """The pid in a default worker id "<hostname>:<pid>"."""
    return int(locked_by.rsplit(":", 1)[1])


def test_two_workers_run_each_of_1000_jobs_exactly_once(queue):
    queue.enqueue(1000)
    assert queue.states() == {"queued": 1000}
    # Both workers are held inside their first job until each has claimed
    # one, so neither can drain the queue before the other has started.
    gate = os.path.join(queue.dir, "gate")
    open(gate, "w").close()
    gated = {"TALI_TEST_JOB_GATE": gate}
    a = queue.start_worker("worker-a", gated)
    b = queue.start_worker("worker-b", gated)
    holders = lambda: {lb for st, lb in queue.sql("SELECT state, locked_by FROM jobs WHERE state = 'running'")}
    held = wait_until(lambda: len(holders()) == 2 or a.poll() is not None or b.poll() is not None,
                      timeout=120, interval=0.1)
    assert held and a.poll() is None and b.poll() is None, \
        "both workers should claim a job:\n" + queue.worker_log(a) + queue.worker_log(b)
    os.unlink(gate)
    done = wait_until(lambda: len(queue.lines()) >= 1000 or a.poll() is not None or b.poll() is not None,
                      timeout=180, interval=0.2)
    assert a.poll() is None and b.poll() is None, "a worker died:\n" + queue.worker_log(a) + queue.worker_log(b)
    assert done, f"only {len(queue.lines())} of 1000 jobs ran in 180 s:\n" + queue.worker_log(a)
    # a late duplicate would show up now
    time.sleep(1.0)
    assert queue.stop(a, 10) == 0, queue.worker_log(a)
    assert queue.stop(b, 10) == 0, queue.worker_log(b)

    lines = queue.lines()
    counts = collections.Counter(n for n, _ in lines)
    dupes = {n: c for n, c in counts.items() if c != 1}
    assert not dupes, f"jobs run more than once: {dupes}"
    assert sorted(counts) == list(range(1, 1001))
    by_worker = collections.Counter(pid for _, pid in lines)
    assert set(by_worker) == {a.pid, b.pid}, f"both workers should have taken jobs: {by_worker}"

    assert queue.states() == {"done": 1000}
    # each job was claimed once, by the worker that wrote its line
    assert int(queue.sql("SELECT COUNT(*) FROM jobs WHERE attempts <> 1")[0][0]) == 0
    ran_by = {int(n): worker_id_pid(lb) for n, lb in
              queue.sql("SELECT id, locked_by FROM jobs ORDER BY id")}
    first_id = min(ran_by)
    assert all(ran_by[first_id + n - 1] == pid for n, pid in lines)


def test_sigkilled_worker_job_is_retried_by_another_after_the_lease(queue):
    queue.enqueue(1, "--sleep-ms", "5000")
    lease = {"JOBS_LEASE_SECONDS": "2"}
    a = queue.start_worker("worker-a", lease)
    assert wait_until(lambda: queue.job()[0] == "running", timeout=30), queue.worker_log(a)
    state, attempts, locked_by, _ = queue.job()
    assert attempts == 1 and worker_id_pid(locked_by) == a.pid
    a.send_signal(signal.SIGKILL)
    a.wait()
    assert queue.lines() == []
    assert queue.job()[0] == "running"  # nobody knows yet that A is gone

    b = queue.start_worker("worker-b", lease)
    # the lease (2 s) runs out, B takes the job again and runs it (5 s)
    assert wait_until(lambda: queue.lines(), timeout=40, interval=0.2), queue.worker_log(b)
    assert queue.lines() == [(1, b.pid)]
    assert wait_until(lambda: queue.job()[0] == "done", timeout=10)
    state, attempts, locked_by, last_error = queue.job()
    assert (state, attempts) == ("done", 2)
    assert worker_id_pid(locked_by) == b.pid
    assert "lease expired" in last_error  # the history of the first attempt
    assert queue.stop(b, 10) == 0, queue.worker_log(b)


def test_job_lost_on_its_last_attempt_ends_failed(queue):
    # a job whose handler kills the worker every time must not loop for ever
    queue.enqueue(1, "--sleep-ms", "5000", "--max-attempts", "1")
    lease = {"JOBS_LEASE_SECONDS": "1"}
    a = queue.start_worker("worker-a", lease)
    assert wait_until(lambda: queue.job()[0] == "running", timeout=30), queue.worker_log(a)
    a.send_signal(signal.SIGKILL)
    a.wait()
    b = queue.start_worker("worker-b", lease)
    assert wait_until(lambda: queue.job()[0] == "failed", timeout=20), queue.worker_log(b)
    state, attempts, _, last_error = queue.job()
    assert attempts == 1
    assert "last attempt" in last_error
    time.sleep(0.5)
    assert queue.lines() == []
    assert queue.stop(b, 10) == 0, queue.worker_log(b)


def test_sigterm_finishes_the_job_in_hand_then_exits_0(queue):
    queue.enqueue(1, "--sleep-ms", "2500")
    a = queue.start_worker("worker-a")
    assert wait_until(lambda: queue.job()[0] == "running", timeout=30), queue.worker_log(a)
    started = time.monotonic()
    assert queue.stop(a, 15) == 0, queue.worker_log(a)
    assert time.monotonic() - started < 10
    assert queue.lines() == [(1, a.pid)]
    assert queue.job()[:2] == ("done", 1)


def test_outcome_of_a_worker_that_outlived_its_lease_is_dropped(queue):
    # A's job (4 s) outlives the lease B applies (1 s): B takes it over
    # while A still runs.  Both run the handler (the lease must exceed a
    # handler's run), but A's late "done" must not close the run B has in
    # hand.  (The lease is applied by the worker that reclaims; A's is long
    # so that A, once free, does not take B's run over in turn.)
    queue.enqueue(1, "--sleep-ms", "4000")
    a = queue.start_worker("worker-a", {"JOBS_LEASE_SECONDS": "60"})
    assert wait_until(lambda: queue.job()[0] == "running", timeout=30), queue.worker_log(a)
    b = queue.start_worker("worker-b", {"JOBS_LEASE_SECONDS": "1"})
    assert wait_until(lambda: queue.job()[1] == 2, timeout=10), queue.worker_log(b)
    assert wait_until(lambda: queue.lines(), timeout=10, interval=0.02), queue.worker_log(a)
    assert queue.lines()[0] == (1, a.pid)
    time.sleep(0.3)  # A records its outcome
    state, attempts, locked_by, _ = queue.job()
    assert (state, attempts) == ("running", 2), "A's outcome closed B's run"
    assert worker_id_pid(locked_by) == b.pid
    assert wait_until(lambda: queue.job()[0] == "done", timeout=15), queue.worker_log(b)
    assert queue.lines() == [(1, a.pid), (1, b.pid)]
    assert queue.stop(a, 10) == 0, queue.worker_log(a)
    assert queue.stop(b, 10) == 0, queue.worker_log(b)
    with open(os.path.join(queue.dir, "worker-a.stdout.log")) as f:
        assert "outcome is dropped" in f.read()


def test_live_worker_keeps_a_job_longer_than_the_lease(queue):
    # the handler (5 s) outlasts the lease (2 s), but A renews its claim
    # while it runs: B, polling all along, never takes the job over
    queue.enqueue(1, "--sleep-ms", "5000")
    lease = {"JOBS_LEASE_SECONDS": "2"}
    a = queue.start_worker("worker-a", lease)
    assert wait_until(lambda: queue.job()[0] == "running", timeout=30), queue.worker_log(a)
    b = queue.start_worker("worker-b", lease)
    assert wait_until(lambda: queue.job()[0] == "done", timeout=30), queue.worker_log(a)
    state, attempts, locked_by, _ = queue.job()
    assert attempts == 1, "B took over the job of a live worker"
    assert queue.lines() == [(1, a.pid)]
    assert queue.stop(a, 10) == 0, queue.worker_log(a)
    assert queue.stop(b, 10) == 0, queue.worker_log(b)


def test_failing_job_is_retried_then_failed_with_its_error(queue):
    queue.enqueue(1, "--fail", "--max-attempts", "3")
    r = subprocess.run([tali_bin(), "worker", "--once"], env=queue.env, cwd=queue.dir, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    state, attempts, locked_by, last_error = queue.job()
    assert (state, attempts) == ("failed", 3)
    assert last_error == "test job failure requested"
    assert locked_by is None
    assert queue.lines() == []
    assert "attempt 3/3 failed" in r.stdout + r.stderr


def test_test_job_options_need_the_test_hooks(queue):
    env = dict(queue.env, TALI_TEST_HOOKS="false")
    r = subprocess.run([tali_bin(), "worker", "--enqueue-test", "3"], env=env, cwd=queue.dir, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2
    assert "TALI_TEST_HOOKS" in r.stderr
