// What setup:production reads back from wrangler and flyctl (scripts/setup/cli-output.ts), as a
// table of their outputs: wrangler 4.164's wording from its own source, flyctl's as it prints.
import { describe, expect, it } from "vitest";
import * as out from "../../scripts/setup/cli-output";

const r = (code: number, stdout: string, stderr = ""): out.CliResult => ({ code, stdout, stderr });
const apiError = (message: string, code: number) => r(1, "", `✘ [ERROR] A request to the Cloudflare API (/accounts/abc/r2/buckets/whatsapp-agent-relay-media) failed.\n\n  ${message} [code: ${code}]\n`);

describe("wrangler", () => {
  it.each([
    ["logged in (OAuth)", r(0, JSON.stringify({ loggedIn: true, authType: "OAuth Token", email: "op@example.com", accounts: [{ name: "Op", id: "1" }] })), "op@example.com"],
    ["an account token without an email", r(0, JSON.stringify({ loggedIn: true, authType: "Account API Token", accounts: [{ name: "Op's Account", id: "1" }] })), "Op's Account"],
    ["logged out", r(1, JSON.stringify({ loggedIn: false })), null],
    ["not JSON", r(0, "Getting User settings...\nYou are not authenticated. Please run `wrangler login`."), null],
  ])("whoami --json: %s", (_name, result, expected) => {
    expect(out.wranglerUser(result)).toBe(expected);
  });

  it.each([
    ["found", r(0, "name: whatsapp-agent-relay-media\ncreated: 2026-11-25"), "exists"],
    ["missing (10006)", apiError("The specified bucket does not exist.", 10006), "missing"],
    ["R2 off (10042)", apiError("Please enable R2 through the Cloudflare Dashboard.", 10042), "r2_off"],
    ["anything else", apiError("Authentication error", 10000), null],
  ])("r2 bucket info: %s", (_name, result, expected) => {
    expect(out.r2BucketState(result)).toBe(expected);
  });

  it.each([
    ["secrets", r(0, JSON.stringify([{ name: "VM_TOKEN", type: "secret_text" }, { name: "VM_URL", type: "secret_text" }], null, "  ")), ["VM_TOKEN", "VM_URL"]],
    ["none", r(0, "[]"), []],
    ["no Worker yet", r(1, "", '✘ [ERROR] Worker "whatsapp-agent-relay" (env: production) not found.\n\nIf this is a new Worker, run `wrangler deploy` first to create it.'), "no_worker"],
    ["another failure", r(1, "", "✘ [ERROR] Authentication error [code: 10000]"), null],
  ])("secret list: %s", (_name, result, expected) => {
    expect(out.workerSecretNames(result)).toEqual(expected);
  });

  it("deploy: the workers.dev URL under the upload lines", () => {
    const printed = "Total Upload: 490.28 KiB / gzip: 163.41 KiB\nUploaded whatsapp-agent-relay (4.12 sec)\nDeployed whatsapp-agent-relay triggers (1.02 sec)\n  https://whatsapp-agent-relay.op.workers.dev\n  schedule: 17 3 * * *\n";
    expect(out.deployedUrl(r(0, printed))).toBe("https://whatsapp-agent-relay.op.workers.dev");
    expect(out.deployedUrl(r(0, "Uploaded whatsapp-agent-relay\nNo deploy targets for whatsapp-agent-relay"))).toBeNull();
  });
});

describe("flyctl", () => {
  it.each([
    ["logged in", r(0, "op@example.com\n"), "op@example.com"],
    ["logged out", r(1, "", "Error: no access token available. Please login with 'flyctl auth login'"), null],
  ])("auth whoami: %s", (_name, result, expected) => {
    expect(out.flyUser(result)).toBe(expected);
  });

  it.each([
    ["older flyctl (Name)", r(0, JSON.stringify([{ Name: "VM_TOKEN", Digest: "abc", CreatedAt: "2026-11-25T10:00:00Z" }])), ["VM_TOKEN"]],
    ["newer flyctl (name)", r(0, JSON.stringify([{ name: "ANTHROPIC_API_KEY", digest: "abc", status: "Deployed" }])), ["ANTHROPIC_API_KEY"]],
    ["a failure", r(1, "", "Error: app not found"), null],
  ])("secrets list --json: %s", (_name, result, expected) => {
    expect(out.flySecretNames(result)).toEqual(expected);
  });

  it.each([
    ["pushed under the app", r(0, "--> Pushing image done\nimage: registry.fly.io/agents:agent-20261125\nimage size: 1.4 GB\n"), "registry.fly.io/agents:agent-20261125"],
    ["on stderr, as flyctl may print it", r(0, "", "image: registry.fly.io/agents:agent-1\n"), "registry.fly.io/agents:agent-1"],
    ["pushed under fly.toml's app instead: refused", r(0, "image: registry.fly.io/whatsapp-agent-vm:agent-1\n"), null],
    ["nothing pushed", r(0, "--> Building image done\n"), null],
  ])("deploy --build-only --push: %s", (_name, result, expected) => {
    expect(out.pushedImage(result, "agents")).toBe(expected);
  });

  it.each([
    ["a FlyV1 macaroon: the scheme dropped (the relay sends Bearer)", r(0, "FlyV1 fm2_lJPECAAAAAAA,fm2_lJPEtwo==\n"), "fm2_lJPECAAAAAAA,fm2_lJPEtwo=="],
    ["not a token", r(0, "Error: not authorized\n"), null],
  ])("tokens create deploy: %s", (_name, result, expected) => {
    expect(out.deployToken(result)).toBe(expected);
  });

  it("ips list --json: how many", () => {
    expect(out.flyIpCount(r(0, JSON.stringify([{ Address: "2a09::1", Type: "v6" }, { Address: "66.241.124.10", Type: "shared_v4" }])))).toBe(2);
    expect(out.flyIpCount(r(0, "[]"))).toBe(0);
  });
});
