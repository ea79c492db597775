import type { CommandModule } from 'yargs';
import { check } from '../../pipeline/run-generation.js';
import { colour, ExitCode, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';
import { layoutFrom, withLayoutOptions, type LayoutOptions } from './shared-options.js';

export const checkCommand: CommandModule<{ json: boolean }, LayoutOptions> = {
  command: 'check',
  describe: 'Exit 1 and list every stale, missing or extra file when generated/ differs from what spec/ gives',
  builder: (yargs) => withLayoutOptions(yargs) as never,
  handler: async (options) => {
    try {
      const { upToDate, plan } = await check(layoutFrom(options));
      if (options.json) printJson({ ok: upToDate, stale: plan.stale, missing: plan.missing, extra: plan.extra });
      else {
        for (const file of plan.stale) printLine(`${colour.red('stale')}   generated/${file}`);
        for (const file of plan.missing) printLine(`${colour.red('missing')} generated/${file}`);
        for (const file of plan.extra) printLine(`${colour.red('extra')}   generated/${file}`);
        printLine(upToDate ? colour.green('generated/ matches spec/') : 'generated/ is out of date: run `jpkigen generate`');
      }
      process.exitCode = upToDate ? ExitCode.ok : ExitCode.failed;
    } catch (error) {
      process.exitCode = reportError(error, options.json);
    }
  },
};
