// A template and a message's ContentVariables become the body and buttons the recipient sees, as a table.
import { describe, expect, it } from "vitest";
import { fillVariables, renderContent } from "../../../emulator/core/content-render";

describe("fillVariables", () => {
  it.each([
    ["a numbered variable", "Allow {{1}}?", { 1: "rm -rf build" }, {}, "Allow rm -rf build?"],
    ["spaces inside the braces", "Hi {{ 1 }}", { 1: "Ann" }, {}, "Hi Ann"],
    ["a named variable", "Hi {{name}}", { name: "Ann" }, {}, "Hi Ann"],
    ["the template's default when the message gives none", "Hi {{1}}", {}, { 1: "there" }, "Hi there"],
    ["the message's value over the default", "Hi {{1}}", { 1: "Ann" }, { 1: "there" }, "Hi Ann"],
    ["a placeholder with no value at all stays visible", "Hi {{2}}", {}, {}, "Hi {{2}}"],
    ["the same variable twice", "{{1}} and {{1}}", { 1: "x" }, {}, "x and x"],
    ["braces in a value are not expanded again", "{{1}}", { 1: "{{2}}" }, { 2: "no" }, "{{2}}"],
  ])("%s", (_name, text, given, defaults, expected) => {
    expect(fillVariables(text, given, defaults)).toBe(expected);
  });
});

describe("renderContent", () => {
  const approval = {
    variables: { 1: "a command" },
    types: {
      "twilio/quick-reply": {
        body: "Allow {{1}}?",
        actions: [
          { title: "Yes", id: "yes-{{2}}" },
          { title: "No", id: "no-{{2}}" },
          { title: "Always {{3}}" },
        ],
      },
      "twilio/text": { body: "Allow {{1}}? Reply yes or no." },
    },
  };

  it("renders the quick reply on WhatsApp, variables in body, titles and ids; a button without id pays back its title", () => {
    expect(renderContent(approval, { 1: "npm test", 2: "r7", 3: "npm" }, "whatsapp")).toEqual({
      body: "Allow npm test?",
      buttons: [
        { title: "Yes", id: "yes-r7" },
        { title: "No", id: "no-r7" },
        { title: "Always npm", id: "Always npm" },
      ],
    });
  });

  it("falls back to twilio/text on SMS, which has no buttons", () => {
    expect(renderContent(approval, { 1: "npm test" }, "sms")).toEqual({ body: "Allow npm test? Reply yes or no.", buttons: [] });
  });

  it("renders an empty body for a content with no type it models", () => {
    expect(renderContent({ variables: {}, types: { "twilio/card": { title: "x" } } }, {}, "whatsapp")).toEqual({ body: "", buttons: [] });
  });
});
