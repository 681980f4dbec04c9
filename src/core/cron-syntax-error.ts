// Why a cron expression was refused: thrown deep in the parser, caught once in parseCron and
// returned as its one-line reason.

export class CronSyntaxError extends Error {
  override readonly name = "CronSyntaxError";
}

export function refuse(reason: string): never {
  throw new CronSyntaxError(reason);
}
