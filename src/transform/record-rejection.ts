/**
 * Why one record cannot be transformed. Thrown inside the per-record mapping and turned into a
 * ProcessingFailed result for that record alone; never escapes the handler.
 */
export class RecordRejection extends Error {
  override readonly name = 'RecordRejection';
}
