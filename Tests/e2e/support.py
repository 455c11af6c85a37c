"""Helpers for the end-to-end tests: the people, the server process and raw HTTP.

Only 127.0.0.1 is ever bound or contacted, and every wait is bounded.
"""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
STARTUP_TIMEOUT = 30.0
CLI_TIMEOUT = 30.0
STOP_GRACE = 5.0
HTTP_TIMEOUT = 10.0
SCOPES = "read write follow push"
ADMIN_SCOPES = SCOPES + " admin:read admin:write"
OOB = "urn:ietf:wg:oauth:2.0:oob"
RETRY_DELAYS = "1,1,1,2,2,2"
BRIDGE_RETRY_DELAYS = "1,1,1,1,2,2,2,2,2,2"

T = TypeVar("T")


@dataclass(frozen=True)
class Person:
    """Someone the fixture creates through `chorus users create`."""

    username: str
    password: str
    email: str
    display_name: str
    role: str = "member"


# alice, bob, carol, dave: the Mastodon.py tests (bob follows alice, carol follows
# nobody, dave gets deactivated). erin, frank, henry: the raw HTTP tests (frank
# follows erin, henry gets deactivated). tooter: the toot tests (erin also
# signs in with `toot login`). wendy, xiaoming, yuki: the browser tests (wendy
# follows xiaoming; yuki switches languages).
PEOPLE = {
    person.username: person
    for person in [
        Person("alice", "alice-password-1", "alice@chorus.test", "王小丽 Alice", "admin"),
        Person("bob", "bob-password-22", "bob@chorus.test", "Bob 李"),
        Person("carol", "carol-password-3", "carol@chorus.test", "Carol 陈"),
        Person("dave", "dave-password-44", "dave@chorus.test", "Dave 赵"),
        Person("erin", "erin-password-55", "erin@chorus.test", "Erin 周"),
        Person("frank", "frank-password-66", "frank@chorus.test", "Frank 吴"),
        Person("henry", "henry-password-77", "henry@chorus.test", "Henry 孙"),
        Person("tooter", "tooter-password-8", "tooter@chorus.test", "Toot 用户"),
        Person("wendy", "wendy-password-99", "wendy@chorus.test", "Wendy 吴"),
        Person("xiaoming", "xiaoming-password-1", "xiaoming@chorus.test", "小明"),
        Person("yuki", "yuki-password-22", "yuki@chorus.test", "Yuki 林"),
    ]
}


# MARK: Helpers


def chorus_binary() -> Path:
    """The server binary: $CHORUS_BINARY, relative paths taken from the repo root."""
    path = Path(os.environ.get("CHORUS_BINARY", ".build/debug/chorus"))
    return path if path.is_absolute() else REPO_ROOT / path


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], T], timeout: float = 5.0, interval: float = 0.1) -> T:
    """Polls `condition` until it returns something truthy; bounded in time and count."""
    deadline = time.monotonic() + timeout
    attempts = max(1, int(timeout / interval) + 1)
    result = condition()
    for _ in range(attempts):
        if result or time.monotonic() >= deadline:
            break
        time.sleep(interval)
        result = condition()
    return result


def wait_for_exit(process: subprocess.Popen, timeout: float) -> bool:
    """Whether `process` exits within `timeout` seconds."""
    try:
        process.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        return False


def unique(text: str) -> str:
    """`text` with a short random tag, so tests can share one server."""
    return f"{text} ({uuid.uuid4().hex[:6]})"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def authorize_on_sign_in_page(page_url: str, login: str, password: str) -> str:
    """Signs in on the OAuth page at `page_url` like a browser; returns the out-of-band code."""
    browser = requests.Session()  # keeps the form's cookie, as a browser does
    page = browser.get(page_url, timeout=HTTP_TIMEOUT)
    assert page.status_code == 200, page.text
    assert page.headers["Content-Type"].startswith("text/html")
    form = {html.unescape(name): html.unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page.text)}
    form.update(username=login, password=password)
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    answer = browser.post(page_url.split("/oauth/")[0] + action, data=form, timeout=HTTP_TIMEOUT, allow_redirects=False)
    assert answer.status_code == 200, answer.text
    code = re.search(r"<code>([^<]+)</code>", answer.text)
    assert code, answer.text
    return html.unescape(code.group(1))


