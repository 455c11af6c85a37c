#!/usr/bin/env python3
"""Keyword monitor: a company-wide Chorus app that watches for words.

When a company-visible post contains one of `WATCH_WORDS`, the app posts an
alert into the `ALERT_TEAM` team through its incoming hook, for example
`关键词「发布会」出现在 @carol 的帖子：https://chorus.example/@carol/123`.

An administrator installs it company-wide with the event `post.created` and
`incoming: true`; the alert team's owner adds the app's bot to the team (see
README.md). Then run:

    WEBHOOK_SECRET=whsec_... INCOMING_URL=https://chorus.example/hooks/... \\
    WATCH_WORDS="发布会,launch" ALERT_TEAM=pr python3 app.py

Python 3.9 or later, standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import logging
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_CHARACTERS = 140          # the Chorus post limit
CHARACTERS_PER_URL = 23       # every http(s) URL counts this much
TIMESTAMP_TOLERANCE = 300     # seconds of clock skew accepted on a delivery
MAX_BODY_BYTES = 1 << 20      # larger requests are refused
HTTP_TIMEOUT = 10             # seconds, for calls to Chorus
HOOK_ATTEMPTS = 3             # tries per alert when the hook answers 429 or 5xx

log = logging.getLogger("keyword-monitor")


# MARK: Standard Webhooks signatures


def verify_signature(secret: str, msg_id: str, timestamp: str, signatures: str, body: bytes,
                     now: float | None = None) -> bool:
    """Checks a Standard Webhooks signature.

    `signatures` is the `webhook-signature` header: one or more space-separated
    `v1,<base64>` values (two during a secret rotation); one valid value is
    enough. The timestamp must be within five minutes of `now`.
    """
    try:
        sent_at = int(timestamp)
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent_at) > TIMESTAMP_TOLERANCE:
        return False
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in signatures.split():
        version, _, value = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


class RecentIDs:
    """A bounded set of recently seen webhook-ids (thread-safe), oldest forgotten first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def add(self, item: str) -> bool:
        """Remembers `item`; False if it was already there."""
        with self._lock:
            if item in self._ids:
                return False
            self._ids[item] = None
            if len(self._ids) > self._capacity:
                self._ids.popitem(last=False)
            return True


# MARK: Text


URL = re.compile(r"(?<![A-Za-z0-9_])https?://[A-Za-z0-9_][^\s<>\"`{}|\\^\u0080-\U0010ffff]*")


def post_length(text: str) -> int:
    """How many characters Chorus counts for `text`, never fewer (every URL
    counts 23; code points are never fewer than grapheme clusters)."""
    text = text.strip()
    length = len(text)
    for match in URL.finditer(text):
        length += CHARACTERS_PER_URL - len(match.group().rstrip(".,:;!?'\"*"))
    return length


