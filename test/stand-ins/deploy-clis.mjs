#!/usr/bin/env node
// Stand-ins of the two CLIs `npm run setup:production` drives and no test can run for real:
// wrangler 4.164 (whoami --json, r2 bucket info/create, secret list/bulk, deploy) and flyctl
// (auth whoami/token, secrets list/import, deploy, ips, tokens create deploy). Each answers with
// the real CLI's exit code and output shape (wrangler's from its own source, flyctl's as it
// prints), keeps the account's state in $DEPLOY_CLIS_STATE (JSON) and records every call there.
// `fly deploy` of the shared VM creates its Machine through the Fly stand-in's Machines API
// ($FLY_API_BASE), as flyctl does through Fly's.
// Run as `node deploy-clis.mjs wrangler|fly <args…>` (test/scripts/setup-production.test.ts puts
// `wrangler` and `fly` wrappers first on PATH).
import { readFileSync, writeFileSync } from "node:fs";

const [cli, ...args] = process.argv.slice(2);
const statePath = process.env.DEPLOY_CLIS_STATE;
if (!statePath) throw new Error("DEPLOY_CLIS_STATE is not set");
const state = JSON.parse(readFileSync(statePath, "utf8"));
const stdin = process.stdin.isTTY ? "" : readFileSync(0, "utf8");
state.calls.push({ cli, args, stdin: stdin === "" ? undefined : stdin });
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const has = (...words) => words.every((w, i) => args[i] === w);

function exit(code, out = "", err = "") {
  save();
  if (out) process.stdout.write(out.endsWith("\n") ? out : `${out}\n`);
  if (err) process.stderr.write(err.endsWith("\n") ? err : `${err}\n`);
  process.exit(code);
}

const apiError = (path, message, code) => exit(1, "", `✘ [ERROR] A request to the Cloudflare API (/accounts/${state.wrangler.accountId}${path}) failed.\n\n  ${message} [code: ${code}]\n`);

async function wrangler() {
  const w = state.wrangler;
  if (has("whoami")) {
    if (!w.loggedIn) return exit(1, JSON.stringify({ loggedIn: false }));
    return exit(0, JSON.stringify({ loggedIn: true, authType: "OAuth Token", email: w.email, accounts: [{ name: "Operator's Account", id: w.accountId }] }));
  }
  if (!w.loggedIn) return exit(1, "", "✘ [ERROR] You are not authenticated. Please run `wrangler login`.");
  if (has("r2", "bucket", "info") || has("r2", "bucket", "create")) {
    const bucket = args[3];
    if (!w.r2) return apiError(`/r2/buckets${args[2] === "info" ? `/${bucket}` : ""}`, "Please enable R2 through the Cloudflare Dashboard.", 10042);
    if (args[2] === "info") {
      if (!w.buckets.includes(bucket)) return apiError(`/r2/buckets/${bucket}`, "The specified bucket does not exist.", 10006);
      return exit(0, `Getting info for '${bucket}'...\nname:                   ${bucket}\ncreated:                2026-11-25T10:00:00.000Z\nlocation:               ENAM\ndefault_storage_class:  Standard\nobject_count:           0\nbucket_size:            0 B`);
    }
    if (w.buckets.includes(bucket)) return apiError("/r2/buckets", "The bucket you tried to create already exists, and you own it.", 10004);
    w.buckets.push(bucket);
    return exit(0, `Creating bucket '${bucket}'...\n✅ Created bucket '${bucket}' with default storage class of Standard.`);
  }
  if (has("secret", "list")) {
    if (w.worker === null) return exit(1, "", `✘ [ERROR] Worker "whatsapp-agent-relay" (env: production) not found.\n\nIf this is a new Worker, run \`wrangler deploy\` first to create it.`);
    return exit(0, JSON.stringify(Object.keys(w.worker.secrets).map((name) => ({ name, type: "secret_text" })), null, "  "));
  }
  if (has("secret", "bulk")) {
    const content = JSON.parse(readFileSync(args[2], "utf8"));
    // A missing Worker gets a draft first, as wrangler's createDraftWorker does.
    w.worker ??= { secrets: {}, deploys: 0 };
    const lines = Object.keys(content).map((name) => `✨ Successfully created secret for key: ${name}`);
    Object.assign(w.worker.secrets, content);
    return exit(0, `🌀 Processing the secrets for the Worker "whatsapp-agent-relay"\n${lines.join("\n")}\n\nFinished processing secrets file:\n✨ ${lines.length} secrets successfully created`);
  }
  if (has("deploy")) {
    w.worker ??= { secrets: {}, deploys: 0 };
    w.worker.deploys++;
    return exit(0, `Total Upload: 487.57 KiB / gzip: 162.53 KiB\nWorker Startup Time: 31 ms\nUploaded whatsapp-agent-relay (4.12 sec)\nDeployed whatsapp-agent-relay triggers (1.02 sec)\n  https://whatsapp-agent-relay.operator.workers.dev\n  schedule: 17 3 * * *\nCurrent Version ID: 6f1c2b1e-0000-4000-8000-000000000001`);
  }
  return exit(1, "", `✘ [ERROR] the stand-in does not know: wrangler ${args.join(" ")}`);
}

