// A user's workspaces on disk: created empty or by a clone, and deleted. A clone goes into a
// staging directory that is renamed into place only once complete, so a failed, stopped or
// interrupted clone leaves nothing where the workspace would be.
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, writeFileSync } from "node:fs";
import { openDirBeneath } from "../files/checked-open";
import { dirname, join, relative, sep } from "node:path";
import type { CreateWorkspaceRequest, CloneFailureReason, WorkspaceCreated, WorkspaceError } from "../../../src/protocol/vm/workspaces";
import { cloneFailureMessage } from "../core/clone-errors";
import { checkBranch, checkCloneUrl, type CloneSource } from "../core/clone-policy";
import { redactSecrets } from "../core/config-problem";
import type { VmConfig } from "../config";
import type { AgentIds } from "../core/agent-ids";
import { defaultBranchOf, describeCheckout, runClone } from "../git/git-clone";
import type { GithubRepos } from "../github/github-repos";
import type { ApprovalRules } from "../approvals/approval-rules";
import type { AgentUsers } from "../users/agent-users";
import { doAsUser, giveTreeTo, removeTreeAs, SERVER_GIT_IDS } from "../users/as-user";
import { repoLocationOf } from "../core/server-git-scope";
import type { Checkpoints } from "../checkpoints/checkpoints";
import type { CredentialProxy, ProxyGrant } from "../credentials/credential-proxy";
import type { RunManager } from "../runs/run-manager";
import { ensureUserDirs, resolveInside, userPathsOf, workspaceDirOf } from "../users/user-paths";

export type CreateResult = { status: 200 | 201; body: WorkspaceCreated } | { status: 400 | 409 | 422; body: WorkspaceError };
export type DeleteResult = "deleted" | "unknown_workspace" | "busy";

export type WorkspaceDeps = {
  config: Pick<VmConfig, "dataDir" | "allowLocalClones" | "cloneTimeoutMs" | "cloneMaxMb"> & Partial<Pick<VmConfig, "githubUrl">>;
  manager: Pick<RunManager, "lockWorkspace" | "retireProcessesIn" | "spareIn">;
  /** A deleted workspace's checkpoints go with it. */
  checkpoints?: Pick<Checkpoints, "remove">;
  /** Who each user's agent runs as: its clones, reads and deletes run as that user too. */
  users: Pick<AgentUsers, "idsOf">;
  /** The credential proxy: a clone gets a token of its own, for that one repository, good until it ends. */
  proxy: Pick<CredentialProxy, "grantServer" | "gitConfigPairs"> | null;
  /** Where a clone's GitHub remote is recorded (its user's agents' scope). */
  github?: { repos: Pick<GithubRepos, "record" | "forget"> };
  /** Values a log line must never carry. */
  secrets: readonly string[];
  /** The user's "always" answers, kept by the server (approval-rules.ts). */
  rules: Pick<ApprovalRules, "list" | "forget" | "drop">;
};

const STAGING_PREFIX = ".clone-";
/** `DATA_DIR/.server-git`: where clones through the credential proxy are made, as the server's git uid. */
const SERVER_GIT_DIR = ".server-git";
/** A clone's token outlives its timeout by this much at most (it is revoked when the clone ends). */
const GRANT_SLACK_MS = 60_000;

/**
 * A workspace directory as the server sees it, read-only and following no link: each step from
 * the user's root (the server's to open: users/ is root's) is opened with O_DIRECTORY |
 * O_NOFOLLOW inside the directory opened before it (/proc/self/fd/<n>/<step>), so a link an
 * agent put on the way (to another user's tree, say), even one swapped in meanwhile, is
 * "linked", and its target is never looked at: the answer says nothing of what lies outside
 * the user's own tree. Without /proc (not Linux: no agent uids either), lstat step by step.
 */
