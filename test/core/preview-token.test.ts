import { describe, expect, it } from "vitest";
import { derivePreviewKey, makePreviewToken, openPreviewToken, type PreviewLink } from "../../src/preview/preview-token";

const now = Date.UTC(2026, 10, 28, 12);
const link: PreviewLink = { object: "ab".repeat(32), conversationId: 7, port: 5173, epoch: 2, previewEpoch: 1, expiresAt: now + 24 * 3_600_000 };

/** The token with one character changed (to another that keeps its shape). */
const altered = (token: string, at: number) => token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);

describe("preview tokens", () => {
  it("opens what it was made for, and only until it expires", async () => {
    const key = await derivePreviewKey("secret");
    const token = await makePreviewToken(key, link);
    expect(token).toMatch(/^[A-Za-z0-9_-]{88}$/);
    expect(await openPreviewToken(key, token, now)).toEqual(link);
    expect(await openPreviewToken(key, token, link.expiresAt - 1)).toEqual(link);
    expect(await openPreviewToken(key, token, link.expiresAt)).toBeNull();
  });

  it.each([
    ["the object", 3],
    ["the conversation", 44],
    ["the port", 49],
    ["the expiry", 64],
    ["the tag", 80],
  ])("refuses a token altered in %s", async (_what, at) => {
    const key = await derivePreviewKey("secret");
    expect(await openPreviewToken(key, altered(await makePreviewToken(key, link), at), now)).toBeNull();
  });

  it("refuses another conversation's or port's link made with another key, and anything not a token", async () => {
    const mine = await derivePreviewKey("secret");
    const other = await derivePreviewKey("another secret");
    expect(await openPreviewToken(mine, await makePreviewToken(other, { ...link, conversationId: 8 }), now)).toBeNull();
    for (const bad of ["", "x".repeat(87), "x".repeat(89), `${"A".repeat(87)}=`]) expect(await openPreviewToken(mine, bad, now)).toBeNull();
  });

  it("refuses to make a link that could not be opened", async () => {
    const key = await derivePreviewKey("secret");
    await expect(makePreviewToken(key, { ...link, object: "not hex" })).rejects.toThrow();
    await expect(makePreviewToken(key, { ...link, port: 70_000 })).rejects.toThrow();
  });
});
