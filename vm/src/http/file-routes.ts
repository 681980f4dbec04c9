// `GET /v1/runs/:runId/files/:fileId` (docs/protocol.md): the relay fetches what the agent's
// `send_file` staged, with the token like every /v1 route. 404 for anything unknown, of another
// run, or already removed; never a hint which.
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { Context, Hono } from "hono";
import { VM_ROUTES } from "../../../src/protocol/vm/routes";
import type { FileStaging } from "../files/file-staging";
import { fail } from "./http-body";
import { isRunId } from "../users/user-paths";

const FILE_ROUTE = VM_ROUTES.runFile("RUNID", "FILEID").replace("RUNID", ":runId").replace("FILEID", ":fileId");

function unknownFile(): never {
  fail(404, { error: "unknown_file" });
}

export function addFileRoutes(app: Hono, files: FileStaging): void {
  app.get(FILE_ROUTE, (c: Context) => {
    const runId = c.req.param("runId") ?? "";
    const fileId = c.req.param("fileId") ?? "";
    if (!isRunId(runId) || !isRunId(fileId)) unknownFile();
    const file = files.find(runId, fileId);
    if (!file) unknownFile();
    let body: ReadableStream<Uint8Array>;
    try {
      body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
    } catch {
      unknownFile();
    }
    return new Response(body, {
      status: 200,
      headers: { "content-type": file.contentType, "content-length": String(file.size), "cache-control": "no-store" },
    });
  });
}
