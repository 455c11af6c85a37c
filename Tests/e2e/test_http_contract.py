"""The HTTP contract, checked with raw `requests`: status codes, JSON errors,
headers, pagination, idempotency, OAuth grants and live streams.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import time
from contextlib import contextmanager
from typing import Iterator

import pytest
import requests

from support import HOST, HTTP_TIMEOUT, SCOPES, ChorusServer, bearer, unique, wait_for_exit

STREAM_WAIT = 5.0
WEBSOCKET_SETTLE = 0.2
SHUTDOWN_WAIT = 10.0

# MARK: Helpers


def assert_json_error(response: requests.Response, status: int) -> str:
    """Checks a `{"error": "…"}` answer with `status`; returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    message = response.json()["error"]
    assert isinstance(message, str) and message
    return message


@contextmanager
def user_stream(server: ChorusServer, username: str) -> Iterator[Iterator[bytes]]:
    """The lines of `username`'s SSE user stream, from the moment it is subscribed."""
    with requests.get(server.url("/api/v1/streaming/user"), headers=server.auth(username),
                      stream=True, timeout=(HTTP_TIMEOUT, STREAM_WAIT)) as response:
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/event-stream")
        lines = response.iter_lines(chunk_size=None)
        assert next(lines) == b":)"  # written just after the server subscribes
        yield lines


def sse_events(lines: Iterator[bytes], deadline: float, max_lines: int = 500) -> Iterator[tuple[str, str]]:
    """(event, data) pairs of a server-sent event stream, until `deadline`."""
    event, data = "", []
    for _, raw in zip(range(max_lines), lines):
        if time.monotonic() > deadline:
            return
        line = raw.decode("utf-8")
        if line.startswith("event:"):
            event = line[len("event:"):].strip()
        elif line.startswith("data:"):
            data.append(line[len("data:"):].strip())
        elif not line and (event or data):
            yield event, "\n".join(data)
            event, data = "", []


def websocket_connect(port: int, path: str) -> socket.socket:
    """Opens a WebSocket on 127.0.0.1 with a plain socket; fails unless answered 101."""
    sock = socket.create_connection((HOST, port), timeout=STREAM_WAIT)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 8192:
        chunk = sock.recv(1)
        if not chunk:
            break
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head.decode(errors="replace")
    return sock


