// The HTML report of `tm conformance run --format html` as a person sees it:
// Debian's Chromium driven by Playwright opens the file from file://. The
// reports come from real runs of the Python adapter, with defects switched
// on (TM_ADAPTER_DEFECT) so that both verdicts fail; expected counts come
// from the JSON report of the same run. A screenshot goes to target/.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../../", import.meta.url));
const TM = process.env.TM ?? join(root, "target/debug/tm");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ADAPTER = ["python3", join(root, "conformance/adapters/python/adapter.py")];
const work = mkdtempSync(join(tmpdir(), "tm-report-"));

/** Runs the kit in `format` with `defects`; returns the report's path. */
function report(format, defects, name) {
  const path = join(work, name);
  const run = spawnSync(
    TM,
    ["conformance", "run", "--generate", "600", "--seed", "3", "--format", format, "--output", path, "--", ...ADAPTER],
    { env: { ...process.env, TM_ADAPTER_DEFECT: defects }, encoding: "utf8" },
  );
  assert.ok(run.status === 0 || run.status === 1, `tm exited ${run.status}: ${run.stderr}`);
  return path;
}

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => browser?.close());

/** A page that records every request, console error and page error. */
async function open(path) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const seen = { requests: [], problems: [] };
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => m.type() === "error" && seen.problems.push(m.text()));
  page.on("pageerror", (e) => seen.problems.push(String(e)));
  const url = pathToFileURL(path).href;
  await page.goto(url);
  return { page, seen, url };
}

test("two failing verdicts, causes that add up, and a failure that opens", async () => {
  const defects = "raw-names,refuse-nothing";
  const html = report("html", defects, "defects.html");
  const json = JSON.parse(readFileSync(report("json", defects, "defects.json"), "utf8"));
  const verdicts = json.verdicts;
  const { page, seen, url } = await open(html);

  const interop = await page.locator("#interoperability").innerText();
  assert.match(interop, /does not interoperate/);
  assert.ok(interop.includes(`${verdicts.interoperability.failed} failed`), interop);
  assert.match(await page.locator("#interoperability").getAttribute("class"), /\bbad\b/);
  const strict = await page.locator("#strictness").innerText();
  assert.match(strict, new RegExp(`${verdicts.missing_rules.length} refusal rules missing`));

  // The causes table: one row per cause, counts adding up to the failures.
  const counts = await page.locator("#causes td.n").allInnerTexts();
  assert.equal(counts.length, verdicts.causes.length);
  assert.equal(counts.reduce((sum, n) => sum + Number(n), 0), verdicts.interoperability.failed);
  const firstCause = await page.locator("#causes tr").nth(1).innerText();
  assert.match(firstCause, /not percent-encoded in the URL/);
  assert.equal(await page.locator("#missing-rules tr").count(), verdicts.missing_rules.length + 1);

  // A table per kind, with a row per generator rule.
  for (const kind of ["authorization", "widget", "return_url"]) {
    assert.ok((await page.locator(`#kind-${kind} tr`).count()) > 2, kind);
  }

  // The example of the first cause opens, its texts side by side, the first
  // difference marked in both.
  const example = verdicts.causes[0].example;
  const details = page.locator(`details[id="case-${example}"]`);
  assert.equal(await details.getAttribute("open"), null);
  await page.locator("#causes a").first().click();
  await details.locator("summary").click();
  assert.equal(await details.getAttribute("open"), "");
  const ours = details.locator("pre.ours mark").first();
  const theirs = details.locator("pre.theirs mark").first();
  assert.ok(await ours.isVisible());
  assert.ok(await theirs.isVisible());
  assert.notEqual(await ours.innerText(), await theirs.innerText());
  await details.scrollIntoViewIfNeeded();
  // Readable: each label in the narrow column, each text in the wide one
  // (an empty cell once shifted them, and URLs wrapped every ten characters).
  for (const side of ["ours", "theirs"]) {
    const text = await details.locator(`pre.${side}`).first().boundingBox();
    assert.ok(text.width > 700, `pre.${side} is ${text.width}px wide`);
  }
  const label = await details.locator(".pair > span").first().boundingBox();
  assert.ok(label.width < 120, `the label column is ${label.width}px wide`);

  mkdirSync(join(root, "target"), { recursive: true });
  await page.screenshot({ path: join(root, "target/conformance-report.png"), fullPage: false });
  await page.goto(`${url}#interoperability`);
  await page.screenshot({ path: join(root, "target/conformance-report-top.png") });
  assert.deepEqual(seen.problems, []);
  assert.deepEqual([...new Set(seen.requests)], [url], "the page loads nothing but itself");
  await page.close();
});

test("an adapter that crashes: the run is incomplete, said first, with its last words", async () => {
  const crasher = join(work, "crasher.py");
  writeFileSync(
    crasher,
    [
      "import json, sys",
      "n = 0",
      "for line in sys.stdin:",
      "    m = json.loads(line)",
      "    if m['cmd'] == 'stop': break",
      "    if m['cmd'] == 'start':",
      "        print(json.dumps({'implementation': {'name': 'crasher', 'language': 'Python', 'version': '0'}, 'kinds': ['authorization', 'widget', 'return_url']}), flush=True)",
      "        continue",
      "    n += 1",
      "    if n == 40:",
      "        print('Fatal error: Uncaught JsonException: Malformed UTF-8 characters', file=sys.stderr)",
      "        sys.exit(255)",
      "    print(json.dumps({'seq': m['seq'], 'refused': 'no'}), flush=True)",
      "",
    ].join("\n"),
  );
  const path = join(work, "incomplete.html");
  const run = spawnSync(TM, ["conformance", "run", "--generate", "200", "--seed", "3", "--format", "html", "--output", path, "--", "python3", crasher], {
    encoding: "utf8",
  });
  assert.equal(run.status, 1, run.stderr);
  const { page, seen } = await open(path);
  const banner = page.locator("#incomplete");
  assert.match(await banner.innerText(), /^INCOMPLETE: the adapter exited \(exit status 255\) at case \d+ of 249/);
  assert.match(await banner.locator("#stderr").innerText(), /Uncaught JsonException/);
  const bannerBox = await banner.boundingBox();
  const verdictBox = await page.locator("#interoperability").boundingBox();
  assert.ok(bannerBox.y < verdictBox.y, "the banner comes before the verdicts");
  assert.match(await page.locator("#strictness").innerText(), /^Strictness[^]*partial \(\d+ of 249 cases answered\)/);
  await page.screenshot({ path: join(root, "target/conformance-report-incomplete.png") });
  assert.deepEqual(seen.problems, []);
  await page.close();
});

test("a clean run is green on both verdicts and lists no failure", async () => {
  const { page, seen } = await open(report("html", "", "clean.html"));
  assert.match(await page.locator("#interoperability").innerText(), /interoperates: all \d+ valid inputs/);
  assert.match(await page.locator("#interoperability").getAttribute("class"), /\bok\b/);
  assert.match(await page.locator("#strictness").innerText(), /strict: all \d+ inputs that must be refused are refused/);
  assert.equal(await page.locator("details").count(), 0);
  assert.deepEqual(seen.problems, []);
  await page.close();
});
