import { watch } from 'node:fs';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { packageRoot } from '../../package-root.js';
import { generate, type GenerateResult } from '../../pipeline/run-generation.js';
import type { ProjectLayout } from '../../pipeline/project-layout.js';
import { colour, ExitCode, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';
import { generateOpenApiCommand } from './generate-openapi-command.js';
import { generateAsn1Command } from './asn1-generate-command.js';
import { layoutFrom, withLayoutOptions, type LayoutOptions } from './shared-options.js';

interface GenerateOptions extends LayoutOptions {
  readonly watch: boolean;
  readonly force: boolean;
}

export const generateCommand: CommandModule<{ json: boolean }, GenerateOptions> = {
  command: 'generate',
  describe: 'Regenerate generated/ from spec/ (writes only files whose content changed)',
  builder: (yargs) =>
    withLayoutOptions(yargs)
      .command(generateOpenApiCommand)
      .command(generateAsn1Command)
      .option('watch', { type: 'boolean', default: false, describe: 'regenerate whenever a spec or template changes' })
      .option('force', { type: 'boolean', default: false, describe: 'skip the no-change shortcut and regenerate in full' }) as never,
  handler: async (options) => {
    const layout = layoutFrom(options);
    process.exitCode = await generateOnce(layout, options);
    if (options.watch) watchAndRegenerate(layout, options);
  },
};

async function generateOnce(layout: ProjectLayout, options: GenerateOptions): Promise<number> {
  const started = performance.now();
  try {
    const result = await generate(layout, { force: options.force });
    report(result, performance.now() - started, options.json);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, options.json);
  }
}

function report(result: GenerateResult, milliseconds: number, json: boolean): void {
  if (json) {
    printJson({ ok: true, ...result, milliseconds: Math.round(milliseconds) });
    return;
  }
  for (const file of result.written) printLine(`${colour.green('wrote')}   generated/${file}`);
  for (const file of result.removed) printLine(`${colour.yellow('removed')} generated/${file}`);
  const what = result.upToDate ? 'generated/ is up to date' : `${result.written.length + result.removed.length} file(s) changed`;
  printLine(colour.dim(`${what} (${Math.round(milliseconds)} ms)`));
}

/** Re-runs on every change under spec/ and templates/ until interrupted; a bad spec is reported, not fatal. */
function watchAndRegenerate(layout: ProjectLayout, options: GenerateOptions): void {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(async () => {
        process.exitCode = await generateOnce(layout, options);
      });
    }, 100);
  };
  for (const folder of [layout.specDir, path.join(packageRoot, 'templates')]) watch(folder, { recursive: true }, schedule);
  printLine(colour.dim(`watching ${path.relative(layout.root, layout.specDir) || '.'} and templates/ — Ctrl-C to stop`));
}
