/**
 * A throw-away PostgreSQL server for the tests: initdb into a temporary folder, start it on
 * 127.0.0.1 on a free port, hand out databases, and stop and remove it afterwards. The binaries
 * are found by globbing /usr/lib/postgresql/<version>/bin (Debian's layout; newest first) or
 * JPKIGEN_POSTGRES_BIN. PostgreSQL refuses to run as root, so as root every command runs as the
 * `postgres` OS user (runuser), which then owns the folder.
 *
 * Missing binaries are an error, not a skip: CI installs `postgresql`. Locally, set
 * JPKIGEN_SKIP_POSTGRES=1 to skip the PostgreSQL half on purpose (postgresUnavailableReason()).
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresTestServer {
  readonly port: number;
  readonly folder: string;
  /** A connection string for the `postgres` database. */
  readonly url: string;
  /** Creates an empty database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server abruptly (`pg_ctl stop -m immediate`, a crash: no shutdown checkpoint). */
  crash(): Promise<void>;
  /** Starts it again on the same folder and port (after crash()). */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

export function findPostgresBinaries(): string | undefined {
  const configured = process.env['JPKIGEN_POSTGRES_BIN'];
  if (configured !== undefined && configured !== '') return existsSync(path.join(configured, 'initdb')) ? configured : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((entry) => /^\d+(\.\d+)?$/u.test(entry) && existsSync(path.join(root, entry, 'bin', 'initdb')) && existsSync(path.join(root, entry, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

/** Why the PostgreSQL tests are skipped, or undefined when they run. Only an explicit JPKIGEN_SKIP_POSTGRES=1 skips. */
export function postgresSkipReason(): string | undefined {
  if (process.env['JPKIGEN_SKIP_POSTGRES'] === '1') {
    return 'JPKIGEN_SKIP_POSTGRES=1: the PostgreSQL half of the CA tests is skipped on purpose';
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function postgresUserIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const fields = line?.split(':');
  if (fields === undefined || fields.length < 4) throw new Error('running as root, but there is no `postgres` OS user to run PostgreSQL as (install the Debian package `postgresql`)');
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

export async function startPostgresServer(): Promise<PostgresTestServer> {
  const bin = findPostgresBinaries();
  if (bin === undefined) {
    throw new Error(
      'PostgreSQL server binaries not found (looked for /usr/lib/postgresql/<version>/bin/initdb and JPKIGEN_POSTGRES_BIN). ' +
        'Install the Debian package `postgresql` (CI does), or set JPKIGEN_SKIP_POSTGRES=1 to skip the PostgreSQL half on purpose.',
    );
  }
  const asRoot = process.getuid?.() === 0;
  const folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-pg-'));
  if (asRoot) {
    const { uid, gid } = postgresUserIds();
    chownSync(folder, uid, gid);
  }
  const dataFolder = path.join(folder, 'data');
  const logFile = path.join(folder, 'server.log');
  const command = async (tool: string, args: readonly string[]): Promise<void> => {
    const executable = path.join(bin, tool);
    try {
      if (asRoot) await run('runuser', ['-u', 'postgres', '--', executable, ...args], { cwd: folder });
      else await run(executable, [...args], { cwd: folder });
    } catch (error) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${tool} ${args.join(' ')} failed: ${(error as Error).message}\n${log}`, { cause: error });
    }
  };
  await command('initdb', ['-D', dataFolder, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  let port = 0;
  const start = async (): Promise<void> => {
    await command('pg_ctl', ['-D', dataFolder, '-l', logFile, '-w', '-t', '60', '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${folder} -c fsync=on -c synchronous_commit=on`, 'start']);
  };
  // Another process may take the port between our probe and the server's bind: try a few.
  for (let attempt = 0; ; attempt += 1) {
    port = await freePort();
    try {
      await start();
      break;
    } catch (error) {
      if (attempt >= 4) {
        rmSync(folder, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let running = true;
  return {
    port,
    folder,
    url,
    async createDatabase(name: string) {
      if (!/^[a-z][a-z0-9_]{0,62}$/u.test(name)) throw new Error(`database name ${name}: lower-case letters, digits and _`);
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async crash() {
      await command('pg_ctl', ['-D', dataFolder, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    async restart() {
      await start();
      running = true;
    },
    async stop() {
      try {
        if (running) await command('pg_ctl', ['-D', dataFolder, '-m', 'fast', '-w', 'stop']);
      } finally {
        running = false;
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
