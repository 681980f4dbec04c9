// A stand-in of the agent VM that speaks the real relay-to-VM protocol (schemas imported from
// src/protocol) with scripted behaviour, for the relay's tests and benchmarks. Directives in a
// message's text choose what a run does (read in vm-stand-in-directives.ts). Kept whole past 400
// lines: one server whose runs, workspaces, checkpoints and ship share the same scripted state per
// user (its other parts live beside it: vm-stand-in-directives, -changes, -ship, -archive, -machine, -types).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApprovalAnswerRequestSchema, EXIT_PLAN_TOOL } from "../../src/protocol/vm/approvals";
import { CloneFailureReasonSchema, CreateWorkspaceRequestSchema, type CloneFailureReason, type WorkspaceCreated, type WorkspaceError, WorkspaceIdSchema } from "../../src/protocol/vm/workspaces";
import { EVENT_STREAM_CONTENT_TYPE } from "../../src/protocol/vm/routes";
import { type InputMessage, RunInputRequestSchema, StartRunRequestSchema, ToolResultRequestSchema, type RunEvent, type VmRunEvent } from "../../src/protocol/vm/runs";
import { ShipRequestSchema } from "../../src/protocol/vm/ship";
import { PullReviewRequestSchema } from "../../src/protocol/vm/pull-review";
import { GIT_BUNDLE_CONTENT_TYPE, HandbackKeepRequestSchema, HandbackRequestSchema, HandoffNewRequestSchema, HandoffOutRequestSchema } from "../../src/protocol/vm/handoff";
import { sessionTurns } from "../../vm/src/core/session-paths";
import { createPreviewStandIn } from "./vm-stand-in-preview";
// The real VM's clone policy and user-facing lines, so the relay meets the same refusals.
import { cloneFailureMessage } from "../../vm/src/core/clone-errors";
import { checkBranch, checkCloneUrl } from "../../vm/src/core/clone-policy";
import { describeToolUse } from "../../vm/src/core/progress-line";
import { STAND_IN_PNG } from "./vm-stand-in-types";
import { type Directive, directivesOf, editRequest, misconfiguredMessage, standInProjectDir, toolCallsOf } from "./vm-stand-in-directives";
import { changeOf, createCheckpointHistory } from "./vm-stand-in-changes";
import { createShipStandIn } from "./vm-stand-in-ship";
import { createArchiveStandIn } from "./vm-stand-in-archive";
import type { StandInRequest, VmCloneScript, VmScript } from "./vm-stand-in-types";

export { standInProjectDir };

/**
 * What a run does is chosen by the `[[vm:…]]` directives in its messages: see vm-stand-in-directives.ts.
 *
 * A run started with options.forkSession gets a new session id (its session and result events
 * carry it), as the CLI's --fork-session gives; otherwise the session it resumes, or a new one.
 *
 * The archive routes (POST/DELETE /users/:user/archive, GET/PUT …/archive/parts/:name, POST
 * …/archive/restore, DELETE /users/:user/data) are vm-stand-in-archive.ts's.
 *
 * GET /health answers {ok:true} without the token and {ok:true, problem} with it; `problem` is
 * options.problem (default null) until POST /__stand-in/health {problem: string | null} sets it.
 * A misconfigured run leaves it alone, so no test's /vm depends on another test's runs.
 *
 * Scripted streams (POST /__stand-in/script, see VmScript) replace all of this for a user's
 * next run: garbage on the wire, as a faulty VM or network would deliver it.
 *
 * DELETE /v1/workspaces/:workspace/approval-rules?userId= answers 200 {workspace, removed: []} for
 * a workspace the user has (404 unknown_workspace otherwise), recorded as "forget-rules".
 *
 * Workspaces (POST /v1/workspaces, DELETE /v1/workspaces/:workspace?userId=) behave as the VM's:
 * the same URL policy (400 url_refused), 201 created / 200 already there, 409 exists for a
 * workspace cloned from another URL, 404 unknown_workspace, 409 workspace_busy while a run of the
 * user is live in it, and "main" exists once a run used it. Nothing is cloned: a clone reports
 * branch "main" (or the one asked for) and 42 files. A URL containing `vm-clone-fail-REASON`
 * (https://git.example/o/vm-clone-fail-auth_refused.git) fails with that CloneFailureReason;
 * POST /__stand-in/clone (VmCloneScript) sets the next clone's outcome for a user.
 */

type EventWithoutSeq = VmRunEvent extends infer E ? (E extends VmRunEvent ? Omit<E, "seq"> : never) : never;
type Turn = { messages: InputMessage[] };
type Run = {
  runId: string;
  userId: string;
  workspace: string;
  sessionId: string;
  events: VmRunEvent[];
  turns: Turn[];
  finished: boolean;
  released: boolean;
  listeners: Set<() => void>;
  dropped: boolean;
  toolResults: Map<string, string>;
  /** Files its send_file staged, by file id (served on GET /v1/runs/:id/files/:fileId). */
  files?: Map<string, { bytes: Uint8Array; contentType: string }>;
  /** Approval requests: pending until answered, timed out or the run ends; then what the reply says. */
  approvals?: Map<string, { settled: string | null }>;
  /** Started with `options.approvals`: only then does the VM ask (as the real one). */
  asksApprovals?: boolean;
  approvalTimeoutMs?: number;
  /** Scripted runs: what each next connection (start or reconnect) writes verbatim, then ends. */
  rawConnections?: string[][];
};


