// Every vector of the shared and project vector files (tests/vectors/).
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";

import { init } from "../src/node.js";
import { NOT_IN_PACKAGE, RUN, testVectors } from "./check-vectors.mjs";

await init();

const dir = new URL("../../tests/vectors/", import.meta.url);
const files = readdirSync(dir).filter((name) => name.endsWith(".json"));
const docs = files.map((file) => [file, JSON.parse(readFileSync(new URL(file, dir), "utf8"))]);
for (const [file, doc] of docs) testVectors(file, doc);

test("both vector files are there, and only header verification is left out", () => {
  assert.ok(files.includes("ticketmatic-signing-vectors.json") && files.includes("project-vectors.json"));
  const kinds = new Set(docs.flatMap(([, doc]) => doc.vectors.map((v) => v.kind)));
  for (const kind of Object.keys(RUN)) assert.ok(kinds.has(kind), `no vector of kind ${kind}`);
  for (const kind of kinds) assert.ok(kind in RUN || NOT_IN_PACKAGE.has(kind), kind);
});
