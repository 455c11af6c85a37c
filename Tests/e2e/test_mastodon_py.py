"""Chorus driven by Mastodon.py 2.3.3, the way a Python bot or script would use it.

Every client registers through `Mastodon.create_app`, checks the server
version from `/api/v1/instance/` and signs in with the OAuth password grant
(e-mail and password), exactly as Mastodon.py does against Mastodon.
"""

from __future__ import annotations

import threading
import time

import pytest
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError, MastodonUnauthorizedError, StreamListener

from support import OOB, PEOPLE, SCOPES, ChorusServer, unique

# Mastodon.py's SSE handle.close() waits for the reader thread's blocking read,
# so the read timeout bounds how long closing a stream takes.
STREAM_READ_TIMEOUT = 2

# MARK: Helpers


def sign_in(base_url: str, credentials: tuple[str, str], username: str) -> Mastodon:
    """A Mastodon.py client signed in as `username` (by e-mail, as Mastodon.py documents)."""
    client_id, client_secret = credentials
    client = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base_url,
                      version_check_mode="created", ratelimit_method="throw", request_timeout=10)
    person = PEOPLE[username]
    client.log_in(username=person.email, password=person.password, scopes=SCOPES.split(), allow_http=True)
    return client


def ids(items) -> set[str]:
    """The ids of statuses, accounts or notifications, as strings."""
    return {str(item.id) for item in items}


def notifications_of(client: Mastodon, kind: str) -> list:
    return client.notifications(types=[kind], limit=40)


def http_status(error: pytest.ExceptionInfo) -> int:
    """The HTTP status Mastodon.py put into a MastodonAPIError."""
    return error.value.args[1]


class Collector(StreamListener):
    """Keeps what Mastodon.py's stream reader thread hands over, for the test to check."""

    def __init__(self):
        self.connected = threading.Event()
        self.arrived = threading.Condition()
        self.events: list[tuple[str, object]] = []

    def handle_heartbeat(self):
        self.connected.set()  # the server's first comment line comes once it has subscribed

    def on_update(self, status):
        self.add("update", status)

    def on_notification(self, notification):
        self.add("notification", notification)

    def add(self, kind: str, payload: object):
        with self.arrived:
            self.events.append((kind, payload))
            self.arrived.notify_all()

    def wait_for(self, kind: str, matches, timeout: float = 5.0):
        """The first `kind` event for which `matches` holds, or None after `timeout` seconds."""
        def found():
            return next((payload for event, payload in self.events if event == kind and matches(payload)), None)

        with self.arrived:
            self.arrived.wait_for(found, timeout=timeout)
            return found()


# MARK: Fixtures


@pytest.fixture(scope="module")
def credentials(base_url: str) -> tuple[str, str]:
    """client_id and client_secret of an app registered through Mastodon.py."""
    return Mastodon.create_app("chorus-e2e (Mastodon.py)", scopes=SCOPES.split(), redirect_uris=OOB,
                               api_base_url=base_url, request_timeout=10)


@pytest.fixture(scope="module")
def alice(base_url, credentials) -> Mastodon:
    return sign_in(base_url, credentials, "alice")


@pytest.fixture(scope="module")
def bob(base_url, credentials, alice) -> Mastodon:
    """Bob, who follows Alice."""
    client = sign_in(base_url, credentials, "bob")
    relationship = client.account_follow(alice.me().id)
    assert relationship.following
    return client


@pytest.fixture(scope="module")
def carol(base_url, credentials) -> Mastodon:
    """Carol, who follows nobody."""
    return sign_in(base_url, credentials, "carol")


# MARK: Tests


def test_version_is_read_from_instance(alice: Mastodon):
    """Mastodon.py parses "4.3.0 (compatible; Chorus 0.1.0)" as Mastodon 4.3.0."""
    assert (alice.mastodon_major, alice.mastodon_minor, alice.mastodon_patch) == (4, 3, 0)
    assert alice.verify_minimum_version("4.3.0", cached=True)
    instance = alice.instance()
    assert instance.version == "4.3.0 (compatible; Chorus 0.1.0)"
    assert instance.configuration.statuses.max_characters == 140


def test_sign_in_by_email_names_the_right_person(alice: Mastodon, bob: Mastodon):
    assert alice.me().username == "alice"
    assert alice.me().display_name == PEOPLE["alice"].display_name
    assert bob.me().username == "bob"


def test_follower_sees_chinese_post_in_home_timeline(alice: Mastodon, bob: Mastodon):
    text = unique("新版本的发布会定在周五，欢迎大家参加")
    status = alice.status_post(text)
    assert status.content.startswith("<p>新版本的发布会定在周五")
    assert status.visibility == "public"
    home = bob.timeline_home(limit=40)
    assert str(status.id) in ids(home)
    shown = next(item for item in home if str(item.id) == str(status.id))
    assert shown.account.username == "alice"