export type VmStandIn = { url: string; port: number; requests: StandInRequest[]; close(): Promise<void> };

export async function startVmStandIn(options: { token: string; port?: number; heartbeatMs?: number; stepMs?: number; problem?: string | null }): Promise<VmStandIn> {
  const runs = new Map<string, Run>();
  let problem = options.problem ?? null;
  const scripts = new Map<string, VmScript>();
  const requests: StandInRequest[] = [];
  const http500Seen = new Map<string, number>();
  /** `[[vm:model-limit S]]`: when each such message's limit lifts; `[[vm:model-down N]]`: runs refused so far. */
  const modelLimits = new Map<string, number>();
  const modelDownSeen = new Map<string, number>();
  const heartbeatMs = options.heartbeatMs ?? 1000;
  /** Per user: workspace id → what it holds (a clone's URL, branch and files, or nothing). */
  const workspaces = new Map<string, Map<string, { url: string | null; branch: string | null; files: number }>>();
  const cloneScripts = new Map<string, VmCloneScript>();
  const workspacesOf = (userId: string) => {
    let mine = workspaces.get(userId);
    if (!mine) workspaces.set(userId, (mine = new Map()));
    return mine;
  };
  const previews = createPreviewStandIn();
  const archives = createArchiveStandIn({
    snapshot: (userId) => ({
      workspaces: [...workspacesOf(userId).entries()],
      sessions: [...new Set([...runs.values()].filter((r) => r.userId === userId).map((r) => r.sessionId))],
    }),
    restore: (userId, user) => {
      const mine = workspacesOf(userId);
      for (const [id, ws] of user.workspaces) mine.set(id, ws as { url: string | null; branch: string | null; files: number });
      requests.push({ kind: "archive-restore", at: Date.now(), runId: "", userId, restored: { workspaces: user.workspaces.map(([id]) => id), sessions: user.sessions.length } });
    },
    drop: (userId) => void workspaces.delete(userId),
    runOpen: (userId) => [...runs.values()].some((r) => r.userId === userId && !r.finished),
    record: (kind, userId, status) => void requests.push({ kind, runId: "", userId, status, at: Date.now() }),
  });
  const stepMs = options.stepMs ?? 5;
  const checkpoints = createCheckpointHistory();
  const ships = createShipStandIn(checkpoints);

  const push = (run: Run, event: EventWithoutSeq) => {
    run.events.push({ ...event, seq: run.events.length + 1 } as VmRunEvent);
    if (event.type === "done" || event.type === "error") run.finished = true;
    for (const notify of run.listeners) notify();
  };

  /** The user's live run in a workspace (several of a user's runs may be live, as on the VM: one per session). */
  const liveRunIn = (userId: string, workspace: string) => [...runs.values()].find((r) => r.userId === userId && r.workspace === workspace && !r.finished);
  /** A live run of the user on that session: two processes must never write one session. */
  const liveOnSession = (userId: string, sessionId: string | null | undefined) => (sessionId ? [...runs.values()].find((r) => r.userId === userId && r.sessionId === sessionId && !r.finished) : undefined);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function execute(run: Run, resumed: string | null): Promise<void> {
    await sleep(stepMs);
    const first = directivesOf(run.turns[0]?.messages.map((m) => m.text) ?? []);
    if (first.unknownSession && resumed) return push(run, { type: "error", code: "unknown_session", message: `No conversation found with session ID: ${resumed}` });
    if (first.misconfigured) return push(run, { type: "error", code: "misconfigured", reason: first.misconfigured, message: misconfiguredMessage(first.misconfigured) });
    push(run, { type: "session", sessionId: run.sessionId });
    const firstText = run.turns[0]?.messages[0]?.text ?? "";
    if (first.modelLimitS !== null) {
      const resetsAt = modelLimits.get(firstText) ?? Date.now() + first.modelLimitS * 1000;
      modelLimits.set(firstText, resetsAt);
      if (Date.now() < resetsAt) return push(run, { type: "error", code: "model_limit", resetsAt, limit: "five_hour", message: "You've hit your 5-hour limit" });
    }
    const down = modelDownSeen.get(firstText) ?? 0;
    if (down < first.modelDown) {
      modelDownSeen.set(firstText, down + 1);
      return push(run, { type: "error", code: "model_unavailable", message: "API Error: 529 Overloaded" });
    }
    if (first.crash) return push(run, { type: "error", code: "cli_crashed", message: "claude exited with code 1" });
    if (first.error) return push(run, { type: "error", code: first.error as "auth_failed", message: `scripted ${first.error}` });
    push(run, { type: "progress", text: "Thinking" });
    for (let turn = 0; turn < run.turns.length; turn++) {
      const texts = run.turns[turn]!.messages.map((m) => m.text);
      const d = directivesOf(texts);
      const waitForChange = () => new Promise<void>((resolve) => run.listeners.add(function once() { run.listeners.delete(once); resolve(); }));
      while (d.hold && !run.released) await waitForChange();
      for (let i = 1; d.progress && i <= d.progress.count && !run.finished; i++) {
        await sleep(d.progress.everyMs);
        push(run, { type: "progress", text: d.progress.stamped ? `Running: step ${i} at ${Date.now()}` : i % 2 === 0 ? `Editing src/file${i}.ts` : `Running: step ${i}` });
      }
      if (run.finished) return;
      let text = d.long > 0 ? longReply(d.long) : `echo: ${texts.join(" | ")}`;
      if (d.tool) {
        const callId = `call-${run.events.length + 1}`;
        if (d.tool.name === "send_file") (run.files ??= new Map()).set(String(d.tool.args.fileId), { bytes: STAND_IN_PNG, contentType: "image/png" });
        push(run, { type: "tool_call", callId, name: d.tool.name, args: d.tool.args });
        while (!run.toolResults.has(callId)) await waitForChange();
        text = `tool said: ${run.toolResults.get(callId)}`;
      }
      // A plan is asked as the CLI asks it: the approval of its ExitPlanMode, the plan as its input.
      const asked: Directive["approvals"] = [...d.approvals, ...(d.plan === null ? [] : [{ tool: EXIT_PLAN_TOOL, arg: d.plan }])];
      if (asked.length > 0 && !run.asksApprovals) text = asked.map((a) => `done without asking: ${a.tool} ${a.arg}`).join(" | ");
      else if (asked.length > 0) {
        const approvals = (run.approvals ??= new Map());
        const entries = asked.map((approval) => {
          const requestId = `appr-${run.events.length + 1}`;
          const projectDir = standInProjectDir(run.userId, run.workspace);
          const edited = approval.editLines === undefined ? null : editRequest(approval.tool, approval.arg, approval.editLines, projectDir);
          const input = edited ? edited.input : approval.tool === EXIT_PLAN_TOOL ? { plan: approval.arg } : approval.tool === "Bash" ? { command: approval.arg } : { file_path: approval.arg };
          const entry = { settled: null as string | null };
          approvals.set(requestId, entry);
          push(run, { type: "approval_request", requestId, tool: approval.tool, input, summary: describeToolUse(approval.tool, input, "/") ?? undefined, projectDir, ...(edited ? { edit: edited.edit } : {}) });
          return entry;
        });
        const timer = setTimeout(() => {
          for (const entry of entries) entry.settled ??= "denied: not approved in time";
          for (const notify of [...run.listeners]) notify();
        }, run.approvalTimeoutMs ?? 600_000);
        while (entries.some((e) => e.settled === null) && !run.finished) await waitForChange();
        clearTimeout(timer);
        if (run.finished) {
          for (const entry of entries) entry.settled ??= "denied: the run ended";
          return;
        }
        text = entries.map((e) => e.settled ?? "denied").join(" | ");
      }
      push(run, {
        type: "result",
        messageIds: run.turns[turn]!.messages.map((m) => m.id),
        text: d.apiError ? "API Error: 400 prompt is too long: 212000 tokens > 200000 maximum" : text,
        isError: d.apiError,
        subtype: "success",
        ...(d.offlineModel ? { costUsd: 0, offlineModel: true } : d.costByModel ? { costUsd: Object.values(d.costByModel).reduce((n, c) => n + c, 0), costByModel: d.costByModel } : { costUsd: 0.001 }),
        numTurns: 1,
        durationMs: stepMs,
        sessionId: run.sessionId,
      });
      if (d.crashAfterReply) return push(run, { type: "error", code: "cli_crashed", message: "claude exited with code 1" });
      if (d.restartAtInput) {
        while (run.turns.length <= turn + 1 && !run.finished) await waitForChange();
        return push(run, { type: "error", code: "vm_restarted", message: "the VM restarted while the run was live" });
      }
      await sleep(d.slowEndMs > 0 && turn === run.turns.length - 1 ? d.slowEndMs : stepMs);
    }
    const said = run.turns.flatMap((t) => t.messages.map((m) => m.text)).join("\n");
    const change = changeOf(said);
    if (change) checkpoints.ranWith(run.userId, run.workspace, run.runId, change);
    const toolCalls = toolCallsOf(said);
    push(run, { type: "done", ...(change ? { change } : {}), ...(toolCalls ? { toolCalls } : {}) });
  }

  function stream(run: Run, after: number, res: ServerResponse, cutAfterSession: boolean): void {
    res.writeHead(200, { "content-type": EVENT_STREAM_CONTENT_TYPE });
    let sent = after;
    const flush = () => {
      while (sent < run.events.length) {
        const event = run.events[sent++]!;
        res.write(`${JSON.stringify(event)}\n`);
        if (cutAfterSession && event.type === "session") {
          // Cut once the relay has had time to read the session event.
          run.dropped = true;
          setTimeout(() => {
            res.socket?.destroy();
            close();
          }, 50);
          return;
        }
      }
      if (run.finished) close();
    };
    const heartbeat = setInterval(() => res.write(`${JSON.stringify({ type: "heartbeat", at: Date.now() })}\n`), heartbeatMs);
    const close = () => {
      clearInterval(heartbeat);
      run.listeners.delete(flush);
      res.end();
    };
    run.listeners.add(flush);
    res.on("close", close);
    flush();
  }

  const githubPermissions = new Map<string, string | null>();
  const server = createServer(async (req, res) => {
    try {
      await handle(req, res);
    } catch (error) {
      if (!res.headersSent) json(res, 500, { error: "bad_request", message: String(error) });
    }
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stand-in");
    if (url.pathname === "/health") {
      const withToken = req.headers.authorization === `Bearer ${options.token}`;
      return json(res, 200, withToken ? { ok: true, problem } : { ok: true });
    }
    if (url.pathname === "/__stand-in/health") {
      ({ problem } = JSON.parse(await readBody(req)) as { problem: string | null });
      return json(res, 200, { ok: true });
    }
    if (url.pathname === "/__stand-in/pull") {
      const { repo, number, state } = JSON.parse(await readBody(req)) as { repo: string; number: number; state: "closed" | "merged" };
      ships.setPullState(repo, number, state);
      return json(res, 200, {});
    }
    if (url.pathname === "/__stand-in/release") {
      const { userId } = JSON.parse(await readBody(req)) as { userId: string };
      for (const run of runs.values()) if (run.userId === userId) { run.released = true; for (const n of [...run.listeners]) n(); }
      return json(res, 200, { ok: true });
    }
    if (url.pathname === "/__stand-in/script") {
      const script = JSON.parse(await readBody(req)) as VmScript;
      scripts.set(script.userId, script);
      return json(res, 200, { ok: true });
    }
    if (url.pathname === "/__stand-in/clone") {
      const script = JSON.parse(await readBody(req)) as VmCloneScript;
      cloneScripts.set(script.userId, script);
      return json(res, 200, { ok: true });
    }
    // What GitHub's collaborator permission API says of a user on a repository, as the VM would
    // relay it (`repo\nuser`, lower case); unset: GitHub did not say (null).
    if (url.pathname === "/__stand-in/github-permission") {
      const { repo, user, permission } = JSON.parse(await readBody(req)) as { repo: string; user: string; permission: string | null };
      githubPermissions.set(`${repo.toLowerCase()}\n${user.toLowerCase()}`, permission);
      return json(res, 200, { ok: true });
    }
    if (url.pathname === "/__stand-in/requests") {
      const userId = url.searchParams.get("userId");
      return json(res, 200, { requests: requests.filter((r) => !userId || r.userId === userId) });
    }
    if (await archives.control(req, res, url)) return;
    if (await previews.control(req, res, url, () => readBody(req))) return;
    if (req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { error: "unauthorized" });
    if (await previews.handle(req, res, url, () => readBody(req))) return;
    if (await previews.shot(req, res, url, () => readBody(req))) return;
    if (await archives.handle(req, res, url)) return;

    if (req.method === "GET" && url.pathname === "/v1/github/permission") {
      const key = `${(url.searchParams.get("repo") ?? "").toLowerCase()}\n${(url.searchParams.get("user") ?? "").toLowerCase()}`;
      return json(res, 200, { permission: githubPermissions.get(key) ?? null });
    }
    if (req.method === "POST" && url.pathname === "/v1/runs") {
      const parsed = StartRunRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request", message: parsed.error.message });
      const body = parsed.data;
      requests.push({
        kind: "start",
        runId: body.runId,
        userId: body.userId,
        sessionId: body.sessionId,
        messages: body.messages,
        options: body.options,
        workspace: body.workspace,
        ...(body.gitIdentity ? { gitIdentity: body.gitIdentity } : {}),
        ...(body.options.keepWarmMs !== undefined ? { keepWarmMs: body.options.keepWarmMs } : {}),
        at: Date.now(),
      });
      const d = directivesOf(body.messages.map((m) => m.text));
      if (d.http500 > 0) {
        const key = body.messages[0]!.id;
        const seen = (http500Seen.get(key) ?? 0) + 1;
        http500Seen.set(key, seen);
        if (seen <= d.http500) return json(res, 500, { error: "bad_request", message: "scripted 500" });
      }
      if (d.slowStartMs > 0) await sleep(d.slowStartMs);
      let run = runs.get(body.runId);
      if (run && run.userId !== body.userId) return json(res, 409, { error: "user_mismatch" });
      const script = run ? undefined : scripts.get(body.userId);
      if (script) {
        scripts.delete(body.userId);
        run = { runId: body.runId, userId: body.userId, workspace: body.workspace, sessionId: body.sessionId ?? `session-${crypto.randomUUID()}`, events: script.events, turns: [{ messages: body.messages }], finished: script.events.some((e) => e.type === "done" || e.type === "error"), released: false, listeners: new Set(), dropped: false, toolResults: new Map(), rawConnections: [...script.connections] };
        // A scripted send_file has its file staged, as the VM would have before announcing it.
        for (const e of script.events) if (e.type === "tool_call" && e.name === "send_file") (run.files ??= new Map()).set(String(e.args.fileId), { bytes: STAND_IN_PNG, contentType: "image/png" });
        runs.set(body.runId, run);
      }
      if (run?.rawConnections?.length) return rawStream(res, run.rawConnections.shift()!);
      if (!run) {
        const live = liveOnSession(body.userId, body.sessionId);
        // options.forkSession: a new session, as the CLI's --fork-session gives; the one it names is left alone.
        const sessionId = body.sessionId !== null && !body.options.forkSession ? body.sessionId : `session-${crypto.randomUUID()}`;
        run = { runId: body.runId, userId: body.userId, workspace: body.workspace, sessionId, events: [], turns: [{ messages: body.messages }], finished: false, released: false, listeners: new Set(), dropped: false, toolResults: new Map(), asksApprovals: !!body.options.approvals, approvalTimeoutMs: body.options.approvals?.timeoutMs };
        runs.set(body.runId, run);
        if (!workspacesOf(body.userId).has(body.workspace)) workspacesOf(body.userId).set(body.workspace, { url: null, branch: null, files: 0 });
        if (live) push(run, { type: "error", code: "busy", message: "another run is live on this session" });
        else void execute(run, body.sessionId);
      }
      return stream(run, 0, res, d.drop && !run.dropped);
    }
    if (req.method === "POST" && url.pathname === "/v1/workspaces") return createWorkspace(req, res);
    const stepMatch = /^\/v1\/workspaces\/([^/]+)\/(undo|redo)$/.exec(url.pathname);
    if (req.method === "POST" && stepMatch) return checkpointStep(stepMatch[2] as "undo" | "redo", decodeURIComponent(stepMatch[1]!), url.searchParams.get("userId") ?? "", res);
    const shipMatch = /^\/v1\/workspaces\/([^/]+)\/ship(\/preview)?$/.exec(url.pathname);
    if (req.method === "POST" && shipMatch) {
      const userId = url.searchParams.get("userId") ?? "";
      const workspace = decodeURIComponent(shipMatch[1]!);
      const kind = shipMatch[2] ? "ship-preview" : "ship";
      const parsed = ShipRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request", message: parsed.error.message });
      const held = workspacesOf(userId).get(workspace);
      const live = liveRunIn(userId, workspace);
      const answer = !held
        ? { status: 404, body: { error: "unknown_workspace", message: `no workspace ${workspace} for this user` } }
        : live?.workspace === workspace
          ? { status: 409, body: { error: "workspace_busy", message: `run ${live.runId} is in progress in this workspace` } }
          : ships.answer(kind === "ship" ? "ship" : "preview", userId, workspace, held.url, parsed.data);
      requests.push({ kind, runId: "", userId, workspace, status: answer.status, ship: parsed.data, at: Date.now() });
      return json(res, answer.status, answer.body);
    }
    const reviewMatch = /^\/v1\/workspaces\/([^/]+)\/pull-request-review$/.exec(url.pathname);
    if (req.method === "POST" && reviewMatch) {
      const userId = url.searchParams.get("userId") ?? "";
      const workspace = decodeURIComponent(reviewMatch[1]!);
      const parsed = PullReviewRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request", message: parsed.error.message });
      const held = workspacesOf(userId).get(workspace);
      const answer = held ? ships.review(held.url, parsed.data) : { status: 404, body: { error: "unknown_workspace", message: `no workspace ${workspace} for this user` } };
      requests.push({ kind: "pull-review", runId: "", userId, workspace, status: answer.status, review: parsed.data, at: Date.now() });
      return json(res, answer.status, answer.body);
    }
    const handoffMatch = /^\/v1\/workspaces\/([^/]+)\/handoff$/.exec(url.pathname);
    if (req.method === "POST" && handoffMatch) {
      // Not a git bundle: text naming what was asked, so a test sees which conversation was served.
      const userId = url.searchParams.get("userId") ?? "";
      const workspace = decodeURIComponent(handoffMatch[1]!);
      const parsed = HandoffOutRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request", message: parsed.error.message });
      // A laptop directory named "refused" meets a VM that cannot make the bundle, as git failing would.
      const refused = parsed.data.laptopDir.endsWith("/refused");
      requests.push({ kind: "handoff", runId: "", userId, workspace, status: refused ? 422 : 200, sessionId: parsed.data.sessionId, laptopDir: parsed.data.laptopDir, at: Date.now() });
      if (refused) return json(res, 422, { error: "handoff_refused", reason: "failed", message: "git could not pack the hand-off." });
      res.writeHead(200, { "content-type": GIT_BUNDLE_CONTENT_TYPE });
      return void res.end(`stand-in bundle of ${workspace} for ${parsed.data.laptopDir}`);
    }
    const handoffNewMatch = /^\/v1\/workspaces\/([^/]+)\/handoff\/new$/.exec(url.pathname);
    if (req.method === "POST" && handoffNewMatch) {
      // A new workspace filled: not a real bundle, so one whose text is "not a bundle" is refused as git refuses it;
      // a workspace that holds something already is refused as not empty. The session's prompts are counted as the VM counts them.
      const userId = url.searchParams.get("userId") ?? "";
      const workspace = decodeURIComponent(handoffNewMatch[1]!);
      const parsed = HandoffNewRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request", message: parsed.error.message });
      const mine = workspacesOf(userId);
      const refusal = mine.has(workspace) ? "This conversation's folder is not empty; nothing was changed." : Buffer.from(parsed.data.bundle, "base64").toString("utf8") === "not a bundle" ? `The laptop's bundle has no branch ${parsed.data.branch}.` : null;
      requests.push({ kind: "handoff-new", runId: "", userId, workspace, status: refusal ? 422 : 200, sessionId: parsed.data.session?.id ?? null, laptopDir: parsed.data.laptopDir, at: Date.now() });
      if (refusal) return json(res, 422, { error: "handoff_refused", reason: "failed", message: refusal });
      mine.set(workspace, { url: null, branch: parsed.data.branch, files: 1 });
      const files = parsed.data.patch ? Buffer.from(parsed.data.patch, "base64").toString("utf8").split("\n").filter((l) => l.startsWith("diff --git ")).length : 0;
      return json(res, 200, { sessionId: parsed.data.session?.id ?? null, turns: parsed.data.session ? sessionTurns(parsed.data.session.jsonl) : 0, branch: parsed.data.branch, head: "abc1234", files });
    }
    const keepMatch = /^\/v1\/workspaces\/([^/]+)\/handback\/keep$/.exec(url.pathname);
    if (req.method === "POST" && keepMatch) {
      // The laptop's kept side taken; the phone's kept as the VM keeps it.
      const userId = url.searchParams.get("userId") ?? "";
      const workspace = decodeURIComponent(keepMatch[1]!);
      const parsed = HandbackKeepRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request", message: parsed.error.message });
      const { staged, phoneSessionId } = parsed.data;
      requests.push({ kind: "handback-keep", runId: "", userId, workspace, status: 200, sessionId: phoneSessionId, at: Date.now() });
      // The swap recorded as the VM records it: a change between its checkpoints (two files).
      const change = { changeId: `handback-keep-${workspace}`, change: { files: [{ path: "a.txt", status: "modified", insertions: 2, deletions: 1 }, { path: "b.txt", status: "added", insertions: 1, deletions: 0 }], diff: "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1 +1,2 @@\n-phone\n+laptop\n+more\ndiff --git a/b.txt b/b.txt\nnew file mode 100644\n--- /dev/null\n+++ b/b.txt\n@@ -0,0 +1 @@\n+new\n", truncated: false } };
      return json(res, 200, { done: { sessionId: staged.sessionId, turns: 3, branch: "fix-flaky", head: staged.head.slice(0, 7), files: 2, ...change }, kept: { branch: `handoff/phone-${staged.stamp}`, savedSession: phoneSessionId ? `~/.claude/handoff/phone-${staged.stamp}.jsonl` : null } });
    }
    const handbackMatch = /^\/v1\/workspaces\/([^/]+)\/handback$/.exec(url.pathname);
    if (req.method === "POST" && handbackMatch) {
      // Taken as sent, unless `base` is all zeros: a workspace that changed meanwhile (409 conflict).
      const userId = url.searchParams.get("userId") ?? "";
      const workspace = decodeURIComponent(handbackMatch[1]!);
      const parsed = HandbackRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request", message: parsed.error.message });
      const conflict = /^0+$/.test(parsed.data.base);
      // `base` all "f": changes that do not apply, as git refusing them would.
      if (/^f+$/.test(parsed.data.base)) return json(res, 422, { error: "handoff_refused", reason: "failed", message: "The laptop's uncommitted changes did not apply; its commits are in place." });
      requests.push({ kind: "handback", runId: "", userId, workspace, status: conflict ? 409 : 200, sessionId: parsed.data.session?.id ?? null, laptopDir: parsed.data.laptopDir, at: Date.now() });
      // The laptop's side kept as the VM keeps it (a branch and a saved session), unless no commit (`wip` all zeros): then nothing was kept.
      const staged = /^0+$/.test(parsed.data.wipTree) ? {} : { staged: { stamp: "20261126-140205", branch: "handoff/laptop-20261126-140205", head: "c".repeat(40), wip: "d".repeat(40), sessionId: parsed.data.session?.id ?? null, savedSession: parsed.data.session ? "~/.claude/handoff/laptop-20261126-140205.jsonl" : null } };
      if (conflict) return json(res, 409, { error: "handoff_refused", reason: "conflict", message: "This conversation changed here too since it went to the laptop; nothing was overwritten.", ...staged });
      // A patch changed one file, recorded as the VM records a hand-back's change (its checkpoints' id and diff).
      const change = parsed.data.patch ? { changeId: `handback-${workspace}`, change: { files: [{ path: "x", status: "modified", insertions: 1, deletions: 0 }], diff: "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+laptop\n", truncated: false } } : {};
      return json(res, 200, { sessionId: parsed.data.session?.id ?? null, turns: 2, branch: parsed.data.branch, head: parsed.data.base.slice(0, 7), files: parsed.data.patch ? 1 : 0, ...change });
    }
    if (req.method === "POST" && url.pathname === "/v1/render/diff") {
      const body = JSON.parse(await readBody(req)) as { diff?: unknown };
      if (typeof body.diff !== "string" || body.diff.length > 2_100_000) return json(res, 400, { error: "bad_request", message: "diff" });
      requests.push({ kind: "render-diff", runId: "", userId: "", diff: body.diff, at: Date.now() });
      const lines = body.diff.split("\n").length;
      res.writeHead(200, { "content-type": "image/png", "content-length": String(STAND_IN_PNG.byteLength), "x-diff-lines-shown": String(Math.min(lines, 80)), "x-diff-lines-hidden": String(Math.max(0, lines - 80)) });
      return void res.end(STAND_IN_PNG);
    }
    const rulesMatch = /^\/v1\/workspaces\/([^/]+)\/approval-rules$/.exec(url.pathname);
    if (req.method === "DELETE" && rulesMatch) {
      const userId = url.searchParams.get("userId") ?? "";
      const workspace = decodeURIComponent(rulesMatch[1]!);
      const known = workspacesOf(userId).has(workspace);
      requests.push({ kind: "forget-rules", runId: "", userId, workspace, status: known ? 200 : 404, at: Date.now() });
      return known ? json(res, 200, { workspace, removed: [] }) : json(res, 404, { error: "unknown_workspace" });
    }
    const workspaceMatch = /^\/v1\/workspaces\/([^/]+)$/.exec(url.pathname);
    if (req.method === "DELETE" && workspaceMatch) return deleteWorkspace(decodeURIComponent(workspaceMatch[1]!), url.searchParams.get("userId"), res);
    const fileMatch = /^\/v1\/runs\/([^/]+)\/files\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && fileMatch) {
      const owner = runs.get(decodeURIComponent(fileMatch[1]!));
      const staged = owner?.files?.get(decodeURIComponent(fileMatch[2]!));
      requests.push({ kind: "file", runId: decodeURIComponent(fileMatch[1]!), userId: owner?.userId ?? "", callId: decodeURIComponent(fileMatch[2]!), status: staged ? 200 : 404, at: Date.now() });
      if (!staged) return json(res, 404, { error: "unknown_file" });
      res.writeHead(200, { "content-type": staged.contentType, "content-length": String(staged.bytes.byteLength) });
      return void res.end(staged.bytes);
    }
    const match = /^\/v1\/runs\/([^/]+)\/(events|input|cancel|tool-result|approval)$/.exec(url.pathname);
    const run = match ? runs.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !run) return json(res, 404, { error: "unknown_run" });
    if (match[2] === "events") {
      const after = Number(url.searchParams.get("after") ?? "0");
      requests.push({ kind: "events", runId: run.runId, userId: run.userId, after, at: Date.now() });
      if (run.rawConnections?.length) return rawStream(res, run.rawConnections.shift()!);
      return stream(run, after, res, false);
    }
    if (match[2] === "input") {
      const parsed = RunInputRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request" });
      requests.push({ kind: "input", runId: run.runId, userId: run.userId, messages: parsed.data.messages, accepted: !run.finished, at: Date.now() });
      if (run.finished) return json(res, 409, { error: "run_finished" });
      run.turns.push({ messages: parsed.data.messages });
      for (const notify of [...run.listeners]) notify();
      return json(res, 202, { accepted: true });
    }
    if (match[2] === "tool-result") {
      const parsed = ToolResultRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request" });
      requests.push({ kind: "tool-result", runId: run.runId, userId: run.userId, callId: parsed.data.callId, at: Date.now() });
      run.toolResults.set(parsed.data.callId, `${parsed.data.ok ? "ok" : "refused"}: ${parsed.data.text}`);
      for (const notify of [...run.listeners]) notify();
      return json(res, 202, { ok: true });
    }
    if (match[2] === "approval") {
      const parsed = ApprovalAnswerRequestSchema.safeParse(JSON.parse(await readBody(req)));
      if (!parsed.success) return json(res, 400, { error: "bad_request" });
      const { requestId, decision, message, remember, mode } = parsed.data;
      const entry = run.approvals?.get(requestId);
      const status = !entry ? (run.finished ? 409 : 404) : entry.settled !== null ? 409 : 202;
      requests.push({ kind: "approval", runId: run.runId, userId: run.userId, requestId, decision, message, remember, mode, status, at: Date.now() });
      if (!entry) return run.finished ? json(res, 409, { error: "run_finished" }) : json(res, 404, { error: "unknown_approval" });
      if (entry.settled !== null) return json(res, 409, { error: "approval_settled" });
      const request = run.events.find((e) => e.type === "approval_request" && e.requestId === requestId);
      const what = request?.type === "approval_request" ? `${request.tool} ${String(Object.values(request.input)[0] ?? "")}` : requestId;
      const isPlan = request?.type === "approval_request" && request.tool === EXIT_PLAN_TOOL;
      entry.settled = decision === "allow" && isPlan ? `plan approved, mode ${mode ?? "none"}` : decision === "allow" ? `approved: ${what}${remember ? `, remembered ${remember}` : ""}` : `denied: ${message ?? "the user declined"}`;
      for (const notify of [...run.listeners]) notify();
      return json(res, 202, { accepted: true });
    }
    requests.push({ kind: "cancel", runId: run.runId, userId: run.userId, at: Date.now() });
    if (!run.finished) push(run, { type: "error", code: "cancelled", message: "cancelled" });
    return json(res, 202, { ok: true });
  }

  async function createWorkspace(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const parsed = CreateWorkspaceRequestSchema.safeParse(JSON.parse(await readBody(req)));
    if (!parsed.success) return json(res, 400, { error: "bad_request", message: parsed.error.message });
    const { userId, workspace, clone } = parsed.data;
    const answer = (status: number, body: WorkspaceCreated | WorkspaceError) => {
      requests.push({ kind: "create-workspace", runId: "", userId, workspace, ...(clone ? { clone } : {}), status, at: Date.now() });
      return json(res, status, body);
    };
    const failed = (reason: CloneFailureReason, why?: string) =>
      answer(reason === "url_refused" ? 400 : reason === "exists" ? 409 : 422, { error: "clone_failed", reason, message: cloneFailureMessage(reason, { timeoutMs: 300_000, maxMb: 2048 }, why) });
    const mine = workspacesOf(userId);
    const held = mine.get(workspace);
    const created = (status: number, w: { branch: string | null; files: number }) => answer(status, { workspace, branch: w.branch, files: w.files, ms: Date.now() - startedAt });
    if (!clone) {
      if (!held) mine.set(workspace, { url: null, branch: null, files: 0 });
      return created(held ? 200 : 201, held ?? { branch: null, files: 0 });
    }
    const source = checkCloneUrl(clone.url, false);
    if (!source.ok) return failed("url_refused", source.why);
    const branch = clone.branch === undefined ? null : checkBranch(clone.branch);
    if (branch && !branch.ok) return failed("url_refused", branch.why);
    if (held?.url) return held.url === clone.url && (!clone.branch || clone.branch === held.branch) ? created(200, held) : failed("exists");
    if (liveRunIn(userId, workspace)) return failed("exists");
    const script = cloneScripts.get(userId);
    cloneScripts.delete(userId);
    if (script?.delayMs) await sleep(script.delayMs);
    const fail = script?.fail ?? /vm-clone-fail-([a-z_]+)/.exec(clone.url)?.[1];
    if (fail) return failed(CloneFailureReasonSchema.parse(fail));
    const result = { url: clone.url, branch: script?.branch !== undefined ? script.branch : (clone.branch ?? "main"), files: script?.files ?? 42 };
    mine.set(workspace, result);
    return created(201, result);
  }

  /** Undo or redo as the VM's checkpoint routes answer them (vm/src/http/checkpoint-routes.ts). */
  function checkpointStep(kind: "undo" | "redo", workspace: string, userId: string, res: ServerResponse): void {
    const answer = (status: number, body: unknown) => {
      requests.push({ kind, runId: "", userId, workspace, status, at: Date.now() });
      return json(res, status, body);
    };
    if (!workspacesOf(userId).has(workspace)) return answer(404, { error: "unknown_workspace", message: `no workspace ${workspace} for this user` });
    const live = liveRunIn(userId, workspace);
    if (live?.workspace === workspace) return answer(409, { error: "workspace_busy", message: `run ${live.runId} is in progress in this workspace` });
    const restored = checkpoints.step(kind, userId, workspace);
    if (!restored) return answer(409, kind === "undo" ? { error: "nothing_to_undo", message: "no run changed files here that is not undone already" } : { error: "nothing_to_redo", message: "no undo to take back" });
    return answer(200, restored);
  }

  function deleteWorkspace(workspace: string, userId: string | null, res: ServerResponse): void {
    if (!userId || !WorkspaceIdSchema.safeParse(workspace).success) return json(res, 400, { error: "bad_request", message: "workspace and userId" });
    const record = (status: number) => requests.push({ kind: "delete-workspace", runId: "", userId, workspace, status, at: Date.now() });
    const mine = workspacesOf(userId);
    if (!mine.has(workspace)) {
      record(404);
      return json(res, 404, { error: "unknown_workspace" });
    }
    if (liveRunIn(userId, workspace)) {
      record(409);
      return json(res, 409, { error: "workspace_busy", message: "a run is live in this workspace" });
    }
    mine.delete(workspace);
    checkpoints.forget(userId, workspace);
    record(200);
    return json(res, 200, { workspace, deleted: true });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function longReply(chars: number): string {
  const paragraph = "The flaky test failed because two workers shared a port. I gave each its own port and reran the suite ten times.";
  const parts: string[] = [];
  let length = 0;
  for (let i = 1; length < chars; i++) {
    const p = `${i}. ${paragraph}`;
    parts.push(p);
    length += p.length + 2;
  }
  return parts.join("\n\n").slice(0, chars);
}

function rawStream(res: ServerResponse, chunks: string[]): void {
  res.writeHead(200, { "content-type": EVENT_STREAM_CONTENT_TYPE });
  for (const chunk of chunks) res.write(chunk);
  res.end();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (data += chunk));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
