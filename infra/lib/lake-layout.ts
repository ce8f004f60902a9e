/**
 * The lake's layout in the bucket is the local lake folder's: one module owns it (src/catalog/lake-layout.ts),
 * and the bucket's grants, lifecycle rules and the Glue table's location are built from it.
 */
export {
  DATA_OUTPUT_PREFIX,
  ERROR_OUTPUT_PREFIX,
  ERRORS_PREFIX,
  SOURCE_BACKUP_PREFIX,
  TABLE_NAME as GLUE_TABLE_NAME,
  TABLE_PREFIX,
} from '../../src/catalog/lake-layout.ts';
