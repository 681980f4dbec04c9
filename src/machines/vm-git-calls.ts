// The agent VM's calls that move a workspace's git history across it: /ship and its preview, a review
// posted on the pull request, and the hand-off's four (out to a laptop, back, new, keep). Split from
// vm-client.ts, which holds the transport they ride on (`call`: the token, the Machine reached first).
import { VM_ROUTES, VmErrorBodySchema } from "../protocol/vm/routes";
import { type ShipRequest, ShipPlanSchema, type ShipPlan, ShipDoneSchema, type ShipDone, ShipRefusalSchema, type ShipRefusal } from "../protocol/vm/ship";
import { type PullReviewRequest, PullReviewPostedSchema, type PullReviewPosted, PullReviewRefusalSchema, type PullReviewRefusal } from "../protocol/vm/pull-review";
import { GIT_BUNDLE_CONTENT_TYPE, type HandbackDone, HandbackDoneSchema, type HandbackKeepRequest, type HandbackKept, HandbackKeptSchema, type HandbackRequest, type HandoffNewRequest, type HandoffOutRequest, HandoffRefusalSchema, type HandoffStaged } from "../protocol/vm/handoff";
import { withDeadline } from "../shared/deadline";

/** One request to the VM (vm-client.ts): its response, or why none came (`detail`). */
export type VmCall = (path: string, init: RequestInit) => Promise<Response | { detail: string }>;

/** What the laptop sent back, taken; or why not (`conflict`: the workspace changed meanwhile, and nothing was overwritten). */
/** `staged`: on a conflict, where the VM kept the laptop's work (absent: it could not, and kept nothing). */
export type HandbackOutcome = { ok: true; done: HandbackDone } | { ok: false; message: string; conflict: boolean; staged?: HandoffStaged };
export type HandbackKeepOutcome = { ok: true; kept: HandbackKept } | { ok: false; message: string };
/** A hand-off's bundle, or why not: `message` is for the user. */
export type HandoffOutOutcome = { ok: true; bundle: Uint8Array<ArrayBuffer> } | { ok: false; message: string };
/** A hand-off's bundle is at most this big when it crosses the relay (a Durable Object's RPC answer is at most 32 MiB). */
export const MAX_HANDOFF_BUNDLE_BYTES = 30 * 1024 * 1024;

/** How a /ship or its preview went: the VM's answer, its refusal (with its one line), or why there was none. */
export type ShipOutcome<T> = { ok: true; value: T } | { ok: false; refusal: ShipRefusal } | { ok: false; refusal: null; detail: string };

/** How posting a review on GitHub went: what GitHub took, the VM's refusal (one line), or why there was no answer. */
export type PullReviewOutcome = { ok: true; value: PullReviewPosted } | { ok: false; refusal: PullReviewRefusal } | { ok: false; refusal: null; detail: string };

/** One REST call from the VM to GitHub (its own limit is 30 s). */
const REVIEW_CALL_TIMEOUT_MS = 40_000;

/** A push and a pull request: the VM's own limit for a push is 5 min. */
const SHIP_CALL_TIMEOUT_MS = 6 * 60_000;

