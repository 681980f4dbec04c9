import { describe, expect, it } from "vitest";
import { summarize } from "../archive/measure";

const part = (name: string, bytes: number) => ({ name, bytes, sha256: "0".repeat(64) });
const round = (ms: number, bytes: number) => ({ archiveMs: ms, restoreMs: ms / 2, firstModelMs: ms * 3, parts: [part("workspace-repo.tar", bytes), part("settings.json", 24)], sessions: 1 });

describe("the archive section's figures", () => {
  const { figures } = summarize([round(6000, 50e6), round(5000, 50e6), round(9000, 53e6)]);
  const value = (name: string) => figures.find((f) => f.name.startsWith(name));

  it("reports medians over rounds and judges the restore against 20 s", () => {
    expect(value("archive:")?.value).toBe(6000);
    expect(value("restore:")?.value).toBe(3000);
    expect(value("restore to")).toMatchObject({ value: 18000, target: "≤ 20000", pass: true });
  });

  it("prices the last round's parts at R2's $0.015/GB-month, in cents, against 5 ¢", () => {
    expect(value("archive size")).toMatchObject({ value: 53, unit: "MB" });
    expect(value("an archived month")).toMatchObject({ value: 0.08, unit: "¢", pass: true });
  });
});
