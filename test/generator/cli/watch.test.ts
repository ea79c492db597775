import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repositoryRoot, useTemporaryProjects } from '../../helpers/temporary-project.js';

const project = useTemporaryProjects({ kinds: ['messages'] });

/** Resolves with everything printed once `pattern` has appeared, or rejects after a while. */
function waitForOutput(read: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (pattern.test(read())) {
        clearInterval(poll);
        resolve(read());
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${String(pattern)}; output so far:\n${read()}`));
      }
    }, 50);
  });
}

describe('jpkigen generate --watch', () => {
  it('regenerates after a spec edit and survives a broken spec', async () => {
    const { root } = project();
    const child = spawn(process.execPath, [path.join(repositoryRoot, 'bin/jpkigen.js'), 'generate', '--watch', '--root', root], {
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitForOutput(() => output, /watching/);
      const specFile = path.join(root, 'spec/messages/common/certificate-kind.yaml');
      const original = readFileSync(specFile, 'utf8');
      let seen = output.length;
      writeFileSync(specFile, original.replace('title: CertificateKind', 'title: CertificateKind\nfoo: 1'));
      await waitForOutput(() => output.slice(seen), /certificate-kind\.yaml:\d+:\d+: no property 'foo'/);
      seen = output.length;
      writeFileSync(specFile, original.replace('description: >', 'description: >\n  Edited while watching.'));
      await waitForOutput(() => output.slice(seen), /wrote\s+generated\/messages\/types\.ts/);
      expect(readFileSync(path.join(root, 'generated/messages/types.ts'), 'utf8')).toContain('Edited while watching.');
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill();
    }
  });
});
