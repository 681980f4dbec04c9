// What the GitHub stand-in's routes share: its accounts, repositories and records, all in memory
// apart from the bare repositories on disk.
import type { Account } from "./core/access";
import type { CheckRun, CheckSuite, Issue, IssueComment, Pull, Repo, Review, ReviewComment, Urls } from "./core/resources";
import type { DeliveryRecord, Hook } from "./shell/webhooks";

export type GithubContext = {
  /** Where the bare repositories are: `<root>/<owner>/<name>.git`. */
  root: string;
  urls: Urls;
  accounts: Account[];
  /** By `owner/name`, lowercased. */
  repos: Map<string, Repo>;
  pulls: Pull[];
  issues: Issue[];
  /** Webhooks per repository, and every delivery made (redeliveries too). */
  hooks: Hook[];
  deliveries: DeliveryRecord[];
  issueComments: IssueComment[];
  checkRuns: CheckRun[];
  checkSuites: CheckSuite[];
  reviews: Review[];
  reviewComments: ReviewComment[];
  /** Changes to a repository's settings that the stand-in accepted (collaborators invited, deploy keys added). */
  settingsChanges: Array<{ repo: string; kind: "collaborator" | "deploy_key"; by: string; detail: string }>;
  /** Every request that reached the stand-in: who (null: no valid token), method and path. */
  requests: Array<{ method: string; path: string; login: string | null }>;
  nextId(): number;
  /** Issues and pull requests share one sequence of numbers per repository, as on GitHub. */
  nextNumber(repo: string): number;
  now(): number;
};

export const repoKeyOf = (owner: string, name: string) => `${owner}/${name.replace(/\.git$/, "")}`.toLowerCase();
