// GET /h/<code>: the script a /handoff line runs (reading it does not use the code); POST
// /h/<code>/data with `dir` (the laptop's directory, form-encoded): the conversation as a git bundle,
// which uses the code up; POST /h/<code>/back (a /handoff back code, multipart): the laptop's work;
// POST /h/<code>/new (a /handoff new code, multipart): a laptop's repository and session into a new conversation;
// POST /h/<code>/failed with `why`: the /handoff script failed after its download, so the conversation stays on the phone;
// POST /h/<code>/done: it got to its end, and only then does the chat say the conversation went to the laptop. The code is a page link's token kept in a table of its own (web/web-token.ts):
// one this relay did not make is refused before any lookup; the directory names its phone's object,
// which decides the rest (used, expired, revoked by /web revoke) and serves only its own conversation.
// Every refusal is one line of text a shell prints as it is (GET's, a script that prints it): 404 for a
// code that never was, 410 for one that was.
import type { Context } from "hono";
import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import { MEDIA_SECRET_SETTINGS } from "../channels/config";
import { handoffRefusalLine, handoffStatus, handoffUrl, type HandoffCodeRefusal } from "./handoff";
import { handbackScript, handoffNewScript, handoffScript, refusalScript } from "./handoff-scripts";
import { logEvent } from "../shared/log";
import { webLinkDigest, webLinkKeyFor } from "../web/web-token";
import { GIT_BUNDLE_CONTENT_TYPE, HandoffNewRequestSchema, LaptopDirSchema, SESSION_UUID } from "../protocol/vm/handoff";
import { OFFLINE_MODEL_KEY } from "../protocol/vm/runs";
import { directoryOf } from "../directory/user-directory";
import { refuseUnverifiable, requireConfig } from "../config/require-config";

export const handoffRoute = new Hono<{ Bindings: Env }>();

const HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };
const DataFormSchema = z.object({ dir: LaptopDirSchema });
/** A form with one path in it: anything longer is not one. */
const MAX_FORM_BYTES = 16 * 1024;

const line = (status: 200 | 400 | 404 | 409 | 410 | 502, text: string) => new Response(`${text}\n`, { status, headers: { ...HEADERS, "content-type": "text/plain; charset=utf-8" } });
const refuse = (refusal: HandoffCodeRefusal) => {
  logEvent("handoff_refused", { reason: refusal });
  return line(handoffStatus(refusal), handoffRefusalLine(refusal));
};

/** The phone's object a code belongs to and the code's digest, or null: not a code this relay made, or not stored. */
async function ownerOf(c: Context<{ Bindings: Env }>) {
  const key = webLinkKeyFor(requireConfig(c.env));
  if (!key) refuseUnverifiable("/h", MEDIA_SECRET_SETTINGS);
  const code = c.req.param("code") ?? "";
  const digest = await webLinkDigest(await key, code);
  const object = digest ? await directoryOf(c.env).handoffCodeOwner(digest) : null;
  if (!digest || !object) return null;
  try {
    return { code, digest, agent: c.env.PHONE_AGENT.get(c.env.PHONE_AGENT.idFromString(object)) };
  } catch {
    return null;
  }
}

type Owner = NonNullable<Awaited<ReturnType<typeof ownerOf>>>;

/**
 * A refusal of a code this phone made (used, expired, revoked) is told in its chat too, once per
 * code and reason. One that is no code of this relay's (altered, guessed) names no chat: its tag
 * fails before any lookup, so the relay cannot tell whose it was, and only the terminal hears it.
 */
async function tellRefusal(owner: Owner, refusal: HandoffCodeRefusal): Promise<void> {
  if (refusal !== "unknown") await owner.agent.handoffRefusedOnLaptop(owner.digest, refusal);
}

