"""The web pages in a real browser: headless Chromium driven by Selenium
against the real server. Needs Debian's `chromium` and `chromium-driver`
(`make test` installs them)."""

from __future__ import annotations

import shutil
import uuid
from typing import Iterator

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

from support import ADMIN_SCOPES, PEOPLE, ChorusServer, bearer, unique, wait_until

WAIT = 10


def wait(driver: WebDriver) -> WebDriverWait:
    """A bounded wait that treats an element replaced by a navigation (stale) or
    not yet rendered as "not yet", so a click that reloads the page cannot race
    the check that follows it."""
    return WebDriverWait(driver, WAIT, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))


def make_browser(language: str = "zh-CN", javascript: bool = True) -> WebDriver:
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,900", f"--lang={language}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "intl.accept_languages": language,
        "profile.managed_default_content_settings.javascript": 1 if javascript else 2,
    })
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    driver = make_browser()
    yield driver
    driver.quit()


def sign_in(driver: WebDriver, chorus: ChorusServer, username: str) -> None:
    driver.get(chorus.url("/login"))
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PEOPLE[username].password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    wait(driver).until(EC.presence_of_element_located((By.ID, "compose")))


# MARK: Tests


def test_sign_in_and_post_in_chinese(chorus: ChorusServer, browser: WebDriver) -> None:
    sign_in(browser, chorus, "wendy")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hans"
    text = unique("网页发帖测试 #发布会#")
    browser.find_element(By.ID, "status").send_keys(text)
    browser.find_element(By.ID, "post-button").click()
    notice = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
    assert notice.text == "已发布。"
    first = browser.find_element(By.CSS_SELECTOR, "article.status .content")
    assert text.split(" #")[0] in first.text


def test_counter_counts_like_the_server_and_turns_red_past_140(chorus: ChorusServer, browser: WebDriver) -> None:
    sign_in(browser, chorus, "wendy")
    area = browser.find_element(By.ID, "status")
    counter = browser.find_element(By.ID, "counter")
    button = browser.find_element(By.ID, "post-button")
    assert counter.text == "140"
    # An emoji ZWJ sequence is one character, a link is 23 whatever its length.
    area.send_keys("👩‍💻 https://example.com/a/very/long/path/that/is/longer/than/twenty-three")
    wait(browser).until(lambda _: counter.text == str(140 - 1 - 1 - 23))
    area.clear()
    area.send_keys("长" * 140)
    wait(browser).until(lambda _: counter.text == "0")
    assert button.is_enabled()
    assert "over" not in (counter.get_attribute("class") or "")
    area.send_keys("长")
    wait(browser).until(lambda _: counter.text == "-1")
    assert "over" in counter.get_attribute("class")
    assert counter.value_of_css_property("color") in ("rgba(180, 35, 24, 1)", "rgb(180, 35, 24)")
    assert not button.is_enabled()


def test_an_over_long_post_without_javascript_gets_the_servers_error(chorus: ChorusServer) -> None:
    driver = make_browser(javascript=False)
    try:
        sign_in(driver, chorus, "wendy")
        driver.find_element(By.ID, "status").send_keys("长" * 141)
        driver.find_element(By.ID, "post-button").click()
        error = wait(driver).until(EC.presence_of_element_located((By.ID, "compose-error")))
        assert "141" in error.text and "140" in error.text
        assert driver.find_element(By.ID, "status").get_attribute("value") == "长" * 141
    finally:
        driver.quit()


def test_switching_language(chorus: ChorusServer, browser: WebDriver) -> None:
    browser.get(chorus.url("/login"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "登录 Chorus"
    browser.find_element(By.CSS_SELECTOR, ".languages a[lang='en']").click()
    wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Sign in to Chorus")
    sign_in(browser, chorus, "yuki")
    assert browser.find_element(By.ID, "compose-heading").text == "What's happening?"
    browser.find_element(By.CSS_SELECTOR, ".languages a[lang='zh-Hant']").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "compose-heading").text == "有什麼新鮮事？")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hant"


def test_following_someone_shows_their_new_post_live(chorus: ChorusServer, browser: WebDriver) -> None:
    sign_in(browser, chorus, "wendy")
    browser.get(chorus.url("/@xiaoming"))
    button = browser.find_element(By.ID, "follow-button")
    assert button.text == "关注"
    button.click()
    wait(browser).until(lambda d: d.find_element(By.ID, "follow-button").text == "取消关注")
    browser.get(chorus.url("/"))
    wait(browser).until(EC.presence_of_element_located((By.ID, "feed")))
    # Let the page's event stream connect, then post from elsewhere (the API).
    wait(browser).until(
        lambda d: d.find_element(By.ID, "feed").get_attribute("data-live-state") == "open")
    text = unique("实时更新测试")
    before = browser.current_url
    chorus.post_status("xiaoming", text)
    card = wait(browser).until(
        lambda d: next((c for c in d.find_elements(By.CSS_SELECTOR, "article.status") if text in c.text), None))
    assert "@xiaoming" in card.text
    assert browser.current_url == before  # no reload


