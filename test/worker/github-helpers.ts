// Helpers for the GitHub webhook's tests: a watch set up through /github watch, a pull request
// as /ship records it, and deliveries signed as GitHub signs them (the stand-in's signWebhook).
import { env, exports } from "cloudflare:workers";
import { signWebhook } from "../../emulator/github/core/webhook-signature";
import { ask, query } from "./helpers";
import { TEST_PUBLIC_URL } from "./test-env";

/** Each watch's Payload URL by its secret, and the last one made: where `deliver` posts. */
const urlOfSecret = new Map<string, string>();
let lastUrl = `${TEST_PUBLIC_URL}/github/webhook`;

/** `/github watch repo` as `phone`; the secret shown once (its URL is remembered for `deliver`). */
export async function watch(phone: string, repo: string): Promise<string> {
  return (await watchDoor(phone, repo)).secret;
}

/** `/github watch repo` as `phone`: the Payload URL and the secret. */
export async function watchDoor(phone: string, repo: string): Promise<{ url: string; secret: string }> {
  const reply = await ask(phone, `/github watch ${repo}`);
  const secret = /Secret: ([0-9a-f]{64})/.exec(reply)?.[1];
  const url = /Payload URL: (\S+)/.exec(reply)?.[1];
  if (!secret || !url) throw new Error(`no secret or URL in: ${reply}`);
  urlOfSecret.set(secret, url);
  lastUrl = url;
  return { url, secret };
}

/** A pull request of conversation `conversation` (by name), as /ship records it. */
export async function shippedPr(phone: string, repo: string, number: number, conversation = "main"): Promise<void> {
  await query(
    phone,
    `INSERT INTO pull_requests (conversation_id, repo, number, branch, url, state, head_sha, shipped_at, created_at, updated_at)
     SELECT id, ?, ?, ?, ?, 'open', 'abc', 0, 0, 0 FROM conversations WHERE name = ?`,
    repo.toLowerCase(), number, `agent/${conversation}`, `https://github.com/${repo}/pull/${number}`, conversation,
  );
}

let deliveries = 0;
export const newDelivery = () => `${crypto.randomUUID()}-${++deliveries}`;

/**
 * Posts `payload` as GitHub would, signed with `secret` (null: no signature header; a string starting
 * with sha256=: that header), to `o.url`, else the URL of the watch `secret` is of, else the last watch's.
 */
export async function deliver(event: string, payload: unknown, secret: string | null, o: { delivery?: string; body?: string; form?: boolean; url?: string } = {}): Promise<{ status: number; delivery: string }> {
  const json = JSON.stringify(payload);
  const body = o.body ?? (o.form ? new URLSearchParams({ payload: json }).toString() : json);
  const delivery = o.delivery ?? newDelivery();
  const headers: Record<string, string> = { "content-type": o.form ? "application/x-www-form-urlencoded" : "application/json", "x-github-event": event, "x-github-delivery": delivery, "user-agent": "GitHub-Hookshot/test" };
  if (secret !== null) headers["x-hub-signature-256"] = secret.startsWith("sha256=") ? secret : signWebhook(secret, body);
  const url = o.url ?? (secret !== null ? urlOfSecret.get(secret) : undefined) ?? lastUrl;
  const res = await exports.default.fetch(new Request(url, { method: "POST", headers, body }));
  await res.arrayBuffer();
  return { status: res.status, delivery };
}

const repository = (repo: string) => ({ full_name: repo, clone_url: `https://github.com/${repo}.git` });

export const payloads = {
  checkRun: (repo: string, name: string, conclusion: string, summary: string, sha = "abc") => ({ action: "completed", repository: repository(repo), check_run: { name, head_sha: sha, status: "completed", conclusion, output: { title: name, summary }, pull_requests: [] } }),
  checkSuite: (repo: string, number: number, conclusion: string, sha = "abc") => ({ action: "completed", repository: repository(repo), check_suite: { head_sha: sha, head_branch: "agent/main", status: "completed", conclusion, pull_requests: [{ number }] } }),
  closed: (repo: string, number: number, merged: boolean) => ({ action: "closed", repository: repository(repo), pull_request: { number, title: "T", html_url: `https://github.com/${repo}/pull/${number}`, merged, head: { sha: "abc", ref: "agent/main" } } }),
  labelled: (repo: string, number: number, label: string) => ({ action: "labeled", repository: repository(repo), issue: { number, title: "It crashes", body: "Steps: run it.", html_url: `https://github.com/${repo}/issues/${number}`, user: { login: "al" } }, label: { name: label }, sender: { login: "al" } }),
  comment: (repo: string, number: number, body: string, association: string) => ({ action: "created", repository: repository(repo), issue: { number, title: "It crashes", html_url: `https://github.com/${repo}/issues/${number}`, user: { login: "al" } }, comment: { body, user: { login: "bob" }, author_association: association, html_url: `https://github.com/${repo}/issues/${number}#c1` } }),
};

/** What GitHub says `user` may do on `repo` when the relay asks (through the VM stand-in): the `/agent` check. */
export async function githubPermission(repo: string, user: string, permission: string | null): Promise<void> {
  const res = await fetch(`${env.VM_URL}/__stand-in/github-permission`, { method: "POST", body: JSON.stringify({ repo, user, permission }) });
  if (!res.ok) throw new Error(`github-permission: ${res.status}`);
}

export const deliveriesOf = (phone: string) => query<{ delivery: string; event: string }>(phone, "SELECT delivery, event FROM github_deliveries ORDER BY received_at");
