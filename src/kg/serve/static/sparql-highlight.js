// SPARQL tokens for the query page: the highlighter, and what the editor asks about a
// query (its prefixes, its variables, which token the caret is in). The token classes
// follow kg.querytext (comments, strings, IRIs, variables, prefixed names, words),
// which is all an editor needs: it colours and completes, the server parses.

export const SPARQL_KEYWORDS = new Set((
  "BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT DESCRIBE ASK FROM NAMED WHERE ORDER BY " +
  "ASC DESC LIMIT OFFSET GROUP HAVING VALUES OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER " +
  "BIND EXISTS NOT IN UNDEF A COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG " +
  "LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE " +
  "ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES " +
  "SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT " +
  "SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRUE FALSE"
).split(" "));

const SPARQL_TOKEN = new RegExp([
  "(#[^\\n]*)",                                             // 1 comment
  "('''[\\s\\S]*?'''|\"\"\"[\\s\\S]*?\"\"\"|'(?:[^'\\\\\\n]|\\\\.)*'|\"(?:[^\"\\\\\\n]|\\\\.)*\")", // 2 string
  "(<[^<>\"{}|^`\\\\\\s]*>)",                               // 3 IRI
  "([?$][\\w\\u00B7\\u00C0-\\uFFFF]+)",                     // 4 variable
  "((?:[A-Za-z\\u00C0-\\uFFFF][\\w.\\-]*)?:[\\w.:%\\-]*)",   // 5 prefixed name
  "([A-Za-z_]\\w*)",                                        // 6 word
].join("|"), "g");
const KINDS = [null, "comment", "string", "iri", "variable", "pname", "word"];

// Every token as {kind, text, start, end}; a word that is a keyword has kind "keyword".
export function* sparqlTokens(text) {
  for (const match of text.matchAll(SPARQL_TOKEN)) {
    let kind = KINDS[match.slice(1).findIndex((group) => group !== undefined) + 1];
    if (kind === "word" && SPARQL_KEYWORDS.has(match[0].toUpperCase())) kind = "keyword";
    yield { kind, text: match[0], start: match.index, end: match.index + match[0].length };
  }
}

// The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE): its first such keyword, so a
// prefix called ask: or a string saying "SELECT" does not count.
export function queryForm(text) {
  for (const token of sparqlTokens(text)) {
    const word = token.text.toUpperCase();
    if (token.kind === "keyword" && ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"].includes(word)) {
      return word;
    }
  }
  return "SELECT";
}

// The prefixes the query declares itself: name -> namespace IRI.
export function declaredPrefixes(text) {
  const declared = new Map();
  const tokens = [...sparqlTokens(text)].filter((token) => token.kind !== "comment");
  tokens.forEach((token, i) => {
    const [name, iri] = [tokens[i + 1], tokens[i + 2]];
    if (token.kind === "keyword" && token.text.toUpperCase() === "PREFIX" &&
        name?.kind === "pname" && name.text.endsWith(":") && iri?.kind === "iri") {
      declared.set(name.text.slice(0, -1), iri.text.slice(1, -1));
    }
  });
  return declared;
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// The query as HTML spans, one class per token kind, for the overlay under the textarea.
export function highlightSparql(text) {
  let html = "";
  let last = 0;
  for (const token of sparqlTokens(text)) {
    html += escapeHtml(text.slice(last, token.start));
    const shown = escapeHtml(token.text);
    html += token.kind === "word" ? shown : `<span class="tok-${token.kind}">${shown}</span>`;
    last = token.end;
  }
  // a trailing newline needs a character after it to keep the overlay's height in step
  return html + escapeHtml(text.slice(last)) + "\n";
}
