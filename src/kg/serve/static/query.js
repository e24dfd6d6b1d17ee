// The query page: an editor with highlighting, stored examples, a results table
// and download links. It talks to /sparql with the standard protocol only.
"use strict";

const editor = document.getElementById("query");
const overlay = document.getElementById("highlight");
const statusLine = document.getElementById("status");
const resultsBox = document.getElementById("results");
const downloads = document.getElementById("downloads");
const examples = JSON.parse(document.getElementById("example-data").textContent);
const endpoint = window.location.pathname;

function refreshHighlight() {
  overlay.innerHTML = highlightSparql(editor.value);
  overlay.scrollTop = editor.scrollTop;
  overlay.scrollLeft = editor.scrollLeft;
}

function queryForm(text) {
  const words = text.replace(/#[^\n]*/g, "").match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
  return words ? words[1].toUpperCase() : "SELECT";
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri" && /^https?:\/\//i.test(term.value)) {
    // only web IRIs become links: a javascript: or data: IRI in a result stays text
    const link = document.createElement("a");
    link.href = term.value;
    link.textContent = term.value;
    td.appendChild(link);
  } else {
    td.textContent = term.value;
    if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
    else if (term.datatype) td.title = term.datatype;
  }
  td.className = "term-" + term.type;
  return td;
}

function showTable(data) {
  resultsBox.replaceChildren();
  if ("boolean" in data) {
    const answer = document.createElement("p");
    answer.className = "boolean";
    answer.textContent = data.boolean ? "true" : "false";
    resultsBox.appendChild(answer);
    return 1;
  }
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of data.head.vars) {
    const th = document.createElement("th");
    th.textContent = "?" + name;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const name of data.head.vars) row.appendChild(cell(binding[name]));
  }
  resultsBox.appendChild(table);
  return data.results.bindings.length;
}

function showText(text) {
  const pre = document.createElement("pre");
  pre.className = "graph";
  pre.textContent = text;
  resultsBox.replaceChildren(pre);
}

function showError(message) {
  const box = document.createElement("pre");
  box.className = "error";
  box.textContent = message;
  resultsBox.replaceChildren(box);
}

function updateDownloads(text) {
  const kind = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(text)) ? "rdf" : "results";
  for (const link of downloads.querySelectorAll("a")) {
    link.hidden = link.dataset.kind !== kind;
    const params = new URLSearchParams({ query: text, format: link.dataset.format });
    link.href = endpoint + "?" + params.toString();
  }
  downloads.hidden = false;
}

async function runQuery() {
  const text = editor.value;
  const graph = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(text));
  statusLine.textContent = "Running…";
  const started = performance.now();
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/sparql-query",
        "Accept": graph ? "text/turtle" : "application/sparql-results+json",
      },
      body: text,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (!response.ok) {
      let message = `HTTP ${response.status}`;
      try {
        const body = await response.json();
        message += `: ${body.message}` + (body.hint ? `\nhint: ${body.hint}` : "");
      } catch (ignored) { /* a body that is not JSON: keep the status */ }
      showError(message);
      statusLine.textContent = `Failed after ${seconds} s`;
      return;
    }
    if (graph) {
      showText(await response.text());
      statusLine.textContent = `Graph in ${seconds} s`;
    } else {
      const rows = showTable(await response.json());
      statusLine.textContent = `${rows} result${rows === 1 ? "" : "s"} in ${seconds} s`;
    }
    updateDownloads(text);
  } catch (error) {
    showError(String(error));
    statusLine.textContent = "Failed";
  }
}

editor.addEventListener("input", refreshHighlight);
editor.addEventListener("scroll", refreshHighlight);
editor.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    runQuery();
  }
});
document.getElementById("run").addEventListener("click", runQuery);
document.getElementById("examples").addEventListener("change", (event) => {
  const chosen = examples[Number(event.target.value)];
  if (!chosen) return;
  editor.value = chosen.text;
  document.getElementById("example-description").textContent = chosen.description;
  refreshHighlight();
});
const fromUrl = new URLSearchParams(window.location.search).get("q");
if (fromUrl) editor.value = fromUrl;
refreshHighlight();
