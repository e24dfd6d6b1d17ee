"""The query page: what a browser gets from ``/sparql``, and the page itself in headless
Chromium (Debian's chromium and chromium-driver) against a real server on loopback."""

from __future__ import annotations

import json
import re
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from kg.serve.query_page import STATIC
from tests.conftest import REPO, built_mini_server

ARTIFACTS = REPO / "tests" / "artifacts"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
NAVIGATING = {"accept": BROWSER, "sec-fetch-dest": "document", "sec-fetch-mode": "navigate"}
COUNTRIES = (
    "PREFIX kgo: <https://mini.example.org/ontology/>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "SELECT ?country ?label WHERE { ?country a kgo:Country ; rdfs:label ?label } ORDER BY ?label"
)
NUMBERS = " ".join(str(n) for n in range(1, 101))
TEN_THOUSAND = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {NUMBERS} }} VALUES ?b {{ {NUMBERS} }} }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with built_mini_server(tmp_path_factory, "query-page") as live:
        yield live


# --- what /sparql answers a browser ----------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "params", "expected"),
    [
        (NAVIGATING, {}, "text/html"),  # a permalink opened in a browser
        ({"accept": BROWSER, "upgrade-insecure-requests": "1"}, {}, "text/html"),  # plain HTTP
        ({}, {"format": "html"}, "text/html"),
        ({"accept": BROWSER}, {}, "application/sparql-results+xml"),  # as before
        ({"accept": BROWSER, "sec-fetch-dest": "empty"}, {}, "application/sparql-results+xml"),
        ({"accept": "text/html;q=1, */*;q=0.1"}, {}, "application/sparql-results+json"),
        (NAVIGATING, {"format": "csv"}, "text/csv"),  # a download link
        ({**NAVIGATING, "accept": "application/sparql-results+json"}, {},
         "application/sparql-results+json"),
        ({}, {}, "application/sparql-results+json"),
    ],
)  # fmt: skip
def test_browsers_opening_a_query_get_the_page_and_clients_results(server, headers, params,
                                                                    expected):  # fmt: skip
    with server.client() as client:
        response = client.get("/sparql", params={"query": COUNTRIES, **params}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]
    if expected == "text/html":
        assert "Sec-Fetch-Dest" in response.headers["vary"]
        textarea = re.search(r"<textarea[^>]*>\n(.*?)</textarea>", response.text, re.S)
        assert unescape(textarea.group(1)) == COUNTRIES
        assert page_data(response.text)["run"] is True


def test_the_query_in_the_page_is_escaped(server):
    hostile = 'SELECT * { ?s ?p "</textarea><script>alert(1)</script>" }'
    with server.client() as client:
        page = client.get("/sparql", params={"query": hostile}, headers=NAVIGATING).text
    assert "<script>alert(1)" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;" in page


def test_the_vocabulary_query_finds_classes_with_labels(server):
    with server.client() as client:
        query = page_data(client.get("/sparql", headers={"accept": BROWSER}).text)[
            "vocabularyQuery"
        ]
        answer = client.post("/sparql", content=query, headers={
            "content-type": "application/sparql-query", "accept": "application/sparql-results+json"
        }).json()  # fmt: skip
    rows = {(r["term"]["value"], r["kind"]["value"], r.get("label", {}).get("value"))
            for r in answer["results"]["bindings"]}  # fmt: skip
    owl = "http://www.w3.org/2002/07/owl#"
    assert ("https://mini.example.org/ontology/Country", owl + "Class", "Country") in rows
    assert ("https://mini.example.org/ontology/speaker", owl + "ObjectProperty", "speaker") in rows
    properties = {term for term, kind, _ in rows if kind.endswith("#Property")}
    assert "http://www.w3.org/2000/01/rdf-schema#label" in properties  # the ontology uses it


def page_data(html: str) -> dict:
    block = re.search(r'<script id="page-data" type="application/json">(.*?)</script>', html)
    return json.loads(block.group(1))


# --- the page in Chromium ---------------------------------------------------------------


