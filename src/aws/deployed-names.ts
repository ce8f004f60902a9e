/**
 * The names the deployed stack (`infra/`) uses unless told otherwise (`-c …` at deploy time), and the CLI's
 * defaults for `--target aws`. Kept apart from the CLI commands so the CDK app can import them without loading
 * the query engines.
 */
export const DEFAULT_STACK_NAME = 'GadgetSalesCdc';
export const DEFAULT_ATHENA_WORKGROUP = 'gadget-sales-cdc';
export const DEFAULT_GLUE_DATABASE = 'gadget_sales_cdc';
