import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GeneratedFile } from '../../../generator/emitters/emitter.js';
import { isUpToDate, planOutput } from '../../../generator/writer/output-plan.js';
import { writeOutput } from '../../../generator/writer/write-output.js';

const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true })));

function outputFolder(files: Record<string, string>): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-out-'));
  folders.push(folder);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    writeFileSync(path.join(folder, name), content);
  }
  return folder;
}

const file = (filePath: string, content: string): GeneratedFile => ({ path: filePath, language: 'typescript', content });

describe('output plan and writer', () => {
  it('classifies stale, missing, extra and unchanged files', async () => {
    const folder = outputFolder({ 'a.ts': 'same', 'b.ts': 'old', 'old/x.ts': 'gone' });
    const plan = await planOutput(folder, [file('a.ts', 'same'), file('b.ts', 'new'), file('c/d.ts', 'added')]);
    expect(plan).toEqual({ stale: ['b.ts'], missing: ['c/d.ts'], extra: ['old/x.ts'], unchanged: ['a.ts'] });
    expect(isUpToDate(plan)).toBe(false);
  });

  it('writes only what changed, removes extras and leaves no temporary files', async () => {
    const folder = outputFolder({ 'a.ts': 'same', 'b.ts': 'old', 'x.ts': 'gone' });
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(path.join(folder, 'a.ts'), past, past);
    const files = [file('a.ts', 'same'), file('b.ts', 'new'), file('c/d.ts', 'added')];
    await writeOutput(folder, files, await planOutput(folder, files));
    expect(statSync(path.join(folder, 'a.ts')).mtime.toISOString()).toBe(past.toISOString());
    expect(readFileSync(path.join(folder, 'b.ts'), 'utf8')).toBe('new');
    expect(readFileSync(path.join(folder, 'c/d.ts'), 'utf8')).toBe('added');
    const after = await planOutput(folder, files);
    expect(isUpToDate(after)).toBe(true);
    expect(after.unchanged).toEqual(['a.ts', 'b.ts', 'c/d.ts']);
  });
});
