// Who a token is and what it may do on a repository, as GitHub decides it: the owner is admin,
// collaborators have their permission, a public repository is readable by any known token.
export type Permission = "read" | "write" | "admin";
export type Account = { login: string; id: number; token: string };
export type RepoAccess = { owner: string; name: string; private: boolean; collaborators: Record<string, Permission> };

const RANK: Record<Permission, number> = { read: 1, write: 2, admin: 3 };

/** The account a request's credential names: `Authorization: token|Bearer <t>`, or Basic with the token as the password (git's way, `x-access-token:<t>`). */
export function accountOf(accounts: readonly Account[], authorization: string | undefined): Account | null {
  const header = authorization ?? "";
  let token: string | null = /^(?:token|bearer)\s+(\S+)$/i.exec(header)?.[1] ?? null;
  const basic = /^basic\s+(\S+)$/i.exec(header)?.[1];
  if (basic) {
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    token = colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  if (!token) return null;
  return accounts.find((account) => account.token === token) ?? null;
}

/** The permission `login` holds on `repo` (null: none, and a private repository is not even visible). */
export function permissionOf(repo: RepoAccess, login: string): Permission | null {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return "admin";
  const held = Object.entries(repo.collaborators).find(([name]) => name.toLowerCase() === login.toLowerCase())?.[1];
  if (held) return held;
  return repo.private ? null : "read";
}

export function allows(held: Permission | null, needed: Permission): boolean {
  return held !== null && RANK[held] >= RANK[needed];
}

/** What GitHub's repository resource says of the caller's rights (`permissions`). */
export function permissionsObject(held: Permission | null): { admin: boolean; maintain: boolean; push: boolean; triage: boolean; pull: boolean } {
  return { admin: allows(held, "admin"), maintain: allows(held, "admin"), push: allows(held, "write"), triage: allows(held, "write"), pull: allows(held, "read") };
}

/** What a webhook or a comment says of its author (`author_association`): the owner, a collaborator, or nobody of the repository. */
export function associationOf(repo: RepoAccess, login: string): "OWNER" | "COLLABORATOR" | "NONE" {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return "OWNER";
  return Object.keys(repo.collaborators).some((name) => name.toLowerCase() === login.toLowerCase()) ? "COLLABORATOR" : "NONE";
}
