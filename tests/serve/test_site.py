"""The seed dataset's site, end to end: every internal link works, and pages render."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from tests.conftest import REPO, links_in

ARTIFACTS = REPO / "tests" / "artifacts"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MAX_PAGES = 3000


def test_crawl_from_home_finds_no_broken_link(seed_server):
    origin = seed_server.url
    seen: set[str] = set()
    queue = deque(["/"])
    failures = []
    with seed_server.client() as client:
        while queue and len(seen) < MAX_PAGES:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            response = client.get(path, headers={"accept": BROWSER}, follow_redirects=True)
            if response.status_code >= 400:
                failures.append((path, response.status_code))
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            for href in links_in(response.text):
                absolute = urldefrag(urljoin(origin + path, href))[0]
                parts = urlsplit(absolute)
                if f"{parts.scheme}://{parts.netloc}" == origin:
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert not failures, failures
    assert len(seen) > 100  # the whole graph was reachable, not just the home page
    assert any(p.startswith("/id/article/china-fentanyl-tariffs/statement") for p in seen)


@pytest.mark.parametrize(
    ("name", "path", "expected"),
    [
        ("home", "/", "Start here"),
        ("article", "/id/article/china-fentanyl-tariffs", "sentence by sentence"),
        ("entity", "/id/country/china", "Linked from"),
        ("ontology", "/ontology", "Concept schemes"),
        ("shapes", "/shapes", "Message when violated"),
    ],
)
def test_pages_render_in_chromium(browser, seed_server, name, path, expected):
    from selenium.webdriver.common.by import By

    browser.get(seed_server.url + path)
    assert expected in browser.find_element(By.TAG_NAME, "body").text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"page-{name}.png"))


def test_article_view_links_sentences_to_their_facts(browser, seed_server):
    from selenium.webdriver.common.by import By

    browser.get(seed_server.url + "/id/article/china-fentanyl-tariffs")
    sentence = browser.find_element(By.ID, "s10")
    facts = sentence.find_elements(By.CSS_SELECTOR, "ul.facts a")
    assert any("accuses" in fact.text for fact in facts)
    facts[0].click()
    assert "Evidence" in browser.find_element(By.TAG_NAME, "body").text
    quote = browser.find_element(By.CSS_SELECTOR, ".evidence blockquote a")
    assert quote.get_attribute("href").endswith("china-fentanyl-tariffs.html#s10")


def test_article_view_marks_mentions_and_links_them(browser, seed_server):
    from selenium.webdriver.common.by import By

    browser.get(seed_server.url + "/id/article/china-fentanyl-tariffs")
    sentence = browser.find_element(By.CSS_SELECTOR, "#s9 p.sentence")
    assert sentence.text.endswith("“an unusual and extraordinary threat”.")  # words intact
    marks = {m.text: m for m in sentence.find_elements(By.CSS_SELECTOR, "a.mention")}
    assert {"US", "Mr Trump", "Beijing", "an executive order"} <= set(marks)
    assert "the words name Beijing" in marks["Beijing"].get_attribute("title")
    for plain in ("US", "Mr Trump", "an executive order"):  # no other mention's referent
        assert "the words name" not in marks[plain].get_attribute("title")
    assert marks["Beijing"].get_attribute("href").endswith("/id/government/china")
    marks["US"].click()
    assert browser.current_url.endswith("/id/country/united-states.html")


def test_nested_mentions_keep_every_entity_reachable(seed_server):
    with seed_server.client() as client:
        page = client.get("/id/article/china-fentanyl-tariffs.html").text
    sentence = page.split('id="s2"', 1)[1].split("</p>", 1)[0]
    for target in ("/source/officials-from-foreign-and-public-security-ministries",
                   "/id/country/china", "/id/government-body/prc-ministry-of-foreign-affairs",
                   "/id/government-body/prc-ministry-of-public-security"):  # fmt: skip
        assert target in sentence
