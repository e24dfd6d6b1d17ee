// Results on the query page: the table (paged and sortable) and the reading of graph
// answers (N-Triples) into the same terms SPARQL JSON results use.
//
// A result may hold up to the endpoint's row limit (100,000 by default). Building a
// DOM row for each would freeze the page for seconds, so the table keeps the rows as
// data and draws only the current page; sorting reorders an index, not elements.

export const PAGE_SIZES = [100, 500, 1000];
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
const XSD = "http://www.w3.org/2001/XMLSchema#";
const NUMERIC = new Set(["integer", "decimal", "double", "float", "int", "long", "short", "byte",
  "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
  "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"].map((name) => XSD + name));

// `{kind: "graph", triples: [{s, p, o}]}` from an N-Triples document; each term as in
// SPARQL JSON results: {type: "uri" | "literal" | "bnode", value, datatype?, "xml:lang"?}.
export function parseNTriples(text) {
  const term = String.raw`<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?`;
  const line = new RegExp(String.raw`^\s*(${term})\s+(${term})\s+(${term})\s*\.\s*$`);
  const triples = [];
  for (const source of text.split("\n")) {
    if (!source.trim() || source.trimStart().startsWith("#")) continue;
    const m = line.exec(source);
    if (!m) throw new Error(`cannot read this N-Triples line: ${source.slice(0, 200)}`);
    // each term is 6 groups: the whole, IRI, blank node, string, language, datatype
    const [s, p, o] = [1, 7, 13].map((at) => readTerm(m.slice(at + 1, at + 6)));
    triples.push({ s, p, o });
  }
  return { kind: "graph", triples };
}

function readTerm([iri, blank, string, language, datatype]) {
  if (iri !== undefined) return { type: "uri", value: unescape(iri) };
  if (blank !== undefined) return { type: "bnode", value: blank };
  const literal = { type: "literal", value: unescape(string) };
  if (language) literal["xml:lang"] = language;
  else if (datatype && datatype !== XSD + "string") literal.datatype = unescape(datatype);
  return literal;
}

const ESCAPES = { t: "\t", b: "\b", n: "\n", r: "\r", f: "\f", '"': '"', "'": "'", "\\": "\\" };

function unescape(text) {
  return text.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (all, u4, u8, one) =>
    u4 || u8 ? String.fromCodePoint(parseInt(u4 || u8, 16)) : ESCAPES[one] ?? all);
}

// SPARQL's order for ORDER BY, roughly: unbound, blank nodes, IRIs, literals; numbers
// by value, other text as people sort it (numbers inside words too: "item 2" < "item 10").
function compareTerms(a, b) {
  const rank = (term) => (!term ? 0 : term.type === "bnode" ? 1 : term.type === "uri" ? 2 : 3);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (!a) return 0;
  if (NUMERIC.has(a.datatype) && NUMERIC.has(b.datatype)) return Number(a.value) - Number(b.value);
  return collator.compare(a.value, b.value);
}

// The table: `columns` [{name, title}], `rows` [{name: term}]. Only `pageSize` rows are
// ever in the DOM; a header click sorts by that column (again: descending; a third
// time: the order the endpoint gave).
export class ResultTable {
  constructor(container, { hrefFor, label }) {
    this.container = container;
    this.hrefFor = hrefFor;
    this.label = label;
    this.pageSize = PAGE_SIZES[0];
  }

  show(columns, rows) {
    this.columns = columns;
    this.rows = rows;
    this.order = rows.map((row, index) => index);
    this.sortedBy = null;
    this.descending = false;
    this.page = 0;
    this.draw();
  }

  sort(name) {
    if (this.sortedBy === name && this.descending) { // back to the endpoint's order
      this.sortedBy = null;
      this.order = this.rows.map((row, index) => index);
    } else {
      this.descending = this.sortedBy === name;
      this.sortedBy = name;
      const sign = this.descending ? -1 : 1;
      // ties keep the endpoint's order (Array.prototype.sort is stable)
      this.order = this.rows.map((row, index) => index)
        .sort((i, j) => sign * compareTerms(this.rows[i][name], this.rows[j][name]));
    }
    this.page = 0;
    this.draw();
  }

  pages() {
    return Math.max(1, Math.ceil(this.rows.length / this.pageSize));
  }

  goTo(page) {
    this.page = Math.min(Math.max(0, page), this.pages() - 1);
    this.draw();
  }

  draw() {
    const table = document.createElement("table");
    table.className = "results";
    const head = table.createTHead().insertRow();
    for (const column of this.columns) {
      const th = document.createElement("th");
      th.scope = "col";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = column.title;
      button.title = `Sort by ${column.title}`;
      button.addEventListener("click", () => this.sort(column.name));
      th.append(button);
      if (this.sortedBy === column.name) {
        th.setAttribute("aria-sort", this.descending ? "descending" : "ascending");
      }
      head.append(th);
    }
    const body = table.createTBody();
    const first = this.page * this.pageSize;
    for (const index of this.order.slice(first, first + this.pageSize)) {
      const row = body.insertRow();
      for (const column of this.columns) row.append(this.cell(this.rows[index][column.name]));
    }
    const wrapper = document.createElement("div");
    wrapper.className = "table-scroll";
    wrapper.append(table);
    this.container.replaceChildren(this.pager(), wrapper);
  }

  cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    td.className = "term-" + term.type;
    const href = term.type === "uri" ? this.hrefFor(term.value) : null;
    if (href) {
      const link = document.createElement("a");
      link.href = href;
      link.textContent = this.label(term.value);
      link.title = term.value;
      td.append(link);
    } else {
      td.textContent = term.type === "bnode" ? "_:" + term.value
        : term.type === "uri" ? this.label(term.value) : term.value;
      if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
      else if (term.datatype) td.title = term.datatype;
      else if (term.type === "uri") td.title = term.value;
    }
    return td;
  }

  // "Rows 101–200 of 10,000", the buttons to move, and how many rows a page shows.
  pager() {
    const bar = document.createElement("div");
    bar.className = "pager";
    const total = this.rows.length;
    const first = this.page * this.pageSize;
    const shown = document.createElement("span");
    shown.className = "range";
    const [from, to] = [first + 1, Math.min(first + this.pageSize, total)]
      .map((n) => n.toLocaleString());
    shown.textContent = total === 0 ? "No rows"
      : `Rows ${from}–${to} of ${total.toLocaleString()}`;
    const moves = [["first", "« First", 0], ["previous", "‹ Previous", this.page - 1],
                   ["next", "Next ›", this.page + 1], ["last", "Last »", this.pages() - 1]];
    const buttons = moves.map(([name, text, page]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.dataset.page = name;
      button.textContent = text;
      button.disabled = page === this.page || page < 0 || page >= this.pages();
      button.addEventListener("click", () => this.goTo(page));
      return button;
    });
    const size = document.createElement("select");
    size.setAttribute("aria-label", "Rows per page");
    for (const count of PAGE_SIZES) {
      size.add(new Option(`${count} a page`, count, false, count === this.pageSize));
    }
    size.addEventListener("change", () => {
      this.pageSize = Number(size.value);
      this.goTo(Math.floor(first / this.pageSize));
    });
    bar.append(shown, ...buttons, size);
    return bar;
  }
}
