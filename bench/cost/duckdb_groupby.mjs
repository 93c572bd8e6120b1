// DuckDB peer for the cost benchmark: the same aggregation as
// `sageguard cost --cur FILE --group-by Project` (SageMaker rows, unblended
// cost, empty tag = NULL group). Prints the total so run.sh can check it.
import { DuckDBInstance } from '@duckdb/node-api';

const files = process.argv.slice(2);
const threads = process.env.DUCKDB_THREADS || '2';
const instance = await DuckDBInstance.create(':memory:', { threads });
const con = await instance.connect();
const list = '[' + files.map((f) => `'${f.replace(/'/g, "''")}'`).join(',') + ']';
const sql = `
  SELECT NULLIF("resourceTags/user:Project", '') AS project,
         SUM(CAST("lineItem/UnblendedCost" AS DOUBLE)) AS cost, COUNT(*) AS items
  FROM read_csv(${list}, header = true, all_varchar = true, quote = '"', escape = '"')
  WHERE "lineItem/ProductCode" = 'AmazonSageMaker'
  GROUP BY 1 ORDER BY cost DESC`;
const reader = await con.runAndReadAll(sql);
let total = 0;
for (const row of reader.getRows()) total += Number(row[1]);
console.log(JSON.stringify({ groups: reader.getRows().length, total }));
