// Which injected HTTP fault, if any, answers a request: the first rule whose method and path
// match, counted down by one per answer and dropped when spent. Pure: the shell keeps the list.

export type HttpFaultRule = { path: string; method?: string; status: number; count: number; retryAfterSeconds: number };

/** `*` stands for one path segment; anything else must match exactly. */
export function pathMatches(pattern: string, path: string): boolean {
  const want = pattern.split("/");
  const got = path.split("/");
  return want.length === got.length && want.every((segment, i) => segment === "*" || segment === got[i]);
}

export function takeHttpFault(rules: HttpFaultRule[], method: string, path: string): { rule?: HttpFaultRule; rules: HttpFaultRule[] } {
  const index = rules.findIndex((rule) => (!rule.method || rule.method === method) && pathMatches(rule.path, path));
  const rule = rules[index];
  if (!rule) return { rules };
  const left = rule.count - 1;
  const rest = rules.filter((_, i) => i !== index);
  return { rule, rules: left > 0 ? [...rest.slice(0, index), { ...rule, count: left }, ...rest.slice(index)] : rest };
}
