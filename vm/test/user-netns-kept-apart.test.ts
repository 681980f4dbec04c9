// Users' loopbacks kept apart on the shared VM (users/user-netns.ts): the server Alice's run opened
// on 127.0.0.1 is out of reach of Bob's agent (a connect from his real CLI's shell fails) and of a
// preview link made for Bob; Alice's own agent and her link still reach it, and her agent still
// reaches the VM server and an outside address (a listener on this machine's non-loopback address
// stands in for the internet). The server runs as the image runs it (as root, the entrypoint's
// capabilities); each namespace, veth and nft table it made is gone once it closes.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_USER_HEADER, PreviewStateSchema, previewProxyPath } from "../../src/protocol/vm/preview";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { freePort } from "./helpers/free-port";
import { IS_ROOT, resultsOf, startHarness, TOKEN, type Harness } from "./helpers/harness";

const alice = "+15550008301";
const bob = "+15550008302";

/** The host's first non-loopback IPv4 address: what the internet stands in as. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

/** Its first global IPv6 address, where it has one: the IPv6 internet's stand-in (a resolver such as Fly's is IPv6 only). */
const outsideAddress6 = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv6" && !a.internal && !a.address.startsWith("fe80"))?.address;

/** A probe an agent runs: GET http://<host>:<port><path>, printing REACHED <status> <body> or REFUSED <error code>. */
const PROBE = `const [host, port, path] = process.argv.slice(2);
const req = require("http").get({ host, port: Number(port), path, timeout: 4000 }, (res) => {
  let body = ""; res.on("data", (d) => (body += d)); res.on("end", () => console.log("REACHED " + res.statusCode + " " + body.slice(0, 60)));
});
req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
req.on("error", (e) => console.log("REFUSED " + (e.code || e.message)));
`;

const appCommand = `node -e 'require("http").createServer((q,r)=>r.end("alice app")).listen(+process.env.PORT,"127.0.0.1")'`;

const tables = () => execFileSync("nft", ["list", "tables"], { encoding: "utf8" });
const netnsNames = () => execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
const links = () => execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" });

describe.skipIf(!IS_ROOT)("users' loopbacks on the shared VM (skipped when not root: it makes namespaces)", () => {
  let h: Harness;
  let scratch = "";
  let outside: Server | null = null;
  let outsidePort = 0;
  let outside6: Server | null = null;
  let outsidePort6 = 0;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "netns-probe-"));
    chmodSync(scratch, 0o755);
    writeFileSync(join(scratch, "probe.js"), PROBE, { mode: 0o644 });
    outside = createServer((_q, r) => r.end("the internet"));
    await new Promise<void>((resolve) => outside?.listen(0, outsideAddress, resolve));
    outsidePort = (outside.address() as AddressInfo).port;
    if (outsideAddress6) {
      outside6 = createServer((_q, r) => r.end("the IPv6 internet"));
      await new Promise<void>((resolve) => outside6?.listen(0, outsideAddress6, resolve));
      outsidePort6 = (outside6.address() as AddressInfo).port;
    }
    h = await startHarness();
  }, 60_000);

  afterAll(async () => {
    const pid = h?.pid;
    await h?.close();
    if (outside) await new Promise((resolve) => outside?.close(resolve));
    if (outside6) await new Promise((resolve) => outside6?.close(resolve));
    rmSync(scratch, { recursive: true, force: true });
    // Nothing of the server's networks is left: its namespaces (with their veths) and its table.
    expect(netnsNames()).not.toContain(`relay-${pid}_`);
    expect(tables()).not.toContain(`relay_netns_${pid}_`);
  });

  /** What `probe host port path` printed when the user's agent (the real CLI, its Bash tool) ran it in `workspace`. */
  async function probeAs(userId: string, workspace: string, host: string, port: number, path = "/"): Promise<string> {
    const text = `run \`node ${join(scratch, "probe.js")} ${host} ${port} ${path}\``;
    const events = await (await h.startRun({ userId, workspace, text, options: { permissionMode: "bypassPermissions" } })).end();
    const said = resultsOf(events)[0]?.text ?? JSON.stringify(events.at(-1));
    return /(REACHED|REFUSED)[^\n`]*/.exec(said)?.[0] ?? said;
  }

  const proxied = (user: string, workspace: string, port: number) =>
    fetch(`${h.vm.url}${previewProxyPath(workspace, port, "/")}`, { headers: { authorization: `Bearer ${TOKEN}`, [PREVIEW_USER_HEADER]: user } });

  it("keeps Alice's server from Bob's agent and Bob's link, and leaves Alice's agent the VM, the internet and her own server", async () => {
    for (const userId of [alice, bob]) expect((await h.call("POST", VM_ROUTES.workspaces, { userId, workspace: "site" })).status).toBe(201);
    const port = await freePort();
    const started = PreviewStateSchema.parse(await (await h.call("POST", VM_ROUTES.workspacePreview("site", alice), { command: appCommand, port })).json());
    expect(started.problem).toBeUndefined();
    expect(started.ports).toContain(port);

    // Bob's agent cannot connect to it; his link to that port is refused.
    expect(await probeAs(bob, "site", "127.0.0.1", port)).toMatch(/^REFUSED ECONNREFUSED/);
    expect((await proxied(bob, "site", port)).status).toBe(404);

    // Alice's agent reaches it, and her link does.
    expect(await probeAs(alice, "site", "127.0.0.1", port)).toBe("REACHED 200 alice app");
    const page = await proxied(alice, "site", port);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe("alice app");

    // Her agent still reaches the VM server at 127.0.0.1:<its port>, and the outside address.
    const vmPort = new URL(h.vm.url).port;
    expect(await probeAs(alice, "site", "127.0.0.1", Number(vmPort), "/health")).toMatch(/^REACHED 200 /);
    expect(outsideAddress).toBeDefined();
    expect(await probeAs(alice, "site", outsideAddress ?? "", outsidePort)).toBe("REACHED 200 the internet");
    if (outsideAddress6) expect(await probeAs(alice, "site", outsideAddress6, outsidePort6)).toBe("REACHED 200 the IPv6 internet");

    // On the VM's network only root (the server, its browser) opens her namespace's address, which
    // leads to her loopback: a process of another uid there (an agent whose namespace could not be made) does not.
    const nsAddress = /inet (10\.213\.\d+\.\d+)\//.exec(execFileSync("nsenter", [`--net=/proc/${started.kept?.pid ?? 0}/ns/net`, "ip", "-4", "-o", "addr", "show"], { encoding: "utf8" }))?.[1] ?? "";
    const probeHere = (uid: number) => execFileSync(process.execPath, [join(scratch, "probe.js"), nsAddress, String(port), "/"], { uid, gid: uid, encoding: "utf8", cwd: "/" }).trim();
    expect(probeHere(0)).toBe("REACHED 200 alice app");
    expect(probeHere(29_999)).toMatch(/^REFUSED (EPERM|EACCES|TIMEOUT)/);

    // Her server is in a network of its own: not this machine's.
    expect(readlinkSync(`/proc/${started.kept?.pid ?? 0}/ns/net`)).not.toBe(readlinkSync("/proc/self/ns/net"));
    // Each user's agent in a namespace of its own, with a veth each; the start line says so.
    expect("output" in h.vm && h.vm.output()).toMatch(/each user's agent runs in a network namespace of its own/);
    expect(links()).toMatch(/rlh\d+@/);
  }, 240_000);
});
