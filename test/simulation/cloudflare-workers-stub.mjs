// What the simulation (plain Node) gives modules that import `cloudflare:workers`: the object's
// units import it only through modules that also hold other Durable Objects' classes, which the
// simulation never constructs (vitest.config.ts aliases it; cloudflare-workers-hook.ts does for
// the bench). Plain JavaScript: a module hook's resolution skips tsx's.
export class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}
export const env = {};
