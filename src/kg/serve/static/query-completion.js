// Completion for the query editor: what to offer at the caret, and the popup that
// offers it.
//
// Sources: the dataset's prefixes (accepting one adds its PREFIX line when the query
// lacks it), the ontology's classes, properties and concepts with their labels and
// comments (read once, by a SPARQL query through the endpoint itself, so the page
// needs no API of its own), the query's own variables, keywords, and entities from
// the reconciliation service's suggest API. After a known prefix (`kgo:`) the popup
// opens by itself; everywhere else on Ctrl+Space, so that Enter still means newline
// while one types keywords and variables.
import { SPARQL_KEYWORDS, declaredPrefixes, sparqlTokens } from "./sparql-highlight.js";

const MAX_SHOWN = 50;
const RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const RDFS = "http://www.w3.org/2000/01/rdf-schema#";
const OWL = "http://www.w3.org/2002/07/owl#";
const SKOS = "http://www.w3.org/2004/02/skos/core#";
const KIND_OF = {
  [OWL + "Class"]: "class", [RDFS + "Class"]: "class", [SKOS + "Concept"]: "concept",
  [OWL + "ObjectProperty"]: "property", [OWL + "DatatypeProperty"]: "property",
  [OWL + "AnnotationProperty"]: "property", [RDF + "Property"]: "property",
};
// what a name may be after the colon without escapes (PN_LOCAL, simplified)
const LOCAL_NAME = /^[\p{L}\p{N}_](?:[\p{L}\p{N}_.\-]*[\p{L}\p{N}_\-])?$/u;

// The ontology's terms, read once by the query the server hands the page (its
// sparql-builtin/vocabulary.rq): those the ontology graph declares, the paths and
// classes the shapes use, and the properties the ontology itself is written with.
export async function loadVocabulary(endpoint, query) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query",
               "Accept": "application/sparql-results+json" },
    body: query,
  });
  if (!response.ok) throw new Error(`vocabulary: HTTP ${response.status}`);
  const terms = new Map();
  for (const row of (await response.json()).results.bindings) {
    const iri = row.term.value;
    const term = terms.get(iri) ?? { iri, kind: "property", label: "", comment: "", english: {} };
    const kind = KIND_OF[row.kind?.value];
    // a term declared a class (or concept) is one, whatever else uses it as a property
    if (kind && kind !== "property") term.kind = kind;
    for (const key of ["label", "comment"]) {
      // English (or untagged) text wins over other languages, else the first found
      const literal = row[key];
      const english = literal && (!literal["xml:lang"] || literal["xml:lang"].startsWith("en"));
      if (literal && (!term[key] || (english && !term.english[key]))) {
        term[key] = literal.value;
        term.english[key] = english;
      }
    }
    terms.set(iri, term);
  }
  return [...terms.values()];
}

// The dataset's entities whose names start with `prefix` (the suggest API that
// OpenRefine also uses), as completions that insert the full IRI: their ids hold
// slashes, which a prefixed name cannot.
export async function suggestEntities(url, idSpace, prefix, signal) {
  const response = await fetch(`${url}?${new URLSearchParams({ prefix })}`, { signal });
  if (!response.ok) return [];
  const { result } = await response.json();
  return result.map((entity) => {
    const iri = /^https?:/.test(entity.id) ? entity.id : idSpace + entity.id;
    return { text: entity.name, detail: "entity", info: entity.description ?? iri,
             insert: `<${iri}>` };
  });
}

