// readJson: text that should hold JSON of a shape, read as that shape or as nothing.
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { readJson } from "../../src/shared/json-text";

const Pause = z.object({ until: z.number(), limit: z.nullable(z.string()) });

describe("readJson", () => {
  it.each([
    { name: "the shape", text: '{"until":5,"limit":"five_hour"}', want: { until: 5, limit: "five_hour" } },
    { name: "JSON of another shape", text: '{"until":"soon"}', want: null },
    { name: "not JSON", text: '{"until":5', want: null },
    { name: "empty text", text: "", want: null },
    { name: "JSON null", text: "null", want: null },
  ])("$name", ({ text, want }) => expect(readJson(Pause, text)).toEqual(want));

  it("keeps what the schema makes of the value (defaults, transforms)", () => {
    expect(readJson(z.object({ n: z.number().default(3) }), "{}")).toEqual({ n: 3 });
  });
});