/** GET's refusal: the line piped to sh (`curl -sS … | sh`) is a script that prints it and fails. */
const refuseScript = (refusal: HandoffCodeRefusal) => {
  logEvent("handoff_refused", { reason: refusal });
  return new Response(refusalScript(handoffRefusalLine(refusal)), { status: handoffStatus(refusal), headers: { ...HEADERS, "content-type": "text/x-shellscript; charset=utf-8" } });
};

handoffRoute.get("/:code", async (c) => {
  const owner = await ownerOf(c);
  if (!owner) return refuseScript("unknown");
  const answer = await owner.agent.readHandoffCode(owner.digest);
  if (!answer.ok) {
    await tellRefusal(owner, answer.refusal);
    return refuseScript(answer.refusal);
  }
  const config = requireConfig(c.env);
  const url = handoffUrl(config.publicUrl ?? new URL(c.req.url).origin, owner.code);
  const model = config.laptopModelUrl ? { url: config.laptopModelUrl, key: OFFLINE_MODEL_KEY } : null;
  const script =
    answer.direction === "new" ? handoffNewScript({ url, name: answer.conversation }) : answer.direction === "out" ? handoffScript({ url, conversation: answer.conversation, model, agentModel: answer.model ?? null }) : handbackScript({ url, conversation: answer.conversation });
  return new Response(script, { headers: { ...HEADERS, "content-type": "text/x-shellscript; charset=utf-8" } });
});

handoffRoute.post("/:code/data", async (c) => {
  if (Number(c.req.header("content-length") ?? "0") > MAX_FORM_BYTES) return line(400, "handoff: the request is too large.");
  const form = DataFormSchema.safeParse(Object.fromEntries(new URLSearchParams(await c.req.text())));
  if (!form.success) return line(400, "handoff: send dir=<the absolute path of this directory>.");
  const owner = await ownerOf(c);
  if (!owner) return refuse("unknown");
  const answer = await owner.agent.takeHandoff(owner.digest, form.data.dir);
  if (!answer.ok && answer.refusal) await tellRefusal(owner, answer.refusal);
  if (!answer.ok) return answer.refusal ? refuse(answer.refusal) : line(502, `handoff: ${answer.message}`);
  logEvent("handoff_served", { bytes: answer.bundle.byteLength });
  return new Response(answer.bundle, { headers: { ...HEADERS, "content-type": GIT_BUNDLE_CONTENT_TYPE } });
});

/** What a script that failed after the download says: its one line (the script's own `say`, or none). */
const FailedFormSchema = z.object({ why: z.string().check(z.maxLength(300), z.regex(/^[^\0\r\n]*$/, "one line")) });

handoffRoute.post("/:code/failed", async (c) => {
  if (Number(c.req.header("content-length") ?? "0") > MAX_FORM_BYTES) return line(400, "handoff: the request is too large.");
  const form = FailedFormSchema.safeParse(Object.fromEntries(new URLSearchParams(await c.req.text())));
  if (!form.success) return line(400, "handoff: send why=<one line>.");
  const owner = await ownerOf(c);
  if (!owner) return refuse("unknown");
  const here = await owner.agent.handoffFailedOnLaptop(owner.digest, form.data.why === "" ? "the script stopped before the end" : form.data.why);
  logEvent("handoff_failed_on_laptop", { here });
  return line(here ? 200 : 409, here ? "handoff: the conversation stays on the phone; this line works again while it lasts." : "handoff: nothing to take back.");
});

handoffRoute.post("/:code/done", async (c) => {
  const owner = await ownerOf(c);
  if (!owner) return refuse("unknown");
  const told = await owner.agent.handoffDoneOnLaptop(owner.digest);
  logEvent("handoff_done_on_laptop", { told });
  return line(told ? 200 : 409, told ? "handoff: the chat is told." : "handoff: nothing to tell.");
});

const BackFormSchema = z.object({
  dir: LaptopDirSchema,
  branch: z.string().check(z.minLength(1), z.maxLength(255)),
  base: z.string().check(z.regex(/^[0-9a-f]{40,64}$/)),
  wip: z.string().check(z.regex(/^[0-9a-f]{40,64}$/)),
  id: z.optional(z.string().check(z.regex(SESSION_UUID))),
});
/** What a laptop sends back at most: a Durable Object's RPC argument is at most 32 MiB, base64 takes a third more. */
const MAX_BACK_BYTES = 20 * 1024 * 1024;

