// HTTP client of the agent VM (docs/protocol.md). Returns typed results; never throws on I/O. The
// calls that move a workspace's git history (/ship, a review, the hand-off) are in vm-git-calls.ts.
import type { ApprovalAnswerRequest } from "../protocol/vm/approvals";
import { EVENT_STREAM_CONTENT_TYPE, VM_ROUTES, VmErrorBodySchema } from "../protocol/vm/routes";
import type { InputMessage, StartRunRequestInput } from "../protocol/vm/runs";
import { type CreateWorkspaceRequest, WorkspaceCreatedSchema, WorkspaceErrorSchema } from "../protocol/vm/workspaces";
import { VmHealthSchema } from "../protocol/vm/health";
import { CheckpointRestoredSchema, type CheckpointRestored } from "../protocol/vm/changes";
import { type GithubPermission, GithubPermissionSchema } from "../protocol/vm/github-permission";
import { SHOT_ROUTE, type ShotRequest } from "../protocol/vm/shot";
import { withDeadline } from "../shared/deadline";
import { type PreviewStartRequest, type PreviewState, PreviewStateSchema } from "../protocol/vm/preview";
import type { TransportFailure } from "../messages/run-failure";
import { vmGitCalls } from "./vm-git-calls";

type VmFailure = { failure: TransportFailure; detail: string };
type VmResult<T> = ({ ok: true } & T) | ({ ok: false } & VmFailure);
type VmConnection = { vmUrl: string; vmToken: string };
/**
 * Machines mode: where the phone's Machine is reached is found per request (it may need a start
 * first), and a request the proxy could not deliver makes the next one look at the Machine.
 * `ready`: reached with no wait (last seen started). `connect` waits until `deadline` at most
 * (its own budget when none is given).
 */
export type VmConnectionSource = {
  ready(): boolean;
  connect(at?: { now: number; deadline: number }): Promise<{ ok: true; url: string; token: string; headers: Record<string, string> } | { ok: false; detail: string }>;
  unreachable(): void;
};
/** Fly's proxy answers these itself when it cannot reach the Machine (PR01/PR02/PR04, PC01, PU02). */
const PROXY_REFUSALS = new Set([502, 503]);

/** A staged file is at most 16 MB, read over the VM's private network. */
export const FILE_CALL_TIMEOUT_MS = 120_000;
/** The `/agent` permission check; the VM's own call to GitHub ends sooner (github-permission.ts). */
const PERMISSION_CALL_TIMEOUT_MS = 8_000;
/** A clone runs outside the webhook, but never unbounded: the VM's own limit is 5 min. */
const CLONE_CALL_TIMEOUT_MS = 6 * 60_000;

/**
 * A control call (a turn's input, a cancel, a tool's result, an approval's answer, health, a
 * workspace's removal) is answered in milliseconds; this bounds one the VM never answers, so no
 * pump, command or revocation waits on it for ever. A run's start has its own deadlines (runs/run-lifecycle.ts).
 */
const CONTROL_CALL_TIMEOUT_MS = 30_000;
/** A preview's start waits on the VM until its server listens (20 s there). */
const PREVIEW_CALL_TIMEOUT_MS = 45_000;

/** The VM's picture of a diff (docs/vm.md, "The /diff picture"); not in VM_ROUTES yet. */
const RENDER_DIFF_PATH = "/v1/render/diff";
/** Drawing takes about 200 ms; a cold VM loads the modules first. */
const RENDER_CALL_TIMEOUT_MS = 30_000;
/** The VM's own deadline for a page is 20 s, and a cold browser takes a few more. */
const SHOT_CALL_TIMEOUT_MS = 40_000;
/** The picture of an 80-line diff is about 380 KiB: far more is not a picture we send. */
const MAX_PICTURE_BYTES = 5 * 1024 * 1024;

/** How an undo or redo went: the VM's refusals by their code. */
export type RestoreOutcome =
  | { ok: true; restored: CheckpointRestored }
  | { ok: false; refused: "nothing_to_undo" | "nothing_to_redo" | "workspace_busy" | "unknown_workspace"; message: string | null }
  | { ok: false; refused: null; detail: string };

