// Result views: pictures of SPARQL results, drawn as SVG with no library.
//
//   kgViews.available(result)  -> [{name, label}], the views that fit, best first
//   kgViews.render(name, container, result, options)  -> the <svg> drawn in container
//
// result is {kind: "select", head: {vars}, results: {bindings}} (SPARQL 1.1 JSON
// results) or {kind: "graph", triples: [{s, p, o}]}, terms {type, value, datatype?,
// "xml:lang"?}. options, all optional: hrefFor(iri) -> link or null, label(iri) -> text,
// title (said first in the picture's aria-label), colourBy (the column that colours a
// graph; default: a column of stance concepts), textEquivalent (false when the page
// already prints one; default true).
//
// Views are offered by the shape of the result: a timeline when rows bind dates, a bar
// chart for a label column and a number column, a graph for CONSTRUCT/DESCRIBE results
// (a force layout) or rows binding two or more IRI columns (the columns as layers, left
// to right). Every picture is an <svg role="img"> with an aria-label, followed by a
// table saying the same to screen readers, hidden from sight by static/views.css.
// Pictures draw at most CAP rows or nodes and say so when they stop: a browser tab
// should survive any query. Colours are SVG attributes, never inline styles: the pages
// forbid those (Content-Security-Policy).
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const CAP = 300;
  const DAY = 864e5;
  const INK = "#1d2330", MUTED = "#5b6475", LINE = "#c9ced6", ACCENT = "#0b5cad";
  const DATES = new Set(["date", "gYearMonth", "gYear", "dateTime"].map((t) => XSD + t));
  const NUMBERS = new Set(["integer", "decimal", "double", "float", "int", "long", "short",
    "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"].map((t) => XSD + t));
  // The dataset's date precision concepts (docs/modelling.md, "Dates").
  const PRECISION = /\/ontology\/precision\/(day|week|month|year|decade|bounded)$/;
  // The stance scheme: each stance keeps its colour on every page and in every query,
  // so a reader learns it once. Criticize and condemn (its narrower) share a hue.
  const STANCE = /\/ontology\/stance\/([a-z-]+)$/;
  const STANCE_COLOURS = {
    assert: "#4e79a7", report: "#76b7b2", reaffirm: "#59a14f", "express-willingness": "#edc948",
    "call-for": "#f28e2b", qualify: "#bab0ac", criticize: "#e15759", condemn: "#a8323e",
    accuse: "#b07aa1", reject: "#9c755f",
  };
  const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
  const LABELS = ["http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://purl.org/dc/terms/title",
    "https://schema.org/name"];
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    "Dec"];

  // ---- reading results -------------------------------------------------------------

  function kindOf(term) {
    if (!term) return null;
    if (term.type === "uri" || term.type === "bnode") return "uri";
    if (DATES.has(term.datatype)) return "date";
    if (NUMBERS.has(term.datatype)) return "number";
    return "text";
  }

  // Each column's kind: uri, date, number or text when every bound value agrees,
  // "mixed" when they do not, "empty" when nothing is bound.
  function columns(result) {
    const rows = result.results.bindings;
    return result.head.vars.map((name) => {
      const kinds = new Set();
      for (const row of rows) if (row[name]) kinds.add(kindOf(row[name]));
      const kind = kinds.size === 1 ? [...kinds][0] : kinds.size ? "mixed" : "empty";
      return { name, kind };
    });
  }

  function isSelect(result) {
    return Boolean(result && result.head && result.results && result.results.bindings);
  }

  // Bar charts need a number and something to name each bar by: a text column (a
  // ?speakerLabel), else dates, else the IRIs; an IRI column gives links and colours.
  // One number column and what it counts: a label, and at most the IRI it labels.
  // Rows that carry more (a sentence number beside the words of a quote) are no chart.
  function barColumns(cols) {
    const used = cols.filter((c) => c.kind !== "empty");
    const numbers = used.filter((c) => c.kind === "number");
    const count = (kinds) => used.filter((c) => kinds.includes(c.kind)).length;
    if (numbers.length !== 1 || count(["text", "date"]) > 1 || count(["uri"]) > 1 ||
        used.length - 1 !== count(["text", "date", "uri"])) return null;
    const value = numbers[0];
    const label = ["text", "date", "uri"].map((k) => cols.find((c) => c.kind === k))
      .find(Boolean);
    if (!label) return null;
    const link = cols.find((c) => c.kind === "uri");
    return { value: value.name, label: label.name, dated: label.kind === "date",
             link: link ? link.name : null };
  }

  // The column that colours a graph, and the IRI columns drawn as its layers.
  function graphColumns(result, options) {
    const rows = result.results.bindings, cols = columns(result);
    const stanceColumn = cols.find((c) => c.kind === "uri" &&
      rows.every((r) => !r[c.name] || STANCE.test(r[c.name].value)));
    const colour = options.colourBy || (stanceColumn ? stanceColumn.name : null);
    const layers = cols.filter((c) => c.kind === "uri" && c.name !== colour).map((c) => c.name);
    return { colour, layers };
  }

  function available(result) {
    if (result && result.kind === "graph") {
      return (result.triples || []).length ? [{ ...VIEWS.graph.offer }] : [];
    }
    if (!isSelect(result) || !result.results.bindings.length) return [];
    const cols = columns(result), found = [];
    if (barColumns(cols)) found.push(VIEWS.bar.offer);
    if (cols.some((c) => c.kind === "date")) found.push(VIEWS.timeline.offer);
    if (graphColumns(result, {}).layers.length >= 2) found.push(VIEWS.graph.offer);
    return found.map((offer) => ({ ...offer }));
  }

  // ---- names and links -------------------------------------------------------------

  function localName(iri) {
    const last = iri.replace(/[#/]+$/, "").split(/[#/]/).pop() || iri;
    try { return decodeURIComponent(last); } catch (ignored) { return last; }
  }

  // Labels found in the result itself win: rdfs:label and the like in a graph, and a
  // ?xLabel column beside an ?x column in rows. Then options.label, then the IRI's end.
  function namer(result, options) {
    const known = new Map();
    const key = (term) => term.type + " " + term.value;
    if (result.kind === "graph") {
      for (const { s, p, o } of result.triples) {
        const rank = LABELS.indexOf(p.value) * 3 + languageRank(o["xml:lang"]);
        if (o.type !== "literal" || rank < 0) continue;
        const had = known.get(key(s));
        if (!had || rank < had.rank) known.set(key(s), { rank, text: o.value });
      }
    } else {
      for (const name of result.head.vars) {
        if (!result.head.vars.includes(name + "Label")) continue;
        for (const row of result.results.bindings) {
          const term = row[name], label = row[name + "Label"];
          if (term && label && !known.has(key(term))) {
            known.set(key(term), { text: label.value });
          }
        }
      }
    }
    return (term) => {
      if (!term) return "";
      const found = known.get(key(term));
      if (found) return found.text;
      if (term.type !== "uri") return term.type === "bnode" ? "_:" + term.value : term.value;
      return (options.label && options.label(term.value)) || localName(term.value);
    };
  }

  function languageRank(language) {
    return !language || language === "en" ? (language ? 0 : 1) : 2;
  }

  let base; // the dataset's base IRI, looked up once
  function datasetBase() {
    if (base !== undefined) return base;
    base = null;
    const meta = document.querySelector('meta[name="kg-base"]');
    if (meta) return (base = meta.content);
    // the query page carries the project's prefixes; kgo: is the base's ontology/
    const prefixes = document.getElementById("prefix-data");
    try {
      const kgo = JSON.parse(prefixes.textContent).kgo;
      if (kgo && kgo.endsWith("ontology/")) base = kgo.slice(0, -"ontology/".length);
    } catch (ignored) { /* no prefixes on this page: links to this origin only */ }
    return base;
  }

  // As the pages link (kg.serve.views.Links.href): an IRI under the dataset's base goes
  // through the serving origin, so a reader on any host stays on this server; one of
  // this origin is its own link; anything else is not linked from a picture.
  function defaultHref(iri) {
    const root = datasetBase();
    if (root && iri.startsWith(root)) return new URL(root).pathname + iri.slice(root.length);
    return iri.startsWith(window.location.origin + "/") ? iri : null;
  }

  // Results are data from anywhere: only http(s) links survive (no javascript: IRIs).
  function linker(options) {
    const hrefFor = options.hrefFor || defaultHref;
    return (iri) => {
      const href = iri ? hrefFor(iri) : null;
      if (!href) return null;
      try {
        const url = new URL(href, window.location.href);
        return url.protocol === "http:" || url.protocol === "https:" ? href : null;
      } catch (ignored) { return null; }
    };
  }

  // A stance's own colour; else, with a palette (a Map kept for one picture), the next
  // free colour for each new value; else the accent.
  function colourOf(term, palette) {
    const stance = term && term.type === "uri" && STANCE.exec(term.value);
    if (stance && STANCE_COLOURS[stance[1]]) return STANCE_COLOURS[stance[1]];
    if (!palette || !term) return ACCENT;
    if (!palette.has(term.value)) {
      palette.set(term.value, PALETTE[palette.size % PALETTE.length]);
    }
    return palette.get(term.value);
  }

  // ---- drawing helpers -------------------------------------------------------------

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) node.setAttribute(k, v);
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  // A text; with a width, cut to fit it (the whole text is in the picture's tooltips).
  function text(parent, x, y, content, attrs, width) {
    const node = el("text", { x, y, fill: INK, ...attrs }, parent);
    node.textContent = content;
    if (width) fitTo(node, content, width);
    return node;
  }

  // Measured where the browser can (the picture is on the page), else estimated from
  // the length: a hidden container measures nothing.
  function fitTo(node, content, width) {
    const measure = () => node.getComputedTextLength();
    if (!measure()) {
      node.textContent = fit(content, Math.floor(width / 6.8));
      return;
    }
    if (measure() <= width) return;
    let low = 1, high = content.length - 1;
    while (low < high) { // the longest cut that fits
      const middle = Math.ceil((low + high) / 2);
      node.textContent = cut(content, middle);
      if (measure() <= width) low = middle;
      else high = middle - 1;
    }
    node.textContent = cut(content, low);
  }

  // Words keep their start; a name written as a path (kgid:article/…/statement/x) keeps
  // its end, where names that share a start differ.
  function cut(content, keep) {
    if (/^\S+[/#]\S+$/.test(content)) return "…" + content.slice(content.length - keep);
    return content.slice(0, keep).trimEnd() + "…";
  }

  function tooltip(node, content) {
    el("title", {}, node).textContent = content;
    return node;
  }

  // A link around part of a picture, or the part itself when there is no link.
  function linked(parent, href) {
    return href ? el("a", { href }, parent) : parent;
  }

  function fit(content, chars) {
    return content.length > chars ? cut(content, Math.max(1, chars - 1)) : content;
  }

  function frame(container, width, height, label) {
    return el("svg", {
      role: "img", "aria-label": label, viewBox: `0 0 ${width} ${height}`, width, height,
      class: "kg-view-picture", "font-family": "system-ui, sans-serif", "font-size": 12,
    }, container);
  }

  function widthOf(container) {
    return Math.max(320, Math.round(container.clientWidth || 960));
  }

  // What the picture shows, as a table: read by screen readers, out of sight otherwise.
  function equivalent(container, options, caption, headers, rows) {
    if (options.textEquivalent === false) return;
    // hidden in a box: a table keeps its width whatever its own size says, and would
    // widen the page
    const box = document.createElement("div");
    box.className = "kg-visually-hidden";
    const table = box.appendChild(document.createElement("table"));
    table.createCaption().textContent = caption;
    const head = table.createTHead().insertRow();
    for (const h of headers) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = h;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const cells of rows) {
      const row = body.insertRow();
      for (const cell of cells) {
        const td = row.insertCell();
        const { content, href } = cell && typeof cell === "object" ? cell
          : { content: String(cell ?? "") };
        if (href) {
          const a = document.createElement("a");
          a.href = href;
          a.textContent = content;
          td.appendChild(a);
        } else td.textContent = content;
      }
    }
    container.appendChild(box);
  }

  function note(container, content) {
    const p = document.createElement("p");
    p.className = "kg-view-note";
    p.textContent = content;
    container.appendChild(p);
  }

  function capped(container, shown, total, what) {
    if (total > shown) {
      note(container, `Showing the first ${shown} of ${total} ${what}; ` +
        "narrow the query to see the rest.");
    }
  }

  function prefix(options) {
    return options.title ? options.title + ". " : "";
  }

  function plural(count, noun) {
    return `${count} ${noun}${count === 1 ? "" : "s"}`;
  }

  // ---- time --------------------------------------------------------------------

  // A date literal as the stretch of time it names (UTC): a day, a month, a year, or
  // the instant of a dateTime. The lexical form says which, as xsd:date, xsd:gYearMonth
  // and xsd:gYear are written (an optional time zone is ignored).
  function period(term) {
    const v = term.value.trim();
    let m;
    const instant = Date.parse(v);
    if (/T\d/.test(v) && !Number.isNaN(instant)) {
      return { start: instant, end: instant, unit: "instant" };
    }
    if ((m = /^(-?\d{4,})-(\d\d)-(\d\d)/.exec(v))) {
      const start = Date.UTC(+m[1], +m[2] - 1, +m[3]);
      return { start, end: start + DAY, unit: "day" };
    }
    if ((m = /^(-?\d{4,})-(\d\d)/.exec(v))) {
      const start = Date.UTC(+m[1], +m[2] - 1, 1);
      return { start, end: Date.UTC(+m[1], +m[2], 1), unit: "month" };
    }
    if ((m = /^(-?\d{4,})/.exec(v))) {
      return { start: Date.UTC(+m[1], 0, 1), end: Date.UTC(+m[1] + 1, 0, 1), unit: "year" };
    }
    return null;
  }

  function dayText(t) {
    const d = new Date(t);
    return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  }

  // About eight round ticks (years, months or days) between min and max.
  function timeTicks(min, max) {
    const ticks = [], span = max - min;
    const first = new Date(min);
    if (span > 3 * 365 * DAY) {
      const step = Math.ceil(span / (365.25 * DAY) / 8);
      for (let y = Math.ceil(first.getUTCFullYear() / step) * step; ; y += step) {
        const t = Date.UTC(y, 0, 1);
        if (t > max) break;
        if (t >= min) ticks.push({ t, label: String(y) });
      }
    } else if (span > 60 * DAY) {
      const step = Math.ceil(span / (30.44 * DAY) / 8);
      for (let i = first.getUTCFullYear() * 12 + first.getUTCMonth() + 1; ; i += step) {
        const t = Date.UTC(Math.floor(i / 12), i % 12, 1);
        if (t > max) break;
        ticks.push({ t, label: `${MONTHS[i % 12]} ${Math.floor(i / 12)}` });
      }
    } else {
      const step = Math.max(1, Math.ceil(span / DAY / 8));
      const next = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate() + 1);
      for (let t = next; t <= max; t += step * DAY) {
        ticks.push({ t, label: dayText(t).replace(/ \d+$/, "") }); // "12 Mar"
      }
    }
    return ticks;
  }

  // Grid lines from top to bottom at round dates, labelled at labelY (default: above).
  function drawTimeAxis(svg, x, min, max, top, bottom, labelY = top - 6) {
    const width = Number(svg.getAttribute("width"));
    for (const { t, label } of timeTicks(min, max)) {
      el("line", { x1: x(t), x2: x(t), y1: top, y2: bottom, stroke: LINE, "stroke-width": 1 }, svg);
      // a label at the picture's edge leans inwards rather than being cut
      const anchor = x(t) > width - 24 ? "end" : x(t) < 24 ? "start" : "middle";
      text(svg, x(t), labelY, label, { "text-anchor": anchor, fill: MUTED, "font-size": 11 });
    }
  }

  // ---- timeline ------------------------------------------------------------------

  // One entry per row: the first date column is its value, notBefore/notAfter its bounds,
  // and a precision concept (or, without one, the literal's own grain) says how to draw
  // it: a point for a day or an instant, a bar for a month or a year, a range for a
  // week, a decade or bounds (dashed where a bound is missing: open on that side).
  function timelineEntries(result, name, href) {
    const rows = result.results.bindings, vars = result.head.vars, cols = columns(result);
    const bounds = ["notBefore", "notAfter"];
    const value = cols.find((c) => c.kind === "date" && !bounds.includes(c.name));
    const precision = vars.find((v) => rows.some((r) => r[v] && r[v].type === "uri" &&
      PRECISION.test(r[v].value)));
    const words = cols.find((c) => c.kind === "text");
    const label = vars.includes("label") ? "label" : words ? words.name : null;
    const item = (cols.find((c) => c.kind === "uri" && c.name !== precision) || {}).name;
    const entries = [];
    for (const row of rows) {
      const grain = precision && row[precision] ? PRECISION.exec(row[precision].value) : null;
      const stated = value && row[value.name] ? period(row[value.name]) : null;
      const before = row.notBefore && period(row.notBefore);
      const after = row.notAfter && period(row.notAfter);
      const entry = {
        label: label && row[label] ? row[label].value : name(row[item]),
        href: item && row[item] && row[item].type === "uri" ? href(row[item].value) : null,
        precision: grain ? grain[1] : stated ? stated.unit : "bounded",
      };
      if (stated) {
        const point = ["day", "instant"].includes(entry.precision);
        Object.assign(entry, { start: stated.start, end: stated.end,
                               mark: point ? "point" : "bar", when: row[value.name].value });
      } else if (before || after) {
        const when = before && after ? `${row.notBefore.value} – ${row.notAfter.value}`
          : before ? `from ${row.notBefore.value}` : `by ${row.notAfter.value}`;
        Object.assign(entry, { start: before ? before.start : null,
                               end: after ? after.end : null, mark: "range", when });
      } else continue;
      entry.label ||= entry.when; // rows with nothing but dates (and counts) still read
      entries.push(entry);
    }
    const at = (e) => (e.start ?? e.end);
    return entries.sort((a, b) => at(a) - at(b));
  }

  function drawTimeline(container, result, options) {
    const name = namer(result, options), href = linker(options);
    const all = timelineEntries(result, name, href), entries = all.slice(0, CAP);
    const width = widthOf(container), labelWidth = Math.min(320, width * 0.38);
    const left = labelWidth + 12, right = width - 16, rowHeight = 22;
    const times = entries.flatMap((e) => [e.start, e.end]).filter((t) => t !== null);
    let min = Math.min(...times), max = Math.max(...times);
    if (!times.length) { min = Date.now() - DAY; max = Date.now(); }
    const pad = Math.max((max - min) * 0.03, DAY); // room for the open bounds' leads
    min -= pad;
    max += pad;
    const x = (t) => left + ((t - min) / (max - min)) * (right - left);
    const label = `${prefix(options)}Timeline of ${plural(entries.length, "dated item")}` +
      (entries.length ? `, from ${dayText(min + pad)} to ${dayText(max - pad - 1)}` : "");
    const svg = frame(container, width, 10, label);
    const top = legend(svg, left, 12, [
      { mark: "point", label: "a day" }, { mark: "bar", label: "a month or a year" },
      { mark: "range", label: "a range: week, decade, bounds" },
      { mark: "range", open: "start", label: "one bound: by or after a date" }]) + 38;
    const height = top + entries.length * rowHeight + 12;
    resize(svg, width, height);
    drawTimeAxis(svg, x, min, max, top - 8, height - 8);
    entries.forEach((e, i) => {
      const y = top + i * rowHeight + rowHeight / 2;
      const row = el("g", { class: `kg-entry kg-${e.mark}`, "data-precision": e.precision }, svg);
      tooltip(row, `${e.when} (${e.precision}): ${e.label}`);
      text(linked(row, e.href), labelWidth, y + 4, e.label,
        { "text-anchor": "end", fill: e.href ? ACCENT : INK }, labelWidth - 4);
      const open = e.start === null ? "start" : e.end === null ? "end" : null;
      mark(row, e.mark, x(e.start ?? e.end), x(e.end ?? e.start), y, open);
    });
    if (!entries.length) note(container, "No row binds a date this timeline can place.");
    capped(container, entries.length, all.length, "dated rows");
    equivalent(container, options, label, ["Date", "Precision", "What"],
      entries.map((e) => [e.when, e.precision, { content: e.label, href: e.href }]));
    return svg;
  }

  // A day is a point, a month or a year a solid bar, a range a light bar from bound to
  // bound; a range with one bound ("by 13 March", "after 2021") is that bound with a
  // short dashed lead towards the open side: how far it reaches is unknown, so the
  // picture does not pretend to know.
  function mark(parent, kind, x1, x2, y, open, reach = 36) {
    if (kind === "point") {
      return el("circle", { cx: (x1 + x2) / 2, cy: y, r: 5, fill: ACCENT }, parent);
    }
    if (open) {
      const at = open === "start" ? x2 : x1, lead = open === "start" ? -reach : reach;
      const group = el("g", { class: "kg-open", stroke: ACCENT, "stroke-width": 2 }, parent);
      el("line", { x1: at + lead, x2: at, y1: y, y2: y, "stroke-dasharray": "3 3" }, group);
      el("line", { x1: at, x2: at, y1: y - 6, y2: y + 6 }, group);
      return group;
    }
    const bar = kind === "bar";
    return el("rect", {
      x: x1, y: y - 5, width: Math.max(3, x2 - x1), height: 10, rx: 2, fill: ACCENT,
      "fill-opacity": bar ? 0.6 : 0.2, stroke: ACCENT, "stroke-width": bar ? 0 : 1.2,
    }, parent);
  }

  // A key to the marks or colours, in rows from (x, y) that wrap at the picture's edge;
  // answers the last row's y.
  function legend(svg, x, y, items) {
    const group = el("g", { class: "kg-legend" }, svg);
    const edge = Number(svg.getAttribute("width")) - 8;
    let at = x, line = y;
    for (const item of items) {
      const key = el("g", { class: "kg-legend-item", "data-category": item.key || item.label },
        group);
      const words = text(key, 0, 0, item.label, { fill: MUTED });
      const wide = 22 + (words.getComputedTextLength() || item.label.length * 6.8) + 16;
      if (at > x && at + wide > edge) { at = x; line += 18; }
      words.setAttribute("x", at + 22);
      words.setAttribute("y", line + 4);
      if (item.mark) mark(key, item.mark, at, at + 16, line, item.open || null, 16);
      else el("rect", { x: at, y: line - 6, width: 16, height: 12, rx: 2, fill: item.colour }, key);
      at += wide;
    }
    return line;
  }

  function resize(svg, width, height) {
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  }

  // ---- bar chart -----------------------------------------------------------------

  function drawBars(container, result, options) {
    const name = namer(result, options), href = linker(options);
    const spec = barColumns(columns(result));
    const all = result.results.bindings.filter((r) => r[spec.value] &&
      Number.isFinite(Number(r[spec.value].value)));
    const bars = all.slice(0, CAP).map((r) => {
      const named = r[spec.label], link = spec.link ? r[spec.link] : null;
      return {
        term: named, value: Number(r[spec.value].value),
        label: spec.dated && named ? named.value : name(named || link),
        href: link && link.type === "uri" ? href(link.value) : null,
        colour: colourOf(link, null),
      };
    });
    const largest = bars.reduce((a, b) => (b.value > a.value ? b : a), bars[0]);
    const label = `${prefix(options)}Bar chart of ${spec.value} by ${spec.label}, ` +
      plural(bars.length, "bar") +
      (largest ? `; the largest is ${largest.label} (${largest.value})` : "");
    const svg = (spec.dated ? timeColumns : horizontalBars)(container, bars, label);
    capped(container, bars.length, all.length, "rows");
    equivalent(container, options, label, [spec.label, spec.value],
      bars.map((b) => [{ content: b.label, href: b.href }, b.value]));
    return svg;
  }

  function horizontalBars(container, bars, label) {
    const width = widthOf(container), labelWidth = Math.min(320, width * 0.45);
    const left = labelWidth + 8, right = width - 56, rowHeight = 22, top = 6;
    const height = top + bars.length * rowHeight + 6;
    const values = bars.map((b) => b.value);
    const low = Math.min(0, ...values), high = Math.max(0, ...values); // from a zero baseline
    const x = (v) => left + ((v - low) / (high - low || 1)) * (right - left);
    const svg = frame(container, width, height, label);
    el("line", { x1: x(0), x2: x(0), y1: top, y2: height - 6, stroke: MUTED }, svg);
    bars.forEach((b, i) => {
      const y = top + i * rowHeight;
      const group = tooltip(el("g", { class: "kg-bar" }, svg), `${b.label}: ${b.value}`);
      text(linked(group, b.href), labelWidth, y + 15, b.label,
        { "text-anchor": "end", fill: b.href ? ACCENT : INK }, labelWidth - 4);
      const from = Math.min(x(0), x(b.value)), wide = Math.max(1, Math.abs(x(b.value) - x(0)));
      el("rect", { x: from, y: y + 4, width: wide, height: 14, rx: 2, fill: b.colour }, group);
      text(group, Math.max(x(0), x(b.value)) + 5, y + 15, String(b.value), { fill: MUTED });
    });
    return svg;
  }

  // Bars named by dates stand on a time axis, each as wide as the month or year it
  // names, so a gap in time shows as a gap (no zero rows needed in the query).
  function timeColumns(container, bars, label) {
    const width = widthOf(container), height = 220, left = 44, right = width - 12;
    const top = 12, bottom = height - 22;
    const placed = bars.map((b) => ({ ...b, when: b.term ? period(b.term) : null }))
      .filter((b) => b.when);
    if (!placed.length) return horizontalBars(container, bars, label);
    let min = Math.min(...placed.map((b) => b.when.start));
    let max = Math.max(...placed.map((b) => b.when.end));
    // at least a dozen bars' width: one month alone is a column, not a wall
    const unit = Math.min(...placed.map((b) => b.when.end - b.when.start)) || DAY;
    const grow = Math.max(0, 12 * unit - (max - min)) / 2;
    min -= grow;
    max += grow;
    const high = Math.max(1, ...placed.map((b) => b.value));
    const x = (t) => left + ((t - min) / (max - min)) * (right - left);
    const y = (v) => bottom - (v / high) * (bottom - top - 14);
    const svg = frame(container, width, height, label);
    drawTimeAxis(svg, x, min, max, top, bottom, bottom + 16);
    for (const v of [0, Math.round(high / 2), high].filter((v, i, all) => all.indexOf(v) === i)) {
      el("line", { x1: left, x2: right, y1: y(v), y2: y(v), stroke: LINE }, svg);
      text(svg, left - 6, y(v) + 4, String(v),
        { "text-anchor": "end", fill: MUTED, "font-size": 11 });
    }
    for (const b of placed) {
      const group = tooltip(el("g", { class: "kg-bar" }, svg), `${b.label}: ${b.value}`);
      const x1 = x(b.when.start) + 0.5, wide = Math.max(2, x(b.when.end) - x(b.when.start) - 1);
      el("rect", { x: x1, y: y(b.value), width: wide, height: bottom - y(b.value), fill: b.colour },
        linked(group, b.href));
      if (wide >= 14) { // room for the number above the bar
        text(group, x1 + wide / 2, y(b.value) - 4, String(b.value),
          { "text-anchor": "middle", fill: MUTED, "font-size": 11 });
      }
    }
    return svg;
  }

  // ---- graph ---------------------------------------------------------------------

  // CONSTRUCT/DESCRIBE triples: subjects and objects are nodes (each literal its own),
  // label triples name nodes rather than hang off them.
  function tripleGraph(result, name, href) {
    const nodes = new Map(), edges = new Map(), dropped = new Set();
    const node = (term, key) => {
      if (!nodes.has(key)) {
        if (nodes.size >= CAP) { dropped.add(key); return null; }
        const link = term.type === "uri" ? href(term.value) : null;
        nodes.set(key, { key, term, label: name(term), href: link });
      }
      return nodes.get(key);
    };
    result.triples.forEach(({ s, p, o }, i) => {
      if (o.type === "literal" && LABELS.includes(p.value)) return;
      const source = node(s, s.type + " " + s.value);
      const target = node(o, o.type === "literal" ? "literal " + i : o.type + " " + o.value);
      if (!source || !target) return;
      const key = `${source.key}\n${p.value}\n${target.key}`;
      if (!edges.has(key)) edges.set(key, { source, target, label: name(p) });
    });
    return { nodes: [...nodes.values()], edges: [...edges.values()], dropped: dropped.size };
  }

  // SELECT rows: each IRI column is a layer, left to right in the query's order, and a
  // row links its values from one layer to the next. A node belongs to its column (the
  // PRC government that speaks and the one spoken about are two boxes), so the picture
  // reads as the query does: speaker -> statement -> target. The colour column (stance)
  // colours the row's links and the node of the layer just before it (the statement).
  function layeredGraph(result, name, href, options) {
    const { colour, layers } = graphColumns(result, options);
    const vars = result.head.vars;
    const tinted = colour
      ? layers.filter((v) => vars.indexOf(v) < vars.indexOf(colour)).pop() : null;
    const nodes = new Map(), edges = new Map(), categories = new Map(), palette = new Map();
    const dropped = new Set();
    for (const row of result.results.bindings) {
      const category = colour && row[colour]
        ? categoryOf(row[colour], categories, palette, name) : null;
      let previous = null;
      layers.forEach((column, layer) => {
        const term = row[column];
        if (!term) return;
        const key = `${layer} ${term.type} ${term.value}`;
        if (!nodes.has(key)) {
          if (nodes.size >= CAP) { dropped.add(key); previous = null; return; }
          const link = term.type === "uri" ? href(term.value) : null;
          nodes.set(key, { key, term, layer, label: name(term), href: link, category: null,
                           from: [] });
        }
        const node = nodes.get(key);
        if (column === tinted && category && !node.category) node.category = category;
        if (previous && !edges.has(previous.key + "\n" + key)) {
          edges.set(previous.key + "\n" + key, { source: previous, target: node, category });
          node.from.push(previous);
        }
        previous = node;
      });
    }
    return { nodes: [...nodes.values()], edges: [...edges.values()], dropped: dropped.size,
             layers, colour, categories: [...categories.values()] };
  }

  function categoryOf(term, categories, palette, name) {
    if (!categories.has(term.value)) {
      categories.set(term.value, { term, label: name(term), colour: colourOf(term, palette) });
    }
    return categories.get(term.value);
  }

  function drawGraph(container, result, options) {
    const name = namer(result, options), href = linker(options);
    return result.kind === "graph"
      ? drawForceGraph(container, tripleGraph(result, name, href), options)
      : drawLayeredGraph(container, layeredGraph(result, name, href, options), result, options,
        name, href);
  }

  function drawLayeredGraph(container, graph, result, options, name, href) {
    const width = widthOf(container), margin = 8;
    const columnWidth = (width - 2 * margin) / Math.max(1, graph.layers.length);
    const box = Math.min(300, columnWidth - 48), boxHeight = 20, rowHeight = 26;
    const byLayer = graph.layers.map((_, layer) => graph.nodes.filter((n) => n.layer === layer));
    // Order each layer by where its nodes' sources sit (barycentres): fewer crossings.
    byLayer.forEach((nodes, layer) => {
      if (layer) {
        const centre = (n) => (n.from.length
          ? n.from.reduce((sum, m) => sum + m.position, 0) / n.from.length : 1);
        nodes.sort((a, b) => centre(a) - centre(b));
      }
      nodes.forEach((n, i) => { n.position = (i + 0.5) / nodes.length; });
    });
    const label = `${prefix(options)}Graph of ${graph.layers.join(" → ")}: ` +
      `${plural(graph.nodes.length, "node")}, ${plural(graph.edges.length, "link")}` +
      (graph.colour ? `, coloured by ${graph.colour}` : "");
    const svg = frame(container, width, 10, label);
    graph.layers.forEach((column, layer) => {
      text(svg, margin + layer * columnWidth, 16, column, { "font-weight": 600, fill: MUTED });
    });
    let top = 34;
    if (graph.categories.length) {
      const items = graph.categories.map((c) => ({ key: c.term.value, label: c.label,
                                                   colour: c.colour }));
      top = legend(svg, margin, 38, items) + 20;
    }
    const tallest = Math.max(1, ...byLayer.map((nodes) => nodes.length));
    const plot = tallest * rowHeight, height = top + plot + 8;
    resize(svg, width, height);
    for (const n of graph.nodes) {
      n.x = margin + n.layer * columnWidth;
      n.y = top + n.position * plot - boxHeight / 2;
    }
    const links = el("g", { class: "kg-links", fill: "none" }, svg);
    for (const e of graph.edges) {
      const x1 = e.source.x + box, y1 = e.source.y + boxHeight / 2;
      const x2 = e.target.x, y2 = e.target.y + boxHeight / 2, bend = (x2 - x1) / 2;
      tooltip(el("path", {
        d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, class: "kg-link",
        stroke: e.category ? e.category.colour : LINE, "stroke-width": 1.5, "stroke-opacity": 0.75,
        "data-category": e.category ? e.category.term.value : null,
      }, links), `${e.source.label} → ${e.target.label}`);
    }
    for (const n of graph.nodes) {
      const colour = n.category ? n.category.colour : null;
      const group = el("g", { class: "kg-node", "data-iri": n.term.value,
        "data-layer": graph.layers[n.layer], "data-category": n.category && n.category.term.value,
      }, svg);
      tooltip(group, n.label + (n.category ? ` (${n.category.label})` : ""));
      const target = linked(group, n.href);
      el("rect", { x: n.x, y: n.y, width: box, height: boxHeight, rx: 4, fill: colour || "#ffffff",
        "fill-opacity": colour ? 0.25 : 1, stroke: colour || LINE, "stroke-width": colour ? 1.5 : 1,
      }, target);
      text(target, n.x + 6, n.y + 14, n.label, { fill: n.href ? ACCENT : INK }, box - 12);
    }
    capped(container, graph.nodes.length, graph.nodes.length + graph.dropped, "nodes");
    const headers = graph.colour ? [...graph.layers, graph.colour] : graph.layers;
    const rows = result.results.bindings, kept = rows.slice(0, CAP);
    const caption = label + (rows.length > CAP ? ` (the first ${CAP} of ${rows.length} rows)` : "");
    equivalent(container, options, caption, headers, kept.map((row) => headers.map((h) => ({
      content: name(row[h]), href: row[h] && row[h].type === "uri" ? href(row[h].value) : null,
    }))));
    return svg;
  }

  // A force-directed layout (Fruchterman and Reingold, 1991): nodes push each other
  // apart, links pull their ends together, and the moves shrink each round until the
  // picture settles. A pull towards the centre, stronger across the short side, keeps
  // unlinked nodes from piling up against the frame and spreads the picture to its
  // shape. Nodes start on a sunflower spiral, not at random, so the same result always
  // gives the same picture. At CAP nodes this is some 14 million small steps.
  function forceLayout(nodes, edges, width, height) {
    const n = nodes.length, k = 0.55 * Math.sqrt((width * height) / Math.max(1, n));
    const cx = (width - 148) / 2, cy = height / 2;
    // tried on the seed's statements and on 300 nodes of everything: a crowd settles
    // over most of the frame without piling against its edges
    const pullX = 1.5 * (height / width), pullY = 0.4 * (width / height);
    nodes.forEach((d, i) => {
      const r = Math.sqrt((i + 0.5) / n) * 0.4, a = i * 2.39996;
      d.x = cx + r * width * Math.cos(a);
      d.y = cy + r * height * Math.sin(a);
    });
    let heat = width / 10;
    for (let round = 0; round < 300; round++) {
      for (const d of nodes) { d.dx = (cx - d.x) * pullX; d.dy = (cy - d.y) * pullY; }
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const a = nodes[i], b = nodes[j];
          const dx = a.x - b.x, dy = a.y - b.y, dist = Math.max(0.5, Math.hypot(dx, dy));
          const push = (k * k) / dist / dist;
          a.dx += dx * push; a.dy += dy * push; b.dx -= dx * push; b.dy -= dy * push;
        }
      }
      for (const { source: a, target: b } of edges) {
        const dx = a.x - b.x, dy = a.y - b.y, pull = Math.hypot(dx, dy) / k;
        a.dx -= dx * pull; a.dy -= dy * pull; b.dx += dx * pull; b.dy += dy * pull;
      }
      for (const d of nodes) {
        const len = Math.hypot(d.dx, d.dy);
        const step = len > 0 ? Math.min(len, heat) / len : 0;
        d.x += d.dx * step;
        d.y += d.dy * step;
        d.x = Math.min(width - 160, Math.max(12, d.x)); // room on the right for labels
        d.y = Math.min(height - 12, Math.max(12, d.y));
      }
      heat = Math.max(0.5, heat * 0.985);
    }
  }

  let arrows = 0; // marker ids must be unique on a page that shows several graphs

  function drawForceGraph(container, graph, options) {
    const width = widthOf(container);
    const height = Math.min(800, Math.max(360, 240 + graph.nodes.length * 8));
    forceLayout(graph.nodes, graph.edges, width, height);
    const label = `${prefix(options)}Graph of ${plural(graph.nodes.length, "node")} and ` +
      plural(graph.edges.length, "link");
    const svg = frame(container, width, height, label);
    const arrow = `kg-arrow-${++arrows}`;
    const head = el("marker", { id: arrow, viewBox: "0 0 8 8", refX: 14, refY: 4,
      markerWidth: 7, markerHeight: 7, orient: "auto" }, el("defs", {}, svg));
    el("path", { d: "M0,0 L8,4 L0,8 z", fill: MUTED }, head);
    const showLabels = graph.edges.length <= 40;
    for (const e of graph.edges) {
      const line = el("line", { class: "kg-link", stroke: LINE, "stroke-width": 1.2,
                                "marker-end": `url(#${arrow})` }, svg);
      e.line = tooltip(line, `${e.source.label} — ${e.label} → ${e.target.label}`);
      if (showLabels) {
        e.text = text(svg, 0, 0, e.label,
          { fill: MUTED, "font-size": 10, "text-anchor": "middle" }, 120);
      }
      place(e);
    }
    // Past a few dozen nodes every label would hide another: only hubs keep theirs
    // (all are in the tooltips and the table). Blank nodes have no name worth showing.
    const degree = new Map();
    for (const e of graph.edges) {
      for (const d of [e.source, e.target]) degree.set(d, (degree.get(d) || 0) + 1);
    }
    const named = (d) => d.term.type !== "bnode" &&
      (graph.nodes.length <= 60 || degree.get(d) >= 3);
    for (const d of graph.nodes) {
      d.group = el("g", { class: "kg-node", "data-iri": d.term.value,
                          transform: `translate(${d.x},${d.y})` }, svg);
      tooltip(d.group, d.label);
      const target = linked(d.group, d.href);
      const fill = d.term.type === "uri" ? ACCENT : d.term.type === "bnode" ? MUTED : "#ffffff";
      const stroke = d.term.type === "literal" ? MUTED : "#ffffff";
      el("circle", { r: 6, fill, stroke, "stroke-width": 1.5 }, target);
      if (named(d)) text(target, 9, 4, d.label, { fill: d.href ? ACCENT : INK }, 148);
    }
    draggable(svg, graph);
    capped(container, graph.nodes.length, graph.nodes.length + graph.dropped, "nodes");
    equivalent(container, options, label, ["From", "Link", "To"], graph.edges.map((e) => [
      { content: e.source.label, href: e.source.href }, e.label,
      { content: e.target.label, href: e.target.href }]));
    return svg;
  }

  function place(e) {
    const { source: a, target: b } = e;
    for (const [name, value] of [["x1", a.x], ["y1", a.y], ["x2", b.x], ["y2", b.y]]) {
      e.line.setAttribute(name, value);
    }
    if (e.text) {
      e.text.setAttribute("x", (a.x + b.x) / 2);
      e.text.setAttribute("y", (a.y + b.y) / 2 - 3);
    }
  }

  // Nodes can be dragged to untangle the picture; a drag is not a click on the link.
  function draggable(svg, graph) {
    const byKey = new Map(graph.nodes.map((d) => [d.group, d]));
    let held = null, moved = false, from = null;
    svg.addEventListener("pointerdown", (event) => {
      const group = event.target.closest(".kg-node");
      if (!group || !byKey.has(group)) return;
      held = byKey.get(group);
      moved = false;
      from = [event.clientX, event.clientY];
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", (event) => {
      if (!held) return;
      if (!moved && Math.hypot(event.clientX - from[0], event.clientY - from[1]) < 4) return;
      const at = new DOMPoint(event.clientX, event.clientY)
        .matrixTransform(svg.getScreenCTM().inverse()); // screen to picture coordinates
      moved = true;
      held.x = at.x;
      held.y = at.y;
      held.group.setAttribute("transform", `translate(${at.x},${at.y})`);
      for (const e of graph.edges) if (e.source === held || e.target === held) place(e);
    });
    const release = () => { held = null; };
    svg.addEventListener("pointerup", release);
    svg.addEventListener("pointercancel", release);
    svg.addEventListener("click", (event) => {
      if (moved) { event.preventDefault(); moved = false; }
    }, true);
  }

  // ---- the library ---------------------------------------------------------------

  const VIEWS = {
    timeline: { offer: { name: "timeline", label: "Timeline" }, draw: drawTimeline },
    graph: { offer: { name: "graph", label: "Graph" }, draw: drawGraph },
    bar: { offer: { name: "bar", label: "Bar chart" }, draw: drawBars },
  };

  function render(name, container, result, options) {
    const view = VIEWS[name];
    if (!view) {
      throw new Error(`no view named ${JSON.stringify(name)}; ` +
        `there are ${Object.keys(VIEWS).join(", ")}`);
    }
    if (!available(result).some((offer) => offer.name === name)) {
      throw new Error(`the ${name} view does not fit this result`);
    }
    container.replaceChildren();
    container.classList.add("kg-view");
    return view.draw(container, result, options || {});
  }

  window.kgViews = { available, render };
})();