def test_complete_a_class_run_page_and_sort(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{server.url}/sparql")
    editor = clear_editor(browser)
    editor.send_keys("SELECT ?country ?n WHERE {\n  ?country a kgo:Cou")
    offered = wait_for_completions(browser)
    assert offered[0].startswith("kgo:Country")  # with its kind and label
    editor.send_keys(Keys.ENTER)
    editor.send_keys(" .\n  VALUES ?n { " + " ".join(str(n) for n in range(1, 151)) + " }\n}")
    text = editor.get_attribute("value")
    assert text.startswith("PREFIX kgo: <https://mini.example.org/ontology/>\nSELECT")
    assert "?country a kgo:Country ." in text
    run(browser, keys=True)
    assert status(browser).startswith("300 results")
    assert pager(browser) == "Rows 1–100 of 300"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == 100
    browser.find_element(By.CSS_SELECTOR, ".pager [data-page=next]").click()
    assert pager(browser) == "Rows 101–200 of 300"
    header(browser, "?n").click()
    assert pager(browser) == "Rows 1–100 of 300"  # a new order starts at its first page
    assert column(browser, 1)[:6] == ["1", "1", "2", "2", "3", "3"]  # numbers by value
    assert sort_state(browser, "?n") == "ascending"
    header(browser, "?n").click()
    assert column(browser, 1)[:3] == ["150", "150", "149"]
    assert sort_state(browser, "?n") == "descending"
    header(browser, "?country").click()
    countries = column(browser, 0)
    assert countries[:100] == ["kgid:country/atlantis"] * 100  # the table shows prefixed names
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "query-page-table.png"))


def test_after_a_classes_come_first(browser, server):
    """``?x a kgo:`` wants a class; the same prefix in a predicate's place does not."""
    browser.get(f"{server.url}/sparql")
    editor = clear_editor(browser)
    editor.send_keys("SELECT * WHERE { ?x a kgo:")
    after_a = wait_for_completions(browser)
    assert all("class" in item for item in after_a[:4]), after_a  # the mini ontology's four
    editor.send_keys(" .\n  ?x kgo:s")
    elsewhere = wait_for_completions(browser, containing="speaker")
    assert elsewhere[0].startswith("kgo:speaker"), elsewhere  # a property by its name first


def test_complete_a_prefix_then_a_property_with_the_keyboard(browser, server):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{server.url}/sparql")
    editor = clear_editor(browser)
    editor.send_keys("# labels\nSELECT * WHERE { ?s rdf")
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).perform()
    offered = wait_for_completions(browser)
    assert [item.split("\n")[0] for item in offered[:2]] == ["rdf:", "rdfs:"]
    editor.send_keys(Keys.ESCAPE)
    assert not wait_for_completions(browser, expect=False)
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).perform()
    wait_for_completions(browser)
    editor.send_keys(Keys.ARROW_DOWN, Keys.TAB)  # rdfs: — then what rdfs: holds opens
    assert any(item.startswith("rdfs:label") for item in wait_for_completions(browser))
    editor.send_keys("lab", Keys.ENTER, " ?label }")
    assert editor.get_attribute("value") == (
        "# labels\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT * WHERE { ?s rdfs:label ?label }"
    )


def test_complete_an_entity_from_the_suggest_service(browser, server):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{server.url}/sparql")
    editor = clear_editor(browser)
    editor.send_keys("SELECT * WHERE { ?claim kgo:speaker lem")
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).perform()
    offered = wait_for_completions(browser, containing="Lemuria")
    entity = next(i for i, item in enumerate(offered) if item.startswith("Lemuria\nentity"))
    editor.send_keys(*[Keys.ARROW_DOWN] * entity, Keys.ENTER)
    assert editor.get_attribute("value").endswith(
        "?claim kgo:speaker <https://mini.example.org/id/country/lemuria>"
    )


