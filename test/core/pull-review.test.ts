// The chat's line after a review from the phone was also posted on GitHub, or why not.
import { describe, expect, it } from "vitest";
import { pullReviewFailedLine, pullReviewPostedLine } from "../../src/github/pull-review";

describe("pullReviewPostedLine", () => {
  it.each([
    [{ lineComments: 3, fileComments: 0, url: "https://github.com/a/b/pull/12#pullrequestreview-1" }, "Also posted on GitHub as a review of #12: 3 comments.\nhttps://github.com/a/b/pull/12#pullrequestreview-1"],
    [{ lineComments: 0, fileComments: 1, url: "" }, "Also posted on GitHub as a review of #12: 1 comment (1 whole-file comment in its text)."],
    [{ lineComments: 1, fileComments: 2, url: "" }, "Also posted on GitHub as a review of #12: 3 comments (2 whole-file comments in its text)."],
  ])("%j", (counts, line) => {
    expect(pullReviewPostedLine({ repo: "a/b", number: 12, ...counts })).toBe(line);
  });
});

describe("pullReviewFailedLine", () => {
  it("the VM's refusal in its words, or no VM", () => {
    expect(pullReviewFailedLine(12, { error: "review_refused", reason: "token_scope", message: "GitHub answered 403." })).toBe("⚠️ Not posted on GitHub (pull request #12): GitHub answered 403.");
    expect(pullReviewFailedLine(12, null)).toBe("⚠️ Not posted on GitHub (pull request #12): the agent VM did not answer. The agent has the review.");
  });
});
