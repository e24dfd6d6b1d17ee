"""YASGUI, the SPARQL editor most endpoints embed, from npm, in headless Chromium, on
another origin than `kg serve`: the browser's own CORS rules apply to every request,
and the results must render in YASGUI's own table, response and error views.

The package is fetched from the npm registry once (``npm pack``, pinned) into the user's
cache; its prebuilt bundle needs nothing else. The page's origin is a second loopback
port served by Python's own HTTP server.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import REPO, built_mini_server

YASGUI = "@triply/yasgui@4.2.28"
CACHE = Path.home() / ".cache" / "kg-tests" / YASGUI.replace("/", "+")
ARTIFACTS = REPO / "tests" / "artifacts"
PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<link rel="stylesheet" href="yasgui.min.css"><script src="yasgui.min.js"></script>
</head><body><div id="yasgui"></div>
<script>
  // ?method=GET|POST; ?header=Name:value adds a request header (which needs a preflight)
  const asked = new URLSearchParams(location.search);
  const header = asked.get("header");
  window.yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      endpoint: "%(endpoint)s", method: asked.get("method") || "POST",
      headers: header ? { [header.split(":")[0]]: header.split(":")[1] } : {},
    },
    copyEndpointOnNewTab: false, persistenceId: null,
  });
</script></body></html>
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with built_mini_server(tmp_path_factory, "yasgui") as live:
        yield live


def yasgui_bundle() -> Path:
    """The package's prebuilt build/ folder, fetched with npm when not yet cached."""
    build = CACHE / "package" / "build"
    if not (build / "yasgui.min.js").exists():
        if not shutil.which("npm"):
            pytest.skip("YASGUI comes from the npm registry: install Node.js and npm")
        CACHE.mkdir(parents=True, exist_ok=True)
        packed = subprocess.run(["npm", "pack", YASGUI, "--pack-destination", str(CACHE)],
                                capture_output=True, text=True, timeout=180)  # fmt: skip
        assert packed.returncode == 0, packed.stderr[-1000:]
        with tarfile.open(CACHE / packed.stdout.strip().splitlines()[-1]) as archive:
            archive.extractall(CACHE, filter="data")
    return build


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def page(server, tmp_path_factory) -> Iterator[str]:
    """The YASGUI page's URL, on an origin of its own, pointed at the kg endpoint."""
    site = tmp_path_factory.mktemp("yasgui-site")
    for name in ("yasgui.min.js", "yasgui.min.css"):
        shutil.copy(yasgui_bundle() / name, site / name)
    (site / "index.html").write_text(PAGE % {"endpoint": f"{server.url}/sparql"})
    files = functools.partial(QuietFiles, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), files)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()


def run_in_yasgui(browser, page: str, query: str) -> str:
    """Open the page, run ``query`` as a user would, and return what YASR shows."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(page)
    WebDriverWait(browser, 10).until(lambda b: b.execute_script("return !!window.yasgui"))
    yasqe = "window.yasgui.getTab().getYasqe()"
    browser.execute_script(f"{yasqe}.setValue(arguments[0]); {yasqe}.query();", query)
    WebDriverWait(browser, 15).until(
        lambda b: b.execute_script("return !!window.yasgui.getTab().getYasr().results")
    )
    yasr = browser.find_element(By.CSS_SELECTOR, ".yasr")
    WebDriverWait(browser, 5).until(lambda b: yasr.text.strip())
    return yasr.text


MINI = "https://mini.example.org/"
PREFIXES = f"PREFIX kgo: <{MINI}ontology/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


@pytest.mark.parametrize(
    "request_config",
    ["method=POST", "method=GET", "method=POST&header=Authorization:Bearer%20token"],
    ids=["post", "get", "preflighted"],
)  # fmt: skip
def test_a_select_renders_in_yasguis_table(browser, page, request_config):
    shown = run_in_yasgui(
        browser, f"{page}?{request_config}",
        PREFIXES + "SELECT ?c ?label WHERE { ?c a kgo:Country ; rdfs:label ?label }",
    )  # fmt: skip
    assert "Atlantis" in shown and "Lemuria" in shown
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "yasgui-select.png"))


def test_a_construct_renders_as_turtle(browser, page):
    query = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a kgo:Country ; rdfs:label ?l }"
    shown = run_in_yasgui(browser, page, PREFIXES + query)
    assert '"Atlantis"@en' in shown


def test_an_ask_renders_its_answer(browser, page):
    assert "true" in run_in_yasgui(browser, page, "ASK { ?s ?p ?o }").lower()


def test_a_syntax_error_shows_kgs_short_message(browser, page):
    shown = run_in_yasgui(browser, page, "SELECT ?s WHERE { ?s ?p }")
    assert "line 1" in shown and "^" in shown
    assert len(shown) < 2000
