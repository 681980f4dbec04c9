// /handoff new <name> through the Worker: a bad name and one in use are refused in one line; a good
// one answers the shell line alone in a code block, whose script reads any number of times; the
// laptop's upload to /h/<code>/new makes the conversation (current, resuming the laptop's session,
// its workspace filled by the VM) once; a used, expired or revoked code is a one-line 410, and a
// refused upload makes no conversation and leaves the code working.
import { exports } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { ask, eventually, query, sentTo, vmRequests } from "./helpers";
import { allowPhones } from "./trigger-helpers";

const PHONES = ["+15550000377", "+15550000378", "+15550000379"] as const;
beforeAll(() => allowPhones([...PHONES]));

const LINE = new RegExp("```\\ncurl -sS (https://relay\\.example\\.test/h/([A-Za-z0-9_-]{22})) \\| sh\\n```");
const LAPTOP_DIR = "/home/ann/my work/side project";
const SESSION = "5d0c1a7e-2b3f-4c8d-9e6a-1f2e3d4c5b6a";
const SESSION_LINES = ['{"type":"user","message":{"role":"user","content":"start the parser"}}', '{"type":"assistant","message":{"content":[{"type":"text","text":"ok"}]}}', '{"type":"user","message":{"role":"user","content":"now the tests"}}'].join("\n");

async function handoffNew(phone: string, name: string): Promise<{ url: string; reply: string }> {
  const reply = await ask(phone, `/handoff new ${name}`);
  const match = LINE.exec(reply);
  if (!match) throw new Error(`no shell line in ${JSON.stringify(reply)}`);
  return { url: match[1]!, reply };
}
const getScript = (url: string) => exports.default.fetch(new Request(url));
function upload(url: string, bundle = "a git bundle") {
  const form = new FormData();
  form.set("dir", LAPTOP_DIR);
  form.set("branch", "parser");
  form.set("id", SESSION);
  form.set("bundle", new File([bundle], "new.bundle"));
  form.set("patch", new File(["diff --git a/x b/x\nnew file mode 100644\n"], "new.patch"));
  form.set("session", new File([`${SESSION_LINES}\n`], "session.jsonl"));
  return exports.default.fetch(new Request(`${url}/new`, { method: "POST", body: form }));
}
const conversations = (phone: string) => query<{ name: string; workspace: string; session_id: string | null }>(phone, "SELECT name, workspace, session_id FROM conversations ORDER BY id");

it("refuses a bad name and a name in use in one line, and makes no code", async () => {
  const phone = PHONES[0];
  expect(await ask(phone, "/handoff new two words")).toBe("/handoff new takes the new conversation's name: letters, digits, - and _, 1-32 of them.");
  expect(await ask(phone, "/handoff new main")).toBe("There is already a conversation named main. /switch main makes it current.");
  expect(await query(phone, "SELECT digest FROM handoffs")).toEqual([]);
});

it("answers the line; the upload makes the conversation, current, resuming the laptop's session, once", async () => {
  const phone = PHONES[1];
  await ask(phone, "hello");
  const { url, reply } = await handoffNew(phone, "side-project");
  expect(reply).toContain(`To read the script first: curl -sS ${url}`);
  expect(reply).toContain("15 minutes; /web revoke ends it");
  for (let i = 0; i < 2; i++) {
    const script = await getScript(url);
    expect(script.status).toBe(200);
    const text = await script.text();
    expect(text).toMatch(/^#!\/bin\/sh\n/);
    expect(text).toContain(`"$url/new"`);
  }
  // Nothing is made before the laptop's work arrives.
  expect((await conversations(phone)).map((c) => c.name)).toEqual(["main"]);

  const res = await upload(url);
  const said = "💻→📱 @side-project arrived from the laptop: 2 turns, branch parser at abc1234, 1 file changed. It is your current conversation; your next message goes on from there.";
  expect(await res.text()).toBe(`${said}\n`);
  expect(res.status).toBe(200);
  const made = (await conversations(phone)).find((c) => c.name === "side-project");
  expect(made?.session_id).toBe(SESSION);
  expect((await vmRequests(phone)).filter((r) => r.kind === "handoff-new")).toEqual([expect.objectContaining({ workspace: made!.workspace, sessionId: SESSION, laptopDir: LAPTOP_DIR, status: 200 })]);
  await eventually(async () => (await sentTo(phone)).some((m) => m.body === said));
  expect(await ask(phone, "/status")).toContain("side-project");

  const again = await upload(url);
  expect(again.status).toBe(410);
  expect(await again.text()).toBe("handoff: this code was used already. Send /handoff in the chat for a new one.\n");
  expect((await vmRequests(phone)).filter((r) => r.kind === "handoff-new")).toHaveLength(1);
  // The name is in use now.
  expect(await ask(phone, "/handoff new side-project")).toBe("There is already a conversation named side-project. /switch side-project makes it current.");
});

it("an expired or revoked code is a 410 and reaches no VM; a refused upload makes nothing and the code works again; a name taken meanwhile is refused", async () => {
  const phone = PHONES[2];
  const expired = await handoffNew(phone, "late");
  await query(phone, "UPDATE handoffs SET expires_at = ?", Date.now() - 1);
  const late = await upload(expired.url);
  expect(late.status).toBe(410);
  expect(await late.text()).toContain("has expired");

  const revoked = await handoffNew(phone, "revoked");
  await ask(phone, "/web revoke");
  const res = await upload(revoked.url);
  expect(res.status).toBe(410);
  expect(await res.text()).toContain("was revoked (/web revoke)");
  expect((await vmRequests(phone)).filter((r) => r.kind === "handoff-new")).toHaveLength(0);

  const { url } = await handoffNew(phone, "retry");
  const refused = await upload(url, "not a bundle");
  expect(refused.status).toBe(502);
  expect(await refused.text()).toBe("handoff: The laptop's bundle has no branch parser.\n");
  expect((await conversations(phone)).map((c) => c.name)).toEqual(["main"]);
  const ok = await upload(url);
  expect(ok.status).toBe(200);
  expect((await conversations(phone)).map((c) => c.name)).toEqual(["main", "retry"]);

  const taken = await handoffNew(phone, "taken");
  await ask(phone, "/new taken");
  const late2 = await upload(taken.url);
  expect(late2.status).toBe(502);
  expect(await late2.text()).toBe("handoff: a conversation “taken” exists now; send /handoff new with another name for a new line.\n");
  expect((await vmRequests(phone)).filter((r) => r.kind === "handoff-new")).toHaveLength(2);
});

it("a malformed upload is a one-line 400 and uses nothing", async () => {
  const phone = PHONES[0];
  const { url } = await handoffNew(phone, "malformed");
  const form = new FormData();
  form.set("dir", "relative/path");
  form.set("branch", "parser");
  form.set("bundle", new File(["a git bundle"], "new.bundle"));
  const res = await exports.default.fetch(new Request(`${url}/new`, { method: "POST", body: form }));
  expect(res.status).toBe(400);
  expect(await res.text()).toBe("handoff: run the line /handoff new gives at the top of a git repository.\n");
  expect((await query<{ used_at: number | null }>(phone, "SELECT used_at FROM handoffs"))[0]?.used_at).toBeNull();
});
