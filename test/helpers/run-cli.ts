import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repositoryRoot } from './temporary-project.js';

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `jpkigen` command as a user would (dist/ is built by `npm test` first). */
export function runCli(args: readonly string[], options: { input?: string; cwd?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [path.join(repositoryRoot, 'bin', 'jpkigen.js'), ...args], {
    cwd: options.cwd ?? repositoryRoot,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
