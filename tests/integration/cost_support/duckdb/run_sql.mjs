// Runs the SQL in a file with real DuckDB over CSV files presented as one
// table (read_csv with a header, every column VARCHAR, as a CUR 2.0 CSV
// export arrives before anyone types it; union_by_name so each part is
// sniffed on its own, since parts may differ in line endings). Prints
// {"columns": [...], "rows": [[...], ...]} as JSON; BIGINTs become numbers.
//
//   node run_sql.mjs QUERY.sql TABLE FILE...
import { readFileSync } from 'node:fs';

import { DuckDBInstance } from '@duckdb/node-api';

const [sqlFile, table, ...files] = process.argv.slice(2);
if (!sqlFile || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(table || '') || files.length === 0) {
  console.error('usage: node run_sql.mjs QUERY.sql TABLE FILE...');
  process.exit(2);
}
const literal = (s) => `'${s.replace(/'/g, "''")}'`;
const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
await con.run(
  `CREATE VIEW ${table} AS SELECT * FROM read_csv([${files.map(literal).join(', ')}], ` +
    `header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', union_by_name = true)`,
);
const reader = await con.runAndReadAll(readFileSync(sqlFile, 'utf8'));
const rows = reader.getRows().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
console.log(JSON.stringify({ columns: reader.columnNames(), rows }));
