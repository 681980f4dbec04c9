// Saving attachments on a real filesystem, without the CLI: into `inbox/` as the user, never
// through a planted symlink or over a file already there, and every failed download told in words
// with nothing left behind. The relay's /media link is a local HTTP server.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Attachment } from "../../src/protocol/vm/files";
import type { AgentIds } from "../src/core/agent-ids";
import { openInboxFile, saveAttachment, withAttachments, type InboxContext } from "../src/files/inbox";
import { IS_ROOT } from "./helpers/harness";

// As root the files are made as an agent's uid, as the VM does; otherwise as the test's own user.
const ids: AgentIds | null = IS_ROOT ? { uid: 20_999, gid: 20_999 } : null;
const other: AgentIds | null = IS_ROOT ? { uid: 20_998, gid: 20_998 } : null;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1000, 7)]);
const NOW = Date.UTC(2026, 10, 22, 12);

let root = "";
let project = "";
let server: Server;
let base = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/ok.png") return res.writeHead(200, { "content-type": "image/png", "content-length": PNG.length }).end(PNG);
    if (req.url === "/gone") return res.writeHead(404).end("no");
    if (req.url === "/longer") return res.writeHead(200).end(Buffer.concat([PNG, PNG]));
    if (req.url === "/shorter") return res.writeHead(200).end(PNG.subarray(0, 100));
    if (req.url === "/slow") return res.writeHead(200).write(PNG.subarray(0, 10)); // and never ends
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach((context) => {
  root = mkdtempSync(join(tmpdir(), "inbox-test-"));
  chmodSync(root, 0o711);
  // The agent's uid passes through to its project as the VM arranges it (data-dir-layout.ts): the
  // run's temporary directory (root's, 700) included.
  if (ids) for (let dir = dirname(root); dir !== "/"; dir = dirname(dir)) if (statSync(dir).uid === 0) chmodSync(dir, statSync(dir).mode | 0o001);
  project = join(root, "workspace");
  mkdirSync(project, { mode: 0o700 });
  if (ids) chownSync(project, ids.uid, ids.gid);
  context.onTestFinished(() => rmSync(root, { recursive: true, force: true }));
});

const attachment = (path: string, size = PNG.length): Attachment => ({ url: `${base}${path}`, contentType: "image/png", size, kind: "image", ext: "png" });
const context = (more: Partial<InboxContext> = {}): InboxContext => ({ ids, projectDir: project, now: () => NOW, timeoutMs: 5_000, signal: new AbortController().signal, ...more });
const inboxFiles = () => (existsSync(join(project, "inbox")) ? readdirSync(join(project, "inbox")) : []);

describe("a saved attachment", () => {
  it("lands in inbox/ under a name the VM made, owned by the user and readable by them alone", async () => {
    const outcome = await saveAttachment(attachment("/ok.png"), context());
    expect(outcome).toEqual({ ok: true, path: expect.stringMatching(/^inbox\/2026-11-22-[0-9a-f]{6}\.png$/) });
    if (!outcome.ok) return;
    const file = join(project, outcome.path);
    expect(readFileSync(file)).toEqual(PNG);
    const stat = lstatSync(file);
    expect(stat.mode & 0o777).toBe(0o600);
    if (ids) expect([stat.uid, stat.gid, lstatSync(join(project, "inbox")).uid]).toEqual([ids.uid, ids.gid, ids.uid]);
  });

  it("becomes the agent's lines: the file, then the message's text", async () => {
    const message = await withAttachments({ id: "m1", text: "what is this?", attachments: [attachment("/ok.png"), attachment("/gone")] }, context());
    expect(message.text.split("\n")).toEqual([
      expect.stringMatching(/^The user sent an image: inbox\/2026-11-22-[0-9a-f]{6}\.png \(attachment 1 of 2; image\/png, 1 KB\)$/),
      "The user sent an image (attachment 2 of 2; image/png, 1 KB) that could not be fetched: the relay answered HTTP 404.",
      "what is this?",
    ]);
    expect(message).not.toHaveProperty("attachments");
  });
});

