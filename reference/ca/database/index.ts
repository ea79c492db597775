export { migrate, migrationsFolder, readMigrations, type Migration } from './migrations.js';
export { openDatabase, type OpenDatabaseOptions } from './open-database.js';
export { openPgliteClient, type PgliteOptions } from './pglite-client.js';
export { openPostgresClient, redactUrl, type PostgresOptions } from './postgres-client.js';
export { DatabaseError, type DatabaseErrorCode, type SqlClient, type SqlExecutor, type SqlResult, type SqlValue } from './sql-client.js';
