// /github watch's answer: the URL, content type, secret and events to paste into GitHub's
// settings; on the local stack, one line when the stand-in took the webhook already.
import { describe, expect, it } from "vitest";
import { watchReply, type StandInRegistration } from "../../../src/github/github-replies";

const base = { repo: "acme/sample", url: "http://127.0.0.1:8787/github/webhook/door", secret: "f".repeat(64), renewed: false };

describe("watchReply", () => {
  it.each<[string, StandInRegistration | undefined, string]>([
    ["no stand-in (production)", undefined, "Watching acme/sample. In the repository's Settings → Webhooks → Add webhook:"],
    ["refused by the stand-in", { outcome: "refused", why: "no such repository" }, "Watching acme/sample. The local GitHub stand-in did not take the webhook (no such repository). In the repository's Settings → Webhooks → Add webhook:"],
  ])("%s: its first line, then the URL and the secret to paste", (_name, standIn, first) => {
    const lines = watchReply({ ...base, standIn }).split("\n");
    expect(lines[0]).toBe(first);
    expect(lines).toContain(`• Payload URL: ${base.url}`);
    expect(lines).toContain(`• Secret: ${base.secret}`);
  });

  it("registered with the local stand-in: one line, nothing to paste, no secret", () => {
    const reply = watchReply({ ...base, renewed: true, standIn: { outcome: "registered", settingsUrl: "http://127.0.0.1:8792/acme/sample/settings/hooks" } });
    expect(reply).toBe("Watching acme/sample. The local GitHub stand-in has its webhook already (http://127.0.0.1:8792/acme/sample/settings/hooks): nothing to paste.");
  });
});
