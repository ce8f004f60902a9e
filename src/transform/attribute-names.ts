/** Above this many attributes in one map, the quadratic repeated-name check is not worth it: orders have about ten. */
const MAX_ATTRIBUTES = 64;
/** Names open at once (in a map and the maps around it). */
const MAX_OPEN_NAMES = 256;

/**
 * The attribute names of the maps being read, innermost last, as positions in the record's bytes: to spot a
 * repeated one. The scanner keeps one and empties it (`count = 0`) for every record.
 */
export class AttributeNames {
  count = 0;
  private readonly starts = new Int32Array(MAX_OPEN_NAMES);
  private readonly ends = new Int32Array(MAX_OPEN_NAMES);

  /**
   * Adds the name b[start, end) to the map whose names begin at `first`; false when that map has it already,
   * or holds MAX_ATTRIBUTES, or MAX_OPEN_NAMES are open (then the record leaves the fast path).
   */
  add(b: Uint8Array, start: number, end: number, first: number): boolean {
    if (this.count - first >= MAX_ATTRIBUTES || this.count >= MAX_OPEN_NAMES) return false;
    const size = end - start;
    for (let n = first; n < this.count; n++) {
      const other = this.starts[n] as number;
      if ((this.ends[n] as number) - other !== size) continue;
      let k = 0;
      while (k < size && b[start + k] === b[other + k]) k++;
      if (k === size) return false;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
    return true;
  }
}
