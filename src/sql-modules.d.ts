// Migration files are bundled as text (wrangler's default module rule for *.sql).
declare module "*.sql" {
  const text: string;
  export default text;
}
