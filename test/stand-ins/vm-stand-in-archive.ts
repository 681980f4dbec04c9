// The VM stand-in's archive routes (protocol/vm/archive.ts), as the real VM answers them: a user's
// workspaces and sessions as one part, prepared (409 while a run is open), served with its
// Content-Length, taken back with its sha256 checked (400 otherwise), restored idempotently, and
// the user's data (409 while a run is open) or prepared and staged parts cleared; each call
// recorded. Faults for the relay's tests (POST /__stand-in/archive-fault {userId, corruptParts?,
// holdPartMs?, cutRestores?, refuseRemoves?}): the next parts served with other bytes than their
// sha256 says (R2 then refuses them), a part served only after a wait, restores on the next
// Machine cut off (carried in the part itself, as that Machine is a new process), and the next
// `DELETE …/data` refused as the VM refuses it while the user is busy.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ARCHIVE_SHA256_HEADER, ArchivePartNameSchema, type ArchivePart } from "../../src/protocol/vm/archive";
import type { ArchiveRequestKind } from "./vm-stand-in-types";

/** What a user's part holds: the stand-in's workspaces and sessions of that user. */
export type ArchivedUser = { workspaces: [string, unknown][]; sessions: string[]; cutRestores: number };

export type ArchiveStandInState = {
  snapshot(userId: string): { workspaces: [string, unknown][]; sessions: string[] };
  restore(userId: string, user: { workspaces: [string, unknown][]; sessions: string[] }): void;
  drop(userId: string): void;
  runOpen(userId: string): boolean;
  /** Each archive call once answered (a part read: once its last byte is written). */
  record(kind: ArchiveRequestKind, userId: string, status: number): void;
};

type Fault = { corruptParts: number; holdPartMs: number; cutRestores: number; refuseRemoves: number };
const PART = "user.json";
/** The real VM's refusal while the user is busy (vm/src/archive/user-archive.ts). */
const RUN_OPEN = "a run is open for this user (or a workspace is being cloned or deleted): nothing was done";

export function createArchiveStandIn(state: ArchiveStandInState) {
  const prepared = new Map<string, Map<string, Buffer>>();
  const received = new Map<string, Map<string, Buffer>>();
  const faults = new Map<string, Fault>();
  /** Restores cut so far on this Machine, per user. */
  const cut = new Map<string, number>();
  const faultOf = (userId: string): Fault => faults.get(userId) ?? { corruptParts: 0, holdPartMs: 0, cutRestores: 0, refuseRemoves: 0 };
  const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

  /** The stand-in's own control route; true when it answered. */
  async function control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname !== "/__stand-in/archive-fault") return false;
    const body = JSON.parse(await read(req).then(String)) as { userId: string } & Partial<Fault>;
    faults.set(body.userId, { ...faultOf(body.userId), ...body });
    send(res, 200, { ok: true });
    return true;
  }

  /** The archive routes; true when the path was one of them. */
  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const m = /^\/users\/([^/]+)\/(archive|data)(?:\/(parts\/([^/]+)|restore))?$/.exec(url.pathname);
    if (!m) return false;
    const userId = decodeURIComponent(m[1]!);
    const [what, sub, rawName] = [m[2]!, m[3], m[4]];
    const name = rawName === undefined ? undefined : decodeURIComponent(rawName);
    const answer = (kind: ArchiveRequestKind, status: number, body: unknown): true => {
      send(res, status, body);
      state.record(kind, userId, status);
      return true;
    };
    if (name !== undefined && !ArchivePartNameSchema.safeParse(name).success) return send(res, 400, { error: "bad_request", message: "bad part name" }), true;
    if (what === "data" && req.method === "DELETE") {
      const fault = faultOf(userId);
      if (fault.refuseRemoves > 0) faults.set(userId, { ...fault, refuseRemoves: fault.refuseRemoves - 1 });
      if (fault.refuseRemoves > 0 || state.runOpen(userId)) return answer("archive-remove-data", 409, { error: "user_busy", message: RUN_OPEN });
      const removed = state.snapshot(userId).workspaces.length > 0;
      state.drop(userId);
      prepared.delete(userId);
      received.delete(userId);
      return answer("archive-remove-data", 200, { removed });
    }
    if (what !== "archive") return false;
    if (!sub && req.method === "POST") {
      if (state.runOpen(userId)) return answer("archive-prepare", 409, { error: "user_busy", message: RUN_OPEN });
      const fault = faultOf(userId);
      const user: ArchivedUser = { ...state.snapshot(userId), cutRestores: fault.cutRestores };
      const bytes = Buffer.from(JSON.stringify(user));
      prepared.set(userId, new Map([[PART, bytes]]));
      const parts: ArchivePart[] = [{ name: PART, bytes: bytes.length, sha256: sha(bytes) }];
      return answer("archive-prepare", 200, { parts });
    }
    if (!sub && req.method === "DELETE") {
      prepared.delete(userId);
      received.delete(userId);
      return answer("archive-clear", 200, { cleared: true });
    }
    if (name !== undefined && req.method === "GET") {
      const bytes = prepared.get(userId)?.get(name);
      if (!bytes) return answer("archive-part-read", 404, { error: "unknown_part", message: `no prepared part ${name}: POST the archive first` });
      const fault = faultOf(userId);
      if (fault.holdPartMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.holdPartMs));
      let served = bytes;
      if (fault.corruptParts > 0) {
        faults.set(userId, { ...fault, corruptParts: fault.corruptParts - 1 });
        served = Buffer.from(bytes.map((b) => b ^ 1));
      }
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(served.length) });
      res.end(served, () => state.record("archive-part-read", userId, 200));
      return true;
    }
    if (name !== undefined && req.method === "PUT") {
      const bytes = await read(req);
      if (sha(bytes) !== req.headers[ARCHIVE_SHA256_HEADER]) return answer("archive-part-put", 400, { error: "bad_request", message: "sha256 mismatch" });
      const mine = received.get(userId) ?? new Map<string, Buffer>();
      received.set(userId, mine.set(name, bytes));
      return answer("archive-part-put", 201, { name, bytes: bytes.length, sha256: sha(bytes) });
    }
    if (sub === "restore" && req.method === "POST") {
      const { parts } = JSON.parse((await read(req)).toString()) as { parts: ArchivePart[] };
      const bytes = received.get(userId)?.get(PART);
      if (!bytes || !parts.some((p) => p.name === PART && p.sha256 === sha(bytes))) return answer("archive-restore-call", 400, { error: "bad_request", message: "parts missing" });
      const user = JSON.parse(bytes.toString()) as ArchivedUser;
      const cutSoFar = cut.get(userId) ?? 0;
      if (cutSoFar < user.cutRestores) {
        cut.set(userId, cutSoFar + 1);
        req.socket.destroy();
        return true;
      }
      state.restore(userId, user);
      return answer("archive-restore-call", 200, { workspaces: user.workspaces.map(([id]) => id), sessions: user.sessions.length });
    }
    return false;
  }

  return { control, handle };
}

function read(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
