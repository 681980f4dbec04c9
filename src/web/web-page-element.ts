// The one way the private page's parts build their elements (web-page.ts and its parts beside it):
// Hono's JSX runtime called as TSX would compile it, so every child and attribute is escaped.
import type { Child } from "hono/jsx";
import { jsx as jsxNode } from "hono/jsx/jsx-runtime";

type Props = Record<string, string | number | undefined>;
/** An element: `h("p", { class: "x" }, child…)`, what TSX would compile to (the project's tsconfig has no JSX mode). */
export const h = (tag: Parameters<typeof jsxNode>[0], props: Props | null, ...children: Child[]) => jsxNode(tag, { ...props, children });
