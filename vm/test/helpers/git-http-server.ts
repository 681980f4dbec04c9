// A git host over smart HTTP for tests: git's own `git http-backend` (CGI) behind a node server
// that demands one Basic credential, and records what each request presented. Serves the bare
// repositories under `root` (clone and push).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serveGit } from "../../../emulator/github/shell/git-backend";

export type GitHttpServer = {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  host: string;
  /** Each request: method, path and the Authorization header it came with (or null). */
  requests: Array<{ method: string; path: string; authorization: string | null }>;
  close(): Promise<void>;
};

export async function startGitHttpServer(root: string, user: string, password: string): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const requests: GitHttpServer["requests"] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://git.invalid");
    const authorization = req.headers.authorization ?? null;
    requests.push({ method: req.method ?? "GET", path: url.pathname, authorization });
    if (authorization !== expected) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="test"' }).end("credentials required\n");
      return;
    }
    serveGit(req, res, root, url.pathname, url.search.slice(1), user);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
