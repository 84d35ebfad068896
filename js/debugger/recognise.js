// Tells what the debugger was given: an Authorization header, a widget URL or
// a return URL, and takes it apart. Only recognition happens here; every
// signing rule is the package's.

const HEADER_PREFIX = "TM-HMAC-SHA256";

/**
 * `{kind: "header", key, ts, sign}` (or `{kind: "header", malformed}`),
 * `{kind: "widget", account, widget, query}`, `{kind: "return", query}`,
 * `{kind: "empty"}` or `{kind: "unknown"}`.
 */
export function recognise(input) {
  let text = input.trim();
  if (text === "") return { kind: "empty" };
  text = text.replace(/^authorization\s*:\s*/i, "");
  if (text.toUpperCase().startsWith(HEADER_PREFIX)) return parseHeader(text);
  const question = text.indexOf("?");
  const path = question < 0 ? text : text.slice(0, question);
  const hash = text.indexOf("#", question);
  const query = question < 0 ? (/^[a-z][a-z0-9+.-]*:/i.test(text) ? "" : text) : text.slice(question + 1, hash < 0 ? undefined : hash);
  const widget = /\/widgets\/([^/?#]*)\/([^/?#]*)\/?$/.exec(path);
  if (widget) return { kind: "widget", account: widget[1], widget: widget[2], query, url: text };
  if (/(^|&)(signature|accesskey)=/.test(query)) return { kind: "return", query, url: text };
  return { kind: "unknown" };
}

/** The header's three parts, or where it departs from the grammar. */
function parseHeader(text) {
  const grammar = /^TM-HMAC-SHA256 key=([^ ]+) ts=([^ ]+) sign=([^ ]+)$/;
  const match = grammar.exec(text);
  if (match) return { kind: "header", key: match[1], ts: match[2], sign: match[3], text };
  // The longest prefix that could still become a valid header.
  const parts = ["TM-HMAC-SHA256", " key=", /^[^ ]+/, " ts=", /^[^ ]+/, " sign=", /^[^ ]+$/];
  let at = 0;
  for (const part of parts) {
    const rest = text.slice(at);
    if (typeof part === "string") {
      if (!rest.startsWith(part)) break;
      at += part.length;
    } else {
      const m = part.exec(rest);
      if (!m) break;
      at += m[0].length;
    }
  }
  return { kind: "header", malformed: at, text };
}

/** The name/value pairs of a query, form-decoded ('+' is a space), in order. */
export function queryPairs(query) {
  return [...new URLSearchParams(query)];
}

/** The raw name=value components of a query, as written. */
export function rawPairs(query) {
  return query
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    });
}