def receive_exactly(sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("the WebSocket closed")
        data += chunk
    return data


def websocket_text(sock: socket.socket) -> str:
    """Reads one unmasked text frame from the server."""
    first, second = receive_exactly(sock, 2)
    assert first & 0x0F == 0x1, f"expected a text frame, got opcode {first & 0x0F}"
    length = second & 0x7F
    if length == 126:
        length = int.from_bytes(receive_exactly(sock, 2), "big")
    elif length == 127:
        length = int.from_bytes(receive_exactly(sock, 8), "big")
    return receive_exactly(sock, length).decode("utf-8")


# MARK: Instance


@pytest.mark.parametrize("path", ["/api/v1/instance", "/api/v1/instance/"])
def test_instance_describes_the_post_rules(chorus: ChorusServer, path: str):
    response = chorus.get(path)
    assert response.status_code == 200, response.text
    instance = response.json()
    assert instance["version"] == "4.3.0 (compatible; Chorus 0.1.0)"
    assert instance["uri"] == f"{HOST}:{chorus.port}"
    assert instance["configuration"]["statuses"]["max_characters"] == 140
    assert instance["configuration"]["statuses"]["characters_reserved_per_url"] == 23


def test_instance_v2(chorus: ChorusServer):
    response = chorus.get("/api/v2/instance")
    assert response.status_code == 200, response.text
    assert response.json()["configuration"]["statuses"]["max_characters"] == 140


# MARK: Errors


@pytest.mark.parametrize("path", ["/api/v1/timelines/home", "/api/v1/timelines/public",
                                  "/api/v1/accounts/verify_credentials", "/api/v2/search?q=x"])
def test_anonymous_calls_are_refused(chorus: ChorusServer, path: str):
    assert_json_error(chorus.get(path), 401)


def test_unknown_token_is_refused(chorus: ChorusServer):
    assert_json_error(chorus.get("/api/v1/timelines/home", headers=bearer("not-a-token")), 401)


def test_malformed_json_body_is_a_bad_request(chorus: ChorusServer):
    response = chorus.post("/api/v1/statuses", "erin", data='{"status": "半截',
                           headers={"Content-Type": "application/json"})
    assert_json_error(response, 400)


def test_body_over_one_mebibyte_is_too_large(chorus: ChorusServer):
    body = "status=" + "x" * (1 << 20)
    response = chorus.post("/api/v1/statuses", "erin", data=body,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_json_error(response, 413)


@pytest.mark.parametrize("status_id", ["999999999999", "no-such-id"])
def test_unknown_status_is_not_found(chorus: ChorusServer, status_id: str):
    assert_json_error(chorus.get(f"/api/v1/statuses/{status_id}", "erin"), 404)


def test_post_over_the_limit_is_unprocessable(chorus: ChorusServer):
    message = assert_json_error(chorus.post("/api/v1/statuses", "erin", data={"status": "长" * 141}), 422)
    assert "too long" in message


# MARK: Posting and pagination


def test_post_text_is_escaped_html(chorus: ChorusServer):
    status = chorus.post_status("erin", '<script>alert("嗨")</script> & 好')
    assert status["content"] == "<p>&lt;script&gt;alert(&quot;嗨&quot;)&lt;/script&gt; &amp; 好</p>"


def test_idempotency_key_returns_the_same_status(chorus: ChorusServer):
    text = unique("幂等测试")
    headers = {"Idempotency-Key": unique("key")}
    first = chorus.post("/api/v1/statuses", "erin", data={"status": text}, headers=headers)
    second = chorus.post("/api/v1/statuses", "erin", data={"status": text}, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    other = chorus.post("/api/v1/statuses", "erin", data={"status": text}, headers={"Idempotency-Key": unique("key")})
    assert other.status_code == 200
    assert other.json()["id"] != first.json()["id"]


def test_home_timeline_pages_with_link_header(chorus: ChorusServer):
    posted = [chorus.post_status("erin", unique(f"分页 {n}"))["id"] for n in range(3)]
    first = chorus.get("/api/v1/timelines/home", "erin", params={"limit": 2})
    assert first.status_code == 200, first.text
    page = [status["id"] for status in first.json()]
    assert page == [posted[2], posted[1]]
    assert f"max_id={posted[1]}" in first.links["next"]["url"]
    assert f"min_id={posted[2]}" in first.links["prev"]["url"]
    assert first.links["next"]["url"].startswith(chorus.url("/api/v1/timelines/home"))

    second = chorus.get(first.links["next"]["url"], "erin")
    assert second.status_code == 200, second.text
    assert second.json()[0]["id"] == posted[0]


# MARK: OAuth


def test_client_credentials_token_identifies_the_app_only(chorus: ChorusServer):
    app = chorus.app()
    response = requests.post(chorus.url("/oauth/token"), timeout=HTTP_TIMEOUT, data={
        "grant_type": "client_credentials", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "scope": "read"})
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    verified = chorus.get("/api/v1/apps/verify_credentials", headers=bearer(token))
    assert verified.status_code == 200, verified.text
    assert verified.json()["name"] == "chorus-e2e"
    assert_json_error(chorus.get("/api/v1/timelines/home", headers=bearer(token)), 422)


def test_wrong_password_is_refused(chorus: ChorusServer):
    app = chorus.app()
    response = requests.post(chorus.url("/oauth/token"), timeout=HTTP_TIMEOUT, data={
        "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "username": "erin", "password": "not-erins-password", "scope": SCOPES})
    assert_json_error(response, 401)


# MARK: Streaming


def test_sse_user_stream_delivers_followed_post(chorus: ChorusServer):
    chorus.follow("frank", "erin")
    with user_stream(chorus, "frank") as lines:
        status = chorus.post_status("erin", unique("直播：新功能上线了"))
        updates = (json.loads(data) for event, data in sse_events(lines, time.monotonic() + STREAM_WAIT)
                   if event == "update")
        delivered = next((update for update in updates if update["id"] == status["id"]), None)
    assert delivered is not None, f"no update for status {status['id']} within {STREAM_WAIT} s"
    assert delivered["content"] == status["content"]
    assert delivered["account"]["username"] == "erin"


def test_deactivation_ends_open_event_stream(chorus: ChorusServer):
    with user_stream(chorus, "henry") as lines:
        chorus.cli("users", "deactivate", "henry")
        rest = [line for _, line in zip(range(100), lines) if line]  # ends when the server closes the stream
    assert rest == []
    assert_json_error(chorus.get("/api/v1/timelines/home", "henry"), 401)


def test_websocket_user_stream_delivers_followed_post(chorus: ChorusServer):
    chorus.follow("frank", "erin")
    sock = websocket_connect(chorus.port, f"/api/v1/streaming?stream=user&access_token={chorus.token('frank')}")
    with sock:
        time.sleep(WEBSOCKET_SETTLE)  # the server subscribes just after the 101; nothing signals when
        status = chorus.post_status("erin", unique("WebSocket：周会改到三点"))
        deadline = time.monotonic() + STREAM_WAIT
        frame = None
        for _ in range(50):
            if time.monotonic() > deadline:
                break
            message = json.loads(websocket_text(sock))
            if message["event"] == "update" and json.loads(message["payload"])["id"] == status["id"]:
                frame = message
                break
    assert frame is not None, f"no update for status {status['id']} within {STREAM_WAIT} s"
    assert frame["stream"] == ["user"]


def test_sigterm_stops_server_with_open_event_stream(private_chorus: ChorusServer):
    """SIGTERM must not wait for live streams: they never end by themselves."""
    server = private_chorus
    with user_stream(server, "frank"):
        server.process.terminate()
        exited = wait_for_exit(server.process, SHUTDOWN_WAIT)
        if not exited:
            server.process.kill()  # spare the fixture a second wait
    assert exited, f"chorus was still running {SHUTDOWN_WAIT:.0f} s after SIGTERM while an SSE client was connected"


def test_openapi_document_of_the_extensions_is_served(chorus: ChorusServer):
    response = requests.get(chorus.url("/api/openapi.json"), timeout=HTTP_TIMEOUT)
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/chorus/invites" in document["paths"]
    for path in ("/api/v1/chorus/apps", "/api/v1/chorus/apps/{id}/deliveries", "/hooks/{secret}",
                 "/api/v1/chorus/bridge/nominations", "/api/v1/chorus/bridge/nominations/{id}/approve", "/brand/{slug}/feed.atom"):
        assert path in document["paths"], path


def test_client_startup_endpoints_answer_empty_lists(chorus: ChorusServer):
    for path in ("/api/v1/custom_emojis", "/api/v1/filters", "/api/v2/filters", "/api/v1/lists", "/api/v1/bookmarks"):
        response = requests.get(chorus.url(path), headers=chorus.auth("carol"), timeout=HTTP_TIMEOUT)
        assert response.status_code == 200, path
        assert response.json() == [], path
    preferences = requests.get(chorus.url("/api/v1/preferences"), headers=chorus.auth("carol"), timeout=HTTP_TIMEOUT)
    assert preferences.json()["posting:default:visibility"] == "public"
    assert_json_error(requests.get(chorus.url("/api/v1/custom_emojis"), timeout=HTTP_TIMEOUT), 401)