def test_a_permalink_opens_the_page_and_gives_the_same_results(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(f"{server.url}/sparql")
    set_editor(browser, COUNTRIES)
    run(browser)
    before = table_cells(browser)
    browser.find_element(By.ID, "copy-link").click()
    link = browser.find_element(By.ID, "permalink").get_attribute("value")
    assert link.startswith(f"{server.url}/sparql?")
    assert parse_qs(urlsplit(link).query) == {"query": [COUNTRIES]}
    assert browser.current_url == link  # the address bar holds it too: a reload runs it again
    browser.get("about:blank")
    browser.get(link)
    wait_for_status(browser)
    assert browser.find_element(By.ID, "query").get_attribute("value") == COUNTRIES
    assert table_cells(browser) == before == [
        ["kgid:country/atlantis", "Atlantis"], ["kgid:country/lemuria", "Lemuria"]
    ]  # fmt: skip
    with server.client() as client:  # a program that follows the same link gets results
        answer = client.get(link).json()
    labels = [row["label"]["value"] for row in answer["results"]["bindings"]]
    assert labels == ["Atlantis", "Lemuria"]


def test_a_graph_is_read_from_n_triples_into_the_table(browser, server):
    browser.get(f"{server.url}/sparql")
    set_editor(browser, 'CONSTRUCT { <urn:x> <urn:p> "say \\"hé\\"\\n"@en, 42, [] } WHERE {}')
    run(browser)
    assert status(browser).startswith("3 triples")
    objects = browser.execute_script(
        "return [...document.querySelectorAll('#results tbody tr')]"
        ".map((row) => [row.cells[2].className, row.cells[2].textContent, row.cells[2].title]);"
    )
    assert sorted(objects) == [
        ["term-bnode", objects_of(objects, "term-bnode"), ""],
        ["term-literal", "42", "http://www.w3.org/2001/XMLSchema#integer"],
        ["term-literal", 'say "hé"\n', "@en"],
    ]
    assert objects_of(objects, "term-bnode").startswith("_:")


def objects_of(cells: list[list[str]], kind: str) -> str:
    return next(text for cls, text, _ in cells if cls == kind)


def test_a_malformed_query_is_marked_at_its_line(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(f"{server.url}/sparql")
    set_editor(browser, "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTR(?o) }")  # 3:11, says kg
    run(browser)
    assert status(browser).endswith("(HTTP 400)")
    mark = browser.find_element(By.CSS_SELECTOR, "#marks .error-mark")
    assert mark.get_attribute("data-line") == "3"
    line = browser.find_element(By.CSS_SELECTOR, "#gutter .error-line")
    assert line.text == "3"
    assert abs(mark.rect["y"] - line.rect["y"]) < 6  # drawn on that line
    note = browser.find_element(By.ID, "editor-error").text
    assert note.startswith("Line 3, column 11: expected ")
    assert "expected" in browser.find_element(By.CSS_SELECTOR, "#marks .error-note").text
    assert "line 3" in browser.find_element(By.CSS_SELECTOR, "#results pre.error").text
    browser.find_element(By.ID, "query").send_keys(" ")  # editing clears the stale mark
    assert not browser.find_elements(By.CSS_SELECTOR, "#marks .error-mark")


def test_recent_queries_are_listed_after_a_reload(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{server.url}/sparql")
    first = "SELECT ?s WHERE { ?s a ?type } LIMIT 1"
    second = "ASK { ?s ?p ?o }"
    for query in (first, second):
        set_editor(browser, query)
        run(browser)
    assert status(browser).startswith("Answer: true")
    browser.get(f"{server.url}/sparql")
    recent = Select(browser.find_element(By.ID, "history"))
    titles = [option.get_attribute("title") for option in recent.options[1:]]
    assert titles[:2] == [second, first]
    recent.select_by_index(2)
    assert browser.find_element(By.ID, "query").get_attribute("value") == first


def test_downloads_answer_in_each_format_offered(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(f"{server.url}/sparql")
    offered = {}
    for query in (COUNTRIES, "CONSTRUCT WHERE { ?s ?p ?o }"):
        set_editor(browser, query)
        run(browser)
        links = browser.find_elements(By.CSS_SELECTOR, "#downloads a:not([hidden])")
        offered[query] = {a.text: (a.get_attribute("href"), a.get_attribute("data-type"))
                          for a in links}  # fmt: skip
    assert set(offered[COUNTRIES]) == {"SPARQL JSON", "SPARQL XML", "CSV", "TSV"}
    assert set(offered["CONSTRUCT WHERE { ?s ?p ?o }"]) == {
        "Turtle", "JSON-LD", "N-Triples", "RDF/XML", "N-Quads", "TriG"
    }  # fmt: skip
    with server.client() as client:
        for links in offered.values():
            for href, media_type in links.values():
                response = client.get(href, headers=NAVIGATING)  # as a click sends it
                assert response.status_code == 200, href
                assert response.headers["content-type"].split(";")[0] == media_type
                assert "Atlantis" in response.text


def test_a_large_result_shows_its_first_page_quickly(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(f"{server.url}/sparql")
    set_editor(browser, TEN_THOUSAND)
    started = time.monotonic()
    run(browser)
    shown = time.monotonic() - started
    assert pager(browser) == "Rows 1–100 of 10,000"
    assert len(browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == 100
    assert shown < 5, f"the first page took {shown:.1f} s"
    started = time.monotonic()
    header(browser, "?b").click()
    browser.find_element(By.CSS_SELECTOR, ".pager [data-page=last]").click()
    assert pager(browser) == "Rows 9,901–10,000 of 10,000"
    assert set(column(browser, 1)) == {"100"}
    assert time.monotonic() - started < 3


def test_a_view_tab_draws_what_the_views_library_offers(browser, server):
    from selenium.webdriver.common.by import By

    if not (STATIC / "views.js").is_file():
        pytest.skip("static/views.js (the result views) is not there yet")
    browser.get(f"{server.url}/sparql")
    set_editor(browser, "CONSTRUCT WHERE { ?s ?p ?o }")
    run(browser)
    tabs = {tab.text: tab for tab in browser.find_elements(By.CSS_SELECTOR, "#tabs [role=tab]")}
    assert "Table" in tabs and len(tabs) > 1
    view = next(name for name in tabs if name != "Table")
    tabs[view].click()
    assert tabs[view].get_attribute("aria-selected") == "true"
    assert browser.find_elements(By.CSS_SELECTOR, "#results svg")
    # without the library the page still answers, with the table alone
    browser.execute_script("delete window.kgViews;")
    run(browser)
    assert [tab.text for tab in browser.find_elements(By.CSS_SELECTOR, "#tabs [role=tab]")] == [
        "Table"
    ]
    assert browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")


def test_stored_examples_load_into_the_editor(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{server.url}/sparql")
    Select(browser.find_element(By.ID, "examples")).select_by_visible_text("Countries")
    assert "SELECT ?country ?label" in browser.find_element(By.ID, "query").get_attribute("value")
    assert "Every country" in browser.find_element(By.ID, "example-description").text


# --- helpers ------------------------------------------------------------------------------


def clear_editor(browser):
    from selenium.webdriver.common.by import By

    editor = browser.find_element(By.ID, "query")
    set_editor(browser, "")
    editor.click()
    return editor


def set_editor(browser, text: str) -> None:
    """Put ``text`` in the editor as a paste would (typing it all takes seconds)."""
    browser.execute_script(
        "const area = document.getElementById('query'); area.value = arguments[0];"
        "area.dispatchEvent(new Event('input', {bubbles: true}));",
        text,
    )


def run(browser, *, keys: bool = False) -> None:
    """Run the editor's query (the button, or Ctrl+Enter) and wait for its answer."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.execute_script("document.getElementById('status').textContent = '';")
    if keys:
        browser.find_element(By.ID, "query").send_keys(Keys.CONTROL, Keys.ENTER)
    else:
        browser.find_element(By.ID, "run").click()
    wait_for_status(browser)


def wait_for_status(browser) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(lambda b: status(b) and not status(b).startswith("Running"))


def status(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.ID, "status").text


def wait_for_completions(browser, *, expect: bool = True, containing: str = "") -> list[str]:
    """The texts of the completion popup's items, once it shows (some containing ``containing``)."""
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def items(b):  # the popup redraws when suggestions arrive: a stale item means look again
        popup = b.find_element(By.ID, "completion")
        found = [li.text for li in popup.find_elements(By.TAG_NAME, "li")]
        shown = popup.is_displayed() and found and any(containing in item for item in found)
        return found if shown else None

    try:
        wait = WebDriverWait(browser, 5 if expect else 0.5,
                             ignored_exceptions=(StaleElementReferenceException,))  # fmt: skip
        return wait.until(items)
    except TimeoutException:
        if expect:
            raise
        return []


def pager(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, ".pager .range").text


def header(browser, name: str):
    from selenium.webdriver.common.by import By

    return next(b for b in browser.find_elements(By.CSS_SELECTOR, "#results th button")
                if b.text == name)  # fmt: skip


def sort_state(browser, name: str) -> str | None:
    return header(browser, name).find_element("xpath", "..").get_attribute("aria-sort")


def column(browser, index: int) -> list[str]:
    return [row[index] for row in table_cells(browser)]


def table_cells(browser) -> list[list[str]]:
    # one script call, not one round trip per cell: the table may show a thousand cells
    return browser.execute_script(
        "return [...document.querySelectorAll('#results tbody tr')]"
        ".map((row) => [...row.cells].map((cell) => cell.textContent));"
    )