function workspaceState(root: string, dir: string): "missing" | "empty" | "full" | "linked" {
  const steps = relative(root, dir).split(sep);
  if (!existsSync("/proc/self/fd")) {
    for (let i = 1; i <= steps.length; i++) {
      const stat = lstatSync(join(root, ...steps.slice(0, i)), { throwIfNoEntry: false });
      if (!stat) return "missing";
      if (!stat.isDirectory()) return "linked";
    }
    return readdirSync(dir).length > 0 ? "full" : "empty";
  }
  const opened = openDirBeneath(root, steps);
  if (!opened.ok) return opened.refusal === "missing" ? "missing" : "linked";
  try {
    return readdirSync(`/proc/self/fd/${opened.fd}`).length > 0 ? "full" : "empty";
  } catch {
    return "full";
  } finally {
    closeSync(opened.fd);
  }
}

/** Staging directories a previous process left behind (it stopped mid-clone), removed as their users. */
function sweepStaging(dataDir: string, users: Pick<AgentUsers, "idsOf">): void {
  const usersDir = join(dataDir, "users");
  if (!existsSync(usersDir)) return;
  for (const key of readdirSync(usersDir)) {
    if (!/^[0-9a-f]{64}$/.test(key)) continue;
    const root = join(usersDir, key);
    const ids = users.idsOf(key);
    let names: string[] = [];
    try {
      // The user's root is the server's to list (users/ is root's: no agent can put a link in its place).
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const name of names) if (name.startsWith(STAGING_PREFIX)) void removeTreeAs(ids, join(root, name));
  }
  // Clones a previous process left as the server's git uid (or handed over already): emptied as their owner, then removed by the server.
  const serverGit = join(dataDir, SERVER_GIT_DIR);
  if (!existsSync(serverGit)) return;
  for (const name of readdirSync(serverGit)) {
    const path = join(serverGit, name);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) continue;
    const owner = stat.uid === process.getuid?.() ? null : { uid: stat.uid, gid: stat.gid };
    void removeTreeAs(owner, path).then(() => removeEmptyDir(path));
  }
}

function removeEmptyDir(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // Not empty (its owner could not empty it) or gone: the next start tries again.
  }
}

/** The server's (an agent must not be able to change another's clone), readable by all; tests only. */
function writeLocalClonesConfig(dataDir: string): string {
  const path = resolveInside(dataDir, ".local-clones.gitconfig");
  writeFileSync(path, "[safe]\n\tdirectory = *\n", { mode: 0o644 });
  return path;
}

