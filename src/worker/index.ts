import { Hono } from "hono";
export { PhoneAgent } from "../objects/phone-agent";

const app = new Hono<{ Bindings: Env }>();
app.get("/health", (c) => c.json({ ok: true }));
export default app;
