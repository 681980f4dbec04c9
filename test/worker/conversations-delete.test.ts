import { expect, it } from "vitest";
import { ask, eventually, query, releaseVm, sendInbound, vmRequests } from "./helpers";

const phone = "+15550000162";

it("/delete refuses what it must, asks first, then removes the conversation and its directory", async () => {
  await ask(phone, "/new api");
  expect(await ask(phone, "/delete api")).toBe("api is the current conversation: /switch to another one first.");
  await sendInbound(phone, "build it [[vm:hold]]");
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "start"));
  await ask(phone, "/switch main");
  expect(await ask(phone, "/delete api yes")).toBe("api has a run in progress: wait for it, or /switch to it and /stop it.");
  await releaseVm(phone);
  await eventually(async () => (await query(phone, "SELECT id FROM runs WHERE outcome IS NULL")).length === 0);

  await ask(phone, "/switch api");
  expect(await ask(phone, "/schedule every 1d check the build")).toMatch(/^Task #1 scheduled: every 1d, in a fresh session in api's project\./);
  await ask(phone, "/switch main");
  expect(await ask(phone, "/delete api")).toBe("api has scheduled tasks (#1): delete them first with /schedule delete <id>.");
  await ask(phone, "/schedule delete 1");

  expect(await ask(phone, "/delete nope")).toBe("There is no conversation named nope. /sessions lists them.");
  expect(await ask(phone, "/delete api")).toBe("Delete api and its project directory, with any work not pushed? Send /delete api yes.");
  expect(await query(phone, "SELECT name FROM conversations ORDER BY id")).toEqual([{ name: "main" }, { name: "api" }]);
  const [{ workspace }] = (await query<{ workspace: string }>(phone, "SELECT workspace FROM conversations WHERE name = 'api'")) as [{ workspace: string }];

  expect(await ask(phone, "/delete api yes")).toBe("Deleted api and its project directory.");
  expect(await query(phone, "SELECT name FROM conversations ORDER BY id")).toEqual([{ name: "main" }]);
  // The VM is asked to remove the directory once the webhook has its answer.
  await eventually(async () => (await vmRequests(phone)).some((r) => r.kind === "delete-workspace" && r.workspace === workspace));
  expect(await ask(phone, "/switch api")).toBe("There is no conversation named api. /sessions lists them.");
});
