// The short page links in the UserDirectory (directory/directory-tables.ts): each stored under its
// token's digest (web-token.ts), so the Worker opens a /web/<token> without knowing the user.
import type { DirectoryDb, DirectoryTables } from "../directory/directory-tables";
import { createWebLinksRepo } from "./web-links-repo";
import { openStoredWebLink, type StoredWebLink, type WebLink } from "./web-token";

type WebLinks = { links: ReturnType<typeof createWebLinksRepo>; clock: DirectoryDb["clock"] };

export const webDirectoryTables = {
  open: ({ sql, clock }): WebLinks => ({ links: createWebLinksRepo(sql), clock }),
  rpcs: {
    /** Stores a short page link under its token's digest (web/web-token.ts). */
    storeWebLink({ links, clock }: WebLinks, digest: string, link: StoredWebLink): void {
      links.add(digest, link, clock());
    },

    /** What the link stored under `digest` opens now, or null (none, or expired). The object still checks its epoch. */
    webLink({ links, clock }: WebLinks, digest: string): WebLink | null {
      return openStoredWebLink(links.get(digest), clock());
    },
  },
} satisfies DirectoryTables;
