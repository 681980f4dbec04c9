import { describe, expect, it } from "vitest";
import { signWebhook } from "../../emulator/github/core/webhook-signature";
import { verifyGithubSignature } from "../../src/github/github-signature";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("verifyGithubSignature", () => {
  // GitHub's documented example ("Validating webhook deliveries"): secret and payload, and the header it gives.
  it("accepts GitHub's own example", async () => {
    const header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    expect(await verifyGithubSignature("It's a Secret to Everybody", bytes("Hello, World!"), header)).toBe(true);
  });

  const body = '{"repository":{"full_name":"acme/api"}}';
  const good = signWebhook("s3cret", body);
  it.each([
    ["the stand-in's signature", good, true],
    ["upper-case hex", good.toUpperCase().replace("SHA256=", "sha256="), true],
    ["missing", null, false],
    ["empty", "", false],
    ["another secret's", signWebhook("other", body), false],
    ["sha1 only", "sha1=0123456789abcdef0123456789abcdef01234567", false],
    ["truncated", good.slice(0, -2), false],
    ["one digit changed", good.slice(0, -1) + (good.endsWith("0") ? "1" : "0"), false],
  ])("%s → %s", async (_name, header, ok) => {
    expect(await verifyGithubSignature("s3cret", bytes(body), header)).toBe(ok);
  });

  it("is over the exact bytes: the same JSON re-spaced is refused", async () => {
    expect(await verifyGithubSignature("s3cret", bytes(body.replace(":", ": ")), good)).toBe(false);
  });

  it("refuses with an empty secret", async () => {
    expect(await verifyGithubSignature("", bytes(body), signWebhook("", body))).toBe(false);
  });
});
