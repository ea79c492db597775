import { describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { check, generate } from '../../../generator/pipeline/run-generation.js';
import { projectLayout } from '../../../generator/pipeline/project-layout.js';
import { SpecError } from '../../../generator/spec-error.js';
import { repositoryRoot, snapshotTree, useTemporaryProjects } from '../../helpers/temporary-project.js';

/** Only the message designs: the pipeline's behaviour, without the cost of all five kinds. */
const project = useTemporaryProjects({ kinds: ['messages'] });
const fullProject = useTemporaryProjects();

describe('generate', () => {
  it('reproduces the committed generated/ byte for byte, with and without the format cache', async () => {
    const committed = snapshotTree(path.join(repositoryRoot, 'generated'));
    const { root } = fullProject();
    rmSync(path.join(root, 'generated'), { recursive: true });
    await generate(projectLayout(root, { cache: false }));
    expect(snapshotTree(path.join(root, 'generated'))).toEqual(committed);
    rmSync(path.join(root, 'generated'), { recursive: true });
    await generate(projectLayout(root));
    await generate(projectLayout(root), { force: true });
    expect(snapshotTree(path.join(root, 'generated'))).toEqual(committed);
  }, 300_000);

  it('answers a no-change run from the last-run record and notices a hand edit', async () => {
    const { root } = project();
    const layout = projectLayout(root);
    await generate(layout, { force: true });
    const again = await generate(layout);
    expect(again).toEqual({ upToDate: true, written: [], removed: [], summary: undefined });
    appendFileSync(path.join(root, 'generated/messages/types.ts'), '// edited by hand\n');
    const repaired = await generate(layout);
    expect(repaired.written).toEqual(['messages/types.ts']);
  });

  it('names the stale file when a spec changes, and regenerating fixes it', async () => {
    const { root } = project();
    const specFile = path.join(root, 'spec/messages/common/certificate-kind.yaml');
    writeFileSync(specFile, readFileSync(specFile, 'utf8').replace('description: >', 'description: >\n  Edited.'));
    const stale = await check(projectLayout(root));
    expect(stale.upToDate).toBe(false);
    expect(stale.plan.stale).toContain('messages/types.ts');
    expect(stale.plan.stale).toContain('MANIFEST.json');
    await generate(projectLayout(root));
    expect((await check(projectLayout(root))).upToDate).toBe(true);
  });

  it('lists extra files in generated/ and removes them', async () => {
    const { root } = project();
    writeFileSync(path.join(root, 'generated/messages/stray.ts'), 'export {};\n');
    expect((await check(projectLayout(root))).plan.extra).toEqual(['messages/stray.ts']);
    const result = await generate(projectLayout(root), { force: true });
    expect(result.removed).toEqual(['messages/stray.ts']);
  });

  it('leaves generated/ untouched when a spec is broken', async () => {
    const { root } = project();
    const before = snapshotTree(path.join(root, 'generated'));
    const specFile = path.join(root, 'spec/messages/mynaportal/auth-request.yaml');
    writeFileSync(specFile, readFileSync(specFile, 'utf8').replace('type: object', 'type: objec'));
    await expect(generate(projectLayout(root), { force: true })).rejects.toBeInstanceOf(SpecError);
    expect(snapshotTree(path.join(root, 'generated'))).toEqual(before);
  });
});
