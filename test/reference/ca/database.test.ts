/** The SqlClient contract on both backends: same SQL, same migrations, same value types, real transactions. */
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseError, migrate, readMigrations, type SqlClient } from '../../../reference/ca/database/index.js';
import { backends } from './backends.js';

describe.each(backends)('SqlClient on $name', (backend) => {
  let client: SqlClient | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
  });

  it('applies every migration once, in order, and records each', async () => {
    client = await backend.open();
    const migrations = await readMigrations();
    const recorded = await client.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(recorded.rows.map((row) => [row.version, row.name])).toEqual(migrations.map((migration) => [migration.version, migration.name]));
    expect(await migrate(client)).toEqual([]);
    const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    expect(tables.rows.map((row) => row.table_name)).toEqual(['ca_generations', 'certificates', 'change_counter', 'holders', 'linkage_records', 'schema_migrations']);
  });

  it('refuses a migration renamed after it was applied', async () => {
    client = await backend.open();
    const migrations = await readMigrations();
    const renamed = migrations.map((migration) => (migration.version === 1 ? { ...migration, name: '0001-other.sql' } : migration));
    await expect(migrate(client, renamed)).rejects.toMatchObject({ code: 'DATABASE_MIGRATION_FAILED' });
  });

  it('round-trips bytes, times and 64-bit integers as the same JavaScript types', async () => {
    client = await backend.open();
    const bytes = new Uint8Array([0, 1, 0xfe, 0xff]);
    const time = new Date('2026-11-29T01:02:03.456Z');
    const result = await client.query<{ b: Uint8Array; t: Date; n: string }>('SELECT $1::bytea AS b, $2::timestamptz AS t, ($3::bigint + 1)::text AS n', [bytes, time, 9_007_199_254_740_993n]);
    const row = result.rows[0];
    expect(row?.b).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(row?.b)).toBe(false);
    expect([...(row?.b ?? [])]).toEqual([...bytes]);
    expect(row?.t.getTime()).toBe(time.getTime());
    expect(row?.n).toBe('9007199254740994');
  });

  it('commits a transaction whole and rolls a failed one back whole', async () => {
    client = await backend.open();
    await client.transaction(async (transaction) => {
      await transaction.query('UPDATE change_counter SET value = value + 1');
      await transaction.query('UPDATE change_counter SET value = value + 1');
    });
    await expect(
      client.transaction(async (transaction) => {
        await transaction.query('UPDATE change_counter SET value = value + 10');
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    await expect(
      client.transaction(async (transaction) => {
        await transaction.query('UPDATE change_counter SET value = value + 10');
        await transaction.query('UPDATE change_counter SET value = -1');
      }),
    ).rejects.toThrow();
    const counter = await client.query<{ value: string }>('SELECT value::text AS value FROM change_counter');
    expect(counter.rows[0]?.value).toBe('2');
  });

  it('is unusable after close, with a typed error', async () => {
    const closing = await backend.open();
    await closing.close();
    await expect(closing.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseError);
  });
});
