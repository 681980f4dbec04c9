// A hand-off that fails is told in the chat as well as in the laptop's terminal: what failed and
// where the conversation is. A download the VM could not make leaves the conversation here (not
// "on your laptop") and its code works again; a hand-back the VM refused leaves the laptop's work there.
import { exports } from "cloudflare:workers";
import { beforeAll, expect, it } from "vitest";
import { ask, eventually, sentTo } from "./helpers";
import { allowPhones } from "./trigger-helpers";

const PHONES = ["+15550006061", "+15550006062", "+15550006063"] as const;
beforeAll(() => allowPhones([...PHONES]));

const LINE = /```\ncurl -sS (https:\/\/relay\.example\.test\/h\/[A-Za-z0-9_-]{22}) \| sh\n```/;
const lineOf = (reply: string) => LINE.exec(reply)?.[1] ?? "";
const download = (url: string, dir: string) => exports.default.fetch(new Request(`${url}/data`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ dir }).toString() }));
const told = (phone: string, text: string) => eventually(async () => (await sentTo(phone)).some((m) => (m.body ?? "").includes(text)));

it("a download the VM could not make: the terminal's one line, the chat's notice, the conversation still here, the code good again", async () => {
  const phone = PHONES[0];
  const url = lineOf(await ask(phone, "/handoff"));
  const failed = await download(url, "/home/ann/refused");
  expect(failed.status).toBe(502);
  expect(await failed.text()).toBe("handoff: git could not pack the hand-off.\n");
  await told(phone, "⚠️ “main” did not go to your laptop: git could not pack the hand-off. It stays here as it was; send /handoff for a new line.");
  expect(await ask(phone, "/status")).not.toContain("on your laptop");
  expect((await download(url, "/home/ann/api")).status).toBe(200);
});

it("a hand-back the VM refused: the chat names what failed and that the laptop keeps its work", async () => {
  const phone = PHONES[1];
  const url = lineOf(await ask(phone, "/handoff back"));
  const form = new FormData();
  for (const [k, v] of Object.entries({ dir: "/home/ann/api", branch: "main", base: "f".repeat(40), wip: "b".repeat(40) })) form.set(k, v);
  form.set("patch", new File(["diff --git a/x b/x\n"], "back.patch"));
  const back = await exports.default.fetch(new Request(`${url}/back`, { method: "POST", body: form }));
  expect(back.status).toBe(502);
  expect(await back.text()).toBe("handoff: The laptop's uncommitted changes did not apply; its commits are in place.\n");
  await told(phone, "⚠️ The laptop's work on “main” did not come back: The laptop's uncommitted changes did not apply; its commits are in place. The laptop keeps its work; /handoff back gives a new line.");
});

it("a script that failed on the laptop after its download: the conversation is here again, the chat says what failed, once", async () => {
  const phone = PHONES[2];
  const url = lineOf(await ask(phone, "/handoff"));
  expect((await download(url, "/home/ann/api")).status).toBe(200);
  expect(await ask(phone, "/status")).toContain("on your laptop");
  const report = () => exports.default.fetch(new Request(`${url}/failed`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ why: "your branch main has commits the conversation does not" }).toString() }));
  const first = await report();
  expect([first.status, await first.text()]).toEqual([200, "handoff: the conversation stays on the phone; this line works again while it lasts.\n"]);
  await told(phone, "⚠️ “main” did not go to your laptop: on the laptop, your branch main has commits the conversation does not. It stays here as it was; send /handoff for a new line.");
  // The only word of it in the chat: no "went to your laptop" before its correction.
  expect((await sentTo(phone)).filter((m) => (m.body ?? "").includes("went to your laptop"))).toEqual([]);
  // A report of the end after the failure tells nothing: the conversation is here.
  expect((await exports.default.fetch(new Request(`${url}/done`, { method: "POST" }))).status).toBe(409);
  expect(await ask(phone, "/status")).not.toContain("on your laptop");
  // Once: the code is unused again, so a second report takes nothing back.
  expect((await report()).status).toBe(409);
});
