import { expect, it } from "vitest";
import { ask } from "../worker/helpers";
import { directory, fromTelegram, linkPhoneAndTelegram } from "../worker/link-helpers";
import { adminOf } from "./admin-env";

const admin = adminOf(8);

it("/users shows each user's doors: a number with the Telegram chat linked to it", async () => {
  expect(await linkPhoneAndTelegram(admin, "900180")).toMatch(/^Linked:/);

  const lines = (await ask(admin, "/users")).split("\n");
  expect(lines).toContain(`${admin} + Telegram 900180 (admin) · active just now · idle · today $0.00, month $0.00 · budget $20.00/day`);
  // A linked Telegram user is one of the number's doors, not a user of their own.
  expect(lines.filter((l) => l.includes("Telegram 900180") && !l.startsWith(admin))).toEqual([]);

  expect(await ask(admin, "/unlink")).toMatch(/^Unlinked:/);
  expect(await ask(admin, "/users")).toContain(`\n${admin} (admin) · active just now`);
});

it("a chat linked to an admin's agent is not an admin: its admin commands are refused and change nothing, the admin's own still work", async () => {
  const user = "900181";
  const stranger = "+15550001985";
  expect(await linkPhoneAndTelegram(admin, user)).toMatch(/^Linked:/);
  const fromLinked = async (text: string) => {
    const sent = await fromTelegram(user, text);
    expect(sent.home).toBe(admin);
    return sent.reply;
  };
  expect(await fromLinked("/users")).toBe("Permission denied: /users is for admins only.");
  expect(await fromLinked(`/allow ${stranger}`)).toBe("Permission denied: /allow is for admins only.");
  expect(await fromLinked("/dashboard")).toBe("Permission denied: /dashboard is for admins only.");
  expect(await directory().list()).not.toContainEqual(expect.objectContaining({ phone: stranger }));
  // The admin's own chat keeps its rights.
  expect(await ask(admin, "/users")).toContain(`${admin} + Telegram ${user} (admin)`);
  expect(await ask(admin, "/unlink")).toMatch(/^Unlinked:/);
});
