/**
 * Numbered migrations (migrations/NNNN-name.sql), applied in order, each in its own transaction
 * together with its row in schema_migrations, so a crash leaves every migration either applied
 * and recorded or neither. An advisory lock keeps two processes from migrating at once.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseError, type SqlClient } from './sql-client.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** An arbitrary constant: the advisory lock id of jpkigen's CA migrations. */
const MIGRATION_LOCK = 7_305_912_001;

/** The migrations folder beside the sources; from dist/, the one in the package's source tree. */
export function migrationsFolder(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'migrations')];
  for (let folder = here; path.dirname(folder) !== folder; folder = path.dirname(folder)) {
    candidates.push(path.join(folder, 'reference', 'ca', 'database', 'migrations'));
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new DatabaseError('DATABASE_MIGRATION_FAILED', `no migrations folder found from ${here}`);
  return found;
}

export async function readMigrations(folder: string = migrationsFolder()): Promise<Migration[]> {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    const match = /^(\d{4})-[a-z0-9-]+\.sql$/u.exec(name);
    if (match === null) throw new DatabaseError('DATABASE_MIGRATION_FAILED', `${path.join(folder, name)}: expected a name like 0001-initial.sql`);
    const version = Number(match[1]);
    if (version !== migrations.length + 1) throw new DatabaseError('DATABASE_MIGRATION_FAILED', `${path.join(folder, name)}: expected migration number ${migrations.length + 1}`);
    migrations.push({ version, name, sql: await readFile(path.join(folder, name), 'utf8') });
  }
  return migrations;
}

/** Applies what is missing; returns the versions applied now. */
export async function migrate(client: SqlClient, migrations?: readonly Migration[]): Promise<number[]> {
  const all = migrations ?? (await readMigrations());
  await client.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  const applied: number[] = [];
  for (const migration of all) {
    const ran = await client.transaction(async (transaction) => {
      await transaction.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const existing = await transaction.query<{ name: string }>('SELECT name FROM schema_migrations WHERE version = $1', [migration.version]);
      if (existing.rows.length > 0) {
        if (existing.rows[0]?.name !== migration.name) {
          throw new DatabaseError('DATABASE_MIGRATION_FAILED', `migration ${migration.version} was applied as ${existing.rows[0]?.name ?? '?'}, but the code now names it ${migration.name}`);
        }
        return false;
      }
      try {
        await transaction.exec(migration.sql);
      } catch (error) {
        throw new DatabaseError('DATABASE_MIGRATION_FAILED', `migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      await transaction.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}
