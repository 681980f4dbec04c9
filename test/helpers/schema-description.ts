// A database's schema as SQLite describes it (sqlite_master's statements, comments and spacing
// aside; pragma table_list, table_xinfo, index_list, index_xinfo) with its rows, dates aside: two
// databases made differently compare equal when their schemas are the same. Runs on workerd's
// storage and on the units' node:sqlite stand-in alike.
type Row = Record<string, unknown>;
/** What it needs of a Durable Object's `storage.sql` (typed here without the Workers' types). */
type SqlLike = { exec(query: string): { toArray(): Row[] } };

export function describeSchema(sql: SqlLike) {
  const all = (query: string): Row[] => sql.exec(query).toArray();
  const objects = all("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%' AND substr(name, 1, 4) != '_cf_' ORDER BY type, name").map((o) => ({
    type: o.type,
    name: o.name,
    table: o.tbl_name,
    sql: typeof o.sql === "string" ? o.sql.replace(/--[^\n]*/g, "").replace(/"/g, "").replace(/\s+/g, " ").replace(/\s*([(),])\s*/g, "$1") : o.sql,
  }));
  const tables = objects.filter((o) => o.type === "table").map((o) => String(o.name));
  return {
    objects,
    tables: tables.map((t) => ({
      table: t,
      list: all(`SELECT type, ncol, wr, strict FROM pragma_table_list WHERE name = '${t}'`),
      columns: all(`SELECT * FROM pragma_table_xinfo('${t}')`),
      indexes: all(`SELECT * FROM pragma_index_list('${t}') ORDER BY name`).map((i) => ({
        ...i,
        // An automatic index's number depends on the table's history: its columns say what it is.
        name: String(i.name).startsWith("sqlite_autoindex") ? "autoindex" : i.name,
        columns: all(`SELECT seqno, cid, name, desc, coll, key FROM pragma_index_xinfo('${i.name}')`),
      })),
      rows: t === "schema_migrations" ? all("SELECT id, name FROM schema_migrations ORDER BY id") : all(`SELECT * FROM "${t}"`).map(({ created_at: _c, last_active_at: _l, ...rest }) => rest),
    })),
  };
}
