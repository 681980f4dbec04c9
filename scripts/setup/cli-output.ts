// What the set-up reads back from wrangler and flyctl: each command's output, as those CLIs print
// it, turned into a fact (or null when it says nothing we know). Pure; the shapes are wrangler
// 4.164's (its `whoami --json`, `secret list`, `r2 bucket info`, `deploy`) and flyctl's.
import { z } from "zod";

export type CliResult = { code: number; stdout: string; stderr: string };

const out = (r: CliResult) => `${r.stdout}\n${r.stderr}`;

/** `wrangler whoami --json`: `{ loggedIn: true, email, accounts }`; logged out it exits 1 with `{ loggedIn: false }`. */
export function wranglerUser(r: CliResult): string | null {
  if (r.code !== 0) return null;
  const parsed = z
    .object({ loggedIn: z.literal(true), email: z.string().nullish(), accounts: z.array(z.object({ name: z.string() })).default([]) })
    .safeParse(firstJson(r.stdout));
  if (!parsed.success) return null;
  return parsed.data.email ?? parsed.data.accounts[0]?.name ?? "an API token";
}

/** `fly auth whoami`: the email on stdout; logged out it exits 1 ("no access token available"). */
export function flyUser(r: CliResult): string | null {
  const who = r.stdout.trim().split("\n").at(-1)?.trim() ?? "";
  return r.code === 0 && who !== "" ? who : null;
}

/** `wrangler r2 bucket info <name>`: found, missing (10006), or R2 not enabled on the account (10042). */
export function r2BucketState(r: CliResult): "exists" | "missing" | "r2_off" | null {
  if (r.code === 0) return "exists";
  const text = out(r);
  if (/\b10042\b/.test(text)) return "r2_off";
  if (/\b10006\b|bucket does not exist/i.test(text)) return "missing";
  return null;
}

/** `wrangler secret list --env production` (JSON by default): the names; "not found": no Worker yet. */
export function workerSecretNames(r: CliResult): string[] | "no_worker" | null {
  if (r.code !== 0) return /Worker "[^"]+"[^\n]* not found|\b10007\b/.test(out(r)) ? "no_worker" : null;
  const parsed = z.array(z.object({ name: z.string() })).safeParse(firstJson(r.stdout));
  return parsed.success ? parsed.data.map((s) => s.name) : null;
}

/** `fly secrets list -a <app> --json`: flyctl writes the names as `Name` (older) or `name`. */
export function flySecretNames(r: CliResult): string[] | null {
  if (r.code !== 0) return null;
  const parsed = z.array(z.union([z.object({ Name: z.string() }), z.object({ name: z.string() })])).safeParse(firstJson(r.stdout));
  return parsed.success ? parsed.data.map((s) => ("Name" in s ? s.Name : s.name)) : null;
}

/** `fly ips list -a <app> --json`: how many addresses. */
export function flyIpCount(r: CliResult): number | null {
  if (r.code !== 0) return null;
  const parsed = z.array(z.unknown()).safeParse(firstJson(r.stdout));
  return parsed.success ? parsed.data.length : null;
}

/** `wrangler deploy`: the workers.dev (or route) URL it printed under the upload lines. */
export function deployedUrl(r: CliResult): string | null {
  return /^\s*(https:\/\/[^\s]+\.workers\.dev)\s*$/m.exec(r.stdout)?.[1] ?? null;
}

/**
 * `fly deploy --build-only --push -a <app> --image-label <tag>`: flyctl prints `image: <ref>` once
 * pushed. Only a ref under registry.fly.io/<app> is taken: a Machine of <app> pulls from there.
 */
export function pushedImage(r: CliResult, app: string): string | null {
  const ref = /^\s*image:\s*(\S+)\s*$/m.exec(out(r))?.[1] ?? null;
  return ref !== null && ref.startsWith(`registry.fly.io/${app}:`) ? ref : null;
}

/** `fly tokens create deploy -a <app>`: the token, the last line; the relay sends it as `Bearer`, without flyctl's `FlyV1 ` scheme. */
export function deployToken(r: CliResult): string | null {
  const line = r.stdout.trim().split("\n").at(-1)?.trim() ?? "";
  const token = line.replace(/^FlyV1\s+/, "");
  return r.code === 0 && /^fm\d_[\w,+/=-]+$/.test(token) ? token : null;
}

/** `fly auth token`: the logged-in user's token for the Machines API. */
export function flyAuthToken(r: CliResult): string | null {
  const line = r.stdout.trim().split("\n").at(-1)?.trim() ?? "";
  return r.code === 0 && line !== "" ? line : null;
}

function firstJson(text: string): unknown {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  try {
    return JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
}
