// The parts of the MCP SDK the relay tools' endpoint uses, as one module: vm/build.mjs bundles it
// into a file of its own (dist/mcp-sdk-parts.cjs) that mcp-sdk.ts loads on first use.
export { Server } from "@modelcontextprotocol/sdk/server/index.js";
export { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
export * as types from "@modelcontextprotocol/sdk/types.js";
