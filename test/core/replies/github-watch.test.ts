// /github watch's answer: the URL, content type, secret and events to paste into GitHub's
// settings, and, on the local stack, whether the stand-in took the webhook already.
import { describe, expect, it } from "vitest";
import { watchReply, type StandInRegistration } from "../../../src/core/replies/github";

const base = { repo: "acme/sample", url: "http://127.0.0.1:8787/github/webhook/door", secret: "f".repeat(64), renewed: false };

describe("watchReply", () => {
  it.each<[string, StandInRegistration | undefined, string]>([
    ["no stand-in (production)", undefined, "Watching acme/sample. In the repository's Settings → Webhooks → Add webhook:"],
    ["registered with the stand-in", { outcome: "registered", settingsUrl: "http://127.0.0.1:8792/acme/sample/settings/hooks" }, "Watching acme/sample. The local GitHub stand-in has this webhook already (http://127.0.0.1:8792/acme/sample/settings/hooks): nothing to paste. On GitHub it would go in Settings → Webhooks → Add webhook:"],
    ["refused by the stand-in", { outcome: "refused", why: "no such repository" }, "Watching acme/sample. The local GitHub stand-in did not take the webhook (no such repository). In the repository's Settings → Webhooks → Add webhook:"],
  ])("%s: its first line", (_name, standIn, first) => {
    const lines = watchReply({ ...base, standIn }).split("\n");
    expect(lines[0]).toBe(first);
    // The URL and the secret are always there, for a real GitHub.
    expect(lines).toContain(`• Payload URL: ${base.url}`);
    expect(lines).toContain(`• Secret: ${base.secret}`);
  });
});
