// The package's `workerd` entry in Cloudflare's own runtime (workerd, from
// npm): the Worker imports the .wasm as a module, as Workers require.
// Expected values: Ticketmatic's documentation and the SPEC's example.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const js = fileURLToPath(new URL("..", import.meta.url));
const workerd = fileURLToPath(new URL("../node_modules/@cloudflare/workerd-linux-64/bin/workerd", import.meta.url));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const MODULES = [
  ["test-workerd/worker.js", "esModule"],
  ["src/workerd.js", "esModule"],
  ["src/signer.js", "esModule"],
  ["src/wasm.js", "esModule"],
  ["ticketmatic_sign.wasm", "wasm"],
];

test("the workerd entry signs inside workerd", async (t) => {
  const port = await freePort();
  // workerd embeds files by paths relative to the config, so it is written here.
  const config = `${js}test-workerd/config.capnp`;
  const modules = MODULES.map(([name, type]) => `(name = "${name}", ${type} = embed "../${name}")`).join(",\n    ");
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    ${modules}
  ],
  compatibilityDate = "2024-09-23",
);
`,
  );
  const child = spawn(workerd, ["serve", config], { stdio: ["ignore", "inherit", "inherit"] });
  let exited = null;
  child.on("exit", (code) => (exited = code));
  t.after(() => {
    child.kill();
    rmSync(config, { force: true });
  });
  let body;
  for (let attempt = 0; attempt < 100 && body === undefined && exited === null; attempt++) {
    try {
      body = await (await fetch(`http://127.0.0.1:${port}/`)).json();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  assert.ok(body, exited === null ? "workerd did not answer within 10 s" : `workerd exited with ${exited}`);
  assert.equal(
    body.url,
    "https://apps.ticketmatic.com/widgets/myaccountname/addtickets?event=123&l=fr&returnurl=http%3A%2F%2Fwww.ticketmatic.com&skinid=25&accesskey=azertyuiop&signature=0978f4fb9341ad17f6ed82bb1db0acbc2748b9042f39f10457eaded938fef2b8",
  );
  assert.equal(
    body.header,
    "TM-HMAC-SHA256 key=xyz ts=2017-07-29T16:40:46 sign=192437c5f28b8dd431c57bac1f3552d671cd4eb50382961dfb413d731d050590",
  );
  assert.deepEqual(body.error, {
    isTicketmaticSignError: true,
    field: "params",
    reason: "duplicate_name",
    message: "widget parameter 1 (0-based): its name appears more than once",
  });
  // The premise of the entry: bytes cannot be compiled there.
  assert.match(body.compileFromBytes, /^refused: /);
});
