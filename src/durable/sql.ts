/**
 * Small helpers over a Durable Object's SQLite API (`ctx.storage.sql`). Every call is synchronous: a
 * method that does all its SQL before its first `await` runs as one uninterrupted step, which is what
 * keeps each object's invariants under concurrent requests (a Durable Object only interleaves requests
 * at `await` points).
 */

/** A row as the SQLite API returns it. */
export type Row = Record<string, SqlStorageValue>;

/** Creates the tables and indexes a class needs (each statement `IF NOT EXISTS`, so safe on every start). */
export function applySchema(sql: SqlStorage, statements: readonly string[]): void {
  for (const statement of statements) sql.exec(statement);
}

/** The first row of a query, or null when there is none. */
export function firstRow<T extends Row>(
  sql: SqlStorage,
  query: string,
  ...bindings: SqlStorageValue[]
): T | null {
  for (const row of sql.exec<T>(query, ...bindings)) return row;
  return null;
}

/** How many rows a statement yields: with `RETURNING`, how many rows a write changed. */
export function countRows(sql: SqlStorage, query: string, ...bindings: SqlStorageValue[]): number {
  return sql.exec(query, ...bindings).toArray().length;
}