describe("the inbox cannot be escaped", () => {
  it("refuses an inbox that is a symlink to /etc, and writes nothing there", async () => {
    const before = readdirSync("/etc");
    symlinkSync("/etc", join(project, "inbox"));
    expect(await saveAttachment(attachment("/ok.png"), context())).toEqual({ ok: false, why: expect.stringMatching(/inbox is a symbolic link/) });
    expect(readdirSync("/etc")).toEqual(before);
  });

  it("refuses an inbox that is a symlink into another user's tree", async () => {
    const theirs = join(root, "other-user", "workspace");
    mkdirSync(theirs, { recursive: true, mode: 0o700 });
    if (other) chownSync(join(root, "other-user"), other.uid, other.gid);
    if (other) chownSync(theirs, other.uid, other.gid);
    symlinkSync(theirs, join(project, "inbox"));
    expect(await saveAttachment(attachment("/ok.png"), context())).toEqual({ ok: false, why: expect.stringMatching(/inbox is a symbolic link/) });
    expect(readdirSync(theirs)).toEqual([]);
  });

  it("refuses an inbox that is a file", async () => {
    writeFileSync(join(project, "inbox"), "not a directory");
    expect(await saveAttachment(attachment("/ok.png"), context())).toEqual({ ok: false, why: "the project's inbox is not a directory" });
  });

  it("never writes through a file or link already named like the target: another name is drawn", async () => {
    mkdirSync(join(project, "inbox"));
    if (ids) chownSync(join(project, "inbox"), ids.uid, ids.gid);
    const victim = join(root, "victim.txt");
    writeFileSync(victim, "untouched");
    symlinkSync(victim, join(project, "inbox", "2026-11-22-aaaaaa.png"));
    writeFileSync(join(project, "inbox", "2026-11-22-bbbbbb.png"), "mine");
    const ids6 = ["aaaaaa", "bbbbbb", "cccccc"];
    const opened = await openInboxFile(ids, project, "png", NOW, () => ids6.shift() ?? "dddddd");
    opened.sink.end();
    await opened.written();
    rmSync(join(project, opened.path));
    expect(opened.path).toBe("inbox/2026-11-22-cccccc.png");
    expect(readFileSync(victim, "utf8")).toBe("untouched");
    expect(readFileSync(join(project, "inbox", "2026-11-22-bbbbbb.png"), "utf8")).toBe("mine");
  });

  for (const ext of ["../../x", "/etc/passwd", "png\0", "png/../../x"]) {
    it(`refuses the extension ${JSON.stringify(ext)} before touching anything`, async () => {
      await expect(openInboxFile(ids, project, ext, NOW)).rejects.toThrow(/not an allowed extension/);
      expect(existsSync(join(project, "inbox"))).toBe(false);
    });
  }
});

describe("a download that fails", () => {
  const cases: Array<[string, string, number | undefined, RegExp]> = [
    ["a 404", "/gone", undefined, /^the relay answered HTTP 404$/],
    ["more bytes than announced", "/longer", undefined, /^it is larger than the 1008 bytes announced$/],
    ["fewer bytes than announced", "/shorter", undefined, /^the download ended after 100 of 1008 bytes$/],
    ["no answer in time", "/slow", 300, /^the download took longer than 300 ms$/],
    ["nobody listening", "http://127.0.0.1:9/x", undefined, /^the relay could not be reached$/],
  ];
  for (const [what, path, timeoutMs, why] of cases) {
    it(`is told (${what}) and leaves no file`, async () => {
      const att = path.startsWith("http") ? { ...attachment("/"), url: path } : attachment(path);
      const outcome = await saveAttachment(att, context(timeoutMs ? { timeoutMs } : {}));
      expect(outcome).toEqual({ ok: false, why: expect.stringMatching(why) });
      expect(inboxFiles()).toEqual([]);
    });
  }

  it("stops when the run ends", async () => {
    const ended = new AbortController();
    const pending = saveAttachment(attachment("/slow"), context({ signal: ended.signal }));
    setTimeout(() => ended.abort(), 100);
    expect(await pending).toEqual({ ok: false, why: "the run ended first" });
    expect(inboxFiles()).toEqual([]);
  });
});
