// The Fly stand-in as `npm start -- --machines` runs it: emulator/fly/main.ts with the same flags,
// except the app's secrets, which come from this process's environment (FLY_STAND_IN_SECRETS, a
// JSON object of NAME → value) rather than `--secret NAME=VALUE`: a model key in a command line
// could be read by every local user (ps), an environment only by its own user.
import { z } from "zod";

const SecretsSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a secret's name is a variable name"), z.string());
const secrets = SecretsSchema.parse(JSON.parse(process.env.FLY_STAND_IN_SECRETS ?? "{}"));
delete process.env.FLY_STAND_IN_SECRETS;

// main.ts reads its flags with parseArgs from process.argv, which is this process's own memory:
// what is added here shows in no process listing.
process.argv.push(...Object.entries(secrets).flatMap(([name, value]) => ["--secret", `${name}=${value}`]));
await import("../../emulator/fly/main");
