#!/usr/bin/env python3
"""FAQ responder: a Chorus team app for a customer-service team.

When a team member asks a question that matches a keyword of `faq.json`, the
app's bot replies in the thread with the canned answer. `/faq <keyword>`
shows an answer to the caller only (or the list of known keywords).

Install it in one team with the events `post.created` and `post.mentioned`
and the command `faq` (see README.md), then run:

    CHORUS_URL=https://chorus.example CHORUS_TOKEN=... WEBHOOK_SECRET=whsec_... python3 app.py

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
import urllib.request
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MAX_CHARACTERS = 140          # the Chorus post limit
CHARACTERS_PER_URL = 23       # every http(s) URL counts this much
TIMESTAMP_TOLERANCE = 300     # seconds of clock skew accepted on a delivery
MAX_BODY_BYTES = 1 << 20      # larger requests are refused
HTTP_TIMEOUT = 10             # seconds, for calls to Chorus

log = logging.getLogger("faq-responder")


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
    """A bounded set of recently seen ids (thread-safe), oldest forgotten first."""

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
    """How many characters Chorus counts for `text`, never fewer.

    Every URL counts 23. Code points are counted, which is never less than the
    grapheme clusters Chorus counts, so a text that fits here fits there.
    """
    text = text.strip()
    length = len(text)
    for match in URL.finditer(text):
        url = match.group().rstrip(".,:;!?'\"*")
        length += CHARACTERS_PER_URL - len(url)
    return length


def fit(text: str, limit: int = MAX_CHARACTERS) -> str:
    """`text`, cut short with an ellipsis if it is longer than `limit`."""
    text = text.strip()
    if post_length(text) <= limit:
        return text
    while text and post_length(text + "…") > limit:
        text = text[:-1]
    return text.rstrip() + "…"


def plain_text(content: str) -> str:
    """The text of a status's HTML `content`."""
    content = re.sub(r"<br\s*/?>|</p>", "\n", content, flags=re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", "", content)).strip()


# MARK: The FAQ


@dataclass(frozen=True)
class Entry:
    keywords: tuple[str, ...]
    answer: str


def load_faq(path: Path) -> list[Entry]:
    """Reads `[{"keywords": [...], "answer": "..."}, ...]`; every answer must fit a post."""
    entries = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        keywords = tuple(word.strip() for word in item["keywords"] if word.strip())
        answer = item["answer"].strip()
        if not keywords or not answer:
            raise ValueError(f"{path}: every entry needs keywords and an answer")
        if post_length(answer) > MAX_CHARACTERS:
            raise ValueError(f"{path}: the answer for {keywords[0]!r} is longer than {MAX_CHARACTERS} characters")
        entries.append(Entry(keywords, answer))
    return entries


def mentions_keyword(folded_text: str, keyword: str) -> bool:
    """Whether `keyword` occurs in the case-folded text; a Latin keyword must start a word
    (`vat` is not found in "private", `return` is found in "returns")."""
    keyword = keyword.casefold()
    if keyword.isascii():
        return re.search(r"(?<![a-z0-9])" + re.escape(keyword), folded_text) is not None
    return keyword in folded_text


def find_answer(entries: list[Entry], text: str) -> Entry | None:
    """The entry with a keyword in `text` (case-insensitive); the longest keyword wins."""
    folded = text.casefold()
    best, best_length = None, 0
    for entry in entries:
        for keyword in entry.keywords:
            if len(keyword) > best_length and mentions_keyword(folded, keyword):
                best, best_length = entry, len(keyword)
    return best


def keyword_list(entries: list[Entry]) -> str:
    return "、".join(entry.keywords[0] for entry in entries)


def command_answer(entries: list[Entry], argument: str) -> dict:
    """The answer to `/faq <argument>`: shown to the caller only."""
    entry = find_answer(entries, argument) if argument else None
    if entry:
        text = entry.answer
    elif argument:
        text = f"没有找到「{argument}」的答案。可查：{keyword_list(entries)}"
    else:
        text = f"用法：/faq 关键词。可查：{keyword_list(entries)}"
    return {"text": fit(text), "visibility": "ephemeral"}


# MARK: The app


@dataclass(frozen=True)
class Config:
    chorus_url: str
    token: str
    secret: str
    host: str
    port: int
    faq_file: Path

    @classmethod
    def from_env(cls) -> Config:
        missing = [name for name in ("CHORUS_URL", "CHORUS_TOKEN", "WEBHOOK_SECRET") if not os.environ.get(name)]
        if missing:
            raise SystemExit(f"Set {', '.join(missing)} (see README.md)")
        return cls(chorus_url=os.environ["CHORUS_URL"].rstrip("/"), token=os.environ["CHORUS_TOKEN"],
                   secret=os.environ["WEBHOOK_SECRET"], host=os.environ.get("HOST", "127.0.0.1"),
                   port=int(os.environ.get("PORT", "8091")),
                   faq_file=Path(os.environ.get("FAQ_FILE", Path(__file__).with_name("faq.json"))))


class FAQApp:
    """What the app knows and does; the HTTP handler calls into it."""

    def __init__(self, config: Config, entries: list[Entry]) -> None:
        self.config = config
        self.entries = entries
        self.deliveries = RecentIDs()   # webhook-ids already handled (retries are dropped)
        self.answered = RecentIDs()     # status ids already answered (post.created and post.mentioned both come)
        self.workers = ThreadPoolExecutor(max_workers=4)

    def handle_event(self, event: dict) -> None:
        """Runs after the delivery was acknowledged: replies to a matching question."""
        if event.get("type") not in ("post.created", "post.mentioned"):
            return
        status = event["data"]["status"]
        if status["account"].get("bot"):
            return  # never answer bots (no loops between apps)
        text = plain_text(status["content"])
        mentioned = event["type"] == "post.mentioned"
        is_question = status.get("chorus", {}).get("kind") == "question" or "?" in text or "？" in text
        if not (is_question or mentioned):
            return
        entry = find_answer(self.entries, text)
        if entry is None and not mentioned:
            return
        if not self.answered.add(status["id"]):
            return
        answer = entry.answer if entry else f"暂时没有现成答案，同事会尽快回复。可问：{keyword_list(self.entries)}"
        reply = f"@{status['account']['acct']} {answer}"
        self.post_reply(reply if post_length(reply) <= MAX_CHARACTERS else fit(answer), status["id"])

    def post_reply(self, text: str, in_reply_to_id: str) -> None:
        """Posts `text` as the bot, in the thread of `in_reply_to_id`."""
        request = urllib.request.Request(
            f"{self.config.chorus_url}/api/v1/statuses", method="POST",
            data=json.dumps({"status": text, "in_reply_to_id": in_reply_to_id}).encode(),
            headers={"Authorization": f"Bearer {self.config.token}", "Content-Type": "application/json",
                     # The same key for the same question: Chorus posts the reply once.
                     "Idempotency-Key": f"faq-reply-{in_reply_to_id}"})
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
                log.info("answered status %s with status %s", in_reply_to_id, json.load(response)["id"])
        except urllib.error.HTTPError as error:
            log.error("replying to %s failed: %s %s", in_reply_to_id, error.code, error.read(500).decode(errors="replace"))
        except OSError as error:
            log.error("replying to %s failed: %s", in_reply_to_id, error)


class Handler(BaseHTTPRequestHandler):
    """Receives deliveries and commands; answers fast and works in the background."""

    server: AppServer

    def do_GET(self) -> None:
        self.respond(200, b"ok\n", "text/plain")  # a health check

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
        if event.get("type") == "command.invoked":
            answer = command_answer(app.entries, str((event.get("data") or {}).get("text", "")).strip())
            return self.respond(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json")
        if app.deliveries.add(msg_id):
            app.workers.submit(self.work, app, event)
        self.respond(204)  # a retry of a delivery already handled is acknowledged again

    @staticmethod
    def work(app: FAQApp, event: dict) -> None:
        try:
            app.handle_event(event)
        except Exception:  # noqa: BLE001 - a bad event must not stop the worker
            log.exception("handling a %s event failed", event.get("type"))

    def respond(self, status: int, body: bytes = b"", content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug(format, *args)


class AppServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: FAQApp) -> None:
        super().__init__((app.config.host, app.config.port), Handler)
        self.app = app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = Config.from_env()
    app = FAQApp(config, load_faq(config.faq_file))
    with AppServer(app) as server:
        log.info("FAQ responder listening on http://%s:%d/ with %d entries", config.host, config.port, len(app.entries))
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
