#!/usr/bin/env python3
"""App webhook delivery, measured: how many events a second reach receivers,
and how long after a post its event arrives.

    python3 Benchmarks/webhooks.py                    # 2,000 posts, 4 apps
    python3 Benchmarks/webhooks.py --posts 5000 --apps 8

Starts the release server on 127.0.0.1 with a fresh database, installs
`--apps` company-wide apps subscribed to `post.created` whose receiver is a
local HTTP server in this process, posts `--posts` statuses from 16 threads,
and waits (bounded) until every event arrived. Only the standard library.
The receiver is Python, so the figure is a lower bound of what the server
can send.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build" / "release" / "chorus"
DATA = ROOT / "Benchmarks" / "data"
HOST = "127.0.0.1"
PASSWORD = "webhook-bench-password"


class Receiver:
    """Counts deliveries and notes when each arrived."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.arrivals.append((time.monotonic(), body))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_address[1]}/hook"

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)


def call(port: int, method: str, path: str, token: str | None = None, form: dict | None = None, body: dict | None = None) -> dict:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read()
    connection.close()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {text[:200]!r}")
    return json.loads(text) if text else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--apps", type=int, default=4)
    parser.add_argument("--port", type=int, default=8193)
    args = parser.parse_args()
    if not BINARY.exists():
        raise SystemExit("build the release binary first: swift build -c release --product chorus")
    DATA.mkdir(parents=True, exist_ok=True)
    database = DATA / "webhooks.sqlite"
    for leftover in DATA.glob("webhooks.sqlite*"):
        leftover.unlink()
    subprocess.run([str(BINARY), "users", "create", "bench", "--password", PASSWORD, "--role", "admin", "--database", str(database)],
                   check=True, capture_output=True)
    log = open(DATA / "webhooks-server.log", "w")
    # One account makes every post here: lift the per-account posting limit (300 in 5 minutes by default).
    environment = {**os.environ, "CHORUS_POST_RATE_LIMIT": "1000000/60"}
    server = subprocess.Popen([str(BINARY), "serve", "--host", HOST, "--port", str(args.port), "--database", str(database)],
                              stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=environment)
    try:
        for _ in range(600):
            try:
                call(args.port, "GET", "/api/v1/instance")
                break
            except (OSError, SystemExit):
                time.sleep(0.05)
        app = call(args.port, "POST", "/api/v1/apps", form={"client_name": "bench", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                                            "scopes": "read write admin:read admin:write"})
        token = call(args.port, "POST", "/oauth/token", form={
            "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
            "username": "bench", "password": PASSWORD, "scope": "read write admin:read admin:write"})["access_token"]
        call(args.port, "PUT", "/api/v1/chorus/admin/hook_allowlist", token, body={"allowed": ["127.0.0.1"]})
        receiver = Receiver()
        for n in range(args.apps):
            call(args.port, "POST", "/api/v1/chorus/apps", token, body={"name": f"bench {n}", "webhook_url": receiver.url, "events": ["post.created"]})

        posted: dict[str, float] = {}
        lock = threading.Lock()
        per_thread = args.posts // 16

        def poster(worker: int) -> None:
            connection = http.client.HTTPConnection(HOST, args.port, timeout=30)
            for n in range(per_thread):
                connection.request("POST", "/api/v1/statuses", body=urllib.parse.urlencode({"status": f"事件 {worker}-{n} #bench"}),
                                   headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-www-form-urlencoded"})
                response = connection.getresponse()
                status = json.loads(response.read())
                with lock:
                    posted[status["id"]] = time.monotonic()
            connection.close()

        started = time.monotonic()
        threads = [threading.Thread(target=poster, args=(w,)) for w in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        posting = time.monotonic() - started
        expected = per_thread * 16 * args.apps
        for _ in range(1200):
            if receiver.count() >= expected:
                break
            time.sleep(0.1)
        arrivals = list(receiver.arrivals)
        finished = max(t for t, _ in arrivals) if arrivals else time.monotonic()
        lags = sorted((t - posted[json.loads(body)["data"]["status"]["id"]]) * 1000 for t, body in arrivals)
        print(f"Command: `python3 Benchmarks/webhooks.py --posts {args.posts} --apps {args.apps}`")
        print(f"{per_thread * 16} posts in {posting:.1f} s ({per_thread * 16 / posting:,.0f}/s); "
              f"{len(arrivals):,} of {expected:,} events delivered, {len(arrivals) / (finished - started):,.0f} events/s overall")
        if lags:
            print(f"post answered → event received: p50 {statistics.median(lags):.0f} ms, p99 {lags[int(len(lags) * 0.99) - 1]:.0f} ms, "
                  f"max {lags[-1]:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
