import { describe, expect, it } from "vitest";
import { messageName } from "../../src/messages/message-name";

describe("messageName", () => {
  it.each([
    ["plain words stay", "fix the login test", "fix the login test"],
    // The case: a run named by the directive the user typed.
    ["a tool directive goes", 'write hello to notes.txt [[tool Bash {"command":"echo hello > notes.txt"}]]', "write hello to notes.txt"],
    ["a directive whose JSON holds ]] goes whole", 'run it [[tool Bash {"command":"test [[ -f a ]] && echo ok"}]] please', "run it please"],
    ["short directives go", "count them [[count]] [[read-attachments]]", "count them"],
    ["a message of directives only is named by them: it has no other words", '[[tool Bash {"command":"ls"}]]', '[[tool Bash {"command":"ls"}]]'],
    ["no text: nothing", " \n ", ""],
    ["an unclosed directive takes the rest", "look [[tool Bash {", "look"],
    ["WhatsApp markup goes", "*please* run _all_ the ~old~ `npm test`", "please run all the old npm test"],
    ["a code block's fences go", "```\nnpm test\n```", "npm test"],
    ["a Markdown link keeps its text", "see [the docs](https://example.com/a) first", "see the docs first"],
    ["snake_case and paths are words, not markup", "rename my_var in src/a_b.ts", "rename my_var in src/a_b.ts"],
    ["line breaks become spaces", "one\n\ntwo\tthree", "one two three"],
    ["[[ in plain speech without a letter stays", "is [[ 1 ]] bash?", "is [[ 1 ]] bash?"],
  ])("%s", (_what, text, expected) => {
    expect(messageName(text)).toBe(expected);
  });

  it("cuts a long message at a word's end", () => {
    expect(messageName("please make the add function accept strings as well as numbers everywhere", 40)).toBe("please make the add function accept…");
    expect(messageName("x".repeat(80), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
