// Runs SQL statements with real DuckDB, one after the other, and prints the
// last one's result as JSON {"columns": [...], "rows": [[...], ...]}
// (BIGINTs as numbers, other non-JSON values as text). The statements come
// as a JSON array in a file, so tests can write Parquet files (COPY ... TO)
// and then query them.
//
//   node exec_sql.mjs STATEMENTS.json
import { readFileSync } from 'node:fs';

import { DuckDBInstance } from '@duckdb/node-api';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node exec_sql.mjs STATEMENTS.json');
  process.exit(2);
}
const statements = JSON.parse(readFileSync(file, 'utf8'));
const instance = await DuckDBInstance.create(':memory:', { threads: process.env.SG_DUCKDB_THREADS || '2' });
const con = await instance.connect();
let reader = null;
for (const sql of statements) reader = await con.runAndReadAll(sql);
const plain = (v) => {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return String(v);
};
const rows = reader ? reader.getRows().map((row) => row.map(plain)) : [];
console.log(JSON.stringify({ columns: reader ? reader.columnNames() : [], rows }));
