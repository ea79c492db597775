/**
 * The two database backends every CA test runs against: PGlite in memory (or in a folder) and a
 * real PostgreSQL server started for the test file (test/helpers/postgres-server.ts).
 */
import { afterAll } from 'vitest';
import { openDatabase, type SqlClient } from '../../../reference/ca/database/index.js';
import { postgresSkipReason, startPostgresServer, type PostgresTestServer } from '../../helpers/postgres-server.js';

export interface Backend {
  readonly name: 'pglite' | 'postgres';
  /** A fresh, migrated, empty database. */
  open(): Promise<SqlClient>;
}

let server: Promise<PostgresTestServer> | undefined;
let databases = 0;

function sharedServer(): Promise<PostgresTestServer> {
  server ??= startPostgresServer();
  return server;
}

afterAll(async () => {
  if (server !== undefined) await (await server).stop();
  server = undefined;
});

export const pgliteBackend: Backend = { name: 'pglite', open: () => openDatabase({}) };

export const postgresBackend: Backend = {
  name: 'postgres',
  async open() {
    const url = await (await sharedServer()).createDatabase(`ca_test_${process.pid}_${(databases += 1)}`);
    return openDatabase({ databaseUrl: url });
  },
};

const skip = postgresSkipReason();
if (skip !== undefined) console.warn(skip);

/** Both backends, unless JPKIGEN_SKIP_POSTGRES=1 says to leave PostgreSQL out. */
export const backends: readonly Backend[] = skip === undefined ? [pgliteBackend, postgresBackend] : [pgliteBackend];

export function postgresServer(): Promise<PostgresTestServer> {
  return sharedServer();
}
