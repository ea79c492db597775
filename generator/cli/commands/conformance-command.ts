import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import type { Scp03Side } from '../../../conformance/scp03/index.js';
import { colour, ExitCode, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';
import { cardConformanceCommands } from './conformance-card-commands.js';

interface Scp03Options {
  readonly json: boolean;
  readonly files: readonly string[];
  readonly side: Scp03Side;
  readonly junit: string | undefined;
}

/**
 * `jpkigen conformance scp03 <files…>`: replays SCP03 vector files (format of
 * vectors/scp03/FORMAT.md) on the host or the card side; a third party adds files in that format.
 */
const scp03Command: CommandModule<{ json: boolean }, Scp03Options> = {
  command: 'scp03 <files..>',
  describe: 'Replay SCP03 vector files on the host side or the card side',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'vector files (JSON)' })
      .option('side', { choices: ['host', 'card'] as const, default: 'host' as const, describe: 'which end of the channel jpkigen plays' })
      .option('junit', { type: 'string', describe: 'also write a JUnit XML report to this file' }) as never,
  handler: async (options) => {
    try {
      // Loaded here, not at the top: other commands should not pay for the suite.
      const { formatScp03ReplayLine, replayScp03VectorFiles, summarizeScp03Results } = await import('../../../conformance/scp03/index.js');
      const { formatJunit } = await import('../../../conformance/report/junit.js');
      const results = await replayScp03VectorFiles(options.files, options.side);
      const { passed, failed } = summarizeScp03Results(results);
      if (options.junit !== undefined) {
        const suites = results.map((result) => ({
          name: `${result.side}: ${result.file === undefined ? (result.name ?? '(unnamed)') : path.basename(result.file)}`,
          cases: result.checks.map((check) => ({ name: check.step, ...(check.ok ? {} : { failure: check.detail ?? 'failed' }) })),
        }));
        await writeFile(options.junit, formatJunit('jpkigen conformance scp03', suites));
      }
      if (options.json) printJson({ ok: failed === 0, passed, failed, results });
      else {
        for (const result of results) {
          const line = formatScp03ReplayLine(result);
          printLine(result.passed ? line.replace(/^PASS/, colour.green('PASS')) : line.replace(/^FAIL/, colour.red('FAIL')));
        }
        printLine(`${passed} passed, ${failed} failed`);
      }
      process.exitCode = failed === 0 ? ExitCode.ok : ExitCode.failed;
    } catch (error) {
      process.exitCode = reportError(error, options.json);
    }
  },
};

export const conformanceCommand: CommandModule<{ json: boolean }, { json: boolean }> = {
  command: 'conformance',
  describe: 'Run a conformance suite against vector files or an implementation',
  builder: (yargs: Argv<{ json: boolean }>) =>
    yargs
      .command(scp03Command)
      .command(cardConformanceCommands[0])
      .command(cardConformanceCommands[1])
      .demandCommand(1, 'name a suite') as never,
  handler: () => undefined,
};
