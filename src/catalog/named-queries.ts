import { readdirSync, readFileSync } from 'node:fs';
import { PipelineError } from '../errors/pipeline-error.ts';

const SQL_DIR = new URL('./sql/', import.meta.url);

/** A name asked for that is not a named query: the message offers the closest one, or lists them all. */
export class UnknownNamedQueryError extends PipelineError {
  constructor(readonly queryName: string) {
    const closest = closestName(queryName, namedQueries());
    super(
      'catalog',
      'UNKNOWN_NAMED_QUERY',
      `There is no named query ${JSON.stringify(queryName)}` +
        (closest
          ? `: did you mean ${closest}? (\`gadget-cdc query\` lists them all)`
          : ` (nor is it SQL). The named queries are ${namedQueries().join(', ')}; or give a SQL statement.`),
    );
  }
}

/** The named queries: `src/catalog/sql/<name>.sql`, written in the SQL both Athena and DuckDB run. */
export function namedQueries(): string[] {
  return readdirSync(SQL_DIR)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -4))
    .sort();
}

/**
 * True when `text` is meant as a query's name rather than SQL: a single word (no statement is one word that
 * the lake answers), so a misspelt name is reported as one instead of as a SQL syntax error.
 */
export function isQueryName(text: string): boolean {
  return /^[A-Za-z_][\w-]*$/.test(text.trim());
}

/** The files ship with the code and never change while it runs: each is read once. */
const sqlTexts = new Map<string, string>();

export function namedQuerySql(name: string): string {
  const known = sqlTexts.get(name);
  if (known !== undefined) return known;
  if (!namedQueries().includes(name)) throw new UnknownNamedQueryError(name);
  const sql = readFileSync(new URL(`${name}.sql`, SQL_DIR), 'utf8');
  sqlTexts.set(name, sql);
  return sql;
}

/** What a named query is for: the first comment line of its file. */
export function namedQuerySummary(name: string): string {
  return /^--\s*[\w]+:\s*(.*)$/m.exec(namedQuerySql(name))?.[1] ?? '';
}

/**
 * The name nearest to `wanted` if one is near enough to be what was meant: within a third of its length in
 * edits (at least 2), or holding `wanted` whole (3 letters or more), case aside.
 */
export function closestName(wanted: string, names: readonly string[]): string | undefined {
  const word = wanted.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(word, name.toLowerCase());
    const near =
      distance <= Math.max(2, Math.floor(name.length / 3)) ||
      (word.length >= 3 && name.toLowerCase().includes(word));
    if (near && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
