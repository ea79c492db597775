/** `jpkigen conformance scp03` as a user runs it: the shared vectors on both sides, a broken file, JUnit. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { sharedVectorFolder, vectorFiles } from '../runtime/scp03/vectors.js';

const shared = vectorFiles(sharedVectorFolder);

describe('jpkigen conformance scp03', () => {
  it.each(['host', 'card'])('passes every shared vector file on the %s side, one line per file', (side) => {
    const run = runCli(['conformance', 'scp03', '--side', side, ...shared]);
    const lines = run.stdout.trimEnd().split('\n');
    expect(run.status).toBe(0);
    expect(lines).toHaveLength(shared.length + 1);
    expect(lines.slice(0, -1).every((line) => line.startsWith('PASS '))).toBe(true);
    expect(lines.at(-1)).toBe(`${shared.length} passed, 0 failed`);
  });

  it('fails a file whose expected wrapped command was altered, naming the step, and writes JUnit', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-scp03-cli-'));
    const vectors = JSON.parse(readFileSync(path.join(sharedVectorFolder, 'pysim-aes128-33.json'), 'utf8')) as { steps: { op: string; wrapped?: string }[] };
    const step = vectors.steps.findIndex((candidate) => candidate.op === 'wrapCommand');
    const wrapped = vectors.steps[step]?.wrapped ?? '';
    vectors.steps[step] = { ...vectors.steps[step]!, wrapped: `${wrapped.slice(0, -2)}${wrapped.endsWith('00') ? '01' : '00'}` };
    const broken = path.join(folder, 'broken.json');
    writeFileSync(broken, JSON.stringify(vectors));
    const junit = path.join(folder, 'report.xml');

    const run = runCli(['conformance', 'scp03', '--junit', junit, shared[0]!, broken]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`FAIL broken\\.json \\(host, SCP03; .*/steps/${step} wrapCommand`));
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="jpkigen conformance scp03" tests="\d+" failures="1">/);
    expect(xml).toContain(`<testcase name="/steps/${step} wrapCommand" classname="host: broken.json">`);
  });

  it('reports a missing or non-JSON file as failed, never crashing', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-scp03-cli-'));
    const notJson = path.join(folder, 'not.json');
    writeFileSync(notJson, '{"protocol": "SCP03",');
    const run = runCli(['conformance', 'scp03', '--json', notJson, path.join(folder, 'missing.json')]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { passed: number; failed: number; results: { checks: { step: string; detail: string }[] }[] };
    expect([report.passed, report.failed]).toEqual([0, 2]);
    expect(report.results.map((result) => result.checks[0]?.step)).toEqual(['parse', 'read']);
  });

  it('refuses an unknown side with a usage error', () => {
    const run = runCli(['conformance', 'scp03', '--side', 'middle', shared[0]!]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/side/);
  });
});
