/**
 * `openssl ocsp` as the independent OCSP client. Asynchronous on purpose: the responder under test
 * usually runs in the test's own process, which a synchronous child would block.
 */
import { execFile } from 'node:child_process';

export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runOpenssl(args: readonly string[], cwd: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile('openssl', args, { cwd, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ status, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** One certificate's lines of `openssl ocsp` output: `<file>: good|revoked|unknown` and what follows it. */
export function ocspStatusOf(output: string, certificatePath: string): { status: string; reason?: string; revocationTime?: string } | undefined {
  const lines = output.split('\n');
  const index = lines.findIndex((line) => line.startsWith(`${certificatePath}: `));
  if (index < 0) return undefined;
  const status = (lines[index] ?? '').slice(certificatePath.length + 2).trim();
  const result: { status: string; reason?: string; revocationTime?: string } = { status };
  for (const line of lines.slice(index + 1, index + 6)) {
    const reason = /^\s*Reason: (.+)$/.exec(line);
    if (reason?.[1] !== undefined) result.reason = reason[1].trim();
    const time = /^\s*Revocation Time: (.+)$/.exec(line);
    if (time?.[1] !== undefined) result.revocationTime = time[1].trim();
  }
  return result;
}
