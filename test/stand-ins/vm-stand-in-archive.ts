// The VM stand-in's archive routes (protocol/vm/archive.ts), as the real VM answers them: a user's
// workspaces and sessions as one part, prepared (409 while a run is open), served with its
// Content-Length, taken back with its sha256 checked (400 otherwise), restored idempotently, and
// the user's data or prepared parts cleared. Faults for the relay's tests (POST /__stand-in/archive-fault
// {userId, corruptParts?, holdPartMs?, cutRestores?}): the next parts served with other bytes than
// their sha256 says (R2 then refuses them), a part served only after a wait, and restores on the
// next Machine cut off (carried in the part itself, as that Machine is a new process).
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ARCHIVE_SHA256_HEADER, ArchivePartNameSchema, type ArchivePart } from "../../src/protocol/vm/archive";

/** What a user's part holds: the stand-in's workspaces and sessions of that user. */
export type ArchivedUser = { workspaces: [string, unknown][]; sessions: string[]; cutRestores: number };

export type ArchiveStandInState = {
  snapshot(userId: string): { workspaces: [string, unknown][]; sessions: string[] };
  restore(userId: string, user: { workspaces: [string, unknown][]; sessions: string[] }): void;
  drop(userId: string): void;
  runOpen(userId: string): boolean;
};

type Fault = { corruptParts: number; holdPartMs: number; cutRestores: number };
const PART = "user.json";

export function createArchiveStandIn(state: ArchiveStandInState) {
  const prepared = new Map<string, Map<string, Buffer>>();
  const received = new Map<string, Map<string, Buffer>>();
  const faults = new Map<string, Fault>();
  /** Restores cut so far on this Machine, per user. */
  const cut = new Map<string, number>();
  const faultOf = (userId: string): Fault => faults.get(userId) ?? { corruptParts: 0, holdPartMs: 0, cutRestores: 0 };
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
    if (name !== undefined && !ArchivePartNameSchema.safeParse(name).success) return send(res, 400, { error: "bad_request", message: "bad part name" }), true;
    if (what === "data" && req.method === "DELETE") {
      state.drop(userId);
      prepared.delete(userId);
      return send(res, 200, { ok: true }), true;
    }
    if (what !== "archive") return false;
    if (!sub && req.method === "POST") {
      if (state.runOpen(userId)) return send(res, 409, { error: "workspace_busy", message: "a run of this user is open" }), true;
      const fault = faultOf(userId);
      const user: ArchivedUser = { ...state.snapshot(userId), cutRestores: fault.cutRestores };
      const bytes = Buffer.from(JSON.stringify(user));
      prepared.set(userId, new Map([[PART, bytes]]));
      const parts: ArchivePart[] = [{ name: PART, bytes: bytes.length, sha256: sha(bytes) }];
      return send(res, 200, { parts }), true;
    }
    if (!sub && req.method === "DELETE") {
      prepared.delete(userId);
      return send(res, 200, { ok: true }), true;
    }
    if (name !== undefined && req.method === "GET") {
      const bytes = prepared.get(userId)?.get(name);
      if (!bytes) return send(res, 404, { error: "bad_request", message: "no such prepared part" }), true;
      const fault = faultOf(userId);
      if (fault.holdPartMs > 0) await new Promise((resolve) => setTimeout(resolve, fault.holdPartMs));
      let served = bytes;
      if (fault.corruptParts > 0) {
        faults.set(userId, { ...fault, corruptParts: fault.corruptParts - 1 });
        served = Buffer.from(bytes.map((b) => b ^ 1));
      }
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(served.length) });
      res.end(served);
      return true;
    }
    if (name !== undefined && req.method === "PUT") {
      const bytes = await read(req);
      if (sha(bytes) !== req.headers[ARCHIVE_SHA256_HEADER]) return send(res, 400, { error: "bad_request", message: "sha256 mismatch" }), true;
      const mine = received.get(userId) ?? new Map<string, Buffer>();
      received.set(userId, mine.set(name, bytes));
      return send(res, 200, { ok: true }), true;
    }
    if (sub === "restore" && req.method === "POST") {
      const { parts } = JSON.parse((await read(req)).toString()) as { parts: ArchivePart[] };
      const bytes = received.get(userId)?.get(PART);
      if (!bytes || !parts.some((p) => p.name === PART && p.sha256 === sha(bytes))) return send(res, 400, { error: "bad_request", message: "parts missing" }), true;
      const user = JSON.parse(bytes.toString()) as ArchivedUser;
      const cutSoFar = cut.get(userId) ?? 0;
      if (cutSoFar < user.cutRestores) {
        cut.set(userId, cutSoFar + 1);
        req.socket.destroy();
        return true;
      }
      state.restore(userId, user);
      return send(res, 200, { workspaces: user.workspaces.map(([id]) => id), sessions: user.sessions.length }), true;
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
