"""The query page in headless Chromium (Debian's chromium and chromium-driver)."""

from __future__ import annotations

from tests.conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"


def test_type_a_query_run_it_and_see_the_table(browser, mini_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{mini_server.url}/sparql")
    editor = browser.find_element(By.ID, "query")
    assert "PREFIX kgo:" in editor.get_attribute("value")
    editor.clear()
    editor.send_keys(
        "PREFIX kgo: <https://mini.example.org/ontology/>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?country ?label WHERE { ?country a kgo:Country ; rdfs:label ?label } "
        "ORDER BY ?label"
    )
    # the editor highlights what was typed
    assert browser.find_elements(By.CSS_SELECTOR, "#highlight .tok-keyword")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 10).until(
        ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr"))
    )
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results th")]
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "#results td.term-literal")]
    assert headers == ["?country", "?label"]
    assert cells == ["Atlantis", "Lemuria"]
    links = browser.find_elements(By.CSS_SELECTOR, "#downloads a:not([hidden])")
    assert {link.text for link in links} >= {"SPARQL JSON", "CSV", "TSV", "SPARQL XML"}
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "query-page.png"))


def test_stored_examples_load_into_the_editor(browser, mini_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(f"{mini_server.url}/sparql")
    Select(browser.find_element(By.ID, "examples")).select_by_visible_text("Countries")
    assert "SELECT ?country ?label" in browser.find_element(By.ID, "query").get_attribute("value")
    assert "Every country" in browser.find_element(By.ID, "example-description").text