export function createWorkspaces(deps: WorkspaceDeps) {
  const { config } = deps;
  const limits = { timeoutMs: config.cloneTimeoutMs, maxMb: config.cloneMaxMb };
  /** Clones under way, by target directory: a repeated request (a relay retry) joins its clone. */
  const cloning = new Map<string, { url: string; branch: string | undefined; result: Promise<CreateResult> }>();
  const closing = new AbortController();
  sweepStaging(config.dataDir, deps.users);
  const localClonesConfig = config.allowLocalClones ? writeLocalClonesConfig(config.dataDir) : null;

  function failure(reason: CloneFailureReason, why?: string): CreateResult {
    const status = reason === "url_refused" ? 400 : reason === "exists" ? 409 : 422;
    return { status, body: { error: "clone_failed", reason, message: cloneFailureMessage(reason, limits, why) } };
  }

  async function describe(workspace: string, dir: string, ids: AgentIds | null, startedAt: number, status: 200 | 201): Promise<CreateResult> {
    const { branch, files } = await describeCheckout(dir, ids);
    return { status, body: { workspace, branch, files, ms: Math.round(performance.now() - startedAt) } };
  }

  type CloneRequest = CreateWorkspaceRequest & { clone: { url: string; branch?: string } };

  async function clone(request: CloneRequest, source: CloneSource, startedAt: number): Promise<CreateResult> {
    const paths = userPathsOf(config.dataDir, request.userId);
    const ids = deps.users.idsOf(paths.key);
    const dir = workspaceDirOf(paths, request.workspace);
    const state = workspaceState(paths.root, dir);
    // Behind a link the agent made: nothing is cloned through it.
    if (state === "linked") return failure("exists");
    if (state === "full") {
      // Already cloned from the same URL (a retried request whose answer was lost): the same answer.
      const held = await describeCheckout(dir, ids);
      const same = held.origin === request.clone.url && (!request.clone.branch || held.branch === request.clone.branch);
      return same ? describe(request.workspace, dir, ids, startedAt, 200) : failure("exists");
    }
    const release = await deps.manager.lockWorkspace(paths.key, dir);
    if (!release) return failure("exists");
    // Through the credential proxy (an http(s) source): a token for this one fetch, and, where agents
    // have uids of their own, git as the server's git uid in a directory of the server's, so no agent
    // reads the token in that git's environment; the checkout is handed to the user once git is done.
    const location = source.kind === "https" || source.kind === "http" ? repoLocationOf(source.url) : null;
    let grant: ProxyGrant | null = null;
    let scratch: string | null = null;
    let gitIds = ids;
    let handedOver = false;
    const stagingName = `${STAGING_PREFIX}${request.workspace}-${randomBytes(4).toString("hex")}`;
    const staging = () => (scratch ? join(scratch, "clone") : resolveInside(paths.root, stagingName));
    try {
      grant = location && deps.proxy ? deps.proxy.grantServer({ kind: "fetch", ...location }, Date.now() + config.cloneTimeoutMs + GRANT_SLACK_MS) : null;
      const proxyConfig = grant && deps.proxy ? deps.proxy.gitConfigPairs(grant.token) : [];
      if (ids && proxyConfig.length > 0) {
        gitIds = SERVER_GIT_IDS;
        scratch = serverScratch(gitIds);
      }
      await ensureUserDirs(paths, dirname(dir), ids);
      const outcome = await runClone({
        source,
        branch: request.clone.branch,
        target: staging(),
        home: scratch ?? paths.home,
        ids: gitIds,
        proxyConfig,
        allowLocal: config.allowLocalClones,
        localClonesConfig,
        timeoutMs: config.cloneTimeoutMs,
        maxBytes: config.cloneMaxMb * 1024 * 1024,
        signal: closing.signal,
      });
      grant?.revoke();
      if (!outcome.ok) {
        const said = outcome.stderrTail.trim().split("\n").at(-1) ?? "";
        console.warn(`vm: clone failed (${outcome.reason}): ${redactSecrets(said, deps.secrets).slice(0, 300)}`);
        return failure(outcome.reason);
      }
      if (scratch && ids) {
        // git is done (its token revoked): the tree becomes the user's, then moves in as the user.
        handedOver = await giveTreeTo(ids, scratch);
        if (!handedOver) return failure("failed");
      }
      try {
        // Replaces an empty directory (a "main" that never held anything); never a full one.
        await doAsUser(ids, [{ op: "moveInto", from: staging(), to: dir, mode: 0o700 }]);
      } catch {
        return failure("exists");
      }
      const created = await describe(request.workspace, dir, ids, startedAt, 201);
      deps.github?.repos.record(paths.key, request.workspace, request.clone.url, "branch" in created.body ? created.body.branch : null, await defaultBranchOf(dir, ids));
      return created;
    } finally {
      grant?.revoke();
      await removeTreeAs(scratch && !handedOver ? gitIds : ids, scratch ?? staging());
      // Its owner emptied it; its entry in the server's directory is the server's to remove (no DAC_OVERRIDE needed).
      if (scratch) removeEmptyDir(scratch);
      release();
    }
  }

  /** A directory of the server's for one clone, owned by `gitIds` alone (0700) under `DATA_DIR/.server-git` (0711, root's). */
  function serverScratch(gitIds: AgentIds): string {
    const root = resolveInside(config.dataDir, SERVER_GIT_DIR);
    mkdirSync(root, { recursive: true, mode: 0o711 });
    chmodSync(root, 0o711);
    const scratch = mkdtempSync(join(root, "clone-"));
    chownSync(scratch, gitIds.uid, gitIds.gid);
    return scratch;
  }

  return {
    /** Clones under way: like live runs, they keep the VM from going idle. */
    clonesUnderWay: () => cloning.size,

    /** SIGTERM: stops the clones under way and waits until their staging directories are gone. */
    async close(): Promise<void> {
      closing.abort();
      await Promise.all([...cloning.values()].map((c) => c.result));
    },

    /** `POST /v1/workspaces`: 201 created, 200 already there, or a `clone_failed` answer. */
    async create(request: CreateWorkspaceRequest): Promise<CreateResult> {
      const startedAt = performance.now();
      if (!request.clone) {
        const paths = userPathsOf(config.dataDir, request.userId);
        const ids = deps.users.idsOf(paths.key);
        const dir = workspaceDirOf(paths, request.workspace);
        const existed = workspaceState(paths.root, dir) !== "missing";
        await ensureUserDirs(paths, dir, ids);
        const made = await describe(request.workspace, dir, ids, startedAt, existed ? 200 : 201);
        // A new conversation's first message is a new session here: a CLI may start ahead for it.
        if (!existed) deps.manager.spareIn(paths, dir);
        return made;
      }
      // Refused before anything else, with the policy's reason.
      const source = checkCloneUrl(request.clone.url, config.allowLocalClones, config.githubUrl ?? null);
      if (!source.ok) return failure("url_refused", source.why);
      const branch = request.clone.branch === undefined ? null : checkBranch(request.clone.branch);
      if (branch && !branch.ok) return failure("url_refused", branch.why);
      const paths = userPathsOf(config.dataDir, request.userId);
      const dir = workspaceDirOf(paths, request.workspace);
      const running = cloning.get(dir);
      if (running) return running.url === request.clone.url && running.branch === request.clone.branch ? running.result : failure("exists");
      const result = clone({ ...request, clone: request.clone }, source.value, startedAt)
        .then((cloned) => {
          // Cloned for a new conversation: its first message is a new session there too.
          if (cloned.status === 201) deps.manager.spareIn(paths, dir);
          return cloned;
        })
        .finally(() => cloning.delete(dir));
      cloning.set(dir, { url: request.clone.url, branch: request.clone.branch, result });
      return result;
    },

    /** The workspace's allow rules ("always" answers); null when there is no such workspace. */
    approvalRules(userId: string, workspace: string): string[] | null {
      const paths = userPathsOf(config.dataDir, userId);
      const ids = deps.users.idsOf(paths.key);
      const dir = workspaceDirOf(paths, workspace);
      const state = workspaceState(paths.root, dir);
      return state === "empty" || state === "full" ? deps.rules.list(paths.key, dir) : null;
    },

    /**
     * Removes them; null when there is no such workspace. A process that was told a rule keeps it
     * for its session, so those idle there stop now and a live one is not kept warm after its run.
     */
    async forgetApprovalRules(userId: string, workspace: string): Promise<string[] | null> {
      const paths = userPathsOf(config.dataDir, userId);
      const ids = deps.users.idsOf(paths.key);
      const dir = workspaceDirOf(paths, workspace);
      const state = workspaceState(paths.root, dir);
      if (state === "missing" || state === "linked") return null;
      const removed = deps.rules.forget(paths.key, dir);
      await deps.manager.retireProcessesIn(paths.key, dir);
      return removed;
    },

    /** `DELETE /v1/workspaces/:workspace`: that directory and nothing else. */
    async remove(userId: string, workspace: string): Promise<DeleteResult> {
      const paths = userPathsOf(config.dataDir, userId);
      const ids = deps.users.idsOf(paths.key);
      const dir = workspaceDirOf(paths, workspace);
      const state = workspaceState(paths.root, dir);
      if (state === "missing" || state === "linked") return "unknown_workspace";
      const release = await deps.manager.lockWorkspace(paths.key, dir);
      if (!release) return "busy";
      try {
        await removeTreeAs(ids, dir);
        // Its "always" answers went with it before they were kept outside it: a workspace made again under this id starts with none.
        deps.rules.drop(paths.key, dir);
        deps.github?.repos.forget(paths.key, workspace);
        await deps.checkpoints?.remove(paths.key, workspace);
      } finally {
        release();
      }
      return "deleted";
    },
  };
}

export type Workspaces = ReturnType<typeof createWorkspaces>;
