import { expect, it } from "vitest";
import { ask } from "../worker/helpers";
import { codeIn, fromTelegram } from "../worker/link-helpers";
import { adminOf } from "./admin-env";

const admin = adminOf(8);

it("/users shows each user's doors: a number with the Telegram chat linked to it", async () => {
  const linked = await fromTelegram("900180", `/link ${codeIn(await ask(admin, "/link"))}`);
  expect(linked.reply).toMatch(/^Linked:/);

  const lines = (await ask(admin, "/users")).split("\n");
  expect(lines).toContain(`${admin} + Telegram 900180 (admin) · active just now · idle · today $0.00, month $0.00 · budget $20.00/day`);
  // A linked Telegram user is one of the number's doors, not a user of their own.
  expect(lines.filter((l) => l.includes("Telegram 900180") && !l.startsWith(admin))).toEqual([]);

  expect(await ask(admin, "/unlink")).toMatch(/^Unlinked:/);
  expect(await ask(admin, "/users")).toContain(`\n${admin} (admin) · active just now`);
});
