// Opening a /web link asks the one directory object only for a token this relay made: an altered
// or guessed token is refused by its tag, and the directory is never called for it.
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { deriveWebLinkKey, type WebLink } from "../../src/web/web-token";
import { issueWebLink, openWebLink, type WebLinkLookup } from "../../src/web/web-links";
import { directoryOf } from "../../src/directory/user-directory";

const SECRET = "a-signing-secret-of-at-least-32-characters";

/** The real directory, counting what it is asked. */
function countingDirectory(): WebLinkLookup & { asked: string[] } {
  const asked: string[] = [];
  return { asked, webLink: (digest) => (asked.push(digest), directoryOf(env).webLink(digest)) };
}

it("asks the directory for the token it made, and never for one altered in any character", async () => {
  const key = await deriveWebLinkKey(SECRET);
  const link: WebLink = { object: env.PHONE_AGENT.idFromName("+15550000255").toString(), scope: { kind: "all" }, epoch: 0, expiresAt: Date.now() + 60_000 };
  const token = await issueWebLink(env, key, link);
  const directory = countingDirectory();
  // As stored, with when it was sent (only a link sent within the hour may act from the live page),
  // and the digest it is kept under, which is what the directory was asked for.
  const opened = await openWebLink(directory, key, token);
  expect(opened).toEqual({ ...link, issuedAt: expect.any(Number), digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(directory.asked).toEqual([opened?.digest]);

  for (let i = 0; i < token.length; i++) {
    const altered = token.slice(0, i) + (token[i] === "x" ? "y" : "x") + token.slice(i + 1);
    expect(await openWebLink(directory, key, altered)).toBeNull();
  }
  expect(await openWebLink(directory, key, `${token}x`)).toBeNull();
  expect(await openWebLink(directory, await deriveWebLinkKey(`${SECRET}!`), token)).toBeNull();
  expect(directory.asked).toHaveLength(1);
});
