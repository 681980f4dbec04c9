// `npm run setup:production`'s plan: from the operator's answers and what the checks found, the
// ordered steps, each one to do, skipped with why, stopping the set-up, or not checked (logged out
// of the side it is on): every step is listed whatever is missing, so `--dry-run` shows the whole
// plan. Pure: the shell (scripts/setup-production.ts) runs the checks, prints this, and carries out
// the steps marked `do` once no step stops it or is unchecked.
import { MADE_WORKER_SECRETS, primaryRegion, SHARED_VOLUME, type ProductionVars } from "./settings";

/**
 * What the checks found on Cloudflare, Fly and Telegram before anything was done. Logged out of a
 * side (`wranglerUser` or `flyUser` null), its facts could not be asked: they read as nothing made,
 * and the steps they decide are marked unchecked.
 */
export type Found = {
  wranglerUser: string | null;
  flyUser: string | null;
  /** Which of the R2 buckets wrangler.toml binds exist; r2_off: R2 is not on for the account (10042). */
  r2: { existing: string[] } | "r2_off";
  /** The Worker's secret names; null: the Worker does not exist yet. */
  workerSecrets: string[] | null;
  flyApp: boolean;
  flySecrets: string[];
  /** Volumes named agent_data in the app (shared mode). */
  volumes: number;
  /** Machines in the app: shared mode's VM was deployed. */
  machines: number;
  /** The app's public IPs (machines mode: the Worker reaches the Machines through the Fly Proxy). */
  ips: number;
  /** The bot's webhook URL now (getWebhookInfo); null without a bot or a webhook. */
  telegramWebhook: string | null;
  /** Whom GitHub's `GET /user` says GITHUB_TOKEN is; null without one in the file. */
  github: { login: string } | "refused" | "unreachable" | null;
};

export type Action =
  | { kind: "create_bucket"; bucket: string }
  | { kind: "create_fly_app"; app: string; org: string }
  | { kind: "create_volume"; app: string; name: string; region: string; sizeGb: number }
  | { kind: "make_vm_token"; fromFile: boolean }
  | { kind: "fly_secrets"; app: string; names: string[] }
  | { kind: "fly_deploy"; app: string; region: string }
  | { kind: "allocate_ips"; app: string }
  | { kind: "push_image"; app: string }
  | { kind: "fly_deploy_token"; app: string }
  | { kind: "worker_deploy" }
  | { kind: "worker_secrets"; names: string[] }
  | { kind: "telegram_webhook"; url: string }
  | { kind: "check_health" }
  | { kind: "print_urls" };

/** `unchecked`: why it could not be checked; `would`: what it does when what it needs is missing. */
export type Step = { title: string } & ({ do: Action } | { skip: string } | { stop: string } | { unchecked: string; would: Action });

/** The side whose facts decide a step. */
type Side = "cloudflare" | "fly";

export type PlanInput = {
  vars: ProductionVars;
  /** The R2 buckets wrangler.toml's production environment binds (wrangler-toml.ts), each made when missing. */
  buckets: readonly string[];
  /** The Worker's secrets from the file (settings.ts workerSecretsFromFile). */
  workerSecrets: Record<string, string>;
  /** The VM's secrets from the file. */
  vmSecrets: Record<string, string>;
  found: Found;
  /** `--update-secrets`: put the file's secrets again even where every name is set. */
  updateSecrets: boolean;
  /** `--redeploy`: deploy both sides again (a new image in machines mode) even where they are deployed. */
  redeploy: boolean;
};

