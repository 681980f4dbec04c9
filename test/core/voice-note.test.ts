import { describe, expect, it } from "vitest";
import { formatDuration, spokenAnswer, voiceEchoLine, voiceNoteText } from "../../src/media/voice-note";
import { offlineTranscript, sampleVoiceNote } from "../stand-ins/offline-transcript";

describe("voice notes", () => {
  it.each([
    [0, "0:00"],
    [12, "0:12"],
    [65.4, "1:05"],
    [720, "12:00"],
  ])("%d s is %s", (seconds, shown) => {
    expect(formatDuration(seconds)).toBe(shown);
  });

  it.each([
    ["fix the flaky test in the api", 12, "", "(voice note, 0:12) fix the flaky test in the api"],
    ["  and push it ", null, "", "(voice note) and push it"],
    ["run it", 3, "about the api:", "about the api:\n(voice note, 0:03) run it"],
  ])("the agent reads %j as the message", (transcript, duration, caption, expected) => {
    expect(voiceNoteText(transcript, duration, caption)).toBe(expected);
  });

  it("echoes what was heard in one line, cut when long", () => {
    expect(voiceEchoLine("fix the\nflaky test")).toBe("🎙️ Heard: “fix the flaky test” (/voice echo off stops these)");
    expect(voiceEchoLine("word ".repeat(200)).length).toBeLessThan(360);
  });
});

describe("the offline transcriber's sample voice notes", () => {
  it("hears the TRANSCRIPT tag of an Ogg Opus-shaped file, with its duration", () => {
    const bytes = sampleVoiceNote("fix the flaky test in the api", 12);
    expect([...bytes.subarray(0, 4)]).toEqual([0x4f, 0x67, 0x67, 0x53]);
    expect(offlineTranscript(bytes)).toEqual({ text: "fix the flaky test in the api", durationSec: 12 });
  });

  it("says it heard no words in audio without the tag", () => {
    expect(offlineTranscript(new Uint8Array(8000)).text).toMatch(/no words/);
    expect(offlineTranscript(new Uint8Array(8000)).durationSec).toBe(4);
  });
});

describe("a voice note that is only an answer", () => {
  it.each<[string, string | null]>([
    ["Yes.", "yes"],
    ["yes", "yes"],
    ["No!", "no"],
    ["Yes, all.", "yes all"],
    ["Yes to all.", "yes all"],
    ["Stop.", "/stop"],
    ["yes please", null],
    ["yes but first show me the diff", null],
    ["always", null],
    ["stop the server", null],
    ["", null],
  ])("%j → %j", (heard, typed) => {
    expect(spokenAnswer(heard)).toBe(typed);
  });
});
