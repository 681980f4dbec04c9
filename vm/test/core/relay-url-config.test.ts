// RELAY_URL as the VM reads it: unset means no wake; https:// anywhere, plain http:// only on this
// machine (a local relay); a trailing slash dropped, so the wake's path joins it cleanly.
import { expect, it } from "vitest";
import { loadVmConfig } from "../../src/config";

const load = (env: Record<string, string>) => loadVmConfig({ VM_TOKEN: "t".repeat(32), CLAUDE_BIN: "/bin/true", ...env });

it("is unset by default", () => expect(load({}).relayUrl).toBeUndefined());
it.each([
  ["https://relay.example.workers.dev/", "https://relay.example.workers.dev"],
  ["http://127.0.0.1:8787", "http://127.0.0.1:8787"],
])("takes %s", (url, expected) => expect(load({ RELAY_URL: url }).relayUrl).toBe(expected));
it.each(["http://relay.example.com", "not a url"])("refuses %s, by name", (url) => {
  expect(() => load({ RELAY_URL: url })).toThrow(/RELAY_URL|Invalid URL/);
});
