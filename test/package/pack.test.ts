/**
 * The package as a consumer gets it: `npm pack`, installed into an empty project, must load every
 * documented entry point from plain Node and start the CLI. The install runs offline: the
 * consumer's lockfile is derived from ours, so npm takes every dependency from its cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repositoryRoot } from '../helpers/temporary-project.js';

interface LockEntry {
  version?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

const packageJson = JSON.parse(readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
  bin: Record<string, string>;
};
let workspace: string;
let consumer: string;

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'jpkigen-pack-'));
  consumer = path.join(workspace, 'consumer');
  mkdirSync(consumer);
  // dist/ is already built by `npm test`; --ignore-scripts keeps pack from rebuilding it under running tests.
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workspace], { cwd: repositoryRoot, encoding: 'utf8' }),
  ) as { filename: string }[];
  const tarball = path.join(workspace, packed?.filename ?? '');
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { jpkigen: `file:${tarball}` } }));
  writeFileSync(path.join(consumer, 'package-lock.json'), JSON.stringify(consumerLockfile(tarball)));
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: consumer, stdio: 'pipe' });
}, 120_000);

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function consumerLockfile(tarball: string) {
  const ours = JSON.parse(readFileSync(path.join(repositoryRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  // This workplace's npm omits registry URLs from lockfiles; give them back so npm can fetch by
  // integrity from its cache instead of resolving versions through the registry.
  const registry = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim().replace(/\/$/, '');
  const runtimePackages = Object.entries(ours.packages)
    .filter(([key, entry]) => key.startsWith('node_modules/') && entry.dev !== true)
    .map(([key, entry]) => [key, { resolved: tarballUrl(registry, key, entry), ...entry }] as const);
  return {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', dependencies: { jpkigen: `file:${tarball}` } },
      'node_modules/jpkigen': {
        version: packageJson.version,
        resolved: `file:${tarball}`,
        integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
        dependencies: packageJson.dependencies,
        bin: packageJson.bin,
      },
      ...Object.fromEntries(runtimePackages),
    },
  };
}

function tarballUrl(registry: string, key: string, entry: LockEntry): string {
  const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const basename = name.includes('/') ? name.slice(name.indexOf('/') + 1) : name;
  return `${registry}/${name}/-/${basename}-${entry.version ?? ''}.tgz`;
}

function runNode(code: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: consumer, encoding: 'utf8' });
}

describe('the packed package in an empty project', () => {
  it.each(Object.keys(packageJson.exports).filter((key) => key !== './package.json'))('imports %s', (entry) => {
    const specifier = entry === '.' ? 'jpkigen' : `jpkigen/${entry.slice(2)}`;
    const run = runNode(`const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`);
    expect(run.stderr).toBe('');
    expect(Number(run.stdout.trim())).toBeGreaterThan(0);
  });

  it('parses and rejects messages through jpkigen/messages', () => {
    const run = runNode(`
      import('jpkigen/messages').then(({ parseCertificateKind, isCertificateKind }) => {
        console.log(parseCertificateKind('signature'), isCertificateKind('encryption'));
        try { parseCertificateKind('encryption'); } catch (error) { console.log(error.code, error.issues[0].keyword); }
      });`);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual(['signature false', 'VALIDATION_FAILED enum']);
  });

  it('starts the CLI with npx', () => {
    const run = spawnSync('npx', ['--offline', 'jpkigen', '--help'], { cwd: consumer, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('jpkigen <command>');
  });
});
