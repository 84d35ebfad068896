// The package as a user gets it: `npm pack` (the file list exact), the
// tarball installed into a fresh project (target/js-consumer), then used
// from Node ESM, type-checked by TypeScript --strict under moduleResolution
// bundler and node16, and bundled by esbuild into a page that Chromium runs.
// Expected values are Ticketmatic's documented example and SPEC 2.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";

const js = fileURLToPath(new URL("..", import.meta.url));
const target = fileURLToPath(new URL("../../target/", import.meta.url));
const consumer = `${target}js-consumer`;
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ESBUILD = "0.25.9";
const DOC_URL =
  "https://apps.ticketmatic.com/widgets/myaccountname/addtickets?event=123&l=fr&returnurl=http%3A%2F%2Fwww.ticketmatic.com&skinid=25&accesskey=azertyuiop&signature=0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8";

/** What the tarball holds, and nothing else. */
const PACKAGE_FILES = [
  "LICENSE-APACHE",
  "LICENSE-MIT",
  "README.md",
  "debugger/debugger.css",
  "debugger/debugger.js",
  "debugger/diagnose.js",
  "debugger/index.html",
  "debugger/recognise.js",
  "index.d.ts",
  "package.json",
  "src/browser.js",
  "src/node.js",
  "src/signer.js",
  "src/wasm.js",
  "src/workerd.js",
  "ticketmatic_sign.wasm",
];

const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

let packed;
before(() => {
  const packs = `${target}js-pack`;
  rmSync(packs, { recursive: true, force: true });
  mkdirSync(packs, { recursive: true });
  [packed] = JSON.parse(run("npm", ["pack", "--json", "--loglevel=error", "--pack-destination", packs], js));
  rmSync(consumer, { recursive: true, force: true });
  cpSync(fileURLToPath(new URL("consumer/", import.meta.url)), consumer, { recursive: true });
  writeFileSync(`${consumer}/package.json`, JSON.stringify({ name: "consumer", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", `${packs}/${packed.filename}`, `esbuild@${ESBUILD}`], consumer);
});

test("npm pack: exactly the package's files, and a package.json fit to publish", () => {
  assert.deepEqual(packed.files.map((f) => f.path).sort(), PACKAGE_FILES);
  const manifest = JSON.parse(readFileSync(`${consumer}/node_modules/ticketmatic-sign/package.json`, "utf8"));
  assert.equal(manifest.private, undefined);
  assert.equal(manifest.license, "MIT OR Apache-2.0");
  assert.ok(manifest.repository?.url, "a repository");
  console.log(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.files.length} files`);
});

test("Node ESM: the installed package signs as documented", () => {
  run(process.execPath, ["node.mjs"], consumer);
});

for (const resolution of ["bundler", "node16"]) {
  test(`TypeScript --strict, moduleResolution ${resolution}: a typed caller compiles`, () => {
    run(`${js}node_modules/.bin/tsc`, ["-p", `tsconfig.${resolution}.json`], consumer);
  });
}

let server, browser;
after(async () => {
  await browser?.close();
  server?.close();
});

test("esbuild bundle in Chromium: the page signs the documented widget URL", async () => {
  const esbuild = await import(pathToFileURL(`${consumer}/node_modules/esbuild/lib/main.js`));
  const dist = `${consumer}/dist`;
  await esbuild.build({
    entryPoints: [`${consumer}/browser.js`],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    loader: { ".wasm": "file" },
    absWorkingDir: consumer,
    outdir: dist,
    logLevel: "error",
  });
  cpSync(`${consumer}/index.html`, `${dist}/index.html`);
  const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname.slice(1) || "index.html";
    try {
      const body = readFileSync(`${dist}/${path.replace(/\.\.+/g, "")}`);
      res.writeHead(200, { "content-type": TYPES[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()}: ${r.url()}`));
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => document.querySelector("#out").textContent !== "");
  assert.equal(await page.textContent("#out"), DOC_URL);
  assert.deepEqual(problems, []);
});
