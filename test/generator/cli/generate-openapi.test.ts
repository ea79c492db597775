/**
 * `jpkigen generate openapi` on documents written by others (test/fixtures/openapi: OpenAPI 3.0
 * and 3.1, JSON and YAML, one split over several files) and on a synthetic document of several
 * megabytes: the output must pass strict tsc, and two of them must actually talk over loopback.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeOpenApiDocument } from '../../../bench/fixtures/large-openapi.js';
import { runCli } from '../../helpers/run-cli.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

const FIXTURES = {
  petstore: 'test/fixtures/openapi/petstore-30.yaml',
  graph: 'test/fixtures/openapi/graph-31.json',
  polymorphism: 'test/fixtures/openapi/polymorphism-30.json',
  split: 'test/fixtures/openapi/split/api.yaml',
} as const;

let workspace: string;

/** tsc with the strictest flags this project uses, over everything generated into the workspace. */
function strictTsc(emit: boolean): { status: number | null; output: string } {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023', 'DOM'],
      types: ['node'],
      typeRoots: [path.join(repositoryRoot, 'node_modules', '@types')],
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noImplicitOverride: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      skipLibCheck: true,
      ...(emit ? { outDir: 'built', rootDir: 'out' } : { noEmit: true }),
    },
    include: ['out/**/*.ts'],
  };
  writeFileSync(path.join(workspace, 'tsconfig.json'), JSON.stringify(config, null, 2));
  const result = spawnSync(process.execPath, [path.join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', workspace], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  // A consumer project: `jpkigen` resolves to this package (its built dist/), as after `npm install jpkigen`.
  workspace = mkdtempSync(path.join(tmpdir(), 'jpkigen-openapi-'));
  mkdirSync(path.join(workspace, 'node_modules'));
  symlinkSync(repositoryRoot, path.join(workspace, 'node_modules', 'jpkigen'), 'dir');
  writeFileSync(path.join(workspace, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('jpkigen generate openapi', () => {
  it.each(Object.entries(FIXTURES))('generates %s', (name, file) => {
    const run = runCli(['generate', 'openapi', file, '--out', path.join(workspace, 'out', name), '--json']);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { files: string[]; operations: number };
    expect(summary.files).toEqual(expect.arrayContaining(['types.ts', 'client.ts', 'server.ts', 'validators.js', 'reference.html']));
    expect(summary.operations).toBeGreaterThan(0);
  });

  it('generates a document of several megabytes', () => {
    const file = path.join(workspace, 'large.json');
    const text = JSON.stringify(largeOpenApiDocument(700, 900), null, 2);
    writeFileSync(file, text);
    expect(text.length).toBeGreaterThan(3_000_000);
    const run = runCli(['generate', 'openapi', file, '--out', path.join(workspace, 'out', 'large'), '--no-format', '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as { operations: number }).operations).toBe(1800);
  }, 240_000);

  it('produces output that passes strict tsc (all documents together)', () => {
    const result = strictTsc(false);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, 240_000);

  it('output of two documents runs: the generated client talks to the generated server on loopback', async () => {
    // Only the two small documents are compiled to JavaScript and run.
    rmSync(path.join(workspace, 'out', 'large'), { recursive: true, force: true });
    const result = strictTsc(true);
    expect(result.output).toBe('');
    for (const name of ['petstore', 'graph']) {
      for (const file of ['validators.js', 'validators.d.ts']) {
        writeFileSync(path.join(workspace, 'built', name, file), readFileSync(path.join(workspace, 'out', name, file)));
      }
    }
    const petstore = (await import(pathToFileURL(path.join(workspace, 'built', 'petstore', 'index.js')).href)) as Record<string, unknown>;
    const graph = (await import(pathToFileURL(path.join(workspace, 'built', 'graph', 'index.js')).href)) as Record<string, unknown>;

    const petServer = (petstore['createPetstore30Server'] as (handlers: unknown) => Server)((petstore['createPetstore30MockHandlers'] as () => unknown)());
    const graphServer = (graph['createGraph31Server'] as (handlers: unknown) => Server)((graph['createGraph31MockHandlers'] as () => unknown)());
    const listening = await Promise.all(
      [petServer, graphServer].map(
        (server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))),
      ),
    );
    try {
      const PetClient = petstore['Petstore30Client'] as new (options: object) => Record<string, (input?: unknown) => Promise<{ status: number; body: unknown }>>;
      const pets = new PetClient({ baseUrl: `http://127.0.0.1:${listening[0]}` });
      const page = await pets['listPets']?.({ query: { limit: 10, tags: ['cat', 'small'] }, header: { 'X-Request-Id': '3fa85f64-5717-4562-b3fc-2c963f66afa6' }, cookie: { session: 'abc' } });
      expect(page?.status).toBe(200);
      expect(page?.body).toEqual([{ id: 1, name: 'Tama', status: 'available', tag: null, attributes: { colour: 'white' } }]);
      const created = await pets['createPet']?.({ body: { name: 'Pochi', status: 'pending', tag: null } });
      expect(created?.status).toBe(201);
      // The 3.0 document's boolean exclusiveMinimum: petId 0 is out of range.
      const refused = await pets['getPetsByPetId']?.({ path: { petId: 0 } }).catch((error: unknown) => error);
      expect((refused as { status: number; problem: { errors: { pointer: string }[] } }).status).toBe(400);
      expect((refused as { problem: { errors: { pointer: string }[] } }).problem.errors.map((error) => error.pointer)).toContain('#/path/petId');
      const missingHeader = await pets['listPets']?.({ header: {} }).catch((error: unknown) => error);
      expect((missingHeader as { status: number }).status).toBe(400);
      const photo = await pets['uploadPhoto']?.({ path: { petId: 1 }, body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), contentType: 'image/png' });
      expect(photo?.status).toBe(204);

      const GraphClient = graph['Graph31Client'] as new (options: object) => Record<string, (input?: unknown) => Promise<{ status: number; body: unknown }>>;
      const nodes = new GraphClient({ baseUrl: `http://127.0.0.1:${listening[1]}` });
      const node = await nodes['getNode']?.({ path: { id: 'root' }, query: { depth: 2, include: 'all' } });
      expect(node?.body).toEqual({ id: 'root', label: null, children: [{ id: 'leaf', label: 'Leaf', children: [] }] });
      const shape = await nodes['addShape']?.({ body: { kind: 'circle', radius: 2 } });
      expect(shape?.status).toBe(200);
      const badShape = await nodes['addShape']?.({ body: { kind: 'circle', radius: -1 } }).catch((error: unknown) => error);
      expect((badShape as { status: number }).status).toBe(400);
      const patched = await nodes['patchNode']?.({ path: { id: 'root' }, body: { label: 'Renamed' }, contentType: 'application/merge-patch+json' });
      expect(patched?.status).toBe(200);
    } finally {
      await Promise.all([petServer, graphServer].map((server) => new Promise((resolve) => server.close(resolve))));
    }
  }, 240_000);

  it('reports a document that is not OpenAPI 3.x, and a $ref to nowhere, with exit code 2', () => {
    const swagger = path.join(workspace, 'swagger.json');
    writeFileSync(swagger, JSON.stringify({ swagger: '2.0', info: { title: 'old', version: '1' }, paths: {} }));
    const old = runCli(['generate', 'openapi', swagger, '--out', path.join(workspace, 'nowhere')]);
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(/OpenAPI 3\.0 or 3\.1/);
    const dangling = path.join(workspace, 'dangling.yaml');
    writeFileSync(dangling, 'openapi: 3.1.0\ninfo: { title: d, version: "1" }\npaths:\n  /a:\n    get:\n      responses:\n        "200": { description: ok, content: { application/json: { schema: { $ref: "./missing.yaml" } } } }\n');
    const missing = runCli(['generate', 'openapi', dangling, '--out', path.join(workspace, 'nowhere')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/missing\.yaml/);
  });
});

