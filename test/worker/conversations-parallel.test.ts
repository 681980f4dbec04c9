import { expect, it } from "vitest";
import { ask, bodies, eventually, query, releaseVm, sendInbound, sentTo, vmRequests } from "./helpers";

const phone = "+15550000160";

it("a run live in one conversation while the user writes in another: the other runs beside it at once, each in its own session, each answer named", async () => {
  expect(await ask(phone, "/new api")).toBe("New conversation api, with an empty project. It is current now; /sessions lists them all.");
  await sendInbound(phone, "long job [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
  expect(await ask(phone, "/switch main")).toBe("Switched to main. Plain messages go there now.");
  // Not injected into api's live run, and not waiting behind it: main's own run answers while api's goes on.
  // Two runs are live, so main's answer names its conversation too.
  expect(await ask(phone, "hello main")).toBe("[main] echo: hello main");
  const held = await query<{ body: string; status: string; name: string }>(
    phone,
    "SELECT m.body, m.status, c.name FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.run_id IS NOT NULL ORDER BY m.seq",
  );
  expect(held).toEqual([
    { body: "long job [[vm:hold]]", status: "handed", name: "api" },
    { body: "hello main", status: "answered", name: "main" },
  ]);
  expect((await vmRequests(phone)).filter((r) => r.kind === "input")).toEqual([]);

  await releaseVm(phone);
  const replies = await eventually(async () => {
    const all = bodies(await sentTo(phone)).filter((b) => b?.includes("echo:"));
    return all.length === 2 && all;
  });
  // api is not current, so its answer says where it came from.
  expect(replies).toEqual(["[main] echo: hello main", "[api] echo: long job [[vm:hold]]"]);
  const starts = (await vmRequests(phone)).filter((r) => r.kind === "start");
  const [api] = await query<{ workspace: string }>(phone, "SELECT workspace FROM conversations WHERE name = 'api'");
  expect(api!.workspace).toMatch(/^c-[0-9a-f]{8}$/);
  expect(starts.map((s) => s.workspace)).toEqual([api!.workspace, "main"]);
  // Each conversation keeps its own session.
  const sessions = await query<{ name: string; session_id: string | null; turns: number }>(
    phone,
    "SELECT c.name, c.session_id, (SELECT sum(turns) FROM spend_days s WHERE s.conversation_id = c.id) AS turns FROM conversations c ORDER BY c.id",
  );
  expect(sessions.map((s) => [s.name, s.turns])).toEqual([
    ["main", 1],
    ["api", 1],
  ]);
  expect(sessions[0]!.session_id).not.toBe(sessions[1]!.session_id);
});
