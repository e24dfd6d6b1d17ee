// The query page: the editor, stored and recent queries, permalinks, the results
// with their views and downloads. It talks to the endpoint with the standard
// protocol only, so what it shows is what any SPARQL client would get.
import { Editor } from "./query-editor.js";
import { Completion, loadVocabulary, suggestEntities } from "./query-completion.js";
import { ResultTable, parseNTriples } from "./query-results.js";

const HISTORY_KEY = "kg.query-history";
const HISTORY_SIZE = 20;
const DATASET_PARAMETERS = ["default-graph-uri", "named-graph-uri"];
// one Accept for every form: the endpoint answers a SELECT or ASK with SPARQL JSON and a
// CONSTRUCT or DESCRIBE with N-Triples, and the Content-Type says which it did
const ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";

const data = (id) => JSON.parse(document.getElementById(id).textContent);
const examples = data("example-data");
const prefixes = new Map(Object.entries(data("prefix-data")));
const page = data("page-data");
const endpoint = window.location.pathname;
const $ = (id) => document.getElementById(id);

const editor = new Editor($("editor"));
let vocabulary = [];
let entityRequest = null; // the suggest call in flight: a newer keystroke cancels it
new Completion(editor, $("completion"), { // it listens to the editor from now on
  prefixes,
  idSpace: page.idSpace,
  terms: () => vocabulary,
  entities(prefix) {
    entityRequest?.abort();
    entityRequest = new AbortController();
    return suggestEntities(page.suggest, page.idSpace, prefix, entityRequest.signal);
  },
});
loadVocabulary(endpoint, page.vocabularyQuery).then((terms) => { vocabulary = terms; })
  .catch(() => { /* completion still offers prefixes, variables and entities */ });

// --- links: the query in the URL ----------------------------------------------------

// default-graph-uri / named-graph-uri the page was opened with go with every request
const dataset = new URLSearchParams();
for (const [name, value] of new URLSearchParams(window.location.search)) {
  if (DATASET_PARAMETERS.includes(name)) dataset.append(name, value);
}

function queryUrl(text, extra = {}) {
  const params = new URLSearchParams({ query: text, ...extra });
  for (const [name, value] of dataset) params.append(name, value);
  return `${endpoint}?${params}`;
}

function permalink(text) {
  return new URL(queryUrl(text), window.location.href).href;
}

// A link longer than the server takes (max_url) would answer 414: say so instead.
function fitsUrl(url) {
  return new TextEncoder().encode(url).length <= page.maxUrl;
}

async function copyLink() {
  const link = permalink(editor.value);
  const field = $("permalink");
  field.value = link;
  field.hidden = false;
  if (!fitsUrl(link)) {
    setStatus("This query is too long for a link: the server takes URLs up to " +
              `${page.maxUrl.toLocaleString()} bytes.`);
    return;
  }
  try {
    await navigator.clipboard.writeText(link); // only in secure contexts (https, loopback)
    setStatus("Link copied.");
  } catch {
    field.select(); // elsewhere the link is shown, selected, for Ctrl+C
    setStatus("Link selected: press Ctrl+C to copy it.");
  }
}

// --- recent queries (this browser's localStorage) ----------------------------------

function recentQueries() {
  try {
    return JSON.parse(localStorage.getItem(HISTORY_KEY)) ?? [];
  } catch {
    return []; // storage off (private mode) or garbled: no history, nothing breaks
  }
}

function remember(text) {
  const kept = [{ query: text, at: new Date().toISOString() },
                ...recentQueries().filter((entry) => entry.query !== text)].slice(0, HISTORY_SIZE);
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(kept));
  } catch { /* storage full or off: the query still ran */ }
  showHistory();
}

