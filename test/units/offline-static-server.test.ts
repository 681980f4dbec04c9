// The offline model's "serve this folder" server (STATIC_SERVER), run as the agent runs it (`sh -c`
// in the folder): a folder's index.html, or without one a list of its files, and nothing outside it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { request } from "node:http";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { freePort } from "../../emulator/tools/free-port";
import { STATIC_SERVER } from "../stand-ins/offline-intents";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean();
});

async function serve(files: Record<string, string>): Promise<string> {
  // The folder inside a root that holds a secret beside it, which must never be served.
  const root = mkdtempSync(join(tmpdir(), "static-server-"));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, "secret.txt"), "SECRET");
  const dir = join(root, "site");
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const port = await freePort("127.0.0.1");
  const child: ChildProcess = spawn("sh", ["-c", STATIC_SERVER], { cwd: dir, env: { ...process.env, PORT: String(port) }, detached: true, stdio: "ignore" });
  cleanups.push(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(url, { redirect: "manual" }).then(() => true, () => false);
    if (up) return url;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the static server did not listen");
}

const raw = (url: string, path: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${url}/`, { path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });

const get = async (url: string) => {
  const res = await fetch(url, { redirect: "manual" });
  return { status: res.status, type: res.headers.get("content-type"), location: res.headers.get("location"), body: await res.text() };
};

it("answers a folder with its index.html", async () => {
  const url = await serve({ "index.html": "<h1>hello</h1>", "app.js": "1" });
  expect(await get(`${url}/`)).toMatchObject({ status: 200, type: "text/html; charset=utf-8", body: "<h1>hello</h1>" });
  expect(await get(`${url}/app.js`)).toMatchObject({ status: 200, type: "text/javascript", body: "1" });
  // Within preview_start's one line of at most 1,000 characters.
  expect(STATIC_SERVER.length).toBeLessThanOrEqual(1000);
  expect(STATIC_SERVER).not.toMatch(/[\n\r]/);
});

it("lists a folder without index.html: names escaped, links relative, dotfiles left out", async () => {
  const url = await serve({ "notes.txt": "n", 'a <b> & "c".txt': "x", "src/main.ts": "m", ".env": "SECRET=1" });
  const page = await get(`${url}/`);
  expect(page).toMatchObject({ status: 200, type: "text/html; charset=utf-8" });
  expect(page.body).toContain('<p><a href="notes.txt">notes.txt</a>');
  expect(page.body).toContain('<p><a href="src">src</a>');
  expect(page.body).toContain('<a href="a%20%3Cb%3E%20%26%20%22c%22.txt">a &#60;b&#62; &#38; &#34;c&#34;.txt</a>');
  expect(page.body).not.toContain(".env");
  expect(page.body).not.toContain("<b>");
  // The links resolve: a file, and a folder's own list.
  expect(await get(`${url}/a%20%3Cb%3E%20%26%20%22c%22.txt`)).toMatchObject({ status: 200, body: "x" });
  expect(await get(`${url}/src`)).toMatchObject({ status: 301, location: "src/" });
  expect((await get(`${url}/src/`)).body).toContain('<a href="main.ts">main.ts</a>');
});

it("redirects a folder asked for without its slash, relative, so its links resolve under a prefix", async () => {
  const url = await serve({ "src/main.ts": "m" });
  expect(await get(`${url}/src`)).toMatchObject({ status: 301, location: "src/" });
});

it("serves nothing outside the folder, and refuses a path it cannot decode", async () => {
  const url = await serve({ "index.html": "i" });
  // fetch would resolve the dots itself: the raw path, as a hand-made request sends it. The dots
  // are resolved inside the folder, so each is a file of the folder's, which is not there.
  for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/src/../../secret.txt"]) expect(await raw(url, path), path).toEqual({ status: 404, body: "" });
  expect((await get(`${url}/missing.txt`)).status).toBe(404);
  expect((await get(`${url}/%E0%A4%A`)).status).toBe(400);
});