def plain_text(content: str) -> str:
    """The text of a status's HTML `content`."""
    content = re.sub(r"<br\s*/?>|</p>", "\n", content, flags=re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", "", content)).strip()


def watched_words_in(text: str, words: tuple[str, ...]) -> list[str]:
    """The watched words that occur in `text`, case-insensitively, in watch-list order."""
    folded = text.casefold()
    return [word for word in words if word.casefold() in folded]


def alert_text(found: list[str], username: str, url: str) -> str:
    """`关键词「…」出现在 @user 的帖子：<url>`, the words shortened if the alert would pass 140."""
    words = "、".join(found)
    while True:
        text = f"关键词「{words}」出现在 @{username} 的帖子：{url}"
        if post_length(text) <= MAX_CHARACTERS or len(words) <= 1:
            return text
        words = words[:-2] + "…"


def retry_after(header: str | None, default: float) -> float:
    """Seconds from a `Retry-After` header given in seconds; `default` otherwise."""
    try:
        return max(0.0, float(header or ""))
    except ValueError:
        return default


# MARK: The app


@dataclass(frozen=True)
class Config:
    secret: str
    incoming_url: str
    watch_words: tuple[str, ...]
    alert_team: str | None
    host: str
    port: int

    @classmethod
    def from_env(cls) -> Config:
        missing = [name for name in ("WEBHOOK_SECRET", "INCOMING_URL", "WATCH_WORDS") if not os.environ.get(name)]
        if missing:
            raise SystemExit(f"Set {', '.join(missing)} (see README.md)")
        # INCOMING_URL may be the path alone (/hooks/...), completed with CHORUS_URL.
        incoming = urllib.parse.urljoin(os.environ.get("CHORUS_URL", "").rstrip("/") + "/", os.environ["INCOMING_URL"])
        if urllib.parse.urlsplit(incoming).scheme not in ("http", "https"):
            raise SystemExit("INCOMING_URL must be the incoming_url of the install answer (or its path with CHORUS_URL)")
        words = tuple(word.strip() for word in os.environ["WATCH_WORDS"].split(",") if word.strip())
        return cls(secret=os.environ["WEBHOOK_SECRET"], incoming_url=incoming, watch_words=words,
                   alert_team=os.environ.get("ALERT_TEAM") or None, host=os.environ.get("HOST", "127.0.0.1"),
                   port=int(os.environ.get("PORT", "8092")))


class MonitorApp:
    """What the app knows and does; the HTTP handler calls into it."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.deliveries = RecentIDs()  # webhook-ids already handled (retries are dropped)
        self.workers = ThreadPoolExecutor(max_workers=2)

    def handle_event(self, event: dict) -> None:
        """Runs after the delivery was acknowledged: alerts on a watched word."""
        if event.get("type") != "post.created":
            return
        status = event["data"]["status"]
        if status.get("chorus", {}).get("visibility") != "company":
            return  # only posts the whole company can read (a public team's posts come too)
        found = watched_words_in(plain_text(status["content"]), self.config.watch_words)
        if found:
            self.post_alert(alert_text(found, status["account"]["acct"], status["url"]))

    def post_alert(self, text: str) -> None:
        """Posts through the incoming hook; tries again a little later on 429 or 5xx."""
        body = {"text": text}
        if self.config.alert_team:
            body["team"] = self.config.alert_team
        for attempt in range(1, HOOK_ATTEMPTS + 1):
            request = urllib.request.Request(self.config.incoming_url, method="POST", data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                    log.info("alert posted as status %s", json.load(response)["id"])
                    return
            except urllib.error.HTTPError as error:
                reason = error.read(500).decode(errors="replace")
                if error.code != 429 and error.code < 500:
                    log.error("the hook refused the alert: %s %s", error.code, reason)
                    return
                delay = retry_after(error.headers.get("Retry-After"), default=10.0 * attempt)
                log.warning("the hook answered %s; attempt %d of %d", error.code, attempt, HOOK_ATTEMPTS)
            except OSError as error:
                delay = 10.0 * attempt
                log.warning("the hook could not be reached (%s); attempt %d of %d", error, attempt, HOOK_ATTEMPTS)
            if attempt < HOOK_ATTEMPTS:
                time.sleep(min(delay, 60.0))
        log.error("gave up on an alert")


class Handler(BaseHTTPRequestHandler):
    """Receives deliveries; answers fast and works in the background."""

    server: AppServer

    def do_GET(self) -> None:
        self.respond(200, b"ok\n")  # a health check

    def do_POST(self) -> None:
        app = self.server.app
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return self.respond(413)
        body = self.rfile.read(length)
        msg_id = self.headers.get("webhook-id", "")
        if not verify_signature(app.config.secret, msg_id, self.headers.get("webhook-timestamp", ""),
                                self.headers.get("webhook-signature", ""), body):
            log.warning("refused a request with a missing or wrong signature")
            return self.respond(401)
        try:
            event = json.loads(body)
        except ValueError:
            return self.respond(400)
        if app.deliveries.add(msg_id):
            app.workers.submit(self.work, app, event)
        self.respond(204)  # a retry of a delivery already handled is acknowledged again

    @staticmethod
    def work(app: MonitorApp, event: dict) -> None:
        try:
            app.handle_event(event)
        except Exception:  # noqa: BLE001 - a bad event must not stop the worker
            log.exception("handling a %s event failed", event.get("type"))

    def respond(self, status: int, body: bytes = b"") -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug(format, *args)


class AppServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: MonitorApp) -> None:
        super().__init__((app.config.host, app.config.port), Handler)
        self.app = app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = MonitorApp(Config.from_env())
    with AppServer(app) as server:
        log.info("keyword monitor listening on http://%s:%d/, watching %s", app.config.host, app.config.port,
                 ", ".join(app.config.watch_words))
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
