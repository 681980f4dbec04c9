// Vite's `?inline` imports (a fixture as a data: URL), as the workerd tests load binary fixtures.
declare module "*?inline" {
  const dataUrl: string;
  export default dataUrl;
}
