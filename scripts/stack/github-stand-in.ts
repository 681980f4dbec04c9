// The GitHub stand-in as `npm start` runs it: the sample repository (acme/sample) owned by the
// stack's account, a second account that may review it, and the tokens from this process's
// environment. Prints the URLs; stops on SIGINT or SIGTERM.
import { parseArgs } from "node:util";
import { z } from "zod";
import { startGithubEmulator } from "../../emulator/github/server";
import { LOCAL_GITHUB, SAMPLE_FILES } from "./github-plan";

const { values } = parseArgs({ options: { port: { type: "string" }, host: { type: "string" }, "data-dir": { type: "string" } } });
const Args = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  dataDir: z.string().min(1),
  token: z.string().min(1),
  reviewerToken: z.string().min(1),
});
const parsed = Args.safeParse({
  port: values.port,
  host: values.host,
  dataDir: values["data-dir"],
  token: process.env.GITHUB_STAND_IN_TOKEN,
  reviewerToken: process.env.GITHUB_STAND_IN_REVIEWER_TOKEN,
});
if (!parsed.success) {
  console.error(`bad arguments: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(2);
}
const args = parsed.data;
delete process.env.GITHUB_STAND_IN_TOKEN;
delete process.env.GITHUB_STAND_IN_REVIEWER_TOKEN;

try {
  const github = await startGithubEmulator({
    port: args.port,
    host: args.host,
    dataDir: args.dataDir,
    accounts: [{ login: LOCAL_GITHUB.owner, token: args.token }, { login: LOCAL_GITHUB.reviewer, token: args.reviewerToken }],
    repos: [{ owner: LOCAL_GITHUB.owner, name: LOCAL_GITHUB.repo, files: { ...SAMPLE_FILES }, collaborators: { [LOCAL_GITHUB.reviewer]: "write" } }],
  });
  console.log(`GitHub stand-in: git ${github.url}, REST ${github.apiUrl}, ${github.url}/${LOCAL_GITHUB.owner}/${LOCAL_GITHUB.repo}.git`);
  const stop = () => void github.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(code === "EADDRINUSE" ? `port ${args.port} is taken` : `could not start: ${String(error)}`);
  process.exit(1);
}