/** The steps, in order, every one whatever is missing; the shell carries out none while one stops or is unchecked. */
export function planSetup({ vars, buckets, workerSecrets, vmSecrets, found, updateSecrets, redeploy }: PlanInput): Step[] {
  const app = vars.FLY_APP;
  const machines = vars.VM_MODE === "machines";
  const pushing = machines && (redeploy || !(found.workerSecrets ?? []).includes("FLY_IMAGE"));
  const steps: Step[] = [];
  const stop = (title: string, why: string) => steps.push({ title, stop: why });
  const loggedOut: Record<Side, boolean> = { cloudflare: found.wranglerUser === null, fly: found.flyUser === null };
  const step = (title: string, done: string | false, action: Action, needs: readonly Side[]) => {
    const unknown = needs.filter((side) => loggedOut[side]);
    if (unknown.length > 0) steps.push({ title, unchecked: `not logged in to ${unknown.map((side) => (side === "cloudflare" ? "Cloudflare" : "Fly")).join(" or ")}`, would: action });
    else steps.push(done === false ? { title, do: action } : { title, skip: done });
  };
  const CF = ["cloudflare"] as const;
  const FLY = ["fly"] as const;
  const BOTH = ["cloudflare", "fly"] as const;

  if (found.wranglerUser === null) stop("Cloudflare login", "not logged in: run `npx wrangler login`, then this again");
  else steps.push({ title: "Cloudflare login", skip: `logged in as ${found.wranglerUser}` });
  if (found.flyUser === null) stop("Fly login", "not logged in: run `fly auth login`, then this again");
  else steps.push({ title: "Fly login", skip: `logged in as ${found.flyUser}` });

  // A token GitHub refuses would only show as failed clones and pushes, long after: checked first.
  if (found.github === "refused") stop("GITHUB_TOKEN", "GitHub refuses it (401 Bad credentials): make a new fine-grained token (README, \"Adding repository credentials\") and put it in .production.vars");
  else if (found.github === "unreachable") stop("GITHUB_TOKEN", "could not ask GitHub whose token it is (GET /user): check the network, or GITHUB_API_BASE");
  else if (found.github !== null) steps.push({ title: "GITHUB_TOKEN", skip: `GitHub knows it as ${found.github.login}` });

  // R2 is on or off for the whole account: one stop, not one per bucket.
  if (found.r2 === "r2_off" && !loggedOut.cloudflare) {
    stop(`R2 buckets ${buckets.join(", ")}`, "R2 is off for this account (Cloudflare error 10042): in the Cloudflare dashboard open R2 Object Storage and subscribe to R2 (the free tier is enough), then run this again");
  } else {
    const existing = found.r2 === "r2_off" ? [] : found.r2.existing;
    for (const bucket of buckets) step(`R2 bucket ${bucket}`, existing.includes(bucket) && "exists", { kind: "create_bucket", bucket }, CF);
  }

  step(`Fly app ${app}`, found.flyApp && "exists", { kind: "create_fly_app", app, org: vars.FLY_ORG }, FLY);
  if (!machines) {
    const region = primaryRegion(vars);
    step(`Fly volume ${SHARED_VOLUME.name} (${region}, ${SHARED_VOLUME.sizeGb} GB)`, found.volumes > 0 && `exists (${found.volumes})`, { kind: "create_volume", app, name: SHARED_VOLUME.name, region, sizeGb: SHARED_VOLUME.sizeGb }, FLY);
  }

  // VM_TOKEN: kept where it is when both sides have it (a secret cannot be read back); otherwise
  // the file's, or a new one, shown once and written to the file, then put on both sides.
  const workerHasToken = found.workerSecrets?.includes("VM_TOKEN") ?? false;
  const flyNeedsToken = !machines; // machines mode: each Machine gets its own, derived by the relay
  const tokenDone = workerHasToken && (!flyNeedsToken || found.flySecrets.includes("VM_TOKEN"));
  step("VM_TOKEN", tokenDone && (flyNeedsToken ? "set on the Worker and on Fly" : "set on the Worker"), { kind: "make_vm_token", fromFile: vars.VM_TOKEN !== undefined }, flyNeedsToken ? BOTH : CF);

  const flyNames = [...Object.keys(vmSecrets), ...(flyNeedsToken && (!tokenDone || (updateSecrets && vars.VM_TOKEN !== undefined)) ? ["VM_TOKEN"] : [])];
  const flyMissing = flyNames.filter((name) => !found.flySecrets.includes(name) || (name === "VM_TOKEN" && !tokenDone));
  const flyPut = updateSecrets ? flyNames : flyMissing;
  step(`Fly secrets of ${app}`, flyPut.length === 0 && `set (${flyNames.join(", ") || "none"})`, { kind: "fly_secrets", app, names: flyPut }, flyNeedsToken ? BOTH : FLY);

  if (machines) {
    step(`public IPs of ${app}`, found.ips > 0 && `allocated (${found.ips})`, { kind: "allocate_ips", app }, FLY);
    step(`agent image under ${app}`, !pushing && "FLY_IMAGE is set on the Worker (a new image: `npm run setup:production -- --redeploy`)", { kind: "push_image", app }, CF);
    step(`FLY_API_TOKEN (a deploy token for ${app})`, found.workerSecrets?.includes("FLY_API_TOKEN") === true && "set on the Worker", { kind: "fly_deploy_token", app }, CF);
  } else {
    step(`agent VM on ${app}`, found.machines > 0 && !redeploy && `deployed (${found.machines} Machine${found.machines === 1 ? "" : "s"}; a new version: \`-- --redeploy\`)`, { kind: "fly_deploy", app, region: primaryRegion(vars) }, FLY);
  }

  // Without PUBLIC_URL the deploy is how the set-up learns the Worker's URL (wrangler prints it).
  const deployed = found.workerSecrets !== null && !redeploy && vars.PUBLIC_URL !== undefined;
  step("the Worker (wrangler deploy --env production)", deployed && "deployed (a new version: `npm run deploy`, or `-- --redeploy`)", { kind: "worker_deploy" }, CF);

  // The file's names, and those the set-up makes: each put when the Worker lacks it, or when this
  // run made a new value (VM_TOKEN, FLY_IMAGE after a push).
  const has = new Set(found.workerSecrets ?? []);
  const learned = vars.PUBLIC_URL === undefined ? ["PUBLIC_URL"] : [];
  const fresh = new Set([...(tokenDone ? [] : ["VM_TOKEN"]), ...(pushing ? ["FLY_IMAGE"] : []), ...learned]);
  const names = [...new Set([...Object.keys(workerSecrets), ...MADE_WORKER_SECRETS[vars.VM_MODE], ...learned])];
  // --update-secrets: what the file holds, and VM_URL; a value made once (a token, an image) only
  // when it is made again.
  const again = (name: string) => name in workerSecrets || name === "VM_URL" || (name === "VM_TOKEN" && vars.VM_TOKEN !== undefined);
  const toPut = names.filter((name) => fresh.has(name) || !has.has(name) || (updateSecrets && again(name)));
  step("the Worker's secrets (wrangler secret bulk)", toPut.length === 0 && `set (${names.length})`, { kind: "worker_secrets", names: toPut }, flyNeedsToken ? BOTH : CF);

  if (vars.TELEGRAM_BOT_TOKEN) {
    const url = `${vars.PUBLIC_URL?.replace(/\/+$/, "") ?? "<the Worker's URL>"}/telegram/webhook`;
    step("Telegram webhook", found.telegramWebhook === url && !updateSecrets && `set to ${url}`, { kind: "telegram_webhook", url }, []);
  }
  steps.push({ title: "the relay's /health", do: { kind: "check_health" } });
  steps.push({ title: "what to paste into Twilio and GitHub", do: { kind: "print_urls" } });
  return steps;
}

