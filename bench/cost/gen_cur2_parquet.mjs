// Writes N CUR 2.0 rows as one Parquet file the way Data Exports delivers
// it (SNAPPY, DuckDB's default row groups of 122,880 rows, MAP tags), with
// DuckDB (@duckdb/node-api from bench/cost/node_modules). Deterministic: the
// values are functions of the row number. Prints the expected SageMaker
// unblended total per the same rows.
//
//   node gen_cur2_parquet.mjs ROWS OUT.parquet
import { DuckDBInstance } from '@duckdb/node-api';

const [rows, out] = process.argv.slice(2);
if (!rows || !out) {
  console.error('usage: node gen_cur2_parquet.mjs ROWS OUT.parquet');
  process.exit(2);
}
const instance = await DuckDBInstance.create(':memory:', { threads: process.env.DUCKDB_THREADS || '2' });
const con = await instance.connect();
const lit = (s) => `'${s.replace(/'/g, "''")}'`;
await con.run(`
  CREATE TABLE cur AS
  SELECT
    'li-' || i AS identity_line_item_id,
    TIMESTAMP '2024-05-01' AS bill_billing_period_start_date,
    '111122223333' AS bill_payer_account_id,
    '111122223333' AS line_item_usage_account_id,
    CASE WHEN h % 10 < 7 THEN 'Usage' WHEN h % 10 = 7 THEN 'SavingsPlanCoveredUsage'
         WHEN h % 10 = 8 THEN 'Credit' ELSE 'Tax' END AS line_item_line_item_type,
    TIMESTAMP '2024-05-01' + INTERVAL (i % 744) HOUR AS line_item_usage_start_date,
    TIMESTAMP '2024-05-01' + INTERVAL (i % 744 + 1) HOUR AS line_item_usage_end_date,
    CASE WHEN h % 13 < 11 THEN 'AmazonSageMaker' ELSE 'AmazonEC2' END AS line_item_product_code,
    'USE1-Train:ml.' || ['m5.large', 'g5.xlarge', 'p3.2xlarge', 'c5.2xlarge'][(1 + h % 4)::BIGINT] AS line_item_usage_type,
    'CreateTrainingJob' AS line_item_operation,
    'arn:aws:sagemaker:us-east-1:111122223333:training-job/job-' || (h % 5000) AS line_item_resource_id,
    1.0::DOUBLE AS line_item_usage_amount,
    'USD' AS line_item_currency_code,
    ((h % 100000) / 10000.0)::DOUBLE AS line_item_unblended_cost,
    ((h % 100000) / 10000.0)::DOUBLE AS pricing_public_on_demand_cost,
    CASE WHEN h % 10 = 7 THEN ((h % 100000) / 14000.0)::DOUBLE ELSE 0.0 END AS savings_plan_savings_plan_effective_cost,
    'SageMaker training' AS line_item_line_item_description,
    'us-east-1' AS product_region_code,
    CASE WHEN h % 7 = 0 THEN MAP {}::MAP(VARCHAR, VARCHAR)
         ELSE MAP {'user_project': 'project-' || (h % 40), 'user_cost_center': 'CC-' || (h % 9)} END AS resource_tags
  FROM (SELECT i, (hash(i) % 1000000007)::BIGINT AS h FROM range(${Number(rows)}) r(i))`);
await con.run(`COPY cur TO ${lit(out)} (FORMAT parquet, COMPRESSION snappy)`);
const r = await con.runAndReadAll(
  `SELECT SUM(line_item_unblended_cost) FROM cur WHERE line_item_product_code = 'AmazonSageMaker'`);
console.log(`sagemaker_unblended_total=${r.getRows()[0][0]}`);
