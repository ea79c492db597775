/** Picks the backend: PostgreSQL when a connection string is given (DATABASE_URL), else PGlite. */
import { migrate } from './migrations.js';
import { openPgliteClient } from './pglite-client.js';
import { openPostgresClient } from './postgres-client.js';
import type { SqlClient } from './sql-client.js';

export interface OpenDatabaseOptions {
  /** postgres://…; when set, PGlite is not used. */
  readonly databaseUrl?: string;
  /** PGlite's data folder; absent (and no databaseUrl): in memory. */
  readonly dataDir?: string;
  /** Apply pending migrations (default true). */
  readonly migrate?: boolean;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<SqlClient> {
  const client =
    options.databaseUrl !== undefined && options.databaseUrl !== ''
      ? await openPostgresClient({ connectionString: options.databaseUrl })
      : await openPgliteClient(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  if (options.migrate !== false) {
    try {
      await migrate(client);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
  }
  return client;
}
