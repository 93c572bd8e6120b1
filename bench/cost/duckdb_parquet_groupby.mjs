// DuckDB peer for bench/cost/parquet.sh: the aggregation of
// `sageguard cost --cur FILE.parquet --group-by Project` (SageMaker rows,
// unblended cost) over CUR 2.0 Parquet. Prints the total for checking.
import { DuckDBInstance } from '@duckdb/node-api';

const [file] = process.argv.slice(2);
const threads = process.env.DUCKDB_THREADS || '2';
const instance = await DuckDBInstance.create(':memory:', { threads });
const con = await instance.connect();
const reader = await con.runAndReadAll(`
  SELECT NULLIF(resource_tags['user_project'], '') AS project,
         SUM(line_item_unblended_cost) AS cost, COUNT(*) AS items
  FROM read_parquet('${file.replace(/'/g, "''")}')
  WHERE line_item_product_code = 'AmazonSageMaker'
  GROUP BY 1 ORDER BY cost DESC`);
let total = 0;
for (const row of reader.getRows()) total += Number(row[1]);
console.log(JSON.stringify({ groups: reader.getRows().length, total }));
