"""The brand bridge against real servers: a `mastodon` channel pointed at a
second Chorus (it speaks the Mastodon API, so it is a real external server
with its own brand account), an outage of that server, a crash between the
external post and recording it, the public Atom feed read by feedparser,
deletions, and the rules that keep unapproved and private posts inside."""

from __future__ import annotations

import html
import re
import time
from typing import Iterator

import feedparser
import pytest
import requests

from conftest import launch
from receiver import Receiver
from support import ADMIN_SCOPES, HTTP_TIMEOUT, ChorusServer, bearer, unique, wait_until

EXPORT_WAIT = 40.0


@pytest.fixture
def external(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[ChorusServer]:
    """A second Chorus: the outside world, where alice's account is the brand."""
    server = launch(tmp_path_factory.mktemp("external"), request)
    try:
        yield server
    finally:
        server.stop()


def admin_headers(chorus: ChorusServer) -> dict[str, str]:
    return bearer(chorus.password_token("alice", scope=ADMIN_SCOPES))


def mastodon_channel(chorus: ChorusServer, external: ChorusServer, slug: str) -> str:
    chorus.allow_loopback_webhooks()
    response = chorus.post("/api/v1/chorus/bridge/channels", headers=admin_headers(chorus), json={
        "name": "品牌账号", "slug": slug, "kind": "mastodon", "max_characters": 140,
        "base_url": external.base_url, "access_token": external.password_token("alice")})
    assert response.status_code == 201, response.text
    assert "access_token" not in response.text
    return response.json()["channel"]["id"]


def channel(chorus: ChorusServer, slug: str, kind: str, **fields) -> dict:
    response = chorus.post("/api/v1/chorus/bridge/channels", headers=admin_headers(chorus), json={
        "name": slug, "slug": slug, "kind": kind, "max_characters": 500, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def nominate_and_approve(chorus: ChorusServer, text: str, channel_ids: list[str]) -> str:
    """bob posts, carol nominates, alice (an administrator, so an editor) approves."""
    status = chorus.post_status("bob", text)
    nominated = chorus.post("/api/v1/chorus/bridge/nominations", "carol", json={"status_id": status["id"], "channel_ids": channel_ids})
    assert nominated.status_code == 201, nominated.text
    approved = chorus.post(f"/api/v1/chorus/bridge/nominations/{nominated.json()['id']}/approve", "alice")
    assert approved.status_code == 200, approved.text
    return nominated.json()["id"]


def nomination(chorus: ChorusServer, nomination_id: str) -> dict:
    response = chorus.get(f"/api/v1/chorus/bridge/nominations/{nomination_id}", "alice")
    assert response.status_code == 200, response.text
    return response.json()


def external_posts(external: ChorusServer) -> list[str]:
    """The texts of the brand account's posts on the external server."""
    response = external.get(f"/api/v1/accounts/{external.account_id('alice')}/statuses", "alice", params={"limit": 40})
    assert response.status_code == 200, response.text
    return [html.unescape(re.sub(r"<[^>]+>", "", s["content"])) for s in response.json()]


def count_on(external: ChorusServer, text: str) -> int:
    return sum(1 for content in external_posts(external) if text in content)


def all_published(chorus: ChorusServer, ids: list[str]) -> bool:
    return all(e["state"] == "published" for i in ids for e in nomination(chorus, i)["exports"])


def test_every_approved_post_arrives_once_across_an_outage(private_chorus: ChorusServer, external: ChorusServer) -> None:
    chorus = private_chorus
    channel_id = mastodon_channel(chorus, external, "brand")
    external.stop()
    texts = [unique(f"对外发布第{n}条") for n in range(3)]
    ids = [nominate_and_approve(chorus, text, [channel_id]) for text in texts]
    assert wait_until(lambda: all(e["attempts"] >= 1 for i in ids for e in nomination(chorus, i)["exports"]), timeout=EXPORT_WAIT)
    assert not all_published(chorus, ids)
    external.start()
    assert wait_until(lambda: all_published(chorus, ids), timeout=EXPORT_WAIT), chorus.log()[-3000:]
    for text in texts:
        assert count_on(external, text) == 1, text
    exported = nomination(chorus, ids[0])["exports"][0]
    assert exported["external_id"] and exported["external_url"].startswith(external.base_url)


def test_a_crash_between_the_external_post_and_recording_it_makes_one_post(private_chorus: ChorusServer, external: ChorusServer) -> None:
    chorus = private_chorus
    channel_id = mastodon_channel(chorus, external, "brand")
    chorus.stop()
    chorus.env = {"CHORUS_FAILPOINT": "bridge-after-external-call"}
    chorus.start()
    text = unique("崩溃也只发一次")
    nomination_id = nominate_and_approve(chorus, text, [channel_id])
    assert wait_until(lambda: chorus.process.poll() is not None, timeout=EXPORT_WAIT), "the failpoint did not stop the server"
    assert count_on(external, text) == 1  # posted, but not recorded
    chorus.env = {}
    chorus.start()
    # The lease of the dead worker runs out (15 s), the export is sent again with the same Idempotency-Key.
    assert wait_until(lambda: all_published(chorus, [nomination_id]), timeout=EXPORT_WAIT), chorus.log()[-3000:]
    assert count_on(external, text) == 1
    exported = nomination(chorus, nomination_id)["exports"][0]
    assert exported["attempts"] == 1
    posted = [s for s in external.get(f"/api/v1/accounts/{external.account_id('alice')}/statuses", "alice").json()
              if text in html.unescape(re.sub(r"<[^>]+>", "", s["content"]))]
    assert exported["external_id"] == posted[0]["id"]


def test_the_atom_feed_parses_and_deletions_propagate(chorus: ChorusServer, external: ChorusServer) -> None:
    slug = "news" + unique("").strip(" ()")
    atom = channel(chorus, slug, "atom")["channel"]
    brand = mastodon_channel(chorus, external, "brand" + unique("").strip(" ()"))
    text = unique("官网新闻：Chorus 3.0 <发布> & 上线")
    nomination_id = nominate_and_approve(chorus, text, [atom["id"], brand])
    assert wait_until(lambda: all_published(chorus, [nomination_id]), timeout=EXPORT_WAIT), chorus.log()[-3000:]

    answer = requests.get(atom["feed_url"], timeout=HTTP_TIMEOUT)  # no sign-in
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == slug
    assert [entry.content[0].value for entry in feed.entries] == [text]
    assert feed.entries[0].id.startswith("tag:")
    assert count_on(external, text) == 1

    status_id = nomination(chorus, nomination_id)["status_id"]
    deleted = requests.delete(chorus.url(f"/api/v1/statuses/{status_id}"), headers=chorus.auth("bob"), timeout=HTTP_TIMEOUT)
    assert deleted.status_code == 200, deleted.text
    assert wait_until(lambda: all(e["state"] == "retracted" for e in nomination(chorus, nomination_id)["exports"]), timeout=EXPORT_WAIT)
    assert count_on(external, text) == 0
    assert not feedparser.parse(requests.get(atom["feed_url"], timeout=HTTP_TIMEOUT).content).entries


def test_nothing_unapproved_private_or_guarded_reaches_any_channel(chorus: ChorusServer, external: ChorusServer) -> None:
    receiver = Receiver().start()
    try:
        chorus.allow_loopback_webhooks()
        hook = channel(chorus, "site" + unique("").strip(" ()"), "webhook", url=receiver.url)
        receiver.secret = hook["webhook_secret"]
        brand = mastodon_channel(chorus, external, "brand" + unique("").strip(" ()"))
        channels = [hook["channel"]["id"], brand]

        pending_text = unique("还没审批")
        pending = chorus.post_status("bob", pending_text)
        assert chorus.post("/api/v1/chorus/bridge/nominations", "carol",
                           json={"status_id": pending["id"], "channel_ids": channels}).status_code == 201

        rejected_text = unique("被拒绝的")
        rejected_post = chorus.post_status("bob", rejected_text)
        rejected = chorus.post("/api/v1/chorus/bridge/nominations", "carol", json={"status_id": rejected_post["id"], "channel_ids": channels})
        assert chorus.post(f"/api/v1/chorus/bridge/nominations/{rejected.json()['id']}/reject", "alice",
                           json={"reason": "不对外"}).status_code == 200

        slug = "vault" + unique("").strip(" ()")
        team = chorus.post("/api/v1/chorus/teams", "bob", data={"name": "保险库", "slug": slug, "privacy": "private", "join_policy": "invite"})
        secret_text = unique("私密团队的内容")
        secret = chorus.post_status("bob", secret_text, chorus_team_id=team.json()["id"], visibility="team")
        refused = chorus.post("/api/v1/chorus/bridge/nominations", "bob", json={"status_id": secret["id"], "channel_ids": channels})
        assert refused.status_code == 422 and "team" in refused.json()["error"].lower()
        assert chorus.post("/api/v1/chorus/bridge/nominations", "carol",
                           json={"status_id": secret["id"], "channel_ids": channels}).status_code == 404

        word = "代号" + unique("").strip(" ()")
        rule = chorus.post("/api/v1/chorus/bridge/leak_rules", headers=admin_headers(chorus), json={"kind": "word", "value": word})
        assert rule.status_code == 201, rule.text
        guarded = chorus.post_status("bob", f"{word} 下周见")
        guarded_nomination = chorus.post("/api/v1/chorus/bridge/nominations", "carol", json={"status_id": guarded["id"], "channel_ids": channels})
        blocked = chorus.post(f"/api/v1/chorus/bridge/nominations/{guarded_nomination.json()['id']}/approve", "alice")
        assert blocked.status_code == 422 and word in blocked.json()["error"]

        marker = unique("唯一获批的帖子")
        marker_id = nominate_and_approve(chorus, marker, channels)
        assert wait_until(lambda: all_published(chorus, [marker_id]), timeout=EXPORT_WAIT), chorus.log()[-3000:]
        time.sleep(1)
        sent = [r.body.decode() for r in receiver.events()]
        assert any(marker in body for body in sent) and all(r.verified for r in receiver.events())
        everything = " ".join(sent + external_posts(external))
        for text in (pending_text, rejected_text, secret_text, word):
            assert text not in everything, text
    finally:
        receiver.stop()
