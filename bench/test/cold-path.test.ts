// The cold-path benchmark's figures: medians of each path, the ratios to the bare CLI's start and
// resume, the two judged distances, and rounds with no sample left out rather than counted as 0.
import { describe, expect, it } from "vitest";
import { type ColdRound, coldPathFigures } from "../cold-path/plan";

const round = (over: Partial<ColdRound> = {}): ColdRound => ({ new_session: 250, new_workspace: 900, warm: 80, resume: 700, bareStart: 500, bareResume: 450, spareTaken: true, workspaceSpareTaken: true, ...over });
const valueOf = (rounds: ColdRound[], start: string) => coldPathFigures(rounds, { vmTreeMb: 600, spareMb: 240 }).find((f) => f.name.startsWith(start));

describe("coldPathFigures", () => {
  it.each<[string, ColdRound[], string, unknown, boolean | null | undefined]>([
    ["a spare's new session under 300 ms", [round(), round({ new_session: 200 }), round({ new_session: 400 })], "new session", 250, true],
    ["a new session over 300 ms fails", [round({ new_session: 320 })], "new session", 320, false],
    ["no new-session sample: not judged", [round({ new_session: null })], "new session", "n/a", null],
    ["a new workspace's first message under 300 ms", [round({ new_workspace: 280 }), round({ new_workspace: 260 })], "new conversation in a new workspace", 270, true],
    ["a new workspace's first message over 300 ms fails", [round()], "new conversation in a new workspace", 900, false],
    ["resume − bare resume, from the medians", [round(), round({ resume: 900, bareResume: 500 }), round({ resume: 500, bareResume: 400 })], "resume over", 250, true],
    ["resume 301 ms over fails", [round({ resume: 751 })], "resume over", 301, false],
    ["a round without a bare resume: that median from the others", [round(), round({ bareResume: null, resume: 2_000 }), round({ resume: 720 })], "resume over", 720 - 450, true],
  ])("%s", (_name, rounds, figure, value, pass) => {
    const found = valueOf(rounds, figure);
    expect(found?.value).toBe(value);
    expect(found?.pass).toBe(pass);
  });

  it("splits the resume into the VM's spawn and the CLI's start, each from the rounds that have its marks", () => {
    const rounds = [round({ resumeToSpawn: 40, resumeCli: 700 }), round({ resumeToSpawn: 50, resumeCli: 760 }), round({ resumeToSpawn: null, resumeCli: null }), round({ resumeToSpawn: 45, resumeCli: 640 })];
    expect(valueOf(rounds, "resume, hop: webhook → the VM spawned")?.value).toBe(45);
    const cli = valueOf(rounds, "resume, hop: the CLI's spawn");
    expect(cli).toMatchObject({ value: 700, note: "the CLI's resume with the relay's tools: 250 ms over the bare CLI's" });
    expect(valueOf([round()], "resume, hop: webhook")?.value).toBe("n/a");
  });

  it("names how many rounds took a spare and the ratios to the bare CLI", () => {
    const figures = coldPathFigures([round(), round({ spareTaken: false, new_session: 750 })], { vmTreeMb: 633, spareMb: 239 });
    expect(figures[0]?.note).toBe("1/2 rounds took a spare; 1x the bare CLI's start");
    expect(coldPathFigures([round(), round({ workspaceSpareTaken: false })], { vmTreeMb: 633, spareMb: 239 })[1]?.note).toBe("1/2 rounds took a spare; 1.8x the bare CLI's start");
    expect(figures.find((f) => f.name.startsWith("VM process tree"))).toMatchObject({ value: 633, note: "the spare alone 239 MB (its CLI)" });
  });

  it("judges a new user's first message against 300 ms, side by side with a new conversation of the same rounds", () => {
    const rounds = [round({ new_workspace: 200, new_user: 1_600, newUserToSpawn: 90 }), round({ new_workspace: 220, new_user: 1_700, newUserToSpawn: 110 }), round({ new_workspace: 240 })];
    expect(valueOf(rounds, "a new user's first message")).toMatchObject({ value: 1_650, pass: false, note: "0/2 rounds took a spare; 1430 ms over a new conversation (same rounds); webhook → the VM's spawn 100 ms; the bare CLI's start 500 ms" });
    expect(valueOf([round({ new_user: 250, newUserSpareTaken: true })], "a new user's first message")).toMatchObject({ value: 250, pass: true });
    expect(valueOf([round()], "a new user's first message")).toMatchObject({ value: "n/a", pass: null });
  });

  it("judges the fresh stack's first message, the VM's first user, on its own sample against 300 ms", () => {
    const rounds = [round({ new_workspace: 200 }), round({ new_workspace: 240 })];
    const first = (timed: Parameters<typeof coldPathFigures>[2]) => coldPathFigures(rounds, { vmTreeMb: 600, spareMb: 240 }, timed).find((f) => f.name.includes("on a fresh stack"));
    expect(first({ ms: 280, spare: true, toSpawn: null })).toMatchObject({ value: 280, pass: true, note: "a spare took it; 60 ms over a new conversation (the rounds' p50)" });
    expect(first({ ms: 1_700, spare: false, toSpawn: 120 })).toMatchObject({ value: 1_700, pass: false, note: "no spare (webhook → the VM's spawn 120 ms); 1480 ms over a new conversation (the rounds' p50)" });
    expect(first(null)).toBeUndefined();
  });
});
