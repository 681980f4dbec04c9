// The list of secrets the VM holds, pure: what an agent's environment keeps of the pass-through
// variables, a URL without its user:pass@, the custom headers the proxy adds, and what is redacted.
import { describe, expect, it } from "vitest";
import { cliEnv } from "../../src/core/cli-command";
import { secretsOf } from "../../src/core/config-problem";
import { agentSafeEnv, customHeadersOf, SECRET_VARIABLES, withoutUserinfo } from "../../src/core/secret-env";

describe("agentSafeEnv", () => {
  it("keeps ordinary variables and the model credential's stand-in, drops every listed or secret-named one", () => {
    const passThrough = {
      ANTHROPIC_API_KEY: "proxy-token-of-this-process",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:4000/model",
      ANTHROPIC_CUSTOM_HEADERS: "x-gateway-key: gw-secret",
      ANTHROPIC_FOUNDRY_API_KEY: "foundry-secret",
      CLAUDE_CODE_CLIENT_KEY_PASSPHRASE: "pass",
      ANTHROPIC_SOMETHING_NEW_API_KEY: "new-secret",
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: "8000",
      CLAUDE_CODE_USE_FOUNDRY: "1",
      HTTPS_PROXY: "http://alice:s3cret@proxy.test:3128",
      HTTP_PROXY: "http://proxy.test:3128",
      NO_PROXY: "127.0.0.1",
      IS_SANDBOX: "1",
    };
    expect(agentSafeEnv(passThrough)).toEqual({
      ANTHROPIC_API_KEY: "proxy-token-of-this-process",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:4000/model",
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: "8000",
      CLAUDE_CODE_USE_FOUNDRY: "1",
      HTTPS_PROXY: "http://proxy.test:3128",
      HTTP_PROXY: "http://proxy.test:3128",
      NO_PROXY: "127.0.0.1",
      IS_SANDBOX: "1",
    });
  });

  it("is what cliEnv passes: no listed secret but a model credential reaches the CLI", () => {
    const passThrough = Object.fromEntries(SECRET_VARIABLES.map((v) => [v.name, `value-of-${v.name}`]));
    const env = cliEnv({ inherited: {}, home: "/h", tmp: "/t", passThrough, run: {} });
    const passed = SECRET_VARIABLES.filter((v) => env[v.name] !== undefined).map((v) => v.name);
    expect(passed).toEqual(["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"]);
  });
});

describe("withoutUserinfo", () => {
  it.each([
    ["http://alice:s3cret@proxy.test:3128", "http://proxy.test:3128"],
    ["http://alice:s3cret@proxy.test:3128/", "http://proxy.test:3128/"],
    ["https://token@gw.test/v1", "https://gw.test/v1"],
    ["http://proxy.test:3128", "http://proxy.test:3128"],
    ["not a url @ all", "not a url @ all"],
    ["1", "1"],
  ])("%s → %s", (value, expected) => expect(withoutUserinfo(value)).toBe(expected));
});

describe("customHeadersOf", () => {
  it("reads one Name: value a line, skipping what is no header and what the proxy sets", () => {
    expect(customHeadersOf({ ANTHROPIC_CUSTOM_HEADERS: "X-Gateway-Key: gw-123\nnot a header\nAuthorization: Bearer x\r\nx-team:  blue " })).toEqual({ "x-gateway-key": "gw-123", "x-team": "blue" });
    expect(customHeadersOf({})).toEqual({});
  });
});

describe("secretsOf", () => {
  it("includes each custom header's value and a proxy URL's password", () => {
    const secrets = secretsOf("vm-token-0123", { ANTHROPIC_CUSTOM_HEADERS: "x-gateway-key: gw-secret-123", HTTPS_PROXY: "http://alice:proxy-pass-9@proxy.test:3128" });
    expect(secrets).toEqual(expect.arrayContaining(["gw-secret-123", "proxy-pass-9"]));
  });
});
