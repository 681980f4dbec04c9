// CLI: the GitHub stand-in with one account and sample repositories, configured from flags or the environment:
//   tsx emulator/github/main.ts --port 4290 --login operator --token local-github-token --repo operator/sample
import { parseArgs } from "node:util";
import { z } from "zod";
import { startGithubEmulator } from "./server";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "data-dir": { type: "string" },
    login: { type: "string" },
    token: { type: "string" },
    repo: { type: "string", multiple: true },
  },
});
const env = process.env;
const ArgsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(4290),
  host: z.string().default("127.0.0.1"),
  dataDir: z.string().min(1).optional(),
  login: z.string().default("operator"),
  token: z.string().min(1).default("local-github-token"),
  repos: z.array(z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, "owner/name")).default(["operator/sample"]),
});
const parsed = ArgsSchema.safeParse({
  port: values.port ?? env.GITHUB_EMULATOR_PORT,
  host: values.host ?? env.GITHUB_EMULATOR_HOST,
  dataDir: values["data-dir"] ?? env.GITHUB_EMULATOR_DATA_DIR,
  login: values.login ?? env.GITHUB_EMULATOR_LOGIN,
  token: values.token ?? env.GITHUB_TOKEN,
  repos: values.repo,
});
if (!parsed.success) {
  console.error(`github stand-in: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  process.exit(1);
}
const args = parsed.data;
const sample = { "README.md": "# Sample\n\nA repository of the GitHub stand-in.\n", "src/add.js": "export const add = (a, b) => a + b;\n" };
try {
  const github = await startGithubEmulator({
    port: args.port,
    host: args.host,
    ...(args.dataDir ? { dataDir: args.dataDir } : {}),
    accounts: [{ login: args.login, token: args.token }],
    repos: args.repos.map((full) => {
      const [owner = "", name = ""] = full.split("/");
      return { owner, name, files: sample };
    }),
  });
  console.log(`github stand-in: git ${github.url}, REST ${github.apiUrl} (GITHUB_URL=${github.url} GITHUB_API_BASE=${github.apiUrl})`);
  for (const repo of args.repos) console.log(`  ${github.url}/${repo}.git`);
  const stop = () => void github.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  console.error(code === "EADDRINUSE" ? `github stand-in: port ${args.port} is taken` : `github stand-in: ${String(error)}`);
  process.exit(1);
}
