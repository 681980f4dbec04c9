// A preview's page asking for absolute paths (`/assets/app.js`, as dev servers write them): the
// Worker sends each under the page's link, by its same-origin Referer, and carries a WebSocket
// (no Referer in a handshake) by the cookie the link's page set; never the Worker's own routes,
// never a link that does not open, never without a preview to name.
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { ask } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const phone = "+15550000206";
const LINK = new RegExp(`${TEST_PUBLIC_URL.replace(/[.]/g, "\\.")}(/p/[A-Za-z0-9_-]{88}/)`);
const get = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(new Request(`${TEST_PUBLIC_URL}${path}`, { redirect: "manual", headers }));

it("sends a preview page's absolute paths under its link, carries its WebSocket by cookie, and leaves everything else alone", async () => {
  await fetch(`${env.VM_URL}/__stand-in/preview`, { method: "POST", body: JSON.stringify({ userId: phone, workspace: "main", ports: [5173] }) });
  const link = LINK.exec(await ask(phone, "/preview"))![1]!;
  const token = link.slice(3, -1);

  // The page sets the cookie that names its preview: the browser's only, for the whole origin.
  const page = await get(link);
  expect(page.status).toBe(200);
  expect(page.headers.get("set-cookie")).toMatch(new RegExp(`^relay_preview=${token}; Path=/; Max-Age=\\d+; HttpOnly; Secure; SameSite=Lax$`));

  // An absolute path asked by that page: sent under the link, method kept (307), and answered there.
  const referer = { referer: `${TEST_PUBLIC_URL}${link}index.html` };
  const moved = await get("/assets/app.js?v=2", referer);
  expect([moved.status, moved.headers.get("location")]).toEqual([307, `${link}assets/app.js?v=2`]);
  expect(await (await get(moved.headers.get("location")!)).text()).toBe("<h1>app of main on 5173 at /assets/app.js?v=2</h1>");
  // A page deeper in the app names the same link.
  expect((await get("/@vite/client", { referer: `${TEST_PUBLIC_URL}${link}src/deep/page.html` })).headers.get("location")).toBe(`${link}@vite/client`);

  // A WebSocket handshake at an absolute path has no Referer: the cookie names the preview, and it is carried in place.
  const cookie = `theme=dark; relay_preview=${token}`;
  const socket = await get("/?token=hmr", { upgrade: "websocket", cookie });
  expect([socket.status, await socket.text()]).toEqual([200, "<h1>app of main on 5173 at /?token=hmr</h1>"]);

  // Nothing else is touched: no preview named, another origin's Referer, a cookie on a plain request,
  // an altered token, and the Worker's own routes, which answer as ever.
  const notFound = async (path: string, headers: Record<string, string>) => {
    const res = await get(path, headers);
    return [res.status, await res.text()];
  };
  const none = [404, JSON.stringify({ error: "not_found" })];
  expect(await notFound("/assets/app.js", {})).toEqual(none);
  expect(await notFound("/assets/app.js", { referer: `https://elsewhere.example${link}` })).toEqual(none);
  expect(await notFound("/assets/app.js", { cookie })).toEqual(none);
  const altered = token.slice(0, 10) + (token[10] === "A" ? "B" : "A") + token.slice(11);
  expect(await notFound("/assets/app.js", { referer: `${TEST_PUBLIC_URL}/p/${altered}/` })).toEqual(none);
  expect(await notFound("/", { upgrade: "websocket", cookie: `relay_preview=${altered}` })).toEqual(none);
  const health = await get("/health", referer);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ ok: true });

  // Ended by /preview off like the link itself: the signature still opens, so the path is sent
  // under the link (the object alone knows the epochs), where it is refused.
  await ask(phone, "/preview off");
  const after = await get("/assets/app.js", referer);
  expect(after.headers.get("location")).toBe(`${link}assets/app.js`);
  expect(await notFound(after.headers.get("location")!, {})).toEqual([404, "Not found"]);
  expect(await notFound("/", { upgrade: "websocket", cookie })).toEqual([404, "Not found"]);
});
