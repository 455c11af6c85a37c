#!/usr/bin/env python3
"""Chorus benchmarks: seed (or reuse) a database, start the release server on
127.0.0.1, drive it with wrk, and print one table (requests/s, p50, p99,
errors, peak RSS, ratio to the reference run).

    make bench                                   # 10,000 people, 1,000,000 posts, 200 follows
    BENCH_POSTS=100000 make bench                # another size
    python3 Benchmarks/bench.py --only home,post # some scenarios
    BENCH_BACKEND=both make bench                # SQLite, then PostgreSQL, side by side

Only the standard library; needs wrk and sqlite3 (Debian packages, which
`make bench` installs), and for PostgreSQL its server binaries: the run
starts a private cluster on 127.0.0.1 (fsync on, as in production), copies
the seeded SQLite database into it with `chorus copy-data`, and stops it at
the end. Every run is bounded: wrk runs for --duration seconds per
scenario, and each server is stopped at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Another build (a baseline to compare with) through BENCH_BINARY.
BINARY = Path(os.getenv("BENCH_BINARY", str(ROOT / ".build" / "release" / "chorus")))
DATA = ROOT / "Benchmarks" / "data"
LUA = ROOT / "Benchmarks" / "lua"
HOST = "127.0.0.1"


@dataclass
class Scenario:
    name: str
    path: str
    script: str | None = "auth.lua"
    connections: int = 64
    reference: bool = False
    timeline: bool = False


@dataclass
class Result:
    scenario: Scenario
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def scenarios(team_slug: str) -> list[Scenario]:
    tag = urllib.parse.quote("发布会")
    return [
        Scenario("floor: instance", "/api/v1/instance", script=None),
        Scenario("reference: verify_credentials", "/api/v1/accounts/verify_credentials", reference=True),
        Scenario("home timeline", "/api/v1/timelines/home?limit=20", timeline=True),
        Scenario("home page (web)", "/", script="page.lua", timeline=True),
        Scenario("company timeline", "/api/v1/timelines/public?limit=20", timeline=True),
        Scenario("tag timeline", f"/api/v1/timelines/tag/{tag}?limit=20", timeline=True),
        Scenario("team timeline", f"/api/v1/chorus/timelines/team/{team_slug}?limit=20", timeline=True),
        Scenario("account statuses", "/api/v1/accounts", script="accounts.lua", timeline=True),
        Scenario("search 2 chars", "/api/v2/search?type=statuses&limit=20&q=" + urllib.parse.quote("发布"), connections=8),
        Scenario("search 4 chars", "/api/v2/search?type=statuses&limit=20&q=" + urllib.parse.quote("发布会定"), connections=8),
        Scenario("post create", "/api/v1/statuses", script="post.lua"),
    ]


# MARK: Helpers


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, text=True, **kwargs)


def sql(database: Path, query: str) -> str:
    return run(["sqlite3", str(database), query], capture_output=True).stdout.strip()


def script(database: Path, statements: str) -> None:
    """Runs SQL too long for a command line (given on standard input)."""
    run(["sqlite3", str(database)], input=statements, capture_output=True)


def sessions(database: Path, people: int) -> None:
    """Web sessions `bench-session-N` for people 1…N, made fresh for this run
    (a session ends after 14 days unused), for the page scenarios."""
    now = time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime())
    rows = ",".join(
        f"('{hashlib.sha256(f'bench-session-{n}'.encode()).hexdigest()}', 'session', {n}, 'read write follow push', '{now}', '{now}')"
        for n in range(1, people + 1))
    script(database, "DELETE FROM access_tokens WHERE kind = 'session'; "
        "INSERT INTO access_tokens (token_hash, kind, account_id, scopes, created_at, last_used_at) "
        f"SELECT t.h, t.k, a.id, t.s, t.c, t.u FROM (SELECT column1 AS h, column2 AS k, column3 AS n, column4 AS s, column5 AS c, column6 AS u "
        f"FROM (VALUES {rows})) t JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts WHERE is_bot = 0) a ON a.n = t.n")


def seed(database: Path, users: int, posts: int, follows: int) -> None:
    if database.exists():
        print(f"Reusing {database.relative_to(ROOT)}")
        return
    DATA.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    run([str(BINARY), "seed", "--users", str(users), "--posts", str(posts), "--follows", str(follows), "--database", str(database)])
    print(f"Seeded in {time.monotonic() - started:.1f} s")


class Postgres:
    """A private PostgreSQL cluster holding a copy of the seeded database."""

    def __init__(self):
        self.parent = Path(tempfile.mkdtemp(prefix="chorus-bench-pg-"))
        self.parent.chmod(0o755)
        self.folder = self.parent / "cluster"
        self.url = ""

    def start(self, source: Path) -> str:
        script = ROOT / "scripts" / "pg-cluster.sh"
        self.url = run([str(script), "start", str(self.folder), "--durable"], capture_output=True, timeout=120).stdout.strip()
        started = time.monotonic()
        run([str(BINARY), "copy-data", "--from", str(source), "--to", self.url], capture_output=True, timeout=3600)
        print(f"Copied into PostgreSQL in {time.monotonic() - started:.1f} s", file=sys.stderr)
        return self.url

    def stop(self) -> None:
        subprocess.run([str(ROOT / "scripts" / "pg-cluster.sh"), "stop", str(self.folder)], capture_output=True, timeout=60)
        shutil.rmtree(self.parent, ignore_errors=True)


class Server:
    """The release server on 127.0.0.1, with its peak resident memory sampled."""

    def __init__(self, database: Path | str, port: int):
        self.database, self.port = database, port
        self.process: subprocess.Popen | None = None
        self.peak_rss_kib = 0
        self.cold_start = 0.0
        self.warm_up = 0.0
        self._sampling = True

    def start(self) -> None:
        log = open(DATA / "server.log", "w")
        started = time.monotonic()
        self.process = subprocess.Popen([str(BINARY), "serve", "--host", HOST, "--port", str(self.port), "--database", str(self.database)],
                                        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{self.port}/api/v1/instance", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.01)
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit("the server did not answer within 60 s; see Benchmarks/data/server.log")
        self.cold_start = time.monotonic() - started
        threading.Thread(target=self._sample, daemon=True).start()
        # The server answers at once and loads its home-feed cache in the background;
        # scenarios start once that is done, so they measure the steady state.
        for _ in range(1200):
            if "home feeds warmed" in (DATA / "server.log").read_text(errors="replace"):
                break
            time.sleep(0.05)
        self.warm_up = time.monotonic() - started

    def _sample(self) -> None:
        status = Path(f"/proc/{self.process.pid}/status")
        while self._sampling and self.process.poll() is None:
            match = re.search(r"VmRSS:\s+(\d+) kB", status.read_text())
            if match:
                self.peak_rss_kib = max(self.peak_rss_kib, int(match.group(1)))
            time.sleep(0.1)

    def rss_mib(self) -> float:
        return self.peak_rss_kib / 1024

    def stop(self) -> None:
        self._sampling = False
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def wrk(server: Server, scenario: Scenario, duration: int, env: dict[str, str]) -> Result:
    command = ["wrk", "-t2", f"-c{scenario.connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if scenario.script:
        command += ["-s", str(LUA / scenario.script)]
    command.append(f"http://{HOST}:{server.port}{scenario.path}")
    output = run(command, capture_output=True, env=env, timeout=duration + 60).stdout
    return parse(scenario, output)


def parse(scenario: Scenario, output: str) -> Result:
    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(group) for group in match.groups())
    return Result(scenario, rps, latency("50"), latency("99"), errors, requests)


def side_by_side(runs: dict[str, tuple[list[Result], Server]], machine: str, command: str) -> str:
    """SQLite and PostgreSQL in one table, with PostgreSQL's share of SQLite's rate."""
    (sqlite, sqlite_server), (postgres, postgres_server) = runs["sqlite"], runs["postgres"]
    lines = [
        f"Machine: {machine}",
        f"Command: `{command}`",
        f"Peak RSS: SQLite {sqlite_server.rss_mib():.0f} MiB, PostgreSQL {postgres_server.rss_mib():.0f} MiB (the server process only)",
        "",
        "| scenario | conns | SQLite req/s | p99 ms | PostgreSQL req/s | p99 ms | errors | PostgreSQL / SQLite |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for a, b in zip(sqlite, postgres):
        lines.append(f"| {a.scenario.name} | {a.scenario.connections} | {a.rps:,.0f} | {a.p99_ms:.2f} | {b.rps:,.0f} | {b.p99_ms:.2f} "
                     f"| {a.errors} / {b.errors} | {b.rps / a.rps:.0%} |")
    return "\n".join(lines)


def table(results: list[Result], server: Server, machine: str, command: str) -> str:
    reference = next((r.rps for r in results if r.scenario.reference), None)
    lines = [
        f"Machine: {machine}",
        f"Command: `{command}`",
        f"Cold start to first answer: {server.cold_start:.2f} s; home-feed cache warm after {server.warm_up:.1f} s; "
        f"server peak RSS over the run: {server.rss_mib():.0f} MiB",
        "",
        "| scenario | conns | req/s | p50 ms | p99 ms | errors | vs reference |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = f"{r.rps / reference:.2f}" if reference and r.scenario.timeline else ""
        lines.append(f"| {r.scenario.name} | {r.scenario.connections} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.errors} | {ratio} |")
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) // 1024 // 1024
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB; wrk and the server on the same machine"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=int(os.getenv("BENCH_USERS", "10000")))
    parser.add_argument("--posts", type=int, default=int(os.getenv("BENCH_POSTS", "1000000")))
    parser.add_argument("--follows", type=int, default=int(os.getenv("BENCH_FOLLOWS", "200")))
    parser.add_argument("--duration", type=int, default=int(os.getenv("BENCH_DURATION", "15")))
    parser.add_argument("--port", type=int, default=int(os.getenv("BENCH_PORT", "8190")))
    parser.add_argument("--only", help="comma-separated scenario name prefixes")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default=os.getenv("BENCH_BACKEND", "sqlite"))
    args = parser.parse_args()

    if not BINARY.exists():
        raise SystemExit("build the release binary first: swift build -c release --product chorus")
    database = DATA / f"bench-{args.users}-{args.posts}-{args.follows}.sqlite"
    seed(database, args.users, args.posts, args.follows)

    sessions(database, min(2000, args.users))
    team_slug = sql(database, "SELECT slug FROM teams WHERE privacy = 'public' ORDER BY members_count DESC LIMIT 1")
    ids_file = DATA / "account-ids.txt"
    ids_file.write_text(sql(database, "SELECT id FROM accounts ORDER BY random() LIMIT 2000") + "\n")
    env = {**os.environ, "BENCH_PEOPLE": str(min(2000, args.users)), "BENCH_ACCOUNT_IDS": str(ids_file)}

    chosen = scenarios(team_slug)
    if args.only:
        wanted = [name.strip() for name in args.only.split(",")]
        chosen = [s for s in chosen if s.reference or any(s.name.startswith(w) for w in wanted)]

    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    runs: dict[str, tuple[list[Result], Server]] = {}
    postgres = Postgres() if "postgres" in backends else None
    try:
        for backend in backends:
            server = Server(postgres.start(database) if backend == "postgres" else database, args.port)
            server.start()
            results = []
            try:
                for scenario in chosen:
                    print(f"… {backend}: {scenario.name}", file=sys.stderr)
                    results.append(wrk(server, scenario, args.duration, env))
            finally:
                server.stop()
            runs[backend] = (results, server)
    finally:
        if postgres:
            postgres.stop()
    command = "make bench" if not args.only else "python3 Benchmarks/bench.py " + " ".join(sys.argv[1:])
    if args.backend != "sqlite" and "make bench" in command:
        command = f"BENCH_BACKEND={args.backend} {command}"
    described = f"{command} ({args.users} people, {args.posts} posts, {args.follows} follows, {args.duration} s per scenario)"
    if len(runs) == 2:
        report = side_by_side(runs, machine(), described)
    else:
        results, server = runs[backends[0]]
        report = table(results, server, machine(), described + ("" if backends == ["sqlite"] else " on PostgreSQL"))
    print(report)
    (DATA / "latest.md").write_text(report + "\n")

if __name__ == "__main__":
    main()
