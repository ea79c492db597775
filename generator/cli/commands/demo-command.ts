import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import { parse as parseYaml } from 'yaml';
import { checkMessageExamples, type MessageExampleResult, type MessageExamples } from '../../../conformance/messages/check-message-examples.js';
import { packageRoot } from '../../package-root.js';
import { projectLayout } from '../../pipeline/project-layout.js';
import { generate } from '../../pipeline/run-generation.js';
import { colour, ExitCode, formatTable, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

/**
 * The main job on embedded defaults: regenerate jpkigen's own specs, then run every test case
 * written into them through the generated validators as a consumer of `jpkigen/messages` would.
 */
export const demoCommand: CommandModule<{ json: boolean }, { json: boolean }> = {
  command: 'demo',
  describe: 'Regenerate the built-in specs and validate every example through the generated code',
  handler: async (options) => {
    try {
      const started = performance.now();
      const generation = await generate(projectLayout(packageRoot));
      const { messageDescriptors } = await import('../../../generated/messages/index.js');
      const results: (MessageExampleResult & { area: string; provenance: string })[] = [];
      for (const descriptor of Object.values(messageDescriptors)) {
        const examples = await readExamples(descriptor.name, descriptor.specFile);
        const result = checkMessageExamples(examples, descriptor.validate);
        results.push({ ...result, area: descriptor.specFile.split('/')[2] ?? '', provenance: descriptor.provenance });
      }
      const failed = results.filter((result) => result.failures.length > 0);
      const milliseconds = Math.round(performance.now() - started);
      if (options.json) printJson({ ok: failed.length === 0, generation, results, milliseconds });
      else printDemoReport(results, generation.written.length, milliseconds);
      process.exitCode = failed.length === 0 ? ExitCode.ok : ExitCode.failed;
    } catch (error) {
      process.exitCode = reportError(error, options.json);
    }
  },
};

async function readExamples(name: string, specFile: string): Promise<MessageExamples> {
  const schema = parseYaml(await readFile(path.join(packageRoot, specFile), 'utf8')) as Record<string, unknown>;
  return {
    name,
    examples: (schema['examples'] ?? []) as unknown[],
    invalidExamples: (schema['x-invalid-examples'] ?? []) as MessageExamples['invalidExamples'],
  };
}

function printDemoReport(results: readonly (MessageExampleResult & { area: string; provenance: string })[], written: number, milliseconds: number): void {
  printLine(colour.bold('jpkigen demo — message designs (電文) through the generated validators'));
  printLine(colour.dim(written === 0 ? 'generated/ was up to date' : `regenerated ${written} file(s)`));
  printLine();
  const rows = [...results]
    .sort((a, b) => (a.area + a.name < b.area + b.name ? -1 : 1))
    .map((result) => [
      result.area,
      result.name,
      result.provenance,
      String(result.accepted),
      String(result.rejectedAsExpected),
      result.failures.length === 0 ? colour.green('ok') : colour.red('FAIL'),
    ]);
  printLine(formatTable([['area', 'message', 'provenance', 'valid ok', 'invalid ok', 'result'], ...rows]));
  for (const result of results) for (const failure of result.failures) printLine(colour.red(`${result.name}: ${failure}`));
  const total = (pick: (result: MessageExampleResult) => number) => results.reduce((sum, result) => sum + pick(result), 0);
  printLine();
  printLine(
    `${results.length} message types, ${total((result) => result.accepted)} examples accepted, ` +
      `${total((result) => result.rejectedAsExpected)} invalid examples rejected where their spec says, ` +
      `${results.filter((result) => result.failures.length > 0).length} failing (${milliseconds} ms)`,
  );
}