handoffRoute.post("/:code/back", async (c) => {
  if (Number(c.req.header("content-length") ?? "0") > MAX_BACK_BYTES) return line(400, `handoff: what this directory sends is over ${MAX_BACK_BYTES >> 20} MB; push the branch and /new a conversation from it instead.`);
  const form = await c.req.formData().catch(() => null);
  const text = (name: string) => (typeof form?.get(name) === "string" ? (form.get(name) as string) : undefined);
  const fields = BackFormSchema.safeParse({ dir: text("dir"), branch: text("branch"), base: text("base"), wip: text("wip"), id: text("id") });
  if (!form || !fields.success) return line(400, "handoff: run the line /handoff back gives in the directory /handoff filled.");
  const bytes = async (name: string) => {
    const file = form.get(name);
    return file && typeof file !== "string" ? new Uint8Array(await file.arrayBuffer()) : null;
  };
  const session = await bytes("session");
  const owner = await ownerOf(c);
  if (!owner) return refuse("unknown");
  const f = fields.data;
  const answer = await owner.agent.takeHandback(owner.digest, {
    laptopDir: f.dir,
    branch: f.branch,
    base: f.base,
    wipTree: f.wip,
    bundle: await bytes("bundle"),
    patch: await bytes("patch"),
    session: session && f.id ? { id: f.id, jsonl: new TextDecoder().decode(session) } : null,
  });
  if (!answer.ok && answer.refusal) await tellRefusal(owner, answer.refusal);
  if (!answer.ok) return answer.refusal ? refuse(answer.refusal) : line(answer.conflict ? 409 : 502, `handoff: ${answer.message}`);
  logEvent("handback_taken", {});
  return new Response(`${answer.text}\n`, { headers: { ...HEADERS, "content-type": "text/plain; charset=utf-8" } });
});

const NewFormSchema = z.object({ dir: LaptopDirSchema, branch: HandoffNewRequestSchema.shape.branch, id: BackFormSchema.shape.id });

handoffRoute.post("/:code/new", async (c) => {
  if (Number(c.req.header("content-length") ?? "0") > MAX_BACK_BYTES) return line(400, `handoff: what this repository sends is over ${MAX_BACK_BYTES >> 20} MB; push the branch and /new a conversation from it instead.`);
  const form = await c.req.formData().catch(() => null);
  const text = (name: string) => (typeof form?.get(name) === "string" ? (form.get(name) as string) : undefined);
  const fields = NewFormSchema.safeParse({ dir: text("dir"), branch: text("branch"), id: text("id") });
  const bytes = async (name: string) => {
    const file = form?.get(name);
    return file && typeof file !== "string" ? new Uint8Array(await file.arrayBuffer()) : null;
  };
  const bundle = await bytes("bundle");
  if (!form || !fields.success || !bundle) return line(400, "handoff: run the line /handoff new gives at the top of a git repository.");
  const session = await bytes("session");
  const owner = await ownerOf(c);
  if (!owner) return refuse("unknown");
  const f = fields.data;
  const answer = await owner.agent.takeHandoffNew(owner.digest, { laptopDir: f.dir, branch: f.branch, bundle, patch: await bytes("patch"), session: session && f.id ? { id: f.id, jsonl: new TextDecoder().decode(session) } : null });
  if (!answer.ok && answer.refusal) await tellRefusal(owner, answer.refusal);
  if (!answer.ok) return answer.refusal ? refuse(answer.refusal) : line(502, `handoff: ${answer.message}`);
  logEvent("handoff_new_taken", {});
  return new Response(`${answer.text}\n`, { headers: { ...HEADERS, "content-type": "text/plain; charset=utf-8" } });
});
