"""The pictures (static/views.js) in headless Chromium, on the seed server: the landing
page's and the article page's pictures, and the views the query page draws, fed by
/sparql. Screenshots go to tests/artifacts/ (landing-page.png, article-page.png)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
ARTICLE = "/id/article/china-fentanyl-tariffs"
STANCE = "https://kg.example.org/ontology/stance/"
PRC_GOVERNMENT = "https://kg.example.org/id/government/china"
TRUMP_ADMINISTRATION = "https://kg.example.org/id/administration/second-trump-administration"
CONDEMNS = "https://kg.example.org" + ARTICLE + "/statement/china-condemns-tariffs"
SELECT_JSON = "application/sparql-results+json"
PREFIXES = """PREFIX kgo: <https://kg.example.org/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

# Runs a query on /sparql from the page, as the query page does, then asks views.js
# which views fit and draws one (the first offered, or the one named) in a new box.
DRAW = """
const [query, accept, view, done] = arguments;
// N-Triples, one triple a line, into the terms of SPARQL JSON results (test-only reader)
function nTriples(text) {
  const term = /<([^>]*)>|_:(\\S+)|"((?:[^"\\\\]|\\\\.)*)"(?:@([\\w-]+)|\\^\\^<([^>]*)>)?/g;
  return text.split("\\n").filter((line) => line.trim()).map((line) => {
    const terms = [];
    let m;
    term.lastIndex = 0;
    while (terms.length < 3 && (m = term.exec(line))) {
      if (m[1] !== undefined) terms.push({ type: "uri", value: m[1] });
      else if (m[2] !== undefined) terms.push({ type: "bnode", value: m[2] });
      else terms.push({ type: "literal", value: JSON.parse('"' + m[3] + '"'),
                        ...(m[4] ? { "xml:lang": m[4] } : {}),
                        ...(m[5] ? { datatype: m[5] } : {}) });
    }
    return { s: terms[0], p: terms[1], o: terms[2] };
  });
}
(async () => {
  const response = await fetch("/sparql", { method: "POST", body: query,
    headers: { "Content-Type": "application/sparql-query", Accept: accept } });
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  const body = await response.text();
  const result = accept.includes("json") ? { kind: "select", ...JSON.parse(body) }
                                         : { kind: "graph", triples: nTriples(body) };
  const offered = kgViews.available(result);
  document.getElementById("drawn")?.remove();
  const box = document.createElement("div");
  box.id = "drawn";
  document.querySelector("main").prepend(box);
  const name = view || offered[0].name;
  const started = performance.now();
  const svg = kgViews.render(name, box, result, {});
  return { offered: offered.map((o) => o.name), drawn: name, ms: performance.now() - started,
           size: result.triples ? result.triples.length : result.results.bindings.length,
           role: svg.getAttribute("role"), label: svg.getAttribute("aria-label") };
})().then(done, (error) => done({ error: String(error) }));
"""


def draw(browser, server, query: str, *, accept: str = SELECT_JSON, view: str | None = None):
    """What views.js offers for the query's result and drew (in ``#drawn``)."""
    if not browser.current_url.startswith(server.url):
        browser.get(server.url + "/")  # a page that loads views.js
    browser.set_script_timeout(30)
    outcome = browser.execute_async_script(DRAW, query, accept, view)
    assert "error" not in outcome, outcome["error"]
    return outcome


