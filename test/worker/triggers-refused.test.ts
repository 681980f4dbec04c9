// What an HTTP trigger refuses, storing nothing: a wrong or missing token, another trigger's token,
// an unknown id (all the same 401), a body that is not JSON or too big (400), a firing over the
// trigger's rate (429 with Retry-After), and any firing once /trigger remove ended it.
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, expect, it } from "vitest";
import { ask, query } from "./helpers";
import { addTrigger, allowPhones, fire, storedByTriggers } from "./trigger-helpers";
import { TEST_PUBLIC_URL } from "./test-env";

const PHONES = ["+15550000973", "+15550000974", "+15550000975", "+15550000976"];
beforeAll(() => allowPhones(PHONES));

const directoryRows = (id: string) =>
  runInDurableObject(env.USER_DIRECTORY.get(env.USER_DIRECTORY.idFromName("directory")), (_o, state) => state.storage.sql.exec("SELECT id FROM triggers WHERE id = ?", id).toArray());

async function expectUnauthorized(response: Promise<Response>): Promise<void> {
  const res = await response;
  expect(res.status).toBe(401);
  expect(await res.json()).toEqual({ error: "unauthorized" });
  expect(res.headers.get("www-authenticate")).toContain("Bearer");
}

it("answers 401 alike to a missing or wrong token, another trigger's token and an unknown id, and stores nothing", async () => {
  const [phone, other] = [PHONES[0]!, PHONES[1]!];
  await ask(phone, "/status");
  await ask(other, "/status");
  const mine = await addTrigger(phone, "deploy-check", "check the deploy");
  const second = await addTrigger(phone, "second", "something else");
  const theirs = await addTrigger(other, "theirs", "their prompt");

  await expectUnauthorized(fire(mine.url, {}));
  await expectUnauthorized(fire(mine.url, { token: "x".repeat(43) }));
  await expectUnauthorized(fire(mine.url, { headers: { authorization: `Basic ${mine.token}` } }));
  await expectUnauthorized(fire(mine.url, { token: second.token }));
  await expectUnauthorized(fire(mine.url, { token: theirs.token }));
  await expectUnauthorized(fire(`/triggers/${"0".repeat(32)}`, { token: mine.token }));
  await expectUnauthorized(fire("/triggers/not-an-id", { token: mine.token }));
  // A door altered by one character, or another trigger's door with this token.
  const altered = mine.door.slice(0, 10) + (mine.door[10] === "A" ? "B" : "A") + mine.door.slice(11);
  await expectUnauthorized(fire(`/triggers/${altered}`, { token: mine.token }));
  await expectUnauthorized(fire(`/triggers/${second.door}`, { token: mine.token }));
  expect(await storedByTriggers(phone)).toEqual({ messages: 0, notices: 0 });
  expect(await storedByTriggers(other)).toEqual({ messages: 0, notices: 0 });
  // The token is not a key to anything else of the relay's.
  expect((await exports.default.fetch(new Request(`${TEST_PUBLIC_URL}/triggers/${mine.id}`, { headers: { authorization: `Bearer ${mine.token}` } }))).status).toBe(404);
});

it("answers 400 to a body that is not JSON, not {text}, too big, or a bad Idempotency-Key, and stores nothing", async () => {
  const phone = PHONES[1]!;
  const made = await addTrigger(phone, "bodies", "look at this");
  for (const body of ["not json", "[1, 2]", JSON.stringify({ text: 42 }), JSON.stringify({ text: "x".repeat(8_001) }), "x".repeat(70_000)]) {
    const res = await fire(made.url, { token: made.token, body });
    expect(res.status, body.slice(0, 20)).toBe(400);
  }
  expect((await fire(made.url, { token: made.token, key: "x".repeat(256) })).status).toBe(400);
  expect(await storedByTriggers(phone)).toEqual({ messages: 0, notices: 0 });
});

