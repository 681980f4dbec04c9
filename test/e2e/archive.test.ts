// An idle user archived to R2 and brought back, end to end: wrangler dev in VM_MODE=machines with
// its local R2 bucket (ARCHIVE), the Fly stand-in running the real agent VM and the real Claude
// Code CLI on the offline model, ARCHIVE_AFTER_DAYS in seconds. The relay's archive unit and the
// VM's archive routes, each tested alone elsewhere, here talk to each other: the Machine and volume
// go once the archive is in R2, and the next message brings back the file, its uncommitted
// change, /undo and the CLI's session on a new Machine.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { ArchiveManifestSchema } from "../../src/archive/archive-keys";
import { ARCHIVE_RESTORING } from "../../src/archive/archive-replies";
import { useResources } from "../helpers/resources";
import { eventually, nextMessage, replyTo, sentTo } from "./helpers/emulator-api";
import { PHONES, startE2eStack, type E2eStack } from "./helpers/e2e-stack";
import { flyApi } from "./helpers/fly-api";

const PHONE = PHONES[2];
/** 0.0003 days ≈ 26 s unused before the archive; suspended after 3 s before that, as in production's days. */
const ARCHIVE_AFTER_DAYS = "0.0003";
const IDLE_MS = 3_000;
/** wrangler.toml's bucket for the ARCHIVE binding. */
const ARCHIVE_BUCKET = "whatsapp-agent-relay-archive";
const FIRST = "write hello to notes.txt";
const GIT_SETUP = "git init -q && echo one > base.txt && git add base.txt && git -c user.name=e2e -c user.email=e2e@example.com commit -qm base && echo two >> base.txt && echo made-repo";

let stack: E2eStack;
let fly: ReturnType<typeof flyApi>;
const resources = useResources();

beforeAll(async () => {
  stack = await startE2eStack("archive", resources, { machines: { MACHINE_IDLE_MS: String(IDLE_MS), ARCHIVE_AFTER_DAYS }, recordModel: true });
  fly = flyApi(stack.urls, stack.machines!);
});

