import { expect, it } from "vitest";
import { ask, vmRequests } from "./helpers";

const phone = "+15550000165";
const lastStart = async () => (await vmRequests(phone)).filter((r) => r.kind === "start").at(-1)!;

it("/deep keeps the conversation's agent warm, /end stops; /git sets who the agent commits as", async () => {
  await ask(phone, "hello");
  expect((await lastStart()).options?.keepWarmMs).toBeUndefined();
  expect((await lastStart()).gitIdentity).toEqual({ name: "WhatsApp agent", email: "1555xxx0165@users.noreply.invalid" });

  expect(await ask(phone, "/deep")).toMatch(/^Deep mode on for main/);
  expect(await ask(phone, "/status")).toContain("deep mode on");
  await ask(phone, "now deep");
  expect((await lastStart()).options?.keepWarmMs).toBe(2 * 60 * 60_000);
  expect(await ask(phone, "/end")).toMatch(/^Deep mode off for main/);
  await ask(phone, "not deep");
  expect((await lastStart()).options?.keepWarmMs).toBeUndefined();

  expect(await ask(phone, "/git name Ada Lovelace")).toBe("Your agent's commits are now by Ada Lovelace <1555xxx0165@users.noreply.invalid>. Change with /git name <name> and /git email <email>.");
  await ask(phone, "/git email ada@example.com");
  await ask(phone, "commit it");
  expect((await lastStart()).gitIdentity).toEqual({ name: "Ada Lovelace", email: "ada@example.com" });
  expect(await ask(phone, "/git email nope")).toBe("Usage: /git email you@example.com.");
});

it("/sessions lists every conversation, numbered, the current one marked", async () => {
  await ask(phone, "/new api");
  const list = (await ask(phone, "/sessions")).split("\n");
  expect(list[0]).toBe("Your conversations:");
  expect(list[1]).toMatch(/^1\. main · 4 turns · \$0\.\d+ · active (just now|\d+ min ago)$/);
  expect(list[2]).toMatch(/^2\. api ← current · 0 turns · \$0\.00 · active just now$/);
  expect(await ask(phone, "/switch 1")).toBe("Switched to main. Plain messages go there now.");
  expect(await ask(phone, "/switch 7")).toBe("There is no conversation number 7. /sessions lists them.");
  expect(await ask(phone, "/rename backend")).toBe("Renamed main to backend.");
  expect(await ask(phone, "/rename API")).toBe("There is already a conversation named api.");
  expect(await ask(phone, "/new Api")).toBe("There is already a conversation named api. /switch api makes it current.");
});
