// A user's archive (docs/vm.md, "Archive"): `POST /users/:user/archive` prepares the parts,
// `GET`/`PUT /users/:user/archive/parts/:name` streams one out or back, `POST
// /users/:user/archive/restore` restores from the staged parts, `DELETE /users/:user/archive`
// clears them, and `DELETE /users/:user/data` removes a shared VM's copy of the user. The HTTP
// side of archive/user-archive.ts; behind the token like every /v1 route.
import type { Context, Hono } from "hono";
import * as z from "zod";
import { ARCHIVE_ROUTES, ARCHIVE_SHA256_HEADER, ArchivePartNameSchema, ArchivePartsSchema, type ArchiveParts, type ArchiveRestored } from "../../../src/protocol/vm/archive";
import { fail, parseBody, parseInput } from "./http-body";
import type { Outcome, UserArchive } from "../archive/user-archive";

const UserSchema = z.object({ user: z.string().min(1).max(64) });
const PartOfUserSchema = UserSchema.extend({ name: ArchivePartNameSchema });
const PutHeadersSchema = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, `${ARCHIVE_SHA256_HEADER} must be the part's sha256, 64 lowercase hex digits`),
  length: z.coerce.number().int().nonnegative().nullable(),
});

/** A path builder's Hono pattern: the routes are never spelled twice. */
const pattern = (path: string) => path.replace("USER", ":user").replace("NAME", ":name");
const userOf = (c: Context) => parseInput({ user: c.req.param("user") }, UserSchema).user;

function answered<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  fail(outcome.status, { error: outcome.error, message: outcome.message });
}

export function addArchiveRoutes(app: Hono, archive: UserArchive): void {
  // Refused requests are not activity, like every /v1 route's: the token first.
  app.post(pattern(ARCHIVE_ROUTES.archive("USER")), async (c) => c.json<ArchiveParts>({ parts: answered(await archive.prepare(userOf(c))) }));

  app.delete(pattern(ARCHIVE_ROUTES.archive("USER")), async (c) => {
    await archive.clear(userOf(c));
    return c.json({ cleared: true });
  });

  app.get(pattern(ARCHIVE_ROUTES.part("USER", "NAME")), (c) => {
    const { user, name } = parseInput({ user: c.req.param("user"), name: c.req.param("name") }, PartOfUserSchema);
    const part = archive.openPart(user, name);
    if (!part) fail(404, { error: "unknown_part", message: `no prepared part ${name}: POST the archive first` });
    return new Response(part.stream, { headers: { "content-type": "application/octet-stream", "content-length": String(part.size), "cache-control": "no-store" } });
  });

  app.put(pattern(ARCHIVE_ROUTES.part("USER", "NAME")), async (c) => {
    const { user, name } = parseInput({ user: c.req.param("user"), name: c.req.param("name") }, PartOfUserSchema);
    const { sha256, length } = parseInput({ sha256: c.req.header(ARCHIVE_SHA256_HEADER) ?? "", length: c.req.header("content-length") ?? null }, PutHeadersSchema);
    const body = c.req.raw.body;
    if (!body) fail(400, { error: "bad_request", message: "the part's bytes are the request body" });
    return c.json(answered(await archive.stagePart(user, name, { sha256, bytes: length }, body)), 201);
  });

  app.post(pattern(ARCHIVE_ROUTES.restore("USER")), async (c) => {
    const user = userOf(c);
    const { parts } = await parseBody(c, ArchivePartsSchema);
    return c.json<ArchiveRestored>(answered(await archive.restore(user, parts)));
  });

  app.delete(pattern(ARCHIVE_ROUTES.data("USER")), async (c) => c.json(answered(await archive.removeData(userOf(c)))));
}