const say = async (text: string) => {
  const response = await fetch(`${stack.urls.twilio}/__emulator/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: PHONE, body: text }),
  });
  expect(await response.json()).toMatchObject({ status: 200 });
};
const sent = () => sentTo(stack.urls.twilio, PHONE);
/** A Machine's boot (twice here: the first, and the restore's) on a slow shared machine. */
const MACHINE_WAIT_MS = 120_000;
const next = (what: string, seen: number, match: (body: string) => boolean) => nextMessage(what, sent, seen, match, MACHINE_WAIT_MS);

/** The one notes.txt on a volume, as an absolute path, or undefined. */
function notesOn(volumeDir: string): string | undefined {
  const found = readdirSync(volumeDir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith("/notes.txt") && !file.includes("/.git/"));
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0] && join(volumeDir, found[0]);
}

/** The bytes of every object in the local ARCHIVE bucket (wrangler dev's R2 under the machines mode's Worker state). */
function archiveBlobs(): Buffer[] {
  const dir = join(stack.machines!.dataDir, "wrangler-state/v3/r2", ARCHIVE_BUCKET, "blobs");
  return existsSync(dir) ? readdirSync(dir).map((name) => readFileSync(join(dir, name))) : [];
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The workspace's `git status`, read as the host: the agent's files belong to its own user. */
const gitStatus = (file: string) => execFileSync("git", ["-c", "safe.directory=*", "-C", dirname(file), "status", "--porcelain"], { encoding: "utf8" });
/** A request the CLI sent the model, as text: its messages with their turns. */
const requestText = (body: unknown) => JSON.stringify(body);

it("archives an idle user to R2, deletes the Machine and volume, and the next message brings back the file, its uncommitted change, /undo and the session", async () => {
  // The Worker in dev has the bucket: without it nobody is archived (docs/fly-machines.md).
  expect(readFileSync(join(stack.root, "wrangler.toml"), "utf8")).toContain(`binding = "ARCHIVE"\nbucket_name = "${ARCHIVE_BUCKET}"`);

  // A repository with a committed file changed and not committed again, then the run /undo takes back.
  await say(`[[tool Bash ${JSON.stringify({ command: GIT_SETUP })}]] make a repository`);
  const asked = await next("the command's approval or answer", 0, (b) => b.startsWith("🔐 Approval") || b.includes("The Bash tool answered"));
  if (asked.message.body?.startsWith("🔐 Approval")) await say("yes");
  let seen = (await next("the repository made", 0, (b) => b.includes("The Bash tool answered") && b.includes("made-repo"))).seen;
  await say(FIRST);
  seen = (await next("the agent's answer", seen, (b) => b.includes("I wrote notes.txt"))).seen;
  const [machine] = await fly.machines();
  const before = await fly.host(machine!.id);
  const notes = notesOn(before.volumeDir);
  expect(notes && readFileSync(notes, "utf8")).toBe("hello\n");
  // Uncommitted in its workspace: what the archive must carry as it is.
  const uncommitted = gitStatus(notes!);
  expect(uncommitted).toBe(" M base.txt\n?? notes.txt\n");

  // Archived when unused for ARCHIVE_AFTER_DAYS: the Machine destroyed and the volume deleted, only after the archive is checked.
  await eventually("the Machine and volume gone", async () => ((await fly.machines()).length === 0 && (await fly.volumes()).length === 0 ? true : undefined), MACHINE_WAIT_MS, 1_000);
  expect(existsSync(notes!)).toBe(false);
  // In R2 (wrangler dev's local bucket keeps each object's bytes as a blob): a manifest, and every part it lists with its size and SHA-256.
  const blobs = archiveBlobs();
  const manifests = blobs.flatMap((blob) => {
    const parsed = ArchiveManifestSchema.safeParse(parseJson(blob.toString("utf8")));
    return parsed.success ? [parsed.data] : [];
  });
  expect(manifests).toHaveLength(1);
  const manifest = manifests[0]!;
  expect(manifest.parts.length).toBeGreaterThan(0);
  expect(blobs).toHaveLength(manifest.parts.length + 1);
  const stored = blobs.map((blob) => `${blob.length} ${createHash("sha256").update(blob).digest("hex")}`);
  for (const part of manifest.parts) expect(stored).toContain(`${part.bytes} ${part.sha256}`);

  const SECOND = "what did I ask before?";
  const modelRequestsBefore = stack.model!.requests.length;
  await say(SECOND);
  const answer = await next("the answer after the restore", seen, (b) => b.startsWith(replyTo(SECOND)));
  const since = (await sent()).slice(seen, answer.seen).map((m) => m.body);
  // Told before the answer that the projects are coming back.
  expect(since.indexOf(ARCHIVE_RESTORING)).toBeGreaterThanOrEqual(0);
  expect(since.indexOf(ARCHIVE_RESTORING)).toBeLessThan(since.length - 1);
  seen = answer.seen;

  // The resumed session: the model's request holds the earlier turn, and the offline model counts it.
  expect(answer.message.body).toContain("This conversation has 3 user messages; earlier:");
  expect(answer.message.body).toContain(`«${FIRST}»`);
  const resumed = stack.model!.requests.slice(modelRequestsBefore).filter((r) => r.path.startsWith("/v1/messages") && requestText(r.body).includes(SECOND));
  expect(resumed.length).toBeGreaterThan(0);
  expect(requestText(resumed.at(-1)!.body)).toContain(FIRST);

  // A new Machine on a new volume, with the file back and still uncommitted.
  const [after] = await fly.machines();
  expect(after!.id).not.toBe(machine!.id);
  const host = await fly.host(after!.id);
  expect(host.volumeDir).not.toBe(before.volumeDir);
  const restored = notesOn(host.volumeDir);
  expect(restored && readFileSync(restored, "utf8")).toBe("hello\n");
  expect(gitStatus(restored!)).toBe(uncommitted);

  // /undo still knows the run before the archive, and takes its file back.
  await say("/undo");
  seen = (await next("/undo's question", seen, (b) => b.startsWith("Undo "))).seen;
  expect((await sent())[seen - 1]!.body).toContain("notes.txt");
  await say("yes");
  expect((await next("/undo's answer", seen, (b) => b.startsWith("Undone"))).message.body).toContain("notes.txt");
  expect(existsSync(restored!)).toBe(false);
  // Told once in the whole chat.
  expect((await sent()).filter((m) => m.body === ARCHIVE_RESTORING)).toHaveLength(1);
  // A run after the restore has ended, so the archive has done its work and leaves R2.
  await eventually("the archive deleted from R2", async () => (archiveBlobs().length === 0 ? true : undefined), 30_000, 500);
}, 300_000);
