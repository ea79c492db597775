import { readFile } from 'node:fs/promises';
import type { CommandModule } from 'yargs';
import { colour, ExitCode, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

interface ValidateOptions {
  readonly json: boolean;
  readonly type: string;
  readonly file: string;
}

/** Checks a JSON document against one of jpkigen's message designs. */
export const validateCommand: CommandModule<{ json: boolean }, ValidateOptions> = {
  command: 'validate <type> <file>',
  describe: 'Validate a JSON file (or - for stdin) against a message type, e.g. `jpkigen validate AuthRequest request.json`',
  builder: (yargs) =>
    yargs
      .positional('type', { type: 'string', demandOption: true, describe: 'message type name' })
      .positional('file', { type: 'string', demandOption: true, describe: 'JSON file, or - for standard input' }) as never,
  handler: async (options) => {
    // yargs hands a lone "-" over as an empty string
    const fromStdin = options.file === '-' || options.file === '';
    try {
      const { messageDescriptors } = await import('../../../generated/messages/index.js');
      const descriptor = (messageDescriptors as Record<string, { parse(json: unknown): unknown }>)[options.type];
      if (descriptor === undefined) {
        throw new UsageError(`unknown message type '${options.type}'; known: ${Object.keys(messageDescriptors).join(', ')}`);
      }
      const text = fromStdin ? await readStdin() : await readFile(options.file, 'utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new UsageError(`${options.file}: not JSON (${(error as Error).message})`);
      }
      descriptor.parse(json);
      if (options.json) printJson({ ok: true, type: options.type });
      else printLine(`${colour.green('valid')} ${options.type}`);
      process.exitCode = ExitCode.ok;
    } catch (error) {
      if (error instanceof UsageError) {
        process.exitCode = ExitCode.usage;
        if (options.json) printJson({ ok: false, error: { code: 'USAGE', message: error.message } });
        else process.stderr.write(`${colour.red('error')} ${error.message}\n`);
      } else process.exitCode = reportError(error, options.json);
    }
  },
};

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
