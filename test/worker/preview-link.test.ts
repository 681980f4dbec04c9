// /preview: a signed link to the app the conversation serves, carried by the Worker to the VM's
// proxy with the VM's token and the user's id; refused (a plain 404) once altered, after
// /preview off or /web revoke, and never reaching another conversation's port.
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { ask } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000299";
const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}(/p/[A-Za-z0-9_-]{88}/)`);
const get = (path: string) => exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`, { redirect: "manual" }));
const serve = (workspace: string, ports: number[], kept?: { command: string; port: number }) =>
  fetch(`${env.VM_URL}/__stand-in/preview`, { method: "POST", body: JSON.stringify({ userId: phone, workspace, ports, kept }) });
const linkOf = (reply: string) => LINK.exec(reply)?.[1] ?? null;

it("links to the one server the conversation runs, asks which of several, and ends with /preview off and /web revoke", async () => {
  expect(await ask(phone, "/preview")).toMatch(/Nothing of main is serving an app yet/);

  await serve("main", [5173]);
  const reply = await ask(phone, "/preview");
  expect(reply).toMatch(/port 5173/);
  const link = linkOf(reply)!;
  expect(link).toBeTruthy();
  const page = await get(`${link}index.html?v=1`);
  expect(page.status).toBe(200);
  expect(await page.text()).toBe("<h1>app of main on 5173 at /index.html?v=1</h1>");
  // Without its slash, the link is sent to it, so the app's relative paths resolve.
  const bare = await get(link.slice(0, -1));
  expect([bare.status, bare.headers.get("location")]).toEqual([308, link]);

  // A token altered anywhere opens nothing, and reaches no VM.
  for (const at of [5, 45, 49, 85]) {
    const token = link.slice(3, -1);
    const altered = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
    const refused = await get(`/p/${altered}/`);
    expect([refused.status, await refused.text()]).toEqual([404, "Not found"]);
  }

  // Several servers, none named: which one? A named port that is not the conversation's: nothing.
  await serve("main", [3000, 5173]);
  expect(await ask(phone, "/preview")).toMatch(/Several servers of main are listening: 3000, 5173/);
  expect(await ask(phone, "/preview 4000")).toMatch(/Nothing of main listens on port 4000/);
  const second = linkOf(await ask(phone, "/preview 3000"))!;
  expect(await (await get(second)).text()).toBe("<h1>app of main on 3000 at /</h1>");
  expect(await ask(phone, "/preview 80")).toMatch(/takes a port \(1024-65535\) or off/);

  // Another conversation's /preview finds nothing of its own, and the first link still opens main's app only.
  await ask(phone, "/new other");
  expect(await ask(phone, "/preview 5173")).toMatch(/Nothing of other listens on port 5173/);
  expect(await (await get(link)).text()).toBe("<h1>app of main on 5173 at /</h1>");

  // /preview off (in main) ends main's links at once, and its server on the VM.
  await ask(phone, "/switch main");
  expect(await ask(phone, "/preview off")).toMatch(/preview of main is ended/);
  expect((await get(link)).status).toBe(404);
  expect((await get(second)).status).toBe(404);

  // A new link works again; /web revoke ends it too.
  await serve("main", [5173]);
  const third = linkOf(await ask(phone, "/preview"))!;
  expect((await get(third)).status).toBe(200);
  await ask(phone, "/web revoke");
  expect((await get(third)).status).toBe(404);
});

it("lists the kept server in /status, ends it with /stop, and starts it again for the link's next request", async () => {
  const user = "+15550000214";
  const script = (body: object) => fetch(`${env.VM_URL}/__stand-in/preview`, { method: "POST", body: JSON.stringify({ userId: user, workspace: "main", ...body }) });
  await script({ ports: [8000], kept: { command: "npx serve -l 8000", port: 8000 } });
  const link = linkOf(await ask(user, "/preview"))!;
  expect(await (await get(link)).text()).toBe("<h1>app of main on 8000 at /</h1>");
  expect(await ask(user, "/status")).toContain("Preview server of main: port 8000 (npx serve -l 8000); /preview for its link, /preview off ends it.");
  // The page lists it too, in its conversation, escaped as every text there.
  const webPage = async () => {
    const token = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}/web/([A-Za-z0-9_-]{22})`).exec(await ask(user, "/web"))![1];
    return (await get(`/web/${token}`)).text();
  };
  expect(await webPage()).toContain('<p class="preview meta">Preview server: port 8000 (<code>npx serve -l 8000</code>). Send /preview in the chat for its link; /preview off ends it.</p>');

  // /stop ends it on the VM (nothing listens there now)...
  await ask(user, "/stop");
  await expect.poll(async () => (await (await fetch(`${env.VM_URL}/v1/workspaces/main/preview?userId=${encodeURIComponent(user)}`, { headers: { authorization: `Bearer ${env.VM_TOKEN}` } })).json()) as object).toEqual({ kept: null, ports: [] });
  // ...and the link's next request starts it again with the command it had, and is answered.
  const again = await get(link);
  expect([again.status, await again.text()]).toEqual([200, "<h1>app of main on 8000 at /</h1>"]);

  // /preview off: no server is kept, and the page says none.
  await ask(user, "/preview off");
  expect(await webPage()).not.toContain('class="preview meta"');
});

it("starts the server the user names with /preview run, keeps it, and says so in one line when it does not come up", async () => {
  const user = "+15550000223";
  expect(await ask(user, "/preview run")).toMatch(/^\/preview run needs the command that serves the app/);
  const reply = await ask(user, "/preview run npm run dev -- --port 5174");
  expect(reply).toMatch(/port 5174/);
  expect(await (await get(linkOf(reply)!)).text()).toBe("<h1>app of main on 5174 at /</h1>");
  expect(await ask(user, "/status")).toContain("Preview server of main: port 5174 (npm run dev -- --port 5174)");

  // A command that exits: the VM ended the kept server first, so nothing is remembered to start again.
  expect(await ask(user, "/preview run exit 3")).toBe(
    "I could not start “exit 3” for main: the command exited (status 3). No server is kept for its preview now; fix the command and send /preview run again.",
  );
  expect(await ask(user, "/status")).not.toContain("Preview server of main");
});
