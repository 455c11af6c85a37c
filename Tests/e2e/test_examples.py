"""The reference apps of Examples/ against a real server: each app is
installed through the API, started as its own process on 127.0.0.1 with the
secrets of the install answer, and must then do its job end to end.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import os
import re
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import requests

from support import HOST, HTTP_TIMEOUT, REPO_ROOT, STOP_GRACE, ChorusServer, free_port, unique, wait_for_exit, wait_until

EXAMPLES = REPO_ROOT / "Examples"
START_WAIT = 15.0      # an example answers its health check
DELIVERY_WAIT = 15.0   # a ping reaches the example and is acknowledged
APP_WAIT = 15.0        # an example's reply or alert shows up in a feed

# MARK: Helpers


@dataclass(frozen=True)
class Example:
    """A running example app."""

    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def plain(content: str) -> str:
    """The text of a status's HTML content."""
    return html.unescape(re.sub(r"<[^>]+>", "", content))


def json_of(response: requests.Response, status: int = 200) -> dict:
    """The JSON of an answer that must have `status`."""
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    return response.json()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """A Standard Webhooks signature, as Chorus sends it."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def create_team(chorus: ChorusServer, owner: str, **fields: str) -> dict:
    slug = f"ex-{uuid.uuid4().hex[:10]}"
    return json_of(chorus.post("/api/v1/chorus/teams", owner, json={"name": unique("示例团队"), "slug": slug, **fields}))


def add_member(chorus: ChorusServer, manager: str, team_id: str, account_id: str) -> None:
    json_of(chorus.post(f"/api/v1/chorus/teams/{team_id}/members", manager, json={"account_id": account_id, "role": "member"}))


def install(chorus: ChorusServer, installer: str, manifest: dict) -> dict:
    answer = json_of(chorus.post("/api/v1/chorus/apps", installer, json=manifest), 201)
    assert answer["access_token"] and answer["webhook_secret"].startswith("whsec_")
    assert answer["app"]["bot"]["bot"] is True
    return answer


def ping_until_delivered(chorus: ChorusServer, installer: str, app_id: str, example: Example) -> None:
    """Sends a ping and waits until the example acknowledged it: its signature check passed."""
    delivery = json_of(chorus.post(f"/api/v1/chorus/apps/{app_id}/ping", installer), 202)

    def state() -> str | None:
        log = json_of(chorus.get(f"/api/v1/chorus/apps/{app_id}/deliveries", installer))
        found = next((entry for entry in log if entry["id"] == delivery["id"]), None)
        return found and found["state"] != "pending" and found["state"]

    final = wait_until(state, timeout=DELIVERY_WAIT, interval=0.2)
    assert final == "delivered", (f"the ping ended {final!r}: {chorus.get(f'/api/v1/chorus/apps/{app_id}/deliveries', installer).text}"
                                  f"\n{example.log()}")


def team_feed(chorus: ChorusServer, viewer: str, team_id: str) -> list[dict]:
    return json_of(chorus.get(f"/api/v1/chorus/timelines/team/{team_id}", viewer, params={"limit": 40}))


@contextmanager
def running_example(name: str, env: dict[str, str], workdir: Path) -> Iterator[Example]:
    """Runs Examples/<name>/app.py on the port env["PORT"] of 127.0.0.1 until the block ends."""
    port = int(env["PORT"])
    log_path = workdir / f"{name}.log"
    example = Example(f"http://{HOST}:{port}", log_path)
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, str(EXAMPLES / name / "app.py")],
                                   env={**os.environ, "NO_PROXY": HOST, "no_proxy": HOST, "HOST": HOST, **env},
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=workdir,
                                   start_new_session=True)

    def healthy() -> bool:
        if process.poll() is not None:
            pytest.fail(f"{name} exited early ({process.returncode}); log:\n{example.log()}")
        try:
            return requests.get(example.url + "/", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    try:
        if not wait_until(healthy, timeout=START_WAIT, interval=0.1):
            pytest.fail(f"{name} did not answer within {START_WAIT:.0f} s; log:\n{example.log()}")
        yield example
    finally:
        process.terminate()
        if not wait_for_exit(process, STOP_GRACE):
            process.kill()
            process.wait(timeout=STOP_GRACE)


# MARK: Fixtures


@pytest.fixture(scope="module", autouse=True)
def loopback_webhooks(chorus: ChorusServer) -> None:
    """Lets webhooks reach 127.0.0.1, where the examples listen (refused by default)."""
    chorus.allow_loopback_webhooks()


# MARK: FAQ responder


def faq_answer(keyword: str) -> str:
    entries = json.loads((EXAMPLES / "faq-responder" / "faq.json").read_text(encoding="utf-8"))
    return next(entry["answer"] for entry in entries if keyword in entry["keywords"])


@pytest.fixture
def faq_app(chorus: ChorusServer, tmp_path: Path) -> Iterator[dict]:
    """A customer-service team (alice owns it, bob is a member) with the FAQ responder installed and running."""
    team = create_team(chorus, "alice", privacy="private", join_policy="invite")
    add_member(chorus, "alice", team["id"], chorus.account_id("bob"))
    port = free_port()
    answer = install(chorus, "alice", {
        "name": "FAQ", "description": "客服快速回复：常见问题自动答复", "webhook_url": f"http://{HOST}:{port}/webhook",
        "events": ["post.created", "post.mentioned"], "commands": [{"name": "faq", "description": "查常见问题的标准答复"}],
        "team_id": team["id"]})
    assert answer["app"]["team_id"] == team["id"]
    env = {"PORT": str(port), "CHORUS_URL": chorus.base_url, "CHORUS_TOKEN": answer["access_token"],
           "WEBHOOK_SECRET": answer["webhook_secret"]}
    with running_example("faq-responder", env, tmp_path) as example:
        ping_until_delivered(chorus, "alice", answer["app"]["id"], example)
        yield {"team": team, "app": answer["app"], "secret": answer["webhook_secret"], "example": example}


def test_faq_responder_answers_a_team_question_in_its_thread(chorus: ChorusServer, faq_app: dict):
    team, bot = faq_app["team"], faq_app["app"]["bot"]
    question = chorus.post_status("bob", unique("客户问：收到的杯子有裂缝，怎么退货？"), chorus_team_id=team["id"],
                                  visibility="team", chorus_kind="question")
    assert question["chorus"]["kind"] == "question"
    expected = faq_answer("退货")

    def bot_reply() -> dict | None:
        context = json_of(chorus.get(f"/api/v1/statuses/{question['id']}/context", "bob"))
        return next((status for status in context["descendants"] if status["account"]["id"] == bot["id"]), None)

    reply = wait_until(bot_reply, timeout=APP_WAIT, interval=0.2)
    assert reply, f"no reply by @{bot['username']} within {APP_WAIT:.0f} s; app log:\n{faq_app['example'].log()}"
    assert expected in plain(reply["content"])
    assert reply["in_reply_to_id"] == question["id"]
    assert reply["chorus"]["visibility"] == "team"
    assert reply["chorus"]["team"]["id"] == team["id"]
    assert reply["id"] in {status["id"] for status in team_feed(chorus, "bob", team["id"])}


def test_faq_responder_answers_when_its_bot_is_mentioned(chorus: ChorusServer, faq_app: dict):
    """No question mark and not a question: the mention (post.mentioned) is what asks."""
    team, bot = faq_app["team"], faq_app["app"]["bot"]
    post = chorus.post_status("bob", unique(f"@{bot['acct']} 客户要开发票"), chorus_team_id=team["id"], visibility="team")
    assert [mention["id"] for mention in post["mentions"]] == [bot["id"]]

    def bot_reply() -> dict | None:
        context = json_of(chorus.get(f"/api/v1/statuses/{post['id']}/context", "bob"))
        return next((status for status in context["descendants"] if status["account"]["id"] == bot["id"]), None)

    reply = wait_until(bot_reply, timeout=APP_WAIT, interval=0.2)
    deliveries = json_of(chorus.get(f"/api/v1/chorus/apps/{faq_app['app']['id']}/deliveries", "alice"))
    assert reply, (f"no reply by @{bot['username']} within {APP_WAIT:.0f} s; event types delivered: "
                   f"{[entry['event_type'] for entry in deliveries]}; app log:\n{faq_app['example'].log()}")
    assert faq_answer("发票") in plain(reply["content"])


def test_faq_responder_ignores_a_statement_without_a_keyword_match(chorus: ChorusServer, faq_app: dict):
    team, bot = faq_app["team"], faq_app["app"]["bot"]
    chatter = chorus.post_status("bob", unique("今天的退货都处理完了"), chorus_team_id=team["id"], visibility="team")
    # A question asked after it is answered: once that reply is there, the statement was seen too.
    question = chorus.post_status("bob", unique("发票什么时候能开？"), chorus_team_id=team["id"], visibility="team")

    def replied_to(status_id: str) -> bool:
        context = json_of(chorus.get(f"/api/v1/statuses/{status_id}/context", "bob"))
        return any(status["account"]["id"] == bot["id"] for status in context["descendants"])

    assert wait_until(lambda: replied_to(question["id"]), timeout=APP_WAIT, interval=0.2), faq_app["example"].log()
    assert not wait_until(lambda: replied_to(chatter["id"]), timeout=1.0, interval=0.2)


def test_faq_command_answers_the_caller_only(chorus: ChorusServer, faq_app: dict):
    team, app = faq_app["team"], faq_app["app"]
    answer = json_of(chorus.post("/api/v1/statuses", "bob", data={"status": "/faq 退货", "chorus_team_id": team["id"]}))
    assert answer["command"] == "faq"
    assert answer["app"] == {"id": app["id"], "name": app["name"]}
    assert answer["visibility"] == "ephemeral"
    assert answer["text"] == faq_answer("退货")
    assert answer["status"] is None

    listing = json_of(chorus.post("/api/v1/statuses", "bob", data={"status": "/faq", "chorus_team_id": team["id"]}))
    assert "退货" in listing["text"] and "invoice" in listing["text"]
    assert not [status for status in team_feed(chorus, "bob", team["id"]) if "/faq" in plain(status["content"])]


def test_faq_responder_checks_signatures_and_drops_repeats(faq_app: dict):
    secret, url = faq_app["secret"], faq_app["example"].url + "/webhook"
    body = json.dumps({"type": "command.invoked", "timestamp": "2026-11-22T06:40:00.123Z",
                       "data": {"command": "faq", "text": "invoice", "account": {}, "team": None, "in_reply_to_id": None}}).encode()

    def send(msg_id: str, timestamp: int, signature: str) -> requests.Response:
        return requests.post(url, data=body, timeout=HTTP_TIMEOUT, headers={
            "content-type": "application/json", "webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": signature})

    now = int(time.time())
    good = send("msg_e2e_1", now, "v1,bm90LXRoaXMtb25l " + sign(secret, "msg_e2e_1", now, body))
    assert good.status_code == 200, good.text
    assert good.json() == {"text": faq_answer("invoice"), "visibility": "ephemeral"}
    assert send("msg_e2e_2", now, sign("whsec_" + base64.b64encode(b"x" * 32).decode(), "msg_e2e_2", now, body)).status_code == 401
    assert send("msg_e2e_3", now - 600, sign(secret, "msg_e2e_3", now - 600, body)).status_code == 401
    assert send("msg_e2e_4", now, "").status_code == 401

    ping = json.dumps({"type": "ping", "timestamp": "2026-11-22T06:40:00.123Z", "data": {}}).encode()
    for _ in range(2):  # a retry carries the same webhook-id: it is acknowledged again
        repeat = requests.post(url, data=ping, timeout=HTTP_TIMEOUT, headers={
            "webhook-id": "msg_e2e_5", "webhook-timestamp": str(now), "webhook-signature": sign(secret, "msg_e2e_5", now, ping)})
        assert repeat.status_code == 204


# MARK: Keyword monitor


def test_keyword_monitor_alerts_the_alert_team(chorus: ChorusServer, tmp_path: Path):
    alerts = create_team(chorus, "alice", privacy="private", join_policy="invite")
    port = free_port()
    answer = install(chorus, "alice", {
        "name": "Keyword Monitor", "description": "关键词监控：公司动态里出现关注的词就提醒公关组",
        "webhook_url": f"http://{HOST}:{port}/webhook", "events": ["post.created"], "incoming": True})
    app, bot = answer["app"], answer["app"]["bot"]
    assert app["team_id"] is None
    assert answer["incoming_url"].startswith(chorus.url("/hooks/"))
    add_member(chorus, "alice", alerts["id"], bot["id"])
    # A public team: its posts reach company-wide apps too, but they are not company posts.
    open_team = create_team(chorus, "alice", privacy="public", join_policy="open")
    json_of(chorus.post(f"/api/v1/chorus/teams/{open_team['id']}/join", "carol"))

    env = {"PORT": str(port), "CHORUS_URL": chorus.base_url, "WEBHOOK_SECRET": answer["webhook_secret"],
           "INCOMING_URL": answer["incoming_url"], "WATCH_WORDS": "发布会,launch", "ALERT_TEAM": alerts["slug"]}
    with running_example("keyword-monitor", env, tmp_path) as example:
        ping_until_delivered(chorus, "alice", app["id"], example)
        in_team = chorus.post_status("carol", unique("组里先对一下发布会的流程"), chorus_team_id=open_team["id"], visibility="team")
        post = chorus.post_status("carol", unique("下周三新品发布会，LAUNCH 彩排在三楼"))
        assert post["chorus"]["visibility"] == "company"

        def alert_for(status: dict) -> dict | None:
            return next((alert for alert in team_feed(chorus, "alice", alerts["id"])
                         if alert["account"]["id"] == bot["id"] and status["url"] in plain(alert["content"])), None)

        alert = wait_until(lambda: alert_for(post), timeout=APP_WAIT, interval=0.2)
        assert alert, f"no alert by @{bot['username']} in the alert team within {APP_WAIT:.0f} s; app log:\n{example.log()}"
        text = plain(alert["content"])
        assert text.startswith("关键词「发布会、launch」出现在 @carol 的帖子：")
        assert alert["chorus"]["visibility"] == "team"
        assert alert["chorus"]["team"]["id"] == alerts["id"]
        assert alert["application"]["name"] == app["name"]

        def settled() -> bool:
            log = json_of(chorus.get(f"/api/v1/chorus/apps/{app['id']}/deliveries", "alice"))
            return all(entry["state"] != "pending" for entry in log)

        assert wait_until(settled, timeout=DELIVERY_WAIT, interval=0.2)
        assert not wait_until(lambda: alert_for(in_team), timeout=1.0, interval=0.2)
