// A review from the phone as GitHub's "create a review" takes it (old → LEFT, new → RIGHT, a
// whole-file comment in the review's text), and GitHub's answers named for the user.
import { describe, expect, it } from "vitest";
import { githubReviewOf, reviewRefusalOf } from "../../src/core/pull-review";
import type { ReviewComment } from "../../../src/protocol/review-comments";

const c = (more: Partial<ReviewComment>): ReviewComment => ({ file: "src/add.js", side: "new", line: 12, lineText: "x", body: "hm", change: "run 1", ...more });
const at = (comments: ReviewComment[]) => ({ repo: "acme/api", number: 12, comments });

describe("githubReviewOf", () => {
  it("one COMMENT review: each line comment on its side and line, the file comments in its text", () => {
    expect(githubReviewOf([c({ side: "old", line: 3, body: "keep" }), c({ body: "why?" }), c({ file: "README.md", side: "file", line: null, lineText: "", body: "typo\nsomewhere" })])).toEqual({
      event: "COMMENT",
      body: "Review from the phone: 3 comments.\n\n**`README.md`** (the whole file): typo\nsomewhere",
      comments: [
        { path: "src/add.js", body: "keep", line: 3, side: "LEFT" },
        { path: "src/add.js", body: "why?", line: 12, side: "RIGHT" },
      ],
    });
  });
  it("a comment with no line is a whole-file comment whatever its side says", () => {
    expect(githubReviewOf([c({ side: "new", line: null })]).comments).toEqual([]);
  });
});

describe("reviewRefusalOf", () => {
  const OUTSIDE = { message: "Unprocessable Entity", errors: ["Pull request review thread line must be part of the diff and Pull request review thread diff hunk can't be blank"], status: "422" };
  it.each([
    ["taken", 200, {}, [c({})], null],
    ["a line outside the diff, one line comment: named", 422, OUTSIDE, [c({}), c({ side: "file", line: null })], { reason: "line_outside_diff", message: "src/add.js, new line 12 is not in pull request #12's diff on GitHub (GitHub takes a review whole, so none of it was posted there)." }],
    ["a path outside the diff, several: counted", 422, { message: "Unprocessable Entity", errors: ["Pull request review thread path is invalid and Pull request review thread diff hunk can't be blank"] }, [c({}), c({ line: 13 })], { reason: "line_outside_diff", message: expect.stringMatching(/^one of the 2 commented lines is not in pull request #12's diff/) }],
    ["another 422: GitHub's words", 422, { message: "Validation Failed", errors: [{ resource: "PullRequestReview", code: "custom", message: "User can only have one pending review per pull request" }] }, [c({})], { reason: "review_failed", message: "GitHub refused the review (422): Validation Failed: User can only have one pending review per pull request" }],
    ["a token without the scope", 403, { message: "Resource not accessible by personal access token" }, [c({})], { reason: "token_scope", message: expect.stringContaining("cannot review pull requests on acme/api") }],
    ["no answer", 0, { message: "The operation was aborted due to timeout" }, [c({})], { reason: "review_failed", message: "GitHub did not answer: The operation was aborted due to timeout" }],
  ])("%s", (_name, status, body, comments, expected) => {
    const refusal = reviewRefusalOf(status, body, at(comments));
    expect(refusal).toEqual(expected === null ? null : { error: "review_refused", ...expected });
  });
});
