/** SqlClient over a PostgreSQL server (`pg` pool), for DATABASE_URL deployments. */
import pg from 'pg';
import { DatabaseError, guardedClient, normalizeRow, toDriverValue, type SqlClient, type SqlExecutor, type SqlResult, type SqlValue } from './sql-client.js';

export interface PostgresOptions {
  /** postgres://user@host:port/database */
  readonly connectionString: string;
  readonly maxConnections?: number;
}

type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

function executorOver(target: Queryable): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult<Row>> {
      const result = await target.query(sql, params.map(toDriverValue));
      return { rows: result.rows.map((row: Record<string, unknown>) => normalizeRow<Row>(row)), affectedRows: result.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      // Without parameters pg sends a simple query, which may hold several statements.
      await target.query(sql);
    },
  };
}

export async function openPostgresClient(options: PostgresOptions): Promise<SqlClient> {
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 });
  // An idle connection dropped by the server must not crash the process.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseError('DATABASE_UNAVAILABLE', `cannot reach PostgreSQL at ${redactUrl(options.connectionString)}: ${(error as Error).message}`, { cause: error });
  }
  const inTransaction = async <T>(work: (transaction: SqlExecutor) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(executorOver(client));
      // synchronous_commit is on by default: COMMIT returns once the WAL is flushed.
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  };
  return guardedClient('postgres', executorOver(pool), inTransaction, () => pool.end());
}

/** Connection strings may carry a password: never print it. */
export function redactUrl(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparseable connection string)';
  }
}
