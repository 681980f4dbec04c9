// A port the system just handed out: the Fly stand-in's Machines listen on one each, and tests and
// the local stack take theirs the same way. Here, below both, so the stack (scripts/) imports the
// emulator and never the other way round.
import { createServer } from "node:net";

/** A port the system just handed out, for tests that must not collide with a running stack. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