def test_a_private_team_is_not_found_for_a_non_member(chorus: ChorusServer, browser: WebDriver) -> None:
    slug = "secret" + uuid.uuid4().hex[:8]
    response = chorus.post("/api/v1/chorus/teams", "alice", data={
        "name": "机密项目", "slug": slug, "privacy": "private", "join_policy": "invite"})
    assert response.status_code in (200, 201), response.text
    chorus.post_status("alice", "机密项目的内部消息", chorus_team_id=response.json()["id"], visibility="team")
    sign_in(browser, chorus, "wendy")
    browser.get(chorus.url(f"/teams/{slug}"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "找不到页面"
    assert "机密项目" not in browser.page_source
    browser.get(chorus.url("/teams"))
    assert slug not in browser.page_source


def test_a_post_is_nominated_approved_in_the_browser_and_appears_in_the_feed(chorus: ChorusServer, browser: WebDriver) -> None:
    slug = "web" + uuid.uuid4().hex[:8]
    created = chorus.post("/api/v1/chorus/bridge/channels", headers=bearer(chorus.password_token("alice", scope=ADMIN_SCOPES)),
                          json={"name": "网页渠道 " + slug, "slug": slug, "kind": "atom", "max_characters": 300})
    assert created.status_code == 201, created.text
    channel_id = created.json()["channel"]["id"]
    text = unique("从网页推荐到官网")
    post = chorus.post_status("xiaoming", text)

    sign_in(browser, chorus, "wendy")
    browser.get(chorus.url(f"/@xiaoming/{post['id']}"))
    browser.find_element(By.CSS_SELECTOR, f"input[name='channel_ids[]'][value='{channel_id}']").click()
    browser.find_element(By.ID, "nominate-note").send_keys("适合对外")
    browser.find_element(By.ID, "nominate-button").click()
    notice = wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "#nominate p.notice"))
    assert "编辑批准后" in notice.text
    browser.delete_all_cookies()

    sign_in(browser, chorus, "alice")
    browser.find_element(By.CSS_SELECTOR, "a[href='/approvals']").click()
    card = wait(browser).until(lambda d: next((c for c in d.find_elements(By.CSS_SELECTOR, "article.nomination") if text in c.text), None))
    assert card.find_element(By.CSS_SELECTOR, f"blockquote.outgoing[data-channel='{slug}']").text == text
    card.find_element(By.CSS_SELECTOR, "button.approve").click()
    wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "p.notice").text.startswith("已批准"))
    feed = chorus.base_url + f"/brand/{slug}/feed.atom"
    assert wait_until(lambda: text in requests.get(feed, timeout=10).text, timeout=15)



def test_a_person_starts_a_team_opens_its_settings_and_adds_a_member(chorus: ChorusServer, browser: WebDriver) -> None:
    sign_in(browser, chorus, "wendy")
    browser.get(chorus.url("/teams"))
    browser.find_element(By.ID, "team-name").send_keys("研发部")
    browser.find_element(By.CSS_SELECTOR, "input[name='privacy'][value='private']").click()
    browser.find_element(By.CSS_SELECTOR, "input[name='join_policy'][value='invite']").click()
    browser.find_element(By.ID, "create-team-button").click()
    # The address comes from the name (a number follows if this server already had one of hers).
    notice = wait(browser).until(EC.presence_of_element_located((By.ID, "team-notice")))
    path = browser.current_url.removeprefix(chorus.base_url).split("?")[0]
    assert path.startswith("/teams/yan-fa-bu"), path
    assert chorus.base_url + path in notice.text
    assert browser.find_element(By.ID, "team-name").text == "研发部"

    browser.find_element(By.ID, "team-settings-link").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "add-member")))
    assert browser.find_element(By.ID, "team-address").text == chorus.base_url + path
    browser.find_element(By.ID, "member-username").send_keys("xiaoming")
    browser.find_element(By.CSS_SELECTOR, "#member-role option[value='admin']").click()
    browser.find_element(By.ID, "add-member-button").click()
    row = wait(browser).until(EC.presence_of_element_located((By.ID, "member-xiaoming")))
    assert row.find_element(By.CSS_SELECTOR, "td.role").text == "管理员"
    assert browser.find_element(By.CSS_SELECTOR, "p.notice").text == "已添加成员。"
    # The API agrees: she owns the team, he is its admin.
    members = chorus.get(f"/api/v1/chorus/teams/{path.rsplit('/', 1)[1]}/members", "xiaoming")
    assert members.status_code == 200, members.text
    assert {m["account"]["username"]: m["role"] for m in members.json()} == {"wendy": "owner", "xiaoming": "admin"}
