import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { flyResourceNames, machineVmToken } from "../../src/core/fly-identity";

describe("machineVmToken", () => {
  it.each([
    ["relay-secret", "+15551230001"],
    ["relay-secret", "+15551230002"],
    ["another-secret", "+15551230001"],
  ])("is HMAC-SHA256(%s, machine:%s) in hex", async (relay, phone) => {
    expect(await machineVmToken(relay, phone)).toBe(createHmac("sha256", relay).update(`machine:${phone}`).digest("hex"));
  });

  it("differs per phone and per relay token, so one Machine's token opens no other", async () => {
    const tokens = await Promise.all([
      machineVmToken("s", "+15551230001"),
      machineVmToken("s", "+15551230002"),
      machineVmToken("t", "+15551230001"),
    ]);
    expect(new Set(tokens).size).toBe(3);
  });

  it("refuses an empty relay token", () => {
    expect(() => machineVmToken("", "+15551230001")).toThrow(/empty/);
  });
});

describe("flyResourceNames", () => {
  it.each(["+15551230001", "+447700900123", "+5511987654321"])("for %s: valid Fly names without the number", async (phone) => {
    const names = await flyResourceNames("relay-secret", phone);
    expect(names.machine).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
    expect(names.volume).toMatch(/^[a-z0-9_]{1,30}$/);
    const digits = phone.replace(/\D/g, "");
    expect(names.machine).not.toContain(digits.slice(-7));
    expect(names.volume).not.toContain(digits.slice(-7));
    expect(names.machine.slice("agent-".length)).toBe(names.volume.slice("agent_".length));
  });

  it("is stable for one phone and key, and different across phones and keys", async () => {
    const a = await flyResourceNames("k", "+15551230001");
    expect(await flyResourceNames("k", "+15551230001")).toEqual(a);
    expect((await flyResourceNames("k", "+15551230002")).machine).not.toBe(a.machine);
    expect((await flyResourceNames("other", "+15551230001")).machine).not.toBe(a.machine);
  });

  it("is the keyed hash, not a plain one", async () => {
    const expected = createHmac("sha256", "k").update("name:+15551230001").digest("hex").slice(0, 16);
    expect((await flyResourceNames("k", "+15551230001")).machine).toBe(`agent-${expected}`);
  });
});
