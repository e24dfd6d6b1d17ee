// A small SPARQL highlighter for the query page: turns query text into HTML spans.
// It follows the same token classes as kg.querytext (comments, strings, IRIs,
// variables, prefixed names, keywords), which is all an editor needs to colour.
"use strict";

const SPARQL_KEYWORDS = new Set((
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

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function highlightSparql(text) {
  let html = "";
  let last = 0;
  for (const match of text.matchAll(SPARQL_TOKEN)) {
    html += escapeHtml(text.slice(last, match.index));
    const token = escapeHtml(match[0]);
    let kind = null;
    if (match[1]) kind = "comment";
    else if (match[2]) kind = "string";
    else if (match[3]) kind = "iri";
    else if (match[4]) kind = "variable";
    else if (match[5]) kind = "pname";
    else if (match[6] && SPARQL_KEYWORDS.has(match[6].toUpperCase())) kind = "keyword";
    html += kind ? `<span class="tok-${kind}">${token}</span>` : token;
    last = match.index + match[0].length;
  }
  // a trailing newline needs a character after it to keep the overlay's height in step
  return html + escapeHtml(text.slice(last)) + "\n";
}