def test_follow_notifies_the_followed(alice: Mastodon, bob: Mastodon):
    relationship = bob.account_relationships(alice.me().id)[0]
    assert relationship.following is True
    follows = notifications_of(alice, "follow")
    assert "bob" in {notification.account.username for notification in follows}


def test_mention_notifies_the_mentioned(alice: Mastodon, bob: Mastodon):
    status = alice.status_post(unique("@bob 请看一下周报"))
    assert [mention.username for mention in status.mentions] == ["bob"]
    mentions = notifications_of(bob, "mention")
    notification = next(item for item in mentions if str(item.status.id) == str(status.id))
    assert notification.account.username == "alice"


def test_favourite_notifies_the_author(alice: Mastodon, bob: Mastodon):
    status = alice.status_post(unique("今天的午饭很好吃"))
    favourited = bob.status_favourite(status.id)
    assert favourited.favourited is True
    assert favourited.favourites_count == 1
    favourites = notifications_of(alice, "favourite")
    notification = next(item for item in favourites if str(item.status.id) == str(status.id))
    assert notification.account.username == "bob"


def test_reblog_notifies_the_author(alice: Mastodon, bob: Mastodon):
    status = alice.status_post(unique("季度目标已经更新"))
    reblog = bob.status_reblog(status.id)
    assert str(reblog.reblog.id) == str(status.id)
    assert reblog.account.username == "bob"
    assert alice.status(status.id).reblogs_count == 1
    reblogs = notifications_of(alice, "reblog")
    notification = next(item for item in reblogs if str(item.status.id) == str(status.id))
    assert notification.account.username == "bob"


def test_reply_appears_in_context(alice: Mastodon, bob: Mastodon):
    status = alice.status_post(unique("谁有会议室的钥匙？"))
    reply = bob.status_post(unique("@alice 我有"), in_reply_to_id=status.id)
    assert str(reply.in_reply_to_id) == str(status.id)
    assert str(reply.id) in ids(alice.status_context(status.id).descendants)
    assert str(status.id) in ids(bob.status_context(reply.id).ancestors)
    assert alice.status(status.id).replies_count == 1


def test_search_finds_two_character_chinese_word(alice: Mastodon, bob: Mastodon):
    status = alice.status_post(unique("新版本的发布会定在周五"))
    results = bob.search_v2("发布", result_type="statuses")
    assert str(status.id) in ids(results.statuses)


def test_post_over_140_characters_is_refused(alice: Mastodon):
    with pytest.raises(MastodonAPIError) as error:
        alice.status_post("字" * 141)
    assert http_status(error) == 422
    assert alice.status_post("字" * 140).content == "<p>" + "字" * 140 + "</p>"


def test_urls_count_23_characters(alice: Mastodon):
    url = "https://intranet.example.com/" + "x" * 60
    assert len(url) > 23
    alice.status_post("a" * 116 + " " + url)  # 116 + 1 + 23 = 140
    with pytest.raises(MastodonAPIError) as error:
        alice.status_post("a" * 117 + " " + url)  # 141
    assert http_status(error) == 422


def test_delete_removes_post_from_home_timeline(alice: Mastodon, bob: Mastodon):
    status = alice.status_post(unique("这条消息马上会被删除"))
    assert str(status.id) in ids(bob.timeline_home(limit=40))
    alice.status_delete(status.id)
    assert str(status.id) not in ids(bob.timeline_home(limit=40))
    with pytest.raises(MastodonNotFoundError):
        bob.status(status.id)


def test_followers_only_post_is_hidden_from_non_followers(alice: Mastodon, bob: Mastodon, carol: Mastodon):
    status = alice.status_post(unique("仅关注者可见：下周的排班表"), visibility="private")
    assert status.visibility == "private"
    assert bob.status(status.id).visibility == "private"
    with pytest.raises(MastodonNotFoundError):
        carol.status(status.id)
    assert str(status.id) not in ids(carol.timeline_public(limit=40))
    assert str(status.id) not in ids(carol.search_v2("排班", result_type="statuses").statuses)


def test_user_stream_delivers_update_and_notification(alice: Mastodon, bob: Mastodon):
    collector = Collector()
    handle = bob.stream_user(collector, run_async=True, timeout=STREAM_READ_TIMEOUT)
    try:
        assert collector.connected.wait(5), "the user stream did not open"
        status = alice.status_post(unique("@bob 直播测试：午饭时间改了"))
        update = collector.wait_for("update", lambda item: str(item.id) == str(status.id))
        assert update is not None and update.account.username == "alice"
        mention = collector.wait_for("notification", lambda item: str(item.status.id) == str(status.id))
        assert mention is not None and mention.type == "mention"
    finally:
        handle.close()


def test_deactivation_revokes_tokens_at_once(chorus: ChorusServer, base_url: str, credentials):
    dave = sign_in(base_url, credentials, "dave")
    assert dave.me().username == "dave"
    chorus.cli("users", "deactivate", "dave")
    with pytest.raises(MastodonUnauthorizedError) as error:
        dave.account_verify_credentials()
    assert http_status(error) == 401