/** The git calls of `createVmClient`, over its `call`. */
export function vmGitCalls(call: VmCall) {
  /** A laptop's work into a workspace (handback, handoff/new); `conflicts`: a refusal may be a conflict, with the laptop's side staged (handback only). */
  const laptopWorkIn = (path: string, request: HandbackRequest | HandoffNewRequest, conflicts: boolean): Promise<HandbackOutcome> =>
    withDeadline(SHIP_CALL_TIMEOUT_MS, async (signal): Promise<HandbackOutcome> => {
      const res = await call(path, { method: "POST", body: JSON.stringify(request), signal });
      if (!(res instanceof Response)) return { ok: false, message: "the agent VM did not answer; run the line again in a minute.", conflict: false };
      const body: unknown = await res.json().catch(() => null);
      const done = HandbackDoneSchema.safeParse(body);
      if (res.ok && done.success) return { ok: true, done: done.data };
      const refusal = HandoffRefusalSchema.safeParse(body);
      const conflict = conflicts && refusal.success && refusal.data.reason === "conflict";
      return { ok: false, message: refusal.success ? refusal.data.message : `the agent VM answered ${res.status}.`, conflict, ...(conflict && refusal.data.staged ? { staged: refusal.data.staged } : {}) };
    });
  const shipCall = <T>(path: string, request: ShipRequest, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): Promise<ShipOutcome<T>> =>
    withDeadline(SHIP_CALL_TIMEOUT_MS, async (signal): Promise<ShipOutcome<T>> => {
      const res = await call(path, { method: "POST", body: JSON.stringify(request), signal });
      if (!(res instanceof Response)) return { ok: false, refusal: null, detail: res.detail };
      const body: unknown = await res.json().catch(() => null);
      if (res.ok) {
        const done = schema.safeParse(body);
        return done.success ? { ok: true, value: done.data } : { ok: false, refusal: null, detail: "unreadable ship answer" };
      }
      const refusal = ShipRefusalSchema.safeParse(body);
      if (refusal.success) return { ok: false, refusal: refusal.data };
      const error = VmErrorBodySchema.safeParse(body);
      if (error.success && (error.data.error === "workspace_busy" || error.data.error === "unknown_workspace")) {
        // The VM's 409 and 404 in the user's words (a run's id means nothing to them).
        const busy = error.data.error === "workspace_busy";
        const message = busy ? "a run (or a clone) is under way in this conversation's project; /ship once it is done." : "this conversation's project is not on the agent VM.";
        return { ok: false, refusal: { error: "ship_refused", reason: busy ? "push_failed" : "no_github_remote", message } };
      }
      return { ok: false, refusal: null, detail: `ship answered ${res.status}` };
    });

  return {
    /** POST …/ship/preview: what /ship would push and where (read-only). */
    shipPreview(userId: string, workspace: string, request: ShipRequest): Promise<ShipOutcome<ShipPlan>> {
      return shipCall(VM_ROUTES.workspaceShipPreview(workspace, userId), request, ShipPlanSchema);
    },
    /** POST …/ship: commit, push, open or update the pull request. */
    ship(userId: string, workspace: string, request: ShipRequest): Promise<ShipOutcome<ShipDone>> {
      return shipCall(VM_ROUTES.workspaceShip(workspace, userId), request, ShipDoneSchema);
    },
    /** POST …/pull-request-review: the comments as one review of the conversation's pull request on GitHub. */
    pullRequestReview(userId: string, workspace: string, request: PullReviewRequest): Promise<PullReviewOutcome> {
      return withDeadline(REVIEW_CALL_TIMEOUT_MS, async (signal): Promise<PullReviewOutcome> => {
        const res = await call(VM_ROUTES.workspacePullReview(workspace, userId), { method: "POST", body: JSON.stringify(request), signal });
        if (!(res instanceof Response)) return { ok: false, refusal: null, detail: res.detail };
        const body: unknown = await res.json().catch(() => null);
        const posted = PullReviewPostedSchema.safeParse(body);
        if (res.ok) return posted.success ? { ok: true, value: posted.data } : { ok: false, refusal: null, detail: "unreadable review answer" };
        const refusal = PullReviewRefusalSchema.safeParse(body);
        return refusal.success ? { ok: false, refusal: refusal.data } : { ok: false, refusal: null, detail: `review answered ${res.status}` };
      });
    },
    /** POST …/handoff: the workspace and its session as one git bundle for a laptop in `request.laptopDir`. */
    handoffOut(userId: string, workspace: string, request: HandoffOutRequest): Promise<HandoffOutOutcome> {
      return withDeadline(SHIP_CALL_TIMEOUT_MS, async (signal): Promise<HandoffOutOutcome> => {
        const res = await call(VM_ROUTES.workspaceHandoff(workspace, userId), { method: "POST", body: JSON.stringify(request), signal });
        if (!(res instanceof Response)) return { ok: false, message: "the agent VM did not answer; try /handoff again in a minute." };
        if (res.ok && (res.headers.get("content-type") ?? "").startsWith(GIT_BUNDLE_CONTENT_TYPE)) {
          const bundle = new Uint8Array(await res.arrayBuffer());
          return bundle.byteLength <= MAX_HANDOFF_BUNDLE_BYTES ? { ok: true, bundle } : { ok: false, message: `the conversation's repository is over ${MAX_HANDOFF_BUNDLE_BYTES >> 20} MB; clone it from its remote instead.` };
        }
        const body: unknown = await res.json().catch(() => null);
        const refusal = HandoffRefusalSchema.safeParse(body);
        if (refusal.success) return { ok: false, message: refusal.data.message };
        return { ok: false, message: res.status === 404 ? "this conversation's project is not on the agent VM." : `the agent VM answered ${res.status}.` };
      });
    },
    /** POST …/handback: the laptop's commits, changes and session into the workspace; a refusal's `message` is for the user. */
    handback: (userId: string, workspace: string, request: HandbackRequest): Promise<HandbackOutcome> => laptopWorkIn(VM_ROUTES.workspaceHandback(workspace, userId), request, true),
    /** POST …/handoff/new: a new workspace filled with a laptop's repository and session; a refusal's `message` is for the user. */
    handoffNew: (userId: string, workspace: string, request: HandoffNewRequest): Promise<HandbackOutcome> => laptopWorkIn(VM_ROUTES.workspaceHandoffNew(workspace, userId), request, false),
    /** POST …/handback/keep: a conflict's laptop side into the workspace, the workspace's own kept as a branch and a saved session. */
    handbackKeep(userId: string, workspace: string, request: HandbackKeepRequest): Promise<HandbackKeepOutcome> {
      return withDeadline(SHIP_CALL_TIMEOUT_MS, async (signal): Promise<HandbackKeepOutcome> => {
        const res = await call(VM_ROUTES.workspaceHandbackKeep(workspace, userId), { method: "POST", body: JSON.stringify(request), signal });
        if (!(res instanceof Response)) return { ok: false, message: "the agent VM did not answer; tap “Keep laptop” again in a minute." };
        const body: unknown = await res.json().catch(() => null);
        const kept = HandbackKeptSchema.safeParse(body);
        if (res.ok && kept.success) return { ok: true, kept: kept.data };
        const refusal = HandoffRefusalSchema.safeParse(body);
        return { ok: false, message: refusal.success ? refusal.data.message : `the agent VM answered ${res.status}.` };
      });
    },
  };
}
