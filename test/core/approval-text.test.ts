import { describe, expect, it } from "vitest";
import { cutLine, fitPrompt, pageApprovalText, projectPath, projectRule, visibleMarks } from "../../src/approvals/approval-text";

describe("visibleMarks", () => {
  it.each([
    ["plain text", "ls -la", "ls -la"],
    ["lines and tabs stay", "a\n\tb", "a\n\tb"],
    ["right-to-left override", "rm \u202Egnp.sh", "rm ⟨U+202E⟩gnp.sh"],
    ["every embedding and override", "\u202A\u202B\u202C\u202D\u202E", "⟨U+202A⟩⟨U+202B⟩⟨U+202C⟩⟨U+202D⟩⟨U+202E⟩"],
    ["isolates", "\u2066\u2067\u2068\u2069", "⟨U+2066⟩⟨U+2067⟩⟨U+2068⟩⟨U+2069⟩"],
    ["direction marks", "\u200E\u200F\u061C", "⟨U+200E⟩⟨U+200F⟩⟨U+061C⟩"],
    ["zero-width space, joiners, word joiner, BOM", "a\u200Bb\u200Cc\u200Dd\u2060e\uFEFF", "a⟨U+200B⟩b⟨U+200C⟩c⟨U+200D⟩d⟨U+2060⟩e⟨U+FEFF⟩"],
    ["soft hyphen and invisible operators", "\u00AD\u2062", "⟨U+00AD⟩⟨U+2062⟩"],
    ["a tag character (outside the BMP)", "x\u{E0041}y", "x⟨U+E0041⟩y"],
    ["a carriage return and an escape", "ok\rrm -rf /\u001b[2K", "ok⟨U+000D⟩rm -rf /⟨U+001B⟩[2K"],
    ["fillers that draw nothing", "\u3164\u115F\u034F", "⟨U+3164⟩⟨U+115F⟩⟨U+034F⟩"],
    ["letters of any script stay", "café ñ 日本 עברית", "café ñ 日本 עברית"],
  ])("%s", (_name, text, shown) => {
    expect(visibleMarks(text)).toBe(shown);
  });
});

describe("projectPath", () => {
  const dir = "/data/users/7eb1c0/workspace";
  it.each([
    ["/data/users/7eb1c0/workspace/notes.txt", dir, "notes.txt"],
    ["/data/users/7eb1c0/workspace/src/a/b.ts", `${dir}/`, "src/a/b.ts"],
    ["/data/users/7eb1c0/workspace", dir, "the project"],
    // A sibling that only starts the same is not inside.
    ["/data/users/7eb1c0/workspace2/x", dir, "/data/users/7eb1c0/workspace2/x"],
    ["/etc/passwd", dir, "/etc/passwd"],
    ["relative/already.txt", dir, "relative/already.txt"],
    // A VM that does not say its directory: shown as given.
    ["/data/users/7eb1c0/workspace/notes.txt", undefined, "/data/users/7eb1c0/workspace/notes.txt"],
  ])("%s in %s: %s", (path, projectDir, shown) => {
    expect(projectPath(path, projectDir)).toBe(shown);
  });

  it.each([
    ["Write(/w/p/notes.txt)", "Write(notes.txt)"],
    ["Edit(/w/p)", "Edit(.)"],
    ["Write(/etc/motd)", "Write(/etc/motd)"],
    ["Bash(npm test:*)", "Bash(npm test:*)"],
  ])("the rule %s is shown as %s", (rule, shown) => {
    expect(projectRule(rule, "/w/p")).toBe(shown);
  });
});

describe("fitPrompt", () => {
  const link = "https://relay.test/web/abcdefghijklmnopqrstuv/runs/r1";

  it.each([
    [1, null, "… 1 more character not shown (the private page, /web, shows the run's requests whole)."],
    [1240, link, `… 1,240 more characters not shown: ${link}`],
    [1234567, link, `… 1,234,567 more characters not shown: ${link}`],
  ])("cutLine(%d)", (missing, l, line) => {
    expect(cutLine(missing, l)).toBe(line);
  });

  it.each([
    // [text length, limit]: whole when it fits, cut to the limit otherwise.
    [100, 1600, 0],
    [1400, 1600, 0],
    [2000, 1600, null],
    [8000, 4096, null],
  ])("a %d-character text under a %d limit", (length, maxChars, expectedCut) => {
    const text = "c".repeat(length);
    const { body, cut } = fitPrompt({ head: "HEAD", text, tail: "TAIL", maxChars, link });
    expect(body.length).toBeLessThanOrEqual(maxChars);
    expect(body.startsWith("HEAD\n")).toBe(true);
    expect(body.endsWith("\nTAIL")).toBe(true);
    if (expectedCut === 0) expect(cut).toBe(0);
    else {
      expect(cut).toBeGreaterThan(0);
      expect(body).toContain(`\n${cutLine(cut, link)}\nTAIL`);
      expect(body).toContain(`HEAD\n${"c".repeat(length - cut)}\n…`);
    }
  });

  it("never cuts inside a visible mark or between a character's two halves", () => {
    const text = visibleMarks("a".repeat(1000) + "\u202E".repeat(200));
    for (const maxChars of [1190, 1191, 1195, 1199, 1203]) {
      const { body, cut } = fitPrompt({ head: null, text, tail: "T", maxChars, link: null });
      const shown = text.slice(0, text.length - cut);
      expect(shown).toMatch(/^a+(⟨U\+202E⟩)*$/);
      expect(body.length).toBeLessThanOrEqual(maxChars);
    }
    const emoji = "😀".repeat(900);
    for (const maxChars of [1000, 1001]) {
      const { cut } = fitPrompt({ head: null, text: emoji, tail: "T", maxChars, link: null });
      expect((emoji.length - cut) % 2).toBe(0);
    }
  });
});

describe("pageApprovalText: after the tool's name on the page", () => {
  it.each([
    // The "Asked: Write Write notes.txt…" and its hunk header.
    ["a new file", "Write", "Write notes.txt: new file, +1\n@@ -0,0 +1 @@\n+hello", "notes.txt: new file, +1\n+hello"],
    ["two hunks: both headers go, the lines stay", "Edit", "Edit a.js: +2 −2\n@@ -1 +1 @@\n-a\n+b\n@@ -9 +9 @@\n-c\n+d", "a.js: +2 −2\n-a\n+b\n-c\n+d"],
    ["a shell command that edits keeps its words", "Bash", "Run “sed -i s/a/b/ x”, which edits x: +1 −1\n@@ -1 +1 @@\n-a\n+b", "Run “sed -i s/a/b/ x”, which edits x: +1 −1\n-a\n+b"],
    ["a command is shown as it is, whatever it holds", "Bash", "Run a command:\n@@ -1 +1 @@ echo", "Run a command:\n@@ -1 +1 @@ echo"],
    ["another tool", "WebFetch", "Fetch https://example.com", "Fetch https://example.com"],
  ])("%s", (_what, tool, description, expected) => {
    expect(pageApprovalText(tool, description)).toBe(expected);
  });
});