/** One line per step, as the plan is printed (and `--dry-run` prints it alone). */
export function describePlan(steps: readonly Step[]): string[] {
  return steps.map((s, i) => `${String(i + 1).padStart(2)}. ${s.title}: ${describeStep(s)}`);
}

function describeStep(s: Step): string {
  if ("do" in s) return describeAction(s.do);
  if ("skip" in s) return `skip, ${s.skip}`;
  if ("stop" in s) return `STOP, ${s.stop}`;
  return `not checked: ${s.unchecked}; when missing: ${describeAction(s.would)}`;
}

/** The step that keeps the set-up from carrying out any: the first that stops it or could not be checked. */
export function blockingStep(steps: readonly Step[]): { title: string; why: string } | null {
  for (const s of steps) {
    if ("stop" in s) return { title: s.title, why: s.stop };
    if ("unchecked" in s) return { title: s.title, why: `${s.unchecked}: log in, then run this again` };
  }
  return null;
}

function describeAction(a: Action): string {
  switch (a.kind) {
    case "create_bucket":
      return `create (npx wrangler r2 bucket create ${a.bucket})`;
    case "create_fly_app":
      return `create in org ${a.org} (Machines API POST /v1/apps)`;
    case "create_volume":
      return `create (Machines API POST /v1/apps/${a.app}/volumes)`;
    case "make_vm_token":
      return a.fromFile ? "the one in .production.vars, put on both sides below" : "make one (32 random bytes, hex), show it once and write it to .production.vars";
    case "fly_secrets":
      return `set ${a.names.join(", ")} (fly secrets import -a ${a.app})`;
    case "fly_deploy":
      return `deploy (fly deploy -a ${a.app} --ha=false --primary-region ${a.region})`;
    case "allocate_ips":
      return `allocate (fly ips allocate-v6 -a ${a.app}; fly ips allocate-v4 --shared -a ${a.app})`;
    case "push_image":
      return `build and push (fly deploy --build-only --push -a ${a.app} --image-label <tag>), FLY_IMAGE from what it printed`;
    case "fly_deploy_token":
      return `make one (fly tokens create deploy -a ${a.app})`;
    case "worker_deploy":
      return "deploy (npx wrangler deploy --env production)";
    case "worker_secrets":
      return `put ${a.names.join(", ")} (npx wrangler secret bulk --env production)`;
    case "telegram_webhook":
      return `register ${a.url} with its secret (setWebhook, setMyCommands)`;
    case "check_health":
      return "GET /health (200: ready; 503 names what is missing)";
    case "print_urls":
      return "print the Twilio and GitHub webhook URLs";
  }
}
