import { describe, expect, it } from "vitest";
import { compactTranscript, TRANSCRIPT_MAX_CHARS, TRANSCRIPT_MAX_ENTRIES, type Exchange } from "../../src/messages/transcript";

const user = (text: string, at: number): Exchange => ({ role: "user", text, at });
const agent = (text: string, at: number): Exchange => ({ role: "agent", text, at });

describe("compactTranscript", () => {
  it("is null with nothing to say", () => {
    expect(compactTranscript([])).toBeNull();
    expect(compactTranscript([user("   ", 1)])).toBeNull();
  });

  it("frames the exchanges oldest first", () => {
    const result = compactTranscript([agent("the test is flaky because of a race", 2), user("why does the api test fail?", 1)]);
    expect(result?.entries).toBe(2);
    expect(result?.text.split("\n")).toEqual([
      "[Your earlier session of this conversation was lost. Here are its last exchanges from the WhatsApp chat, oldest first, so you can carry on:]",
      "User: why does the api test fail?",
      "You: the test is flaky because of a race",
      "[End of the restored exchanges. The user's new message follows.]",
    ]);
  });

  it("keeps only the most recent entries", () => {
    const many = Array.from({ length: 50 }, (_, i) => user(`message ${i}`, i));
    const result = compactTranscript(many)!;
    expect(result.entries).toBe(TRANSCRIPT_MAX_ENTRIES);
    expect(result.text).toContain("User: message 49");
    expect(result.text).not.toContain("User: message 29\n");
  });

  it("stays within its character budget, dropping the oldest first and clipping long replies", () => {
    const long = Array.from({ length: 15 }, (_, i) => agent(`${i} ${"x".repeat(5_000)}`, i));
    const result = compactTranscript(long)!;
    expect(result.text.length).toBeLessThan(TRANSCRIPT_MAX_CHARS + 400);
    expect(result.text).toContain("You: 14 ");
    expect(result.text).not.toContain("You: 0 ");
    expect(result.text.split("\n").every((line) => line.length <= 1_510)).toBe(true);
  });
});