// A query's gist for the list: its text without prefixes, comments and runs of spaces.
function summary(text) {
  const code = text.split("\n").filter((line) => !/^\s*(#|PREFIX\b|BASE\b)/i.test(line)).join(" ");
  const gist = code.replace(/\s+/g, " ").trim();
  return gist.length > 90 ? gist.slice(0, 89) + "…" : gist;
}

function showHistory() {
  const select = $("history");
  const entries = recentQueries();
  select.replaceChildren(new Option(entries.length ? "— queries run in this browser —"
    : "— none yet —", ""));
  entries.forEach((entry, index) => {
    const when = new Date(entry.at).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
    const option = new Option(`${summary(entry.query)} · ${when}`, String(index));
    option.title = entry.query;
    select.add(option);
  });
}

// --- running a query ----------------------------------------------------------------

let running = null; // the request in flight: a new run cancels it
let table = null;
let current = null; // {result, query} of the last answer, for the views

function setStatus(text) {
  $("status").textContent = text;
}

function showError(message, hint) {
  const box = document.createElement("pre");
  box.className = "error";
  box.textContent = message + (hint ? `\nhint: ${hint}` : "");
  $("results").replaceChildren(box);
  $("output").hidden = false;
  $("result-bar").hidden = true; // no views and nothing to download for an error
}

// A syntax error names its place ("… at line 3, column 7: expected …"): mark it there.
function markSyntaxError(message) {
  const where = /line (\d+), column (\d+): ([^\n]*)/.exec(message);
  const note = $("editor-error");
  if (!where) return;
  editor.markError(Number(where[1]), Number(where[2]), where[3]);
  note.textContent = `Line ${where[1]}, column ${where[2]}: ${where[3]}`;
  note.hidden = false;
}

function clearSyntaxError() {
  editor.clearError();
  $("editor-error").hidden = true;
}

async function runQuery() {
  const text = editor.value;
  running?.abort();
  running = new AbortController();
  clearSyntaxError();
  setStatus("Running…");
  remember(text);
  const link = permalink(text);
  if (fitsUrl(link)) window.history.replaceState(null, "", link); // reload = run again
  const started = performance.now();
  try {
    const response = await fetch(endpoint + (dataset.size ? `?${dataset}` : ""), {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": ACCEPT },
      body: text,
      signal: running.signal,
    });
    const body = await response.text();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (!response.ok) {
      let error = { message: `HTTP ${response.status}` };
      try {
        error = JSON.parse(body);
      } catch { /* not kg's JSON error body (a proxy's page?): keep the status */ }
      showError(error.message, error.hint);
      if (error.error === "malformed-query") markSyntaxError(error.message);
      setStatus(`Failed after ${seconds} s (HTTP ${response.status})`);
      return;
    }
    const graph = response.headers.get("Content-Type").startsWith("application/n-triples");
    const result = graph ? parseNTriples(body) : { kind: "select", ...JSON.parse(body) };
    show(result, text);
    const count = graph ? result.triples.length : result.results?.bindings.length;
    const what = "boolean" in result ? `Answer: ${result.boolean}`
      : `${count.toLocaleString()} ${graph ? "triple" : "result"}${count === 1 ? "" : "s"}`;
    setStatus(`${what} in ${seconds} s`);
  } catch (error) {
    if (error.name === "AbortError") return;
    showError(String(error));
    setStatus("Failed");
  }
}

// --- results: the table, the views, the downloads ----------------------------------

// the dataset's own IRIs open here, as pages; other web IRIs where they live
function hrefFor(iri) {
  if (iri.startsWith(page.baseIri)) return page.localBase + iri.slice(page.baseIri.length);
  return /^https?:\/\//i.test(iri) ? iri : null; // never a javascript: or data: link
}

// the table shows prefixed names (exact, and what one writes in a query); the views,
// drawn for reading, the ontology's labels where it has them
function shortName(iri) {
  let best = null; // the longest namespace, whether or not the rest is a legal local name
  for (const [name, namespace] of prefixes) {
    const longer = namespace.length > (best?.[1].length ?? 0);
    if (iri.startsWith(namespace) && iri !== namespace && longer) best = [name, namespace];
  }
  return best ? `${best[0]}:${iri.slice(best[1].length)}` : iri;
}
const tableOptions = { hrefFor, label: shortName };
const viewOptions = {
  hrefFor,
  label: (iri) => vocabulary.find((term) => term.iri === iri)?.label || shortName(iri),
};

function show(result, text) {
  current = { result, text };
  $("output").hidden = false;
  $("result-bar").hidden = false;
  showDownloads(result.kind === "graph" ? "rdf" : "results", text);
  if ("boolean" in result) {
    const answer = document.createElement("p");
    answer.className = "boolean";
    answer.textContent = String(result.boolean);
    $("results").replaceChildren(answer);
    setTabs([]);
    return;
  }
  setTabs(availableViews(result));
  const chosen = $("tabs").querySelector('[aria-selected="true"]').dataset.view;
  showView(chosen);
}

// What the views library (static/views.js, another part of the page) can draw for
// this result; none when it is not there or fails: the table is always there.
function availableViews(result) {
  try {
    return window.kgViews?.available(result) ?? [];
  } catch (error) {
    console.error("kgViews.available failed", error);
    return [];
  }
}

function setTabs(views) {
  const tabs = $("tabs");
  const selected = tabs.querySelector('[aria-selected="true"]')?.dataset.view;
  const all = [{ name: "table", label: "Table" }, ...views];
  const keep = all.some((view) => view.name === selected) ? selected : "table"; // stay on it
  tabs.replaceChildren(...all.map((view) => {
    const tab = document.createElement("button");
    tab.type = "button";
    tab.setAttribute("role", "tab");
    tab.dataset.view = view.name;
    tab.textContent = view.label;
    tab.setAttribute("aria-selected", String(view.name === keep));
    return tab;
  }));
}

function showView(name) {
  for (const tab of $("tabs").children) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  }
  const { result } = current;
  const box = $("results");
  if (name === "table") {
    table ??= new ResultTable(box, tableOptions);
    if (result.kind === "graph") {
      const columns = [["s", "subject"], ["p", "predicate"], ["o", "object"]];
      table.show(columns.map(([key, title]) => ({ name: key, title })), result.triples);
    } else {
      const columns = result.head.vars.map((name) => ({ name, title: "?" + name }));
      table.show(columns, result.results.bindings);
    }
    return;
  }
  const view = document.createElement("div");
  view.className = "view";
  box.replaceChildren(view);
  try {
    window.kgViews.render(name, view, result, viewOptions);
  } catch (error) {
    const failed = document.createElement("p");
    failed.className = "error";
    failed.textContent = `This view could not be drawn: ${error.message}`;
    box.replaceChildren(failed);
  }
}

// Links that ask the endpoint for the query as run, in each format it offers for the
// query's form. A link too long for a URL is sent as a form POST instead.
function showDownloads(kind, text) {
  for (const link of $("downloads").querySelectorAll("a")) {
    link.hidden = link.dataset.kind !== kind;
    if (link.hidden) continue;
    link.href = queryUrl(text, { format: link.dataset.format });
    link.download = `query-results.${link.dataset.extension}`;
  }
}

function downloadByPost(link) {
  const form = document.createElement("form");
  form.method = "POST";
  form.action = endpoint + (dataset.size ? `?${dataset}` : "");
  for (const [name, value] of [["query", current.text], ["format", link.dataset.format]]) {
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    field.value = value;
    form.append(field);
  }
  document.body.append(form);
  form.submit();
  form.remove();
}

// --- wiring ---------------------------------------------------------------------------

editor.textarea.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    runQuery();
  }
});
$("run").addEventListener("click", runQuery);
$("copy-link").addEventListener("click", copyLink);
$("tabs").addEventListener("click", (event) => {
  const tab = event.target.closest("[role=tab]");
  if (tab && current) showView(tab.dataset.view);
});
$("downloads").addEventListener("click", (event) => {
  const link = event.target.closest("a");
  if (link && !fitsUrl(new URL(link.href).href)) {
    event.preventDefault();
    downloadByPost(link);
  }
});
$("examples").addEventListener("change", (event) => {
  const chosen = examples[Number(event.target.value)];
  if (!chosen) return;
  editor.value = chosen.text;
  $("example-description").textContent = chosen.description;
  clearSyntaxError();
});
$("history").addEventListener("change", (event) => {
  const chosen = recentQueries()[Number(event.target.value)];
  if (!chosen) return;
  editor.value = chosen.query;
  clearSyntaxError();
  event.target.value = "";
});
showHistory();
if (page.run) runQuery(); // opened from a permalink: /sparql?query=…
