// Which GitHub GraphQL requests an agent's gh may make through the credential proxy, pure: the query
// parsed (graphql-js); a read passes only when each repository it reaches is named, literally or by
// a string variable, and is one of the user's conversations' (as REST), and every field and
// fragment of it is on the allow list (github-graphql-types.ts): no search, no node by id, no
// owner's, user's or viewer's lists, no head repository's branches. Anything not on the list is
// refused, and the refusal names it.
import { Kind, parse, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";
import * as z from "zod";
import { ALLOWED_TYPES, githubNameOf, IDENTITY_LEAVES, narrowed } from "./github-graphql-types";
import type { Decision } from "./github-scope";

const GraphqlBodySchema = z.object({ query: z.string(), variables: z.record(z.string(), z.unknown()).nullish(), operationName: z.string().nullish() });

/** The schema, not data: introspection and `__typename` pass anywhere. */
const META = new Set(["__typename", "__schema", "__type"]);

const refuse = (why: string): Decision => ({ allow: false, why });
const ALLOW: Decision = { allow: true };
const MUTATION = "GraphQL mutations are refused; open or update a pull request with `gh api repos/OWNER/REPO/pulls -f head=… -f base=… -f title=…` (REST)";

/** What one request may cost the proxy to check: fields visited (fragments spread in each place they are), and nesting. */
const MAX_FIELDS = 20_000;
const MAX_DEPTH = 40;

type Walk = { fragments: Map<string, FragmentDefinitionNode>; variables: Record<string, unknown>; defaults: Map<string, ValueNode>; repos: readonly string[]; visited: number };

/** A literal string argument, or a variable whose value (given, else its default) is one; null when it cannot be told. */
function stringOf(value: ValueNode | undefined, walk: Walk): string | null {
  if (!value) return null;
  if (value.kind === Kind.STRING) return value.value;
  if (value.kind !== Kind.VARIABLE) return null;
  const name = value.name.value;
  if (name in walk.variables) return typeof walk.variables[name] === "string" ? (walk.variables[name] as string) : null;
  const fallback = walk.defaults.get(name);
  return fallback?.kind === Kind.STRING ? fallback.value : null;
}

function repositoryDecision(field: FieldNode, walk: Walk): Decision {
  // Named twice, which of them GitHub would take is not ours to guess.
  const names = (field.arguments ?? []).map((a) => a.name.value);
  if (new Set(names).size !== names.length) return refuse("a GraphQL repository names an argument twice");
  const arg = (name: string) => stringOf(field.arguments?.find((a) => a.name.value === name)?.value, walk);
  const owner = arg("owner");
  const name = arg("name");
  if (owner === null || name === null) return refuse("a GraphQL repository's owner and name must be strings the proxy can read (literals, or string variables)");
  const repo = `${owner}/${name}`.toLowerCase();
  return walk.repos.includes(repo) ? ALLOW : refuse(`${repo} is not the repository of one of your conversations`);
}

/** Arguments that pick an object by its name or id, or search: a way to another repository, wherever they are. */
const NAMING_ARGUMENTS = new Set(["owner", "login", "id", "ids", "query", "url"]);
const ROOT = "Query";

/** One field of a value of `type` (a name of github-graphql-types.ts): on the list, or refused by name. */
function fieldDecision(field: FieldNode, type: string, walk: Walk, path: readonly string[], spread: readonly string[]): Decision {
  const name = field.name.value;
  if (++walk.visited > MAX_FIELDS || path.length > MAX_DEPTH) return refuse("the GraphQL query is too large or too deeply nested to check");
  if (META.has(name)) return ALLOW;
  const where = [...path, name].join(".");
  const shape = ALLOWED_TYPES[type];
  const leadsTo = shape?.fields[name];
  if (type === ROOT && !leadsTo) return refuse(`GraphQL ${where} cannot be tied to a repository of your conversations; query \`repository(owner:, name:)\``);
  if (type === ROOT && name === "repository") {
    const named = repositoryDecision(field, walk);
    if (named.allow !== true) return named;
  } else if ((field.arguments ?? []).some((a) => NAMING_ARGUMENTS.has(a.name.value))) return refuse(`GraphQL ${where} cannot be tied to a repository of your conversations`);
  if (!field.selectionSet) {
    if (shape?.leaves === "any" || IDENTITY_LEAVES.has(name)) return ALLOW;
    return refuse(`GraphQL ${where} (${githubNameOf(type)}.${name}): only who or what it is may be read there`);
  }
  if (!leadsTo) return refuse(`GraphQL ${where} (${githubNameOf(type)}.${name}) is not on the credential proxy's list of what an agent may read`);
  return selectionDecision(field.selectionSet, leadsTo, walk, [...path, name], spread);
}

/** A fragment's type condition against the type it is spread in: the type it narrows to, or the refusal naming it. */
function narrowing(type: string, condition: string | undefined, path: readonly string[]): string | Decision {
  if (condition === undefined) return type;
  return narrowed(type, condition) ?? refuse(`GraphQL ${[...path, `... on ${condition}`].join(".")} (${githubNameOf(type)} there) is not on the credential proxy's list of what an agent may read`);
}

/** Every field of a selection, through inline fragments and named ones (a cycle is refused). */
function selectionDecision(selections: SelectionSetNode | undefined, type: string, walk: Walk, path: readonly string[], spread: readonly string[] = []): Decision {
  for (const selection of selections?.selections ?? []) {
    let decision: Decision;
    if (selection.kind === Kind.FIELD) decision = fieldDecision(selection, type, walk, path, spread);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const inner = narrowing(type, selection.typeCondition?.name.value, path);
      decision = typeof inner === "string" ? selectionDecision(selection.selectionSet, inner, walk, path, spread) : inner;
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || spread.includes(name)) return refuse(`the GraphQL fragment ${name} is ${fragment ? "spread within itself" : "not defined"}`);
      const inner = narrowing(type, fragment.typeCondition.name.value, path);
      decision = typeof inner === "string" ? selectionDecision(fragment.selectionSet, inner, walk, path, [...spread, name]) : inner;
    }
    if (decision.allow !== true) return decision;
  }
  return ALLOW;
}

/**
 * A GraphQL request body against the repositories of the user's conversations. Every operation
 * of the document is checked, whichever `operationName` picks: any mutation or subscription is
 * refused (it cannot be tied to a repository by its path; opening a pull request goes by REST).
 */
export function graphqlDecision(repos: readonly string[], body: unknown): Decision {
  const parsed = GraphqlBodySchema.safeParse(body);
  if (!parsed.success) return refuse("a GraphQL request needs a query (and variables as an object)");
  let document: DocumentNode;
  try {
    document = parse(parsed.data.query, { noLocation: true });
  } catch {
    return refuse("the GraphQL query could not be parsed");
  }
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  if (fragments.size !== document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).length) return refuse("the GraphQL document defines a fragment twice");
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) return refuse("the GraphQL document holds no query");
  for (const operation of operations) {
    if (operation.operation !== "query") return refuse(MUTATION);
    const definitions = (operation.variableDefinitions ?? []).map((v) => v.variable.name.value);
    if (new Set(definitions).size !== definitions.length) return refuse("the GraphQL query defines a variable twice");
    const defaults = new Map((operation.variableDefinitions ?? []).flatMap((v) => (v.defaultValue ? [[v.variable.name.value, v.defaultValue] as const] : [])));
    const decision = selectionDecision(operation.selectionSet, ROOT, { fragments, variables: parsed.data.variables ?? {}, defaults, repos, visited: 0 }, []);
    if (decision.allow !== true) return decision;
  }
  return ALLOW;
}