it("takes 10 firings a minute per trigger: the 11th gets 429 with Retry-After and stores nothing", async () => {
  const phone = PHONES[2]!;
  await ask(phone, "/status");
  const made = await addTrigger(phone, "busy", "count this");
  for (let i = 0; i < 10; i++) expect((await fire(made.url, { token: made.token, key: `k${i}` })).status).toBe(202);
  const over = await fire(made.url, { token: made.token, key: "k10" });
  expect(over.status).toBe(429);
  expect(Number(over.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(Number(over.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  // A key already taken is still a duplicate, not a refusal.
  expect(await (await fire(made.url, { token: made.token, key: "k3" })).json()).toEqual({ status: "duplicate" });
  expect((await storedByTriggers(phone)).messages).toBe(10);
  // Another trigger of the same user has its own count.
  const calm = await addTrigger(phone, "calm", "count that");
  expect((await fire(calm.url, { token: calm.token, key: "k10" })).status).toBe(202);
});

it("/trigger remove ends a trigger: 401 from then on, gone from /triggers; the directory never had it", async () => {
  const phone = PHONES[0]!;
  const made = await addTrigger(phone, "short-lived", "say hi");
  expect(await directoryRows(made.id)).toHaveLength(0);
  expect(await ask(phone, "/trigger remove short-lived")).toBe("Trigger short-lived removed: its URL answers 401 from now on.");
  await expectUnauthorized(fire(made.url, { token: made.token }));
  expect(await query(phone, "SELECT id FROM messages WHERE id LIKE ?", `trigger-${made.id}-%`)).toEqual([]);
  expect(await ask(phone, "/triggers")).not.toContain("short-lived");
  expect(await ask(phone, "/trigger remove short-lived")).toBe("You have no trigger named short-lived. /triggers lists them.");
});

it("a trigger made before doors (its token's hash in the directory, a 32-hex URL): 401 with nothing stored", async () => {
  const phone = PHONES[3]!;
  await ask(phone, "/status");
  const id = "ab".repeat(16);
  const token = "t".repeat(43);
  await query(phone, "INSERT INTO triggers (id, name, conversation_id, prompt, created_at) VALUES (?, 'old-one', 1, 'old prompt', 0)", id);
  const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)))].map((b) => b.toString(16).padStart(2, "0")).join("");
  await runInDurableObject(env.USER_DIRECTORY.get(env.USER_DIRECTORY.idFromName("directory")), (_o, state) =>
    state.storage.sql.exec("INSERT INTO triggers (id, home, name, token_sha256, created_at) VALUES (?, ?, 'old-one', ?, 0)", id, phone, digest),
  );
  await expectUnauthorized(fire(`/triggers/${id}`, { token }));
  expect(await storedByTriggers(phone)).toEqual({ messages: 0, notices: 0 });
  // /triggers says so, and what to do.
  expect(await ask(phone, "/triggers")).toContain(
    "old-one – @main, never fired (its URL stopped working when this relay was upgraded: /trigger remove old-one, then /trigger add it again for a new URL and token)",
  );
  // /trigger remove still clears it from both places.
  expect(await ask(phone, "/trigger remove old-one")).toBe("Trigger old-one removed: its URL answers 401 from now on.");
});

it("refuses a bad /trigger command with one line and keeps nothing", async () => {
  const phone = PHONES[0]!;
  expect(await ask(phone, "/trigger add Bad_Name do it")).toMatch(/^A trigger's name is 1-32 letters/);
  expect(await ask(phone, "/trigger add deploy-check again")).toBe("You have a trigger named deploy-check already. /trigger remove deploy-check ends it first.");
  expect(await query(phone, "SELECT name FROM triggers ORDER BY name")).toEqual([{ name: "deploy-check" }, { name: "second" }]);
});

it("keeps a conversation a trigger runs in from being deleted, until the trigger is removed", async () => {
  const phone = PHONES[3]!;
  await ask(phone, "/new side");
  await addTrigger(phone, "side-job", "tidy up");
  await ask(phone, "/switch main");
  expect(await ask(phone, "/delete side")).toBe("side has HTTP triggers (side-job): end them first with /trigger remove <name>.");
  await ask(phone, "/trigger remove side-job");
  expect(await ask(phone, "/delete side")).toMatch(/^Delete side and its project directory/);
});