/** How a workspace creation went, in words for the user when it did not. */
type WorkspaceOutcome = { ok: true; branch: string | null; files: number; ms: number } | { ok: false; message: string };

export function createVmClient(conn: VmConnection | VmConnectionSource, fetchFn: typeof fetch = (input, init) => fetch(input, init)) {
  const source = "connect" in conn ? conn : null;
  const call = async (path: string, init: RequestInit): Promise<Response | VmFailure> => {
    // A caller that gives up (its signal) is not held by the Machine's start: the start goes on for the next request.
    const target = "connect" in conn ? await untilAborted(conn.connect(), init.signal) : { ok: true as const, url: conn.vmUrl, token: conn.vmToken, headers: {} };
    if (!target.ok) return { failure: "unreachable", detail: target.detail };
    try {
      const res = await fetchFn(new URL(path, target.url), {
        ...init,
        headers: { authorization: `Bearer ${target.token}`, "content-type": "application/json", ...target.headers, ...init.headers },
      });
      if (source && PROXY_REFUSALS.has(res.status)) source.unreachable();
      return res;
    } catch (error) {
      // A request cut off by its own signal (a stop, the slice's end) says nothing about the Machine.
      if (source && !init.signal?.aborted) source.unreachable();
      return { failure: "unreachable", detail: error instanceof Error ? error.message : String(error) };
    }
  };

  const openStream = async (path: string, init: RequestInit): Promise<VmResult<{ body: ReadableStream<Uint8Array> }>> => {
    const res = await call(path, init);
    if (!(res instanceof Response)) return { ok: false, ...res };
    if (res.status === 404) return drain(res, "unknown_run");
    const type = res.headers.get("content-type") ?? "";
    if (!res.ok || !res.body || !type.startsWith(EVENT_STREAM_CONTENT_TYPE)) return drain(res, "http_error");
    return { ok: true, body: res.body };
  };

  /**
   * A control call: answered by its status alone (its body let go first), and bounded so that a VM
   * that never answers does not hold the pump, a command or a revocation.
   */
  const control = <T extends object>(path: string, init: RequestInit, answered: (res: Response) => VmResult<T>): Promise<VmResult<T>> =>
    withDeadline(CONTROL_CALL_TIMEOUT_MS, async (signal) => {
      const res = await call(path, { ...init, signal });
      if (!(res instanceof Response)) return { ok: false, ...res };
      await res.body?.cancel();
      return answered(res);
    });


  return {
    /** Whether requests reach the VM with no wait first (shared mode, or a Machine last seen started). */
    ready: (): boolean => source?.ready() ?? true,
    /** Makes the Machine reachable by `deadline` at most (a run's connect phase, runs/run-lifecycle.ts). */
    async connect(now: number, deadline: number): Promise<{ ok: true } | { ok: false; detail: string }> {
      if (!source) return { ok: true };
      const reached = await source.connect({ now, deadline });
      return reached.ok ? { ok: true } : reached;
    },
    /**
     * GET /health (with the token): how long the VM took to answer and the configuration problem
     * it knows of (null: none, or a VM too old to say), or why it did not answer. `timeoutMs`: a
     * shorter bound, for a probe whose caller would rather wait out its backoff than the VM.
     */
    health(timeoutMs = CONTROL_CALL_TIMEOUT_MS): Promise<VmResult<{ ms: number; problem: string | null }>> {
      return withDeadline(timeoutMs, async (signal): Promise<VmResult<{ ms: number; problem: string | null }>> => {
        // A duration, not a time: the monotonic timer, never the epoch clock.
        const started = performance.now();
        const res = await call(VM_ROUTES.health, { method: "GET", signal });
        if (!(res instanceof Response)) return { ok: false, ...res };
        const ms = Math.round(performance.now() - started);
        // 503 is the VM's own answer when it cannot run an agent: its body names what stops it.
        if (!res.ok && res.status !== 503) {
          await res.body?.cancel();
          return { ok: false, failure: "http_error", detail: `health answered ${res.status}` };
        }
        const body = VmHealthSchema.safeParse(await res.json().catch(() => null));
        if (!body.success) return res.ok ? { ok: true, ms, problem: null } : { ok: false, failure: "http_error", detail: "health answered 503" };
        const missing = body.data.missing?.length ? `cannot run an agent: ${body.data.missing.join(", ")} missing` : null;
        return { ok: true, ms, problem: body.data.problem ?? missing };
      });
    },
    /** Starts (or, with the same run id, re-attaches to) a run; the body is its event stream. */
    startRun(request: StartRunRequestInput, signal: AbortSignal) {
      return openStream(VM_ROUTES.startRun, { method: "POST", body: JSON.stringify(request), signal });
    },
    /** The events of a run after `afterSeq`, until its terminal event. */
    events(vmRunId: string, afterSeq: number, signal: AbortSignal) {
      return openStream(`${VM_ROUTES.runEvents(vmRunId)}?after=${afterSeq}`, { method: "GET", signal });
    },
    /** One more user turn for a live run; `finished` when the run ended before it got there. */
    input(vmRunId: string, messages: InputMessage[]): Promise<VmResult<{ accepted: boolean }>> {
      return control<{ accepted: boolean }>(VM_ROUTES.runInput(vmRunId), { method: "POST", body: JSON.stringify({ messages }) }, (res) => {
        if (res.status === 202) return { ok: true, accepted: true };
        if (res.status === 409 || res.status === 404) return { ok: true, accepted: false };
        return { ok: false, failure: "http_error", detail: `input answered ${res.status}` };
      });
    },
    cancel(vmRunId: string): Promise<VmResult<object>> {
      return control(VM_ROUTES.runCancel(vmRunId), { method: "POST", body: "{}" }, (res) =>
        res.ok ? { ok: true } : { ok: false, failure: "http_error", detail: `cancel answered ${res.status}` },
      );
    },
    /** GitHub's permission for `user` on `repo`, asked by the VM (which holds the token); null when it did not say. */
    githubPermission(repo: string, user: string): Promise<GithubPermission["permission"]> {
      // Asked while GitHub waits for the webhook's answer (10 s at most): a slow VM says nothing.
      return withDeadline(PERMISSION_CALL_TIMEOUT_MS, async (signal) => {
        const res = await call(VM_ROUTES.githubPermission(repo, user), { method: "GET", signal });
        if (!(res instanceof Response)) return null;
        const body = GithubPermissionSchema.safeParse(await res.json().catch(() => null));
        return res.ok && body.success ? body.data.permission : null;
      }).catch(() => null);
    },
    /** Creates a conversation's project directory on the VM, cloning into it when asked. */
    createWorkspace(request: CreateWorkspaceRequest): Promise<WorkspaceOutcome> {
      return withDeadline(CLONE_CALL_TIMEOUT_MS, async (signal): Promise<WorkspaceOutcome> => {
        const res = await call(VM_ROUTES.workspaces, { method: "POST", body: JSON.stringify(request), signal });
        if (!(res instanceof Response)) return { ok: false, message: "the agent VM could not be reached." };
        const body: unknown = await res.json().catch(() => null);
        if (res.ok) {
          const created = WorkspaceCreatedSchema.safeParse(body);
          return created.success ? { ok: true, branch: created.data.branch, files: created.data.files, ms: created.data.ms } : { ok: false, message: "the agent VM answered something I could not read." };
        }
        const refused = WorkspaceErrorSchema.safeParse(body);
        return { ok: false, message: refused.success ? refused.data.message : `the agent VM answered ${res.status}.` };
      });
    },
    deleteWorkspace(userId: string, workspace: string): Promise<VmResult<object>> {
      // Gone already is as good as deleted.
      return control(VM_ROUTES.workspace(workspace, userId), { method: "DELETE" }, (res) =>
        res.ok || res.status === 404 ? { ok: true } : { ok: false, failure: "http_error", detail: `delete workspace answered ${res.status}` },
      );
    },
    /** The bytes of a file the agent's send_file staged; `gone` (404): the VM no longer has it. */
    async stagedFile(vmRunId: string, fileId: string, signal: AbortSignal): Promise<VmResult<{ body: ReadableStream<Uint8Array> }> | { ok: false; failure: "gone"; detail: string }> {
      const res = await call(VM_ROUTES.runFile(vmRunId, fileId), { method: "GET", signal });
      if (!(res instanceof Response)) return { ok: false, ...res };
      if (res.status === 404) {
        await res.body?.cancel();
        return { ok: false, failure: "gone", detail: "the VM no longer has the file" };
      }
      if (!res.ok || !res.body) return drain(res, "http_error");
      return { ok: true, body: res.body };
    },
    /**
     * A conversation's preview on the VM (`PreviewState`): `GET` looks, `POST` with a command starts
     * its kept server (the VM waits until it listens, 20 s at most), `DELETE` ends it.
     */
    preview(userId: string, workspace: string, method: "GET" | "POST" | "DELETE", body: PreviewStartRequest = {}): Promise<VmResult<{ state: PreviewState }>> {
      return withDeadline(PREVIEW_CALL_TIMEOUT_MS, async (signal): Promise<VmResult<{ state: PreviewState }>> => {
        const res = await call(VM_ROUTES.workspacePreview(workspace, userId), { method, signal, ...(method === "POST" ? { body: JSON.stringify(body) } : {}) });
        if (!(res instanceof Response)) return { ok: false, ...res };
        const state = PreviewStateSchema.safeParse(await res.json().catch(() => null));
        if (res.ok && state.success) return { ok: true, state: state.data };
        return { ok: false, failure: "http_error", detail: `preview answered ${res.status}${state.success ? "" : " (unreadable)"}` };
      });
    },
    /** Removes what "always" answers wrote into a workspace's Claude Code settings. Gone already is done. */
    forgetApprovalRules(userId: string, workspace: string): Promise<VmResult<object>> {
      return control(VM_ROUTES.approvalRules(workspace, userId), { method: "DELETE" }, (res) =>
        res.ok || res.status === 404 ? { ok: true } : { ok: false, failure: "http_error", detail: `forget approval rules answered ${res.status}` },
      );
    },
    /** POST /v1/workspaces/:ws/undo or /redo: the files back as before the last run (undo) or the last undo (redo). */
    restore(kind: "undo" | "redo", userId: string, workspace: string): Promise<RestoreOutcome> {
      return withDeadline(CLONE_CALL_TIMEOUT_MS, async (signal): Promise<RestoreOutcome> => {
        const path = kind === "undo" ? VM_ROUTES.workspaceUndo(workspace, userId) : VM_ROUTES.workspaceRedo(workspace, userId);
        const res = await call(path, { method: "POST", body: "{}", signal });
        if (!(res instanceof Response)) return { ok: false, refused: null, detail: res.detail };
        const body: unknown = await res.json().catch(() => null);
        if (res.ok) {
          const restored = CheckpointRestoredSchema.safeParse(body);
          return restored.success ? { ok: true, restored: restored.data } : { ok: false, refused: null, detail: "unreadable CheckpointRestored" };
        }
        const error = VmErrorBodySchema.safeParse(body);
        const code = error.success ? error.data.error : null;
        if (code === "nothing_to_undo" || code === "nothing_to_redo" || code === "workspace_busy" || code === "unknown_workspace") return { ok: false, refused: code, message: error.success ? (error.data.message ?? null) : null };
        return { ok: false, refused: null, detail: `${kind} answered ${res.status}` };
      });
    },
    ...vmGitCalls(call),
    /** POST /v1/render/diff: the PNG of a unified diff, drawn on the VM. */
    /** `linesHidden`: the diff's lines past what the picture draws (the VM's x-diff-lines-hidden; 0 when it does not say). */
    renderDiff(diff: string): Promise<VmResult<{ png: Uint8Array; linesHidden: number }>> {
      return withDeadline(RENDER_CALL_TIMEOUT_MS, async (signal): Promise<VmResult<{ png: Uint8Array; linesHidden: number }>> => {
        const res = await call(RENDER_DIFF_PATH, { method: "POST", body: JSON.stringify({ diff }), signal });
        if (!(res instanceof Response)) return { ok: false, ...res };
        if (!res.ok || !(res.headers.get("content-type") ?? "").startsWith("image/png")) return drain(res, "http_error");
        const png = new Uint8Array(await res.arrayBuffer());
        if (png.byteLength === 0 || png.byteLength > MAX_PICTURE_BYTES) return { ok: false, failure: "http_error", detail: `picture of ${png.byteLength} bytes` };
        const hidden = Number(res.headers.get("x-diff-lines-hidden") ?? 0);
        return { ok: true, png, linesHidden: Number.isSafeInteger(hidden) && hidden > 0 ? hidden : 0 };
      });
    },
    /** POST /v1/shot: the PNG of the conversation's preview; `noPreview` when it serves nothing to draw (the VM's one-line reason). */
    shot(request: ShotRequest): Promise<VmResult<{ png: Uint8Array }> | { ok: false; noPreview: string }> {
      return withDeadline(SHOT_CALL_TIMEOUT_MS, async (signal): Promise<VmResult<{ png: Uint8Array }> | { ok: false; noPreview: string }> => {
        const res = await call(SHOT_ROUTE, { method: "POST", body: JSON.stringify(request), signal });
        if (!(res instanceof Response)) return { ok: false, ...res };
        if (res.status === 404) {
          const refusal = VmErrorBodySchema.safeParse(await res.clone().json().catch(() => null));
          if (refusal.success && refusal.data.error === "no_preview") return { ok: false, noPreview: refusal.data.message ?? "no preview is running" };
        }
        if (!res.ok || !(res.headers.get("content-type") ?? "").startsWith("image/png")) return drain(res, "http_error");
        const png = new Uint8Array(await res.arrayBuffer());
        if (png.byteLength === 0 || png.byteLength > MAX_PICTURE_BYTES) return { ok: false, failure: "http_error", detail: `picture of ${png.byteLength} bytes` };
        return { ok: true, png };
      });
    },
    /** `delivered: false` is final too: the VM no longer waits for that call (4xx). */
    toolResult(vmRunId: string, result: { callId: string; ok: boolean; text: string }): Promise<VmResult<{ delivered: boolean }>> {
      return control<{ delivered: boolean }>(VM_ROUTES.toolResult(vmRunId), { method: "POST", body: JSON.stringify(result) }, (res) =>
        res.status >= 500 ? { ok: false, failure: "http_error", detail: `tool-result answered ${res.status}` } : { ok: true, delivered: res.ok },
      );
    },
    /**
     * The user's decision on an approval_request. `applied: false` is final: the VM no longer waits
     * for it (409 settled or run finished, 404 unknown run or request): the answer came too late.
     */
    approval(vmRunId: string, answer: ApprovalAnswerRequest): Promise<VmResult<{ applied: boolean }>> {
      return control<{ applied: boolean }>(VM_ROUTES.approval(vmRunId), { method: "POST", body: JSON.stringify(answer) }, (res) => {
        if (res.status === 202) return { ok: true, applied: true };
        // 400 too: an answer the VM will never take is not sent again and again.
        if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 429) return { ok: true, applied: false };
        return { ok: false, failure: "http_error", detail: `approval answered ${res.status}` };
      });
    },
  };
}
export type VmClient = ReturnType<typeof createVmClient>;

/** The connection, or a failure as soon as `signal` aborts. */
function untilAborted<T extends { ok: boolean }>(connecting: Promise<T>, signal: AbortSignal | null | undefined): Promise<T | { ok: false; detail: string }> {
  if (!signal) return connecting;
  if (signal.aborted) return Promise.resolve({ ok: false, detail: "gave up before the Machine was reachable" });
  let onAbort = () => {};
  const aborted = new Promise<{ ok: false; detail: string }>((resolve) => {
    onAbort = () => resolve({ ok: false, detail: "gave up before the Machine was reachable" });
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([connecting, aborted]).finally(() => signal.removeEventListener("abort", onAbort));
}

async function drain(res: Response, failure: TransportFailure): Promise<{ ok: false } & VmFailure> {
  const text = await res.text().catch(() => "");
  return { ok: false, failure, detail: `HTTP ${res.status} ${text.slice(0, 200)}` };
}
