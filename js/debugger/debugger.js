// The debugger page: wires the inputs to recognise() and diagnose(), and
// shows what they find. Builds the DOM with textContent only: nothing
// pasted is ever parsed as HTML.
import { init, Signer } from "../src/browser.js";
import { diagnose, firstDifference } from "./diagnose.js";
import { recognise } from "./recognise.js";

const $ = (id) => document.getElementById(id);
const KINDS = { header: "Authorization header", widget: "widget URL", return: "return URL", unknown: "not recognised" };

/** An element with children (strings become text). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** `text` with the character at `at` marked (and a note saying where), for a difference. */
function marked(text, at) {
  if (at < 0) return [text];
  const shown = at < text.length ? text[at] : "\u2420"; // a visible end for "too short"
  return [text.slice(0, at), el("mark", {}, shown), text.slice(at + 1), el("span", { class: "diff-note" }, `first difference at character ${at + 1}`)];
}

function credentials() {
  return { accessKey: $("access-key").value.trim(), secretKey: $("secret-key").value, account: $("account").value.trim() };
}

/** Whether the key pair makes a Signer; shows why not. */
function checkCredentials() {
  const creds = credentials();
  if (creds.accessKey === "" || creds.secretKey === "") {
    $("keys-error").textContent = "Enter the access key and secret key of the key pair the client used.";
    return null;
  }
  try {
    new Signer(creds);
    $("keys-error").textContent = "";
    return creds;
  } catch (error) {
    $("keys-error").textContent = error.message;
    return null;
  }
}

const keys = new Map();
/** HMAC-SHA256 in hex with WebCrypto, for testing the usual mistakes. */
async function hmacHex(secret, text) {
  if (!keys.has(secret)) {
    keys.set(secret, crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]));
  }
  const mac = await crypto.subtle.sign("HMAC", await keys.get(secret), new TextEncoder().encode(text));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const VERDICTS = {
  match: ["\u2713", "The signature matches."],
  mismatch: ["\u2717", "The signature does not match."],
  refused: ["\u2717", "This cannot be checked."],
};

/** Shows the diagnosis `found` of `input` (recognise()'s). */
function render(found, input) {
  const result = $("result");
  if (!found) return result.replaceChildren();
  const [icon, headline] = VERDICTS[found.verdict];
  let detail = found.message;
  if (found.verdict === "mismatch" && !detail && found.difference >= 0) detail = `First difference at character ${found.difference + 1} of the signature.`;
  const facts = el("dl", { class: "facts" });
  const fact = (label, id, ...value) => facts.append(el("dt", {}, label), el("dd", { id }, ...value));
  if (found.signedText !== undefined) fact("Signed text", "signed-text", found.signedText);
  if (found.expected !== undefined) fact("Signature it should carry", "expected-signature", found.expected);
  if (found.given !== undefined) {
    const label = found.verdict === "refused" ? "Given" : "Signature given";
    fact(label, "given-signature", ...marked(found.given, found.verdict === "match" ? -1 : found.difference));
    $("result").dataset.difference = String(found.difference);
  }
  if (found.expectedValue !== undefined) {
    const label = found.kind === "header" ? "Header as it should be" : "URL as it should be";
    const against = found.kind === "header" ? input.text : input.url;
    const at = against === undefined ? -1 : firstDifference(found.expectedValue, against);
    fact(label, "expected-value", ...marked(found.expectedValue, at));
  }
  const causes = found.causes.length
    ? el("div", { class: "causes", id: "causes" },
        el("strong", {}, found.verdict === "match" ? "But note" : "Likely causes"),
        el("ul", {}, found.causes.map((c) => el("li", { "data-cause": c.id }, c.text))))
    : null;
  result.replaceChildren(
    el("div", { class: `verdict ${found.verdict}`, id: "verdict", "data-verdict": found.verdict }, el("span", {}, icon), el("span", {}, headline), detail ? el("span", { class: "detail" }, detail) : null),
    facts,
    causes,
  );
}

