/**
 * The one interface the CA's state goes through. Two backends speak the same SQL: embedded PGlite
 * (PostgreSQL compiled to WebAssembly, in process) and a PostgreSQL server through `pg`.
 * Rows come back normalized: bytea as Uint8Array, timestamptz as Date. 64-bit integers are
 * read as text in the SQL (`::text`), because the two drivers return them differently.
 */
import { JpkigenError } from '../../../runtime/errors.js';

export type SqlValue = string | number | boolean | null | Date | Uint8Array | bigint;

export interface SqlResult<Row> {
  readonly rows: Row[];
  /** Rows inserted, updated or deleted by the statement (0 for a SELECT on some drivers). */
  readonly affectedRows: number;
}

export interface SqlExecutor {
  /** One statement with $1… parameters. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<SqlResult<Row>>;
  /** Several statements without parameters (a migration file). */
  exec(sql: string): Promise<void>;
}

export interface SqlClient extends SqlExecutor {
  readonly backend: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed when it resolves (and only then does this resolve), rolled back when it throws. */
  transaction<T>(work: (transaction: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type DatabaseErrorCode = 'DATABASE_UNAVAILABLE' | 'DATABASE_MIGRATION_FAILED' | 'DATABASE_INCONSISTENT' | 'DATABASE_CLOSED';

export class DatabaseError extends JpkigenError {
  declare readonly code: DatabaseErrorCode;

  constructor(code: DatabaseErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** Driver parameters: bigint as decimal text, bytes as a Buffer view (pg wants Buffer), the rest as is. */
export function toDriverValue(value: SqlValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

/** Buffers (pg) become plain Uint8Array views, so both backends hand out the same types. */
export function normalizeRow<Row>(row: Record<string, unknown>): Row {
  for (const [column, value] of Object.entries(row)) {
    if (Buffer.isBuffer(value)) row[column] = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  return row as Row;
}

/** What both backends share: plain calls through one executor, the backend's own transactions, and no use after close. */
export function guardedClient(
  backend: SqlClient['backend'],
  direct: SqlExecutor,
  transaction: <T>(work: (transaction: SqlExecutor) => Promise<T>) => Promise<T>,
  close: () => Promise<void>,
): SqlClient {
  let closed = false;
  const open = (): void => {
    if (closed) throw new DatabaseError('DATABASE_CLOSED', 'the database was closed');
  };
  return {
    backend,
    async query<Row>(sql: string, params?: readonly SqlValue[]) {
      open();
      return direct.query<Row>(sql, params);
    },
    async exec(sql: string) {
      open();
      return direct.exec(sql);
    },
    async transaction<T>(work: (transaction: SqlExecutor) => Promise<T>): Promise<T> {
      open();
      return transaction(work);
    },
    async close() {
      if (closed) return;
      closed = true;
      await close();
    },
  };
}
