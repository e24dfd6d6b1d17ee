"""The query page end to end on the seed dataset, as a person uses it: type a query,
accept a completion, run it, page the table, look at it as a timeline and as a graph,
open its permalink and get the same results; and nothing the page does leaves the
server's own origin."""

from __future__ import annotations

from urllib.parse import urlsplit

from selenium.webdriver.common.by import By

from tests.serve.test_query_page import (
    ARTIFACTS,
    clear_editor,
    pager,
    run,
    status,
    table_cells,
    wait_for_completions,
    wait_for_status,
)

DATED = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?item ?label ?value ?precision ?copy WHERE {
  ?item kgo:date ?date ; rdfs:label ?label .
  ?date kgo:precision ?precision .
  OPTIONAL { ?date kgo:dateValue ?value }
  VALUES ?copy { 1 2 3 4 }
}
ORDER BY ?copy ?item
"""
# (four copies of every dated row: more than a page of the table)


def tabs(browser) -> dict:
    return {t.text: t for t in browser.find_elements(By.CSS_SELECTOR, "#tabs [role=tab]")}


def test_type_complete_run_page_switch_views_and_open_the_permalink(browser, seed_server):
    from selenium.webdriver.common.keys import Keys

    browser.get(f"{seed_server.url}/sparql")
    editor = clear_editor(browser)
    lines = DATED.strip().splitlines()
    editor.send_keys("\n".join(lines[:2]) + "\n  ?item kgo:da")  # offered with its label
    offered = wait_for_completions(browser)
    assert any(item.startswith("kgo:date") for item in offered)
    chosen = next(i for i, item in enumerate(offered) if item.split("\n")[0] == "kgo:date")
    editor.send_keys(*[Keys.ARROW_DOWN] * chosen, Keys.ENTER)
    editor.send_keys(" ?date ; rdfs:label ?label .\n" + "\n".join(lines[3:]))
    text = editor.get_attribute("value")
    assert "PREFIX kgo: <https://kg.example.org/ontology/>" in text  # added by the completion
    assert "?item kgo:date ?date ; rdfs:label ?label ." in text
    run(browser, keys=True)
    assert "results" in status(browser), (status(browser), text)
    first = table_cells(browser)
    assert len(first) == 100 and pager(browser).startswith("Rows 1–100 of ")
    browser.find_element(By.CSS_SELECTOR, ".pager [data-page=next]").click()
    assert pager(browser).startswith("Rows 101–")
    offered_views = tabs(browser)
    assert {"Table", "Timeline", "Graph"} <= set(offered_views)
    for view in ("Graph", "Timeline"):
        tabs(browser)[view].click()
        drawn = browser.find_element(By.CSS_SELECTOR, "#results svg[role=img]")
        assert drawn.get_attribute("aria-label")  # with its text equivalent
    ARTIFACTS.mkdir(exist_ok=True)  # the seed's dated facts on the query page, as a timeline
    browser.save_screenshot(str(ARTIFACTS / "query-page.png"))
    tabs(browser)["Table"].click()

    browser.find_element(By.ID, "copy-link").click()
    link = browser.find_element(By.ID, "permalink").get_attribute("value")
    browser.get("about:blank")
    browser.get(link)
    wait_for_status(browser)
    assert browser.find_element(By.ID, "query").get_attribute("value") == text
    assert table_cells(browser) == first

    origin = seed_server.url
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert loaded and all(f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" == origin
                          for u in loaded), loaded  # fmt: skip
    with seed_server.client() as client:
        policy = client.get("/sparql", headers={"accept": "text/html"}).headers[
            "content-security-policy"
        ]
    assert "default-src 'self'" in policy and "connect-src" not in policy.replace(
        "connect-src 'self'", ""
    )
