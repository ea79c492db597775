/** SqlClient over embedded PGlite: a data folder on disk, or memory only. */
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { DatabaseError, guardedClient, normalizeRow, toDriverValue, type SqlClient, type SqlExecutor, type SqlResult, type SqlValue } from './sql-client.js';

export interface PgliteOptions {
  /** A folder for the database files; absent: in memory, gone with the process. */
  readonly dataDir?: string;
}

type PgliteQueryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function executorOver(target: PgliteQueryable): SqlExecutor {
  return {
    async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<SqlResult<Row>> {
      const result = await target.query<Record<string, unknown>>(sql, params.map(toDriverValue) as unknown[]);
      return { rows: result.rows.map((row) => normalizeRow<Row>(row)), affectedRows: result.affectedRows ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

export async function openPgliteClient(options: PgliteOptions = {}): Promise<SqlClient> {
  let database: PGlite;
  try {
    // relaxedDurability stays off: a query resolves only after its writes reached the file system.
    database = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir, relaxedDurability: false });
  } catch (error) {
    throw new DatabaseError('DATABASE_UNAVAILABLE', `cannot open the PGlite database${options.dataDir === undefined ? '' : ` in ${options.dataDir}`}: ${(error as Error).message}`, { cause: error });
  }
  return guardedClient(
    'pglite',
    executorOver(database),
    (work) => database.transaction((transaction) => work(executorOver(transaction))),
    () => database.close(),
  );
}
