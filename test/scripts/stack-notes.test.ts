// What npm start says about .dev.vars settings that point away from the local stack, and its ready banner.
import { describe, expect, it } from "vitest";
import type { LocalVars } from "../../scripts/stack/dev-vars";
import { readyLines, settingNotes } from "../../scripts/stack/stack-notes";
import { DEFAULT_PORTS, localUrls } from "../../scripts/stack/stack-children";
import { machinesMode } from "./machines-mode";

const urls = localUrls(DEFAULT_PORTS);
const LOCAL: LocalVars = {
  TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef",
  TWILIO_AUTH_TOKEN: "t",
  TWILIO_WHATSAPP_FROM: "whatsapp:+14155238886",
  ALLOWED_SENDERS: "+15551230001",
  VM_TOKEN: "v",
  VM_URL: "http://127.0.0.1:8080/",
  TWILIO_API_BASE: "http://127.0.0.1:8788",
  PUBLIC_URL: "http://127.0.0.1:8787",
};

describe("settingNotes", () => {
  it.each([
    ["the local defaults (a trailing slash is the same URL)", {}, false, []],
    ["a remote VM", { VM_URL: "https://agent.fly.dev" }, false, ["VM_URL=https://agent.fly.dev"]],
    ["real Twilio", { TWILIO_API_BASE: "https://api.twilio.com" }, false, ["replies go there, not to the phone simulator"]],
    ["a tunnel", { PUBLIC_URL: "https://abc.trycloudflare.com" }, false, ["refuses the simulator's messages"]],
    ["nobody allowed", { ALLOWED_SENDERS: "" }, false, ["the relay answers nobody"]],
    ["a malformed number", { ALLOWED_SENDERS: "+15551230001,5551234" }, false, ["not E.164 (+15551234567): 5551234"]],
    ["root made a sandbox", {}, true, ["IS_SANDBOX=1"]],
  ])("%s", (_name, overrides, sandboxedAsRoot, expected) => {
    const notes = settingNotes({ ...LOCAL, ...overrides }, urls, sandboxedAsRoot);
    expect(notes).toHaveLength(expected.length);
    expected.forEach((fragment, i) => expect(notes[i]).toContain(fragment));
  });

  it("in machines mode says nothing of VM_URL, which the Worker does not use there", () => {
    expect(settingNotes({ ...LOCAL, VM_URL: "https://agent.fly.dev" }, urls, false, "machines")).toEqual([]);
    expect(settingNotes(LOCAL, urls, true, "machines")).toEqual([expect.stringContaining("each Machine's Claude Code CLI gets IS_SANDBOX=1")]);
  });
});

describe("readyLines", () => {
  it("lists the phone simulator first, with a link for the second user, and the offline model only when used", () => {
    const lines = readyLines(urls, { kind: "offline", url: urls.model }, ["+15551230001", "+15551230002"]);
    const urlLines = lines.filter((line) => line.includes("http://"));
    expect(urlLines[0]).toContain("Phone simulator  http://127.0.0.1:8788");
    expect(urlLines[0]).toContain("http://127.0.0.1:8788/?phone=%2B15551230002");
    expect(urlLines.map((line) => /http:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1])).toEqual(["8788", "8787", "8080", "8790"]);
    const real = readyLines(urls, { kind: "real", credential: "ANTHROPIC_API_KEY" }, ["+15551230001"]);
    expect(real.join("\n")).not.toContain("8790");
    expect(real.join("\n")).not.toContain("?phone=");
  });

  it("in machines mode names the stand-in's API and proxy instead of the VM, the idle action, and how to list the Machines", () => {
    const machines = machinesMode({ apiToken: "t0k", settings: { MACHINE_IDLE_MS: 90_000, MACHINE_IDLE_ACTION: "stop" } });
    const lines = readyLines(urls, { kind: "offline", url: urls.model }, ["+15551230001"], machines);
    expect(lines.map((line) => /http:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1]).filter(Boolean)).toEqual(["8788", "8787", "4280", "4281", "8790", "4280"]);
    expect(lines).toContain("Each phone gets its own Machine (the agent VM on a volume of its own) at its first message; after 90 s with no run it is stopped (MACHINE_IDLE_MS, MACHINE_IDLE_ACTION).");
    expect(lines).toContain("Watch them: curl -s -H 'Authorization: Bearer t0k' http://127.0.0.1:4280/v1/apps/local-agents/machines");
    expect(lines.at(-1)).toBe("Ctrl-C stops everything.");
  });
});