let generation = 0;
async function check() {
  const mine = ++generation;
  const input = recognise($("input").value);
  $("detected").textContent = input.kind === "empty" ? "" : KINDS[input.kind];
  const creds = checkCredentials();
  if (!creds || input.kind === "empty" || input.kind === "unknown") {
    render(null);
    return;
  }
  const found = await diagnose(input, { Signer, credentials: creds, now: Date.now(), hmacHex: (text) => hmacHex(creds.secretKey, text) });
  if (mine === generation) render(found, input); // a newer keystroke may have overtaken this one
}

// ----- Build a widget URL -----------------------------------------------------

function paramRow(name = "", value = "") {
  const row = el("tr", {});
  const nameInput = el("input", { "aria-label": "Name", spellcheck: "false", class: "param-name" });
  const valueInput = el("input", { "aria-label": "Value", spellcheck: "false", class: "param-value" });
  nameInput.value = name;
  valueInput.value = value;
  const button = (label, title, action) => {
    const b = el("button", { type: "button", title, "aria-label": title }, label);
    b.addEventListener("click", () => {
      action();
      build();
    });
    return b;
  };
  row.append(
    el("td", {}, nameInput),
    el("td", {}, valueInput),
    el("td", {},
      button("\u2191", "Move up", () => row.previousElementSibling?.before(row)),
      button("\u2193", "Move down", () => row.nextElementSibling?.after(row)),
      button("\u2715", "Remove", () => row.remove()),
    ),
  );
  return row;
}

function build() {
  const out = $("build-result");
  const creds = checkCredentials();
  if (!creds) return out.replaceChildren();
  const rows = [...$("param-rows").rows];
  const params = rows.map((row) => [row.querySelector(".param-name").value, row.querySelector(".param-value").value]);
  rows.forEach((row) => row.classList.remove("bad"));
  try {
    const baseUrl = $("base-url").value.trim() || undefined;
    const signer = new Signer({ ...creds, baseUrl });
    const url = signer.widgetUrl($("widget").value.trim(), params);
    const facts = el("dl", { class: "facts" });
    facts.append(
      el("dt", {}, "Widget URL"), el("dd", { id: "built-url" }, url),
      el("dt", {}, "Signature"), el("dd", {}, signer.widgetSignature(params)),
      el("dt", {}, "Signed text"), el("dd", {}, signer.explainWidget(params)),
    );
    out.replaceChildren(facts);
  } catch (error) {
    if (error.field === "params" && error.position !== undefined) rows[error.position]?.classList.add("bad");
    out.replaceChildren(el("div", { class: "verdict refused", id: "build-error" }, el("span", {}, "\u2717"), el("span", { class: "detail" }, error.message)));
  }
}

function selectTab(which) {
  for (const name of ["check", "build"]) {
    $(`tab-${name}`).setAttribute("aria-selected", String(name === which));
    $(`panel-${name}`).hidden = name !== which;
  }
}

await init(globalThis.TICKETMATIC_SIGN_WASM);
for (const id of ["access-key", "secret-key", "account", "input"]) $(id).addEventListener("input", () => { check(); build(); });
for (const id of ["widget", "base-url"]) $(id).addEventListener("input", build);
$("param-rows").addEventListener("input", build);
$("add-param").addEventListener("click", () => { $("param-rows").append(paramRow()); build(); });
$("show-secret").addEventListener("click", (event) => {
  const shown = $("secret-key").type === "text";
  $("secret-key").type = shown ? "password" : "text";
  event.target.textContent = shown ? "Show" : "Hide";
  event.target.setAttribute("aria-pressed", String(!shown));
});
$("tab-check").addEventListener("click", () => selectTab("check"));
$("tab-build").addEventListener("click", () => selectTab("build"));
for (const [name, value] of [["event", "123"], ["l", "fr"], ["returnurl", "https://www.example.com/done"]]) $("param-rows").append(paramRow(name, value));
document.body.dataset.ready = "true";
check();
build();