// What the caret is in: {kind, text, from, to} for the run of name characters before
// it, or null inside a comment, a string or an IRI (nothing to complete there).
export function tokenAt(text, caret) {
  for (const token of sparqlTokens(text)) {
    if (token.start >= caret) break;
    // just after a closed string or IRI is outside it; at the end of a comment, still in
    const closed = token.end === caret && /[>"']$/.test(token.text);
    if (token.end >= caret && ["comment", "string", "iri"].includes(token.kind) && !closed) {
      return null;
    }
  }
  const before = /[?$]?[\p{L}\p{N}_.\-:]*$/u.exec(text.slice(Math.max(0, caret - 200), caret))[0];
  // part of an IRI being typed (<http://ex…), a language tag or a comment: not a name
  if (/[<\/@#"']/.test(text.charAt(caret - before.length - 1))) return null;
  const kind = /^[?$]/.test(before) ? "variable" : before.includes(":") ? "pname" : "word";
  const previous = /(\S+)\s+$/.exec(text.slice(Math.max(0, caret - before.length - 200),
                                               caret - before.length));
  return { kind, text: before, from: caret - before.length, to: caret,
           afterPrefix: previous?.[1].toUpperCase() === "PREFIX" };
}

// The prefixed name for `iri` under the longest namespace that leaves a plain local
// name, with the declaration it needs; or the IRI in brackets.
export function compact(iri, prefixes) {
  let best = null;
  for (const [name, namespace] of prefixes) {
    const local = iri.slice(namespace.length);
    if (iri.startsWith(namespace) && LOCAL_NAME.test(local) &&
        (!best || namespace.length > best.namespace.length)) best = { name, namespace, local };
  }
  return best ? { text: `${best.name}:${best.local}`, declare: [best.name, best.namespace] }
    : { text: `<${iri}>` };
}

// Completions at the caret: {from, to, items, more?} or null. `more` is a promise of
// entity suggestions, which arrive after the rest.
export function completionsAt(text, caret, { explicit, sources }) {
  const token = tokenAt(text, caret);
  if (!token) return null;
  const prefixes = new Map([...sources.prefixes, ...declaredPrefixes(text)]);
  const typed = token.text;
  const at = { from: token.from, to: token.to };
  if (token.afterPrefix) { // PREFIX kg… : the whole declaration
    const wanted = typed.replace(/:$/, "").toLowerCase();
    const items = [...sources.prefixes].filter(([name]) => name.startsWith(wanted))
      .map(([name, iri]) => `${name}: <${iri}>`)
      .map((declaration) => ({ text: declaration, detail: "prefix", insert: declaration }));
    return items.length ? { ...at, items } : null;
  }
  if (token.kind === "variable") {
    if (!explicit) return null;
    const seen = new Set([...sparqlTokens(text)]
      .filter((t) => t.kind === "variable" && t.end !== caret)
      .map((t) => "?" + t.text.slice(1))); // ?x and $x are the same variable
    const start = "?" + typed.slice(1);
    const items = [...seen].filter((name) => name.startsWith(start) && name !== typed)
      .sort().map((name) => ({ text: name, detail: "variable", insert: name }));
    return items.length ? { ...at, items } : null;
  }
  if (token.kind === "pname") {
    const colon = typed.indexOf(":");
    const [name, local] = [typed.slice(0, colon), typed.slice(colon + 1)];
    const namespace = prefixes.get(name);
    if (namespace === undefined) { // an unknown prefix: the known ones that start so
      const items = prefixItems(sources.prefixes, name, local);
      return items.length ? { ...at, items } : null;
    }
    const items = rank(termsIn(sources.terms(), namespace), local, wantedKind(text, token.from))
      .map((term) => termItem(term, prefixes, name));
    const more = namespace === sources.idSpace && local.length > 0 ? sources.entities(local) : null;
    return items.length || more ? { ...at, items, more } : null;
  }
  if (!explicit) return null;
  const items = [
    ...prefixItems(sources.prefixes, typed, ""),
    ...(typed ? rank(sources.terms(), typed, wantedKind(text, token.from))
      .map((term) => termItem(term, prefixes)) : []),
    ...[...SPARQL_KEYWORDS].filter((word) => typed && word.startsWith(typed.toUpperCase()) &&
                                             word !== typed.toUpperCase())
      .map((word) => ({ text: word, detail: "keyword", insert: word })),
  ];
  const more = typed.length >= 2 ? sources.entities(typed) : null;
  return items.length || more ? { ...at, items, more } : null;
}

function prefixItems(prefixes, start, local) {
  return [...prefixes].filter(([name]) => name.startsWith(start.toLowerCase()))
    .map(([name, iri]) => ({ text: `${name}:`, detail: "prefix", info: iri,
                             insert: `${name}:${local}`, declare: [name, iri], reopen: !local }));
}

function termsIn(terms, namespace) {
  return terms.filter((term) => term.iri.startsWith(namespace) && term.iri !== namespace)
    .map((term) => ({ ...term, name: term.iri.slice(namespace.length) }));
}

// After `a` or rdf:type a class is wanted: classes are listed first there.
function wantedKind(text, from) {
  return /(?:^|[\s;,{(.])(?:a|rdf:type|<http:\/\/www\.w3\.org\/1999\/02\/22-rdf-syntax-ns#type>)\s+$/
    .test(text.slice(0, from)) ? "class" : null;
}

// Terms whose name or label starts with what was typed (case first, then not), then
// those with a label word starting so; short names first; of the kind wanted first.
function rank(terms, typed, kind = null) {
  const lower = typed.toLowerCase();
  const scored = [];
  for (const term of terms) {
    const name = term.name ?? term.iri.replace(/^.*[#/]/, "");
    const label = term.label.toLowerCase();
    const score = name.startsWith(typed) ? 0 : name.toLowerCase().startsWith(lower) ? 1
      : label.startsWith(lower) ? 2 : label.split(/\s+/).some((w) => w.startsWith(lower)) ? 3 : -1;
    const other = kind && term.kind !== kind ? 1 : 0;
    if (score >= 0 && !(name === typed)) scored.push([other, score, name.length, name, term]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3].localeCompare(b[3]));
  return scored.slice(0, MAX_SHOWN).map((entry) => entry[4]);
}

function termItem(term, prefixes, under) {
  // under a prefix the user chose, keep it (kgo:stance/… is not a local name: <IRI>)
  const choice = under !== undefined ? compact(term.iri, new Map([[under, prefixes.get(under)]]))
    : compact(term.iri, prefixes);
  return { text: choice.text, detail: term.kind, info: [term.label, term.comment]
    .filter(Boolean).join(" — "), insert: choice.text, declare: choice.declare };
}

// The popup: ↑/↓ move, Enter or Tab accept, Esc closes, a click accepts. It never
// takes the focus from the textarea, so typing goes on filtering it.
export class Completion {
  constructor(editor, list, sources) {
    this.editor = editor;
    this.list = list;
    this.sources = sources;
    this.items = [];
    this.selected = 0;
    this.range = null;
    this.request = 0; // which opening a late entity answer belongs to
    const area = editor.textarea;
    area.addEventListener("keydown", (event) => this.onKey(event));
    area.addEventListener("input", (event) => {
      if (this.accepting) return;
      const typing = event.inputType?.startsWith("insert");
      if (typing || (!this.list.hidden && event.inputType?.startsWith("delete"))) {
        this.open(!this.list.hidden && this.explicit);
      }
    });
    area.addEventListener("blur", () => this.close());
    area.addEventListener("click", () => this.close());
    list.addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep the focus (and the caret) in the editor
      const option = event.target.closest("li");
      if (option) this.accept(Number(option.dataset.index));
    });
  }

  onKey(event) {
    if (event.key === " " && event.ctrlKey) {
      event.preventDefault();
      this.open(true);
      return;
    }
    if (this.list.hidden) return;
    if (event.ctrlKey || event.metaKey) { // Ctrl+Enter runs the query, whatever is offered
      this.close();
      return;
    }
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: 8, PageUp: -8 };
    if (event.key in moves) this.select(this.selected + moves[event.key]);
    else if (event.key === "Enter" || event.key === "Tab") this.accept(this.selected);
    else if (event.key === "Escape") this.close();
    else {
      if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) this.close();
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation(); // Enter here is not a newline, nor Ctrl+Enter a run
  }

  open(explicit) {
    const area = this.editor.textarea;
    const caret = area.selectionStart;
    if (caret !== area.selectionEnd) return this.close();
    const found = completionsAt(area.value, caret, { explicit, sources: this.sources });
    if (!found) return this.close();
    this.explicit = explicit;
    const request = ++this.request;
    this.range = found;
    this.selected = 0;
    this.show(found.items, caret);
    found.more?.then((extra) => {
      if (request !== this.request || !extra.length) return;
      this.show([...this.items, ...extra], caret);
    }).catch(() => {}); // suggestions are a bonus: the rest of the popup stands without them
  }

  show(items, caret) {
    this.items = items.slice(0, MAX_SHOWN);
    if (!this.items.length) {
      this.list.hidden = true;
      this.editor.textarea.setAttribute("aria-expanded", "false");
      return;
    }
    this.list.replaceChildren(...this.items.map((item, index) => {
      const option = document.createElement("li");
      option.id = `completion-${index}`;
      option.setAttribute("role", "option");
      option.dataset.index = index;
      const label = document.createElement("span");
      label.className = "c-text";
      label.textContent = item.text;
      const detail = document.createElement("span");
      detail.className = "c-detail";
      detail.textContent = item.detail;
      option.append(label, detail);
      if (item.info) {
        const info = document.createElement("small");
        info.className = "c-info";
        info.textContent = item.info;
        option.append(info);
      }
      return option;
    }));
    const point = this.editor.caretPoint(caret);
    this.list.style.left = `${Math.max(0, point.left)}px`;
    this.list.style.top = `${point.top}px`;
    this.list.hidden = false;
    this.editor.textarea.setAttribute("aria-expanded", "true");
    this.select(Math.min(this.selected, this.items.length - 1));
  }

  select(index) {
    this.selected = (index + this.items.length) % this.items.length;
    for (const option of this.list.children) {
      option.setAttribute("aria-selected", String(Number(option.dataset.index) === this.selected));
    }
    const current = this.list.children[this.selected];
    current?.scrollIntoView({ block: "nearest" });
    this.editor.textarea.setAttribute("aria-activedescendant", current?.id ?? "");
  }

  close() {
    this.request++;
    this.list.hidden = true;
    this.selected = 0;
    this.editor.textarea.setAttribute("aria-expanded", "false");
    this.editor.textarea.removeAttribute("aria-activedescendant");
  }

  accept(index) {
    const item = this.items[index];
    if (!item || !this.range) return this.close();
    this.close();
    this.accepting = true;
    try {
      this.editor.replace(this.range.from, this.range.to, item.insert);
      if (item.declare) this.declare(...item.declare);
    } finally {
      this.accepting = false;
    }
    if (item.reopen) this.open(false); // after "kgo:" come the terms under it
  }

  // Add `PREFIX name: <iri>` after the query's last declaration, unless it has one.
  declare(name, iri) {
    const text = this.editor.value;
    if (declaredPrefixes(text).has(name)) return;
    const tokens = [...sparqlTokens(text)].filter((token) => token.kind !== "comment");
    let at = null; // the line after the last PREFIX or BASE, else the first line of code
    tokens.forEach((token, i) => {
      const word = token.text.toUpperCase();
      const iriToken = tokens.slice(i + 1, i + 3).find((t) => t.kind === "iri");
      if (token.kind === "keyword" && (word === "PREFIX" || word === "BASE") && iriToken) {
        const lineEnd = text.indexOf("\n", iriToken.end);
        at = lineEnd === -1 ? text.length : lineEnd + 1;
      }
    });
    at ??= tokens.length ? text.lastIndexOf("\n", tokens[0].start - 1) + 1 : 0;
    const caret = this.editor.textarea.selectionStart;
    const line = `PREFIX ${name}: <${iri}>\n`;
    const insert = at === text.length && at > 0 && !text.endsWith("\n") ? "\n" + line : line;
    this.editor.replace(at, at, insert);
    const moved = caret >= at ? caret + insert.length : caret;
    this.editor.textarea.setSelectionRange(moved, moved);
  }
}