@dataclass
class ChorusServer:
    """A running Chorus server and the ways tests talk to it."""

    binary: Path
    # A SQLite file or a postgres:// URL.
    database: str
    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    # Extra environment for the next start (a failpoint, say).
    env: dict[str, str] = field(default_factory=dict)
    _app: dict | None = field(default=None, repr=False)
    _tokens: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Runs `chorus ARGS --database DB` and fails the test if it fails."""
        command = [str(self.binary), *args, "--database", str(self.database)]
        env = {**os.environ, "CHORUS_BASE_URL": self.base_url}
        result = subprocess.run(command, capture_output=True, text=True, timeout=CLI_TIMEOUT, env=env, cwd=REPO_ROOT)
        if result.returncode != 0:
            pytest.fail(f"{' '.join(command)} exited {result.returncode}: {result.stderr.strip()}")
        return result

    def create_user(self, person: Person) -> None:
        self.cli("users", "create", person.username, "--password", person.password, "--email", person.email,
                 "--display-name", person.display_name, "--role", person.role)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    # Raw HTTP, for tests that check the wire format.

    def app(self) -> dict:
        """A client app registered once through `POST /api/v1/apps`."""
        if self._app is None:
            response = requests.post(self.url("/api/v1/apps"), timeout=HTTP_TIMEOUT, data={
                "client_name": "chorus-e2e", "redirect_uris": OOB, "scopes": ADMIN_SCOPES})
            response.raise_for_status()
            self._app = response.json()
        return self._app

    def password_token(self, username: str, scope: str = SCOPES) -> str:
        """A fresh access token for `username` through the password grant."""
        person, app = PEOPLE[username], self.app()
        response = requests.post(self.url("/oauth/token"), timeout=HTTP_TIMEOUT, data={
            "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
            "username": person.username, "password": person.password, "scope": scope})
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def token(self, username: str) -> str:
        """A cached access token for `username`."""
        if username not in self._tokens:
            self._tokens[username] = self.password_token(username)
        return self._tokens[username]

    def auth(self, username: str | None) -> dict[str, str]:
        """The Authorization header of `username` (none for anonymous calls)."""
        return bearer(self.token(username)) if username else {}

    def get(self, path: str, username: str | None = None, **kwargs) -> requests.Response:
        """GET `path` (or a full URL of this server) as `username`."""
        url = path if path.startswith(self.base_url) else self.url(path)
        headers = {**self.auth(username), **kwargs.pop("headers", {})}
        return requests.get(url, headers=headers, timeout=HTTP_TIMEOUT, **kwargs)

    def post(self, path: str, username: str | None = None, **kwargs) -> requests.Response:
        headers = {**self.auth(username), **kwargs.pop("headers", {})}
        return requests.post(self.url(path), headers=headers, timeout=HTTP_TIMEOUT, **kwargs)

    def put(self, path: str, username: str | None = None, **kwargs) -> requests.Response:
        headers = {**self.auth(username), **kwargs.pop("headers", {})}
        return requests.put(self.url(path), headers=headers, timeout=HTTP_TIMEOUT, **kwargs)

    def allow_loopback_webhooks(self) -> None:
        """Lets app webhooks reach receivers on 127.0.0.1 (refused by default)."""
        token = self.password_token("alice", scope=ADMIN_SCOPES)
        response = self.put("/api/v1/chorus/admin/hook_allowlist", headers=bearer(token), json={"allowed": ["127.0.0.1"]})
        assert response.status_code == 200, response.text

    def account_id(self, username: str) -> str:
        """The id of `username`, looked up as alice."""
        response = self.get("/api/v1/accounts/lookup", "alice", params={"acct": username})
        assert response.status_code == 200, response.text
        return response.json()["id"]

    def follow(self, follower: str, target: str) -> None:
        response = self.post(f"/api/v1/accounts/{self.account_id(target)}/follow", follower)
        assert response.status_code == 200, response.text
        assert response.json()["following"] is True

    def post_status(self, username: str, text: str, **fields) -> dict:
        response = self.post("/api/v1/statuses", username, data={"status": text, **fields})
        assert response.status_code == 200, response.text
        return response.json()

    # Lifecycle.

    def start(self) -> None:
        command = [str(self.binary), "serve", "--host", HOST, "--port", str(self.port),
                   "--database", str(self.database), "--base-url", self.base_url]
        # Failed app webhooks are retried after seconds, not minutes, so the
        # retry tests finish quickly.
        env = {**os.environ, "CHORUS_HOOK_RETRY_DELAYS": RETRY_DELAYS, "CHORUS_BRIDGE_RETRY_DELAYS": BRIDGE_RETRY_DELAYS, **self.env}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            cwd=REPO_ROOT, start_new_session=True, env=env)
        if not wait_until(self._healthy, timeout=STARTUP_TIMEOUT, interval=0.2):
            self.stop()
            pytest.fail(f"chorus did not answer /health within {STARTUP_TIMEOUT:.0f} s; log:\n{self.log()}")

    def _healthy(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            pytest.fail(f"chorus exited early; log:\n{self.log()}")
        try:
            response = requests.get(self.url("/health"), timeout=1)
            return response.status_code == 200 and response.text.strip() == "OK"
        except requests.RequestException:
            return False

    def stop(self) -> None:
        """Stops the server: SIGTERM, then SIGKILL after STOP_GRACE seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        if not wait_for_exit(self.process, STOP_GRACE):
            self.process.kill()
            self.process.wait(timeout=STOP_GRACE)