def attributes(browser, selector: str, *names: str) -> list[dict[str, str]]:
    """The attributes of every element matching ``selector`` (SVG included)."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((e) => "
        "Object.fromEntries(arguments[1].map((n) => [n, e.getAttribute(n)])));",
        selector, list(names),
    )  # fmt: skip


def screenshot(browser, name: str, first: str, last: str) -> None:
    """The stretch of the page from ``first``'s top to ``last``'s bottom, whole pictures
    at full size, then the window as it was."""
    size = browser.get_window_size()
    top, bottom, chrome = browser.execute_script(
        "const [first, last] = [arguments[0], arguments[1]].map((s) => document.querySelector(s));"
        "return [first.getBoundingClientRect().top + window.scrollY - 16,"
        "        last.getBoundingClientRect().bottom + window.scrollY + 16,"
        "        window.outerHeight - window.innerHeight];",
        first, last,
    )  # fmt: skip
    browser.set_window_size(size["width"], int(bottom - top + chrome))
    browser.execute_script("window.scrollTo(0, arguments[0])", top)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / name))
    browser.set_window_size(size["width"], size["height"])


def wait_for(browser, selector: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 10).until(
        ready.presence_of_element_located((By.CSS_SELECTOR, selector))
    )


@pytest.fixture
def article_page(browser, seed_server):
    browser.get(seed_server.url + ARTICLE)
    wait_for(browser, "#who-said-what svg[role=img]")
    wait_for(browser, "#timeline svg[role=img]")
    return browser


def test_the_pictures_stand_together_before_the_text(article_page):
    """Who said what and the timeline, one after the other, where a reader lands on the
    page, not after seventeen sentences of reading view."""
    top = {name: article_page.execute_script(
        f"return document.querySelector('{name}').getBoundingClientRect().top + scrollY")
        for name in ("#who-said-what", "#timeline", "section.reading")}  # fmt: skip
    assert top["#who-said-what"] < top["#timeline"] < top["section.reading"]


def test_article_page_draws_who_said_what_about_whom(article_page):
    svg = wait_for(article_page, "#who-said-what svg")
    assert svg.get_attribute("aria-label").startswith(
        "Speakers, their statements by stance, and the statements' targets. "
        "Graph of speaker → statement → target"
    )
    nodes = attributes(article_page, "#who-said-what .kg-node", "data-iri", "data-layer",
                       "data-category")  # fmt: skip
    speakers = {n["data-iri"] for n in nodes if n["data-layer"] == "speaker"}
    targets = {n["data-iri"] for n in nodes if n["data-layer"] == "target"}
    assert {PRC_GOVERNMENT, TRUMP_ADMINISTRATION} <= speakers
    assert {PRC_GOVERNMENT, TRUMP_ADMINISTRATION} <= targets  # spoken about, too
    statements = [n for n in nodes if n["data-layer"] == "statement"]
    assert len(statements) == 28 and all(n["data-category"].startswith(STANCE) for n in statements)
    by_iri = {n["data-iri"]: n for n in statements}
    assert by_iri[CONDEMNS]["data-category"] == STANCE + "condemn"


def test_article_picture_colours_statements_by_stance_with_a_legend(article_page):
    legend = {item["data-category"]: item for item in attributes(
        article_page, "#who-said-what .kg-legend-item", "data-category")}  # fmt: skip
    swatches = article_page.execute_script(
        "return Object.fromEntries([...document.querySelectorAll("
        "'#who-said-what .kg-legend-item')].map((item) => [item.dataset.category, "
        "item.querySelector('rect').getAttribute('fill')]));"
    )
    boxes = article_page.execute_script(
        "return [...document.querySelectorAll('#who-said-what .kg-node[data-category]')]"
        ".map((node) => [node.dataset.category, node.querySelector('rect').getAttribute('fill')]);"
    )
    stances = {category for category, _ in boxes}
    assert set(legend) == stances  # the legend names every stance drawn, and only those
    assert {STANCE + "condemn", STANCE + "criticize", STANCE + "reject"} <= stances
    assert all(fill == swatches[category] for category, fill in boxes)
    assert len(set(swatches.values())) == len(swatches)  # one colour per stance
    texts = [t.text for t in article_page.find_elements(
        "css selector", "#who-said-what .kg-legend-item text")]  # fmt: skip
    assert {"condemn", "reject", "assert"} <= set(texts)


def test_article_pictures_have_text_equivalents(article_page):
    text = article_page.find_element("css selector", "#who-said-what .picture-text")
    assert "kg-visually-hidden" in text.get_attribute("class")  # out of sight, still read
    table = text.find_element("css selector", "table")
    rows = [r.get_attribute("textContent") for r in table.find_elements("css selector", "tbody tr")]
    assert len(rows) == 28
    assert any("Government of the People's Republic of China" in r and "condemn" in r
               and "US tariffs on imports from China" in r for r in rows)  # fmt: skip
    timeline = article_page.find_element("css selector", "#timeline svg")
    assert timeline.get_attribute("aria-label").startswith(
        "What the article dates, by when it was said, happened or began. Timeline of 37 dated items"
    )
    shown = article_page.find_elements("css selector", "#timeline table tbody tr")
    assert len(shown) == 37 and shown[0].is_displayed()  # the timeline's table stays in sight
    marks = attributes(article_page, "#timeline .kg-entry", "class", "data-precision")
    assert len(marks) == 37
    assert {m["class"] for m in marks if m["data-precision"] == "day"} == {"kg-entry kg-point"}
    assert {m["class"] for m in marks if m["data-precision"] in ("month", "year")} == {
        "kg-entry kg-bar"}  # fmt: skip
    assert {m["class"] for m in marks if m["data-precision"] == "week"} == {"kg-entry kg-range"}
    screenshot(article_page, "article-page.png", "#who-said-what", "#timeline figure")


def test_article_page_says_it_all_without_javascript(seed_server):
    """The data blocks are JSON, not code, and the tables are in the HTML as served."""
    with seed_server.client() as client:
        page = client.get(f"{ARTICLE}.html").text
    block = page.split('<script type="application/json" id="statements-data">', 1)[1]
    data = json.loads(block.split("</script>", 1)[0])
    assert data["kind"] == "select" and data["head"]["vars"][:4] == [
        "speaker", "statement", "stance", "target"]  # fmt: skip
    table = page.split('<section class="said"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 29 and "/id/government/china" in table  # header + 28 rows


def test_landing_page_draws_the_dataset_at_a_glance(browser, seed_server):
    browser.get(seed_server.url + "/")
    for source in ("months-data", "speakers-data", "stances-data"):
        wait_for(browser, f"figure[data-source={source}].drawn svg[role=img]")
    labels = [svg.get_attribute("aria-label") for svg in
              browser.find_elements("css selector", ".glance svg")]  # fmt: skip
    assert labels[0].startswith("Articles by month of publication. Bar chart of articles by month")
    assert labels[1].startswith("The most frequent speakers, by statements. Bar chart")
    assert labels[2].startswith("Statements by stance. Bar chart of statements by stanceLabel")
    months = browser.find_elements("css selector", "[data-source=months-data] .kg-bar")
    assert len(months) == 1 and "2025-03: 1" in months[0].get_attribute("textContent")
    bars = attributes(browser, "[data-source=speakers-data] .kg-bar a", "href")
    hrefs = [a["href"] for a in bars]
    assert len(hrefs) == 10 and "/id/government/china" in hrefs  # through the serving origin
    texts = browser.find_elements("css selector", ".glance .picture-text")
    assert len(texts) == 3
    for text in texts:
        assert "kg-visually-hidden" in text.get_attribute("class")
        assert text.find_elements("css selector", "table tbody tr")
    screenshot(browser, "landing-page.png", "nav.top", ".glance")


def test_a_stance_has_one_colour_on_every_page(browser, seed_server):
    browser.get(seed_server.url + "/")
    wait_for(browser, "[data-source=stances-data].drawn svg")
    on_landing = dict(browser.execute_script(
        "return [...document.querySelectorAll('[data-source=stances-data] .kg-bar')].map("
        "(bar) => [bar.querySelector('a').getAttribute('href'), "
        "bar.querySelector('rect').getAttribute('fill')]);"
    ))  # fmt: skip
    browser.get(seed_server.url + ARTICLE)
    wait_for(browser, "#who-said-what svg")
    in_article = browser.execute_script(
        "return Object.fromEntries([...document.querySelectorAll("
        "'#who-said-what .kg-legend-item')].map((item) => [item.dataset.category, "
        "item.querySelector('rect').getAttribute('fill')]));"
    )
    assert len(on_landing) == 10
    for iri, fill in in_article.items():
        assert on_landing["/" + iri.split("/", 3)[3]] == fill


def test_views_offer_a_timeline_for_the_stored_timeline_query(browser, seed_server):
    query = (REPO / "sparql" / "timeline.rq").read_text(encoding="utf-8")
    drawn = draw(browser, seed_server, query)
    assert drawn["offered"][0] == "timeline" and "bar" not in drawn["offered"]
    assert drawn["role"] == "img" and drawn["label"].startswith("Timeline of ")
    marks = attributes(browser, "#drawn .kg-entry", "class", "data-precision")
    assert len(marks) == drawn["size"]  # every row has a date, a value or a bound
    kinds = {m["data-precision"]: m["class"].split()[-1] for m in marks}
    assert kinds["day"] == "kg-point" and kinds["month"] == kinds["year"] == "kg-bar"
    assert kinds["week"] == "kg-range"
    hidden = browser.find_element("css selector", "#drawn .kg-visually-hidden table")
    assert len(hidden.find_elements("css selector", "tbody tr")) == drawn["size"]
    links = [a["href"] for a in attributes(browser, "#drawn svg a", "href")]
    assert links and all(h.startswith("/id/article/") for h in links)  # on this server


def test_views_draw_a_graph_for_a_construct_result(browser, seed_server):
    query = (
        PREFIXES
        + """CONSTRUCT { ?statement kgo:speaker ?speaker ; kgo:target ?target .
                                       ?speaker rdfs:label ?label }
    WHERE { ?statement kgo:speaker ?speaker ; kgo:target ?target .
            OPTIONAL { ?speaker rdfs:label ?label } }"""
    )
    drawn = draw(browser, seed_server, query, accept="application/n-triples")
    assert drawn["offered"] == ["graph"] and drawn["role"] == "img"
    nodes = attributes(browser, "#drawn .kg-node", "data-iri", "transform")
    assert {PRC_GOVERNMENT, TRUMP_ADMINISTRATION} <= {n["data-iri"] for n in nodes}
    assert all(n["transform"].startswith("translate(") for n in nodes)  # laid out
    titles = {t.get_attribute("textContent") for t in
              browser.find_elements("css selector", "#drawn .kg-node > title")}  # fmt: skip
    assert "Trump administration (2025–)" in titles  # rdfs:label names the node
    links = browser.find_elements("css selector", "#drawn .kg-link")
    edges = browser.find_elements("css selector", "#drawn .kg-visually-hidden table tbody tr")
    assert len(links) == len(edges) > 10
    assert drawn["label"] == f"Graph of {len(nodes)} nodes and {len(links)} links"


def test_views_draw_a_bar_chart_for_labels_and_counts(browser, seed_server):
    query = (
        PREFIXES
        + """SELECT ?label (COUNT(?statement) AS ?statements) WHERE {
        ?statement kgo:stance ?stance . ?stance skos:prefLabel ?label }
      GROUP BY ?label ORDER BY DESC(?statements) ?label"""
    )
    drawn = draw(browser, seed_server, query)
    assert drawn["offered"] == ["bar"] and drawn["role"] == "img"
    assert drawn["label"] == ("Bar chart of statements by label, 10 bars; "
                              "the largest is assert (15)")  # fmt: skip
    bars = browser.find_elements("css selector", "#drawn .kg-bar")
    assert len(bars) == 10
    assert bars[0].get_attribute("textContent").startswith("assert")


def test_no_bar_chart_for_rows_that_carry_more_than_a_label_and_a_number(browser, seed_server):
    query = (
        PREFIXES
        + """SELECT ?sentence ?n ?text ?article WHERE {
        ?sentence kgo:sentenceNumber ?n ; kgo:text ?text ; kgo:inArticle ?article } LIMIT 20"""
    )
    assert "bar" not in draw(browser, seed_server, query)["offered"]


def test_views_draw_at_most_300_and_say_so(browser, seed_server):
    rows = draw(browser, seed_server, "SELECT ?s (1 AS ?n) WHERE { ?s ?p ?o } LIMIT 400",
                view="bar")  # fmt: skip
    assert rows["size"] == 400
    assert len(browser.find_elements("css selector", "#drawn .kg-bar")) == 300
    assert (
        "Showing the first 300 of 400 rows"
        in browser.find_element("css selector", "#drawn .kg-view-note").text
    )
    graph = draw(browser, seed_server, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                 accept="application/n-triples")  # fmt: skip
    assert graph["size"] > 3000
    assert len(browser.find_elements("css selector", "#drawn .kg-node")) == 300
    assert (
        "Showing the first 300 of"
        in browser.find_element("css selector", "#drawn .kg-view-note").text
    )
    assert graph["ms"] < 5000  # the layout settles in a moment, even at the cap


def test_views_link_only_web_iris(browser, seed_server):
    """A result is data from anywhere: a javascript: IRI is drawn, never linked."""
    browser.get(seed_server.url + "/")
    hrefs = browser.execute_script("""
        const box = document.createElement("div");
        document.querySelector("main").prepend(box);
        const uri = (value) => ({ type: "uri", value });
        const count = { type: "literal", value: "2",
                        datatype: "http://www.w3.org/2001/XMLSchema#integer" };
        const china = uri("https://kg.example.org/id/country/china");
        kgViews.render("bar", box, { kind: "select", head: { vars: ["x", "n"] },
          results: { bindings: [{ x: uri("javascript:alert(1)"), n: count },
                                { x: china, n: count }] } },
          { hrefFor: (iri) => iri });
        return [...box.querySelectorAll("a")].map((a) => a.getAttribute("href"));
    """)
    assert hrefs and set(hrefs) == {"https://kg.example.org/id/country/china"}


@pytest.mark.parametrize("path", ["/", ARTICLE])
def test_hidden_text_equivalents_do_not_widen_the_page(browser, seed_server, path):
    """Regression: a visually hidden table keeps its full width and scrolled the page
    sideways; hidden in a clipped box it takes no room."""
    browser.get(seed_server.url + path)
    wait_for(browser, "figure.drawn svg")
    wide, shown = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide <= shown