async function machinesApi(method, path, body) {
  const res = await fetch(`${process.env.FLY_API_BASE}/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${state.fly.token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) exit(1, "", `Error: ${json.error ?? res.status}`);
  return json;
}

async function fly() {
  const f = state.fly;
  const app = flag("-a");
  if (has("auth", "whoami")) return f.loggedIn ? exit(0, f.email) : exit(1, "", "Error: no access token available. Please login with 'flyctl auth login'");
  if (!f.loggedIn) return exit(1, "", "Error: no access token available. Please login with 'flyctl auth login'");
  if (has("auth", "token")) return exit(0, f.token);
  if (has("secrets", "list")) return exit(0, JSON.stringify(Object.keys(f.secrets[app] ?? {}).map((name) => ({ Name: name, Digest: "0123456789abcdef", CreatedAt: "2026-11-25T10:00:00Z" }))));
  if (has("secrets", "import")) {
    const pairs = stdin.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]);
    f.secrets[app] = { ...(f.secrets[app] ?? {}), ...Object.fromEntries(pairs) };
    return exit(0, "Secrets are staged for the first deployment");
  }
  if (has("ips", "list")) return exit(0, JSON.stringify((f.ips[app] ?? []).map((address, i) => ({ ID: `ip_${i}`, Address: address, Type: address.includes(":") ? "v6" : "shared_v4", Region: "global" }))));
  if (has("ips", "allocate-v6") || has("ips", "allocate-v4")) {
    const address = args[1] === "allocate-v6" ? "2a09:8280:1::1:aaaa" : "66.241.124.10";
    f.ips[app] = [...(f.ips[app] ?? []), address];
    return exit(0, `VERSION\tIP                \tTYPE  \tREGION\tCREATED AT\n${args[1] === "allocate-v6" ? "v6" : "v4"}\t${address}\t${args[1] === "allocate-v6" ? "public" : "public (shared)"}\tglobal\tjust now`);
  }
  if (has("tokens", "create", "deploy")) return exit(0, "FlyV1 fm2_lJPECAAAAAAAAMRDxBBtestdeploytoken0123456789abcdef,fm2_lJPETESTSECONDPART==");
  if (has("deploy")) {
    const label = flag("--image-label") ?? "deployment-01JTEST";
    const image = `registry.fly.io/${app}:${label}`;
    f.images.push(image);
    const built = `==> Building image with Depot\n--> Building image done\n==> Pushing image to fly\n--> Pushing image done\nimage: ${image}\nimage size: 1.4 GB\n`;
    if (args.includes("--build-only")) return exit(0, built);
    // The shared VM: one Machine with the app's volume, made through the Machines API.
    const volumes = await machinesApi("GET", `/apps/${app}/volumes`);
    const volume = volumes.find((v) => v.name === "agent_data");
    if (!volume) return exit(1, built, "Error: error not enough volumes named `agent_data` (1) to run 1 processes");
    await machinesApi("POST", `/apps/${app}/machines`, { region: flag("--primary-region") ?? "iad", skip_launch: true, config: { image, mounts: [{ volume: volume.id, path: "/data" }] } });
    f.ips[app] = f.ips[app]?.length ? f.ips[app] : ["2a09:8280:1::1:aaaa", "66.241.124.10"];
    return exit(0, `${built}Provisioning ips for ${app}\n  Dedicated ipv6: 2a09:8280:1::1:aaaa\n  Shared ipv4: 66.241.124.10\n\nVisit your newly deployed app at https://${app}.fly.dev/`);
  }
  return exit(1, "", `Error: the stand-in does not know: fly ${args.join(" ")}`);
}

await (cli === "wrangler" ? wrangler() : fly());
