"""Installable apps against the real server: signed event webhooks checked by
an independent Standard Webhooks implementation, retries until a receiver
recovers, a restart in the middle of retries, and visibility of team posts."""

from __future__ import annotations

import json
import time
from typing import Iterator

import pytest

from receiver import Receiver
from support import ADMIN_SCOPES, ChorusServer, bearer, unique, wait_until

DELIVERY_WAIT = 15.0


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    try:
        yield server
    finally:
        server.stop()


def allow_loopback(chorus: ChorusServer) -> None:
    """Webhooks to 127.0.0.1 are refused unless the administrator allows them."""
    chorus.allow_loopback_webhooks()


def install(chorus: ChorusServer, url: str, events: list[str], **fields) -> dict:
    response = chorus.post("/api/v1/chorus/apps", "alice", json={
        "name": unique("Receiver"), "webhook_url": url, "events": events, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def deliveries(chorus: ChorusServer, app_id: str) -> list[dict]:
    response = chorus.get(f"/api/v1/chorus/apps/{app_id}/deliveries", "alice")
    assert response.status_code == 200, response.text
    return response.json()


def created_with(receiver: Receiver, text: str) -> list:
    return [r for r in receiver.events("post.created") if text in r.json["data"]["status"]["content"]]


def test_loopback_targets_are_refused_until_allowed(chorus: ChorusServer, receiver: Receiver) -> None:
    admin = bearer(chorus.password_token("alice", scope=ADMIN_SCOPES))
    assert chorus.put("/api/v1/chorus/admin/hook_allowlist", headers=admin, json={"allowed": []}).status_code == 200
    refused = chorus.post("/api/v1/chorus/apps", "alice", json={
        "name": "Loopback", "webhook_url": receiver.url, "events": ["post.created"]})
    assert refused.status_code == 422, refused.text
    assert "allowlist" in refused.json()["error"]
    allow_loopback(chorus)


def test_events_verify_with_the_standardwebhooks_library(chorus: ChorusServer, receiver: Receiver) -> None:
    allow_loopback(chorus)
    installed = install(chorus, receiver.url, ["post.created"])
    receiver.secret = installed["webhook_secret"]
    text = unique("签名校验")
    posted = chorus.post_status("bob", text)
    assert wait_until(lambda: created_with(receiver, text), timeout=DELIVERY_WAIT), chorus.log()[-2000:]
    event = created_with(receiver, text)[0]
    assert event.verified, event.headers
    assert event.headers["content-type"] == "application/json"
    assert event.json["type"] == "post.created"
    status = event.json["data"]["status"]
    assert status["id"] == posted["id"] and status["account"]["username"] == "bob"
    assert status["chorus"]["visibility"] == "company"
    # The delivery log agrees, with the same webhook-id.
    log = wait_until(lambda: [d for d in deliveries(chorus, installed["app"]["id"]) if d["state"] == "delivered"], timeout=5)
    assert event.webhook_id in {d["webhook_id"] for d in log}


def test_a_failing_receiver_gets_the_event_once_it_recovers(chorus: ChorusServer, receiver: Receiver) -> None:
    allow_loopback(chorus)
    receiver.answer = lambda received: (500, b"{}") if len(received) < 2 else (200, b"{}")
    installed = install(chorus, receiver.url, ["post.created"])
    receiver.secret = installed["webhook_secret"]
    text = unique("重试之后送达")
    chorus.post_status("bob", text)
    assert wait_until(lambda: len(created_with(receiver, text)) >= 3, timeout=DELIVERY_WAIT), chorus.log()[-2000:]
    attempts = created_with(receiver, text)
    assert [a.answered for a in attempts[:3]] == [500, 500, 200]
    assert len({a.webhook_id for a in attempts}) == 1
    assert all(a.verified for a in attempts)
    log = wait_until(lambda: [d for d in deliveries(chorus, installed["app"]["id"]) if d["state"] == "delivered"], timeout=5)
    assert log and log[0]["attempts"] == 3 and log[0]["last_status_code"] == 200


def test_redirects_are_not_followed_and_gone_disables_the_endpoint(chorus: ChorusServer, receiver: Receiver) -> None:
    allow_loopback(chorus)
    receiver.answer = lambda received: (302, b"") if len(received) < 1 else (410, b"")
    installed = install(chorus, receiver.url, ["post.created"])
    app_id = installed["app"]["id"]
    text = unique("跳转与停用")
    chorus.post_status("bob", text)
    assert wait_until(lambda: len(created_with(receiver, text)) >= 2, timeout=DELIVERY_WAIT), chorus.log()[-2000:]
    log = wait_until(lambda: [d for d in deliveries(chorus, app_id) if d["state"] == "failed"], timeout=5)
    assert log and log[0]["last_status_code"] == 410 and log[0]["attempts"] == 2
    app = chorus.get(f"/api/v1/chorus/apps/{app_id}", "alice").json()
    assert app["disabled_at"] and "410" in app["disabled_reason"]
    # Nothing more is sent to a disabled endpoint, and the redirect was never followed.
    chorus.post_status("bob", unique("停用之后"))
    time.sleep(1.5)
    assert len(receiver.events()) == 2
    assert [r.answered for r in receiver.events()] == [302, 410]


def test_a_restart_in_the_middle_of_retries_loses_nothing(private_chorus: ChorusServer, receiver: Receiver) -> None:
    chorus = private_chorus
    allow_loopback(chorus)
    healthy = {"now": False}
    receiver.answer = lambda _: (200, b"") if healthy["now"] else (503, b"")
    installed = install(chorus, receiver.url, ["post.created"])
    receiver.secret = installed["webhook_secret"]
    text = unique("重启也不丢")
    chorus.post_status("bob", text)
    assert wait_until(lambda: created_with(receiver, text), timeout=DELIVERY_WAIT), chorus.log()[-2000:]
    chorus.stop()
    failed = len(created_with(receiver, text))
    healthy["now"] = True
    time.sleep(1.5)  # the retry falls due while the server is down
    assert len(created_with(receiver, text)) == failed
    chorus.start()
    assert wait_until(lambda: any(a.answered == 200 for a in created_with(receiver, text)), timeout=DELIVERY_WAIT), chorus.log()[-2000:]
    attempts = created_with(receiver, text)
    assert len({a.webhook_id for a in attempts}) == 1
    assert sum(1 for a in attempts if a.answered == 200) == 1
    log = deliveries(chorus, installed["app"]["id"])
    assert [d["state"] for d in log] == ["delivered"] and log[0]["attempts"] == len(attempts)


def test_a_private_team_post_never_reaches_a_company_wide_app(chorus: ChorusServer, receiver: Receiver) -> None:
    allow_loopback(chorus)
    team_receiver = Receiver().start()
    try:
        company_app = install(chorus, receiver.url, ["post.created"])
        slug = "hush" + unique("").strip(" ()")
        team = chorus.post("/api/v1/chorus/teams", "alice", data={
            "name": "保密项目", "slug": slug, "privacy": "private", "join_policy": "invite"})
        assert team.status_code == 200, team.text
        team_app = install(chorus, team_receiver.url, ["post.created"], team_id=team.json()["id"])
        secret_text = unique("保密内容")
        chorus.post_status("alice", secret_text, chorus_team_id=team.json()["id"], visibility="team")
        marker = unique("之后的公开帖子")
        chorus.post_status("alice", marker)
        # Events are queued in order: once the later company post has arrived,
        # the team post would have been queued before it.
        assert wait_until(lambda: created_with(receiver, marker), timeout=DELIVERY_WAIT)
        assert wait_until(lambda: created_with(team_receiver, secret_text), timeout=DELIVERY_WAIT)
        time.sleep(0.5)
        assert not created_with(receiver, secret_text)
        assert all(secret_text not in r.body.decode() for r in receiver.events())
        assert not created_with(team_receiver, marker)  # a team install hears only of its team
        assert team_app["app"]["team_id"] == team.json()["id"] and company_app["app"]["team_id"] is None
    finally:
        team_receiver.stop()


def test_a_slash_command_is_answered_and_an_incoming_hook_posts(chorus: ChorusServer, receiver: Receiver) -> None:
    allow_loopback(chorus)
    name = "e2e" + unique("").strip(" ()")
    receiver.answer = lambda _: (200, json.dumps({"text": "值班的是小明", "visibility": "public"}).encode())
    installed = install(chorus, receiver.url, [], commands=[{"name": name, "description": "Who is on call"}], incoming=True)
    receiver.secret = installed["webhook_secret"]
    answer = chorus.post("/api/v1/statuses", "bob", data={"status": f"/{name} 今天"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["visibility"] == "public" and answer.json()["status"]["account"]["bot"] is True
    invoked = receiver.events("command.invoked")
    assert invoked and invoked[0].verified and invoked[0].json["data"]["text"] == "今天"
    unknown = chorus.post("/api/v1/statuses", "bob", data={"status": f"/{name}x 今天"})
    assert unknown.status_code == 422 and "//" in unknown.json()["error"]

    hook = installed["incoming_url"]
    posted = chorus.post(hook.replace(chorus.base_url, ""), None, json={"text": unique("来自 CI 的消息")})
    assert posted.status_code == 201, posted.text
    assert posted.json()["account"]["id"] == installed["app"]["bot"]["id"]
    too_long = chorus.post(hook.replace(chorus.base_url, ""), None, json={"text": "长" * 141})
    assert too_long.status_code == 422 and "error" in too_long.json()
    assert chorus.post("/hooks/not-a-real-secret", None, json={"text": "x"}).status_code == 404
