import { expect, it } from "vitest";
import { ask } from "../worker/helpers";
import { adminOf, configuredOf } from "./admin-env";

const admin = adminOf(5);
const user = configuredOf(5);
const allowed = "+15550001955";
const denied = "+15550001956";

it("/users lists every user: the operator's numbers, the admins, the allowlist, with activity, state, spend and budget", async () => {
  expect(await ask(user, "hi")).toBe("echo: hi");
  await ask(admin, `/allow ${allowed}`);
  await ask(admin, `/allow ${denied}`);
  await ask(admin, `/deny ${denied}`);
  await ask(admin, `/budget ${allowed} 3`);

  const lines = (await ask(admin, "/users")).split("\n");
  expect(lines[0]).toMatch(/^Users \(\d+\):$/);
  expect(lines).toContain(`${user} (config) · active just now · idle · today $0.001, month $0.001 · budget $20.00/day`);
  expect(lines).toContain(`${allowed} (allowlist) · never wrote · idle · today $0.00, month $0.00 · budget $3.00/day (set by an admin)`);
  // The admin's own line comes from its own object (no call to itself); it has just written.
  expect(lines).toContain(`${admin} (admin) · active just now · idle · today $0.00, month $0.00 · budget $20.00/day`);
  expect(lines.at(-1)).toBe(`Denied: ${denied}.`);
  expect(lines.filter((l) => l.startsWith(`${denied} (`))).toEqual([]);
});
