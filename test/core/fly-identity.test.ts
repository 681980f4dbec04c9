import { describe, expect, it } from "vitest";
import { flyResourceNames, machineVmToken } from "../../src/machines/fly-identity";

describe("machineVmToken", () => {
  // Known answers, computed once with Node's createHmac("sha256", key).update("machine:" + phone).
  it.each([
    ["relay-secret", "+15551230001", "93cfd830b307615cbab369904548eae6efe5d5e9ad03054cc6982c4847d0edeb"],
    ["relay-secret", "+15551230002", "5a9c6f0304da6f93b713ba2ca82c030f34752840b39ab18bb3687a6814990ecb"],
    ["another-secret", "+15551230001", "d320232ca8334cd0d699778fd604a9fb8073f1f6db99bc059ce9f126e517253d"],
  ])("is HMAC-SHA256(%s, machine:%s) in hex", async (relay, phone, expected) => {
    expect(await machineVmToken(relay, phone)).toBe(expected);
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
    // HMAC-SHA256("k", "name:+15551230001"), first 16 hex digits (computed with Node's createHmac).
    expect((await flyResourceNames("k", "+15551230001")).machine).toBe("agent-b60a8537892272d2");
  });
});
