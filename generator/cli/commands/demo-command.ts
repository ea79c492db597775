import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandModule } from 'yargs';
import type { ApduExample, ApduExampleResult, InvalidApduExample } from '../../../conformance/apdu/check-apdu-examples.js';
import type { LifeCycleCheck } from '../../../conformance/lifecycles/check-life-cycle.js';
import type { MessageExampleResult, MessageExamples } from '../../../conformance/messages/check-message-examples.js';
import type { RevocationScenarioResult, ScenarioStep } from '../../../conformance/scenarios/revocation-scenario.js';
import type { Scp03ReplayResult } from '../../../conformance/scp03/index.js';
import type { CommandTable } from '../../../runtime/index.js';
import { packageRoot } from '../../package-root.js';
import { projectLayout } from '../../pipeline/project-layout.js';
import { generate } from '../../pipeline/run-generation.js';
import { colour, ExitCode, formatTable, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

type MessageRow = MessageExampleResult & { readonly area: string; readonly provenance: string };
type ApduRow = ApduExampleResult & { readonly table: string; readonly commands: number };

/**
 * The main job on embedded defaults: regenerate jpkigen's own specs, then run every test case
 * written into them through the generated code as a consumer of the package would — message
 * examples through the validators, APDU examples through the dispatcher and builders, life
 * cycles through a reachability check — and replay the bundled SCP03 sessions on both sides.
 * Then the parties themselves: the reference CA issues a card pair and a smartphone pair, the
 * phone signs a nonce, the reference verifier decides, and its decision follows revocation, hold
 * and release through the live OCSP responder and the CRLs.
 */
export const demoCommand: CommandModule<{ json: boolean }, { json: boolean }> = {
  command: 'demo',
  describe: 'Regenerate the built-in specs and run every embedded test case through the generated code',
  handler: async (options) => {
    try {
      const started = performance.now();
      const generation = await generate(projectLayout(packageRoot));
      const messages = await checkMessages();
      const apdu = await checkApduTables();
      const lifeCycles = await checkLifeCycles();
      const scp03 = await replayBundledScp03();
      if (!options.json) {
        printLine(colour.bold('jpkigen demo — the built-in specs through the generated code, then the parties'));
        printLine(colour.dim(generation.written.length === 0 ? 'generated/ was up to date' : `regenerated ${generation.written.length} file(s)`));
        printMessages(messages);
        printApdu(apdu);
        printLifeCycles(lifeCycles);
        printScp03(scp03);
        printLine();
        printLine(colour.bold('JPKI PKI: CA → smartphone → signature → verifier, through OCSP and CRLs on loopback'));
      }
      const { runRevocationScenario } = await import('../../../conformance/scenarios/revocation-scenario.js');
      const pki = await runRevocationScenario(options.json ? undefined : printStep);
      const milliseconds = Math.round(performance.now() - started);
      const failing =
        messages.filter((row) => row.failures.length > 0).length +
        apdu.filter((row) => row.failures.length > 0).length +
        lifeCycles.filter((row) => row.unreachable.length + row.deadEnds.length > 0).length +
        scp03.filter((result) => !result.passed).length +
        pki.steps.filter((step) => !step.ok).length;
      if (options.json) printJson({ ok: failing === 0, generation, messages, apdu, lifeCycles, scp03, pki: summarizeScenario(pki), milliseconds });
      else {
        printDecisions(pki);
        printLine();
        printLine(failing === 0 ? colour.green(`all checks passed (${milliseconds} ms)`) : colour.red(`${failing} failing (${milliseconds} ms)`));
      }
      process.exitCode = failing === 0 ? ExitCode.ok : ExitCode.failed;
    } catch (error) {
      process.exitCode = reportError(error, options.json);
    }
  },
};

// The checks and what they need load inside the handler: other commands should not pay for them.
async function readSpec(specFile: string): Promise<Record<string, unknown>> {
  const { parse: parseYaml } = await import('yaml');
  return parseYaml(await readFile(path.join(packageRoot, specFile), 'utf8')) as Record<string, unknown>;
}

async function checkMessages(): Promise<MessageRow[]> {
  const { messageDescriptors } = await import('../../../generated/messages/index.js');
  const { checkMessageExamples } = await import('../../../conformance/messages/check-message-examples.js');
  const rows: MessageRow[] = [];
  for (const descriptor of Object.values(messageDescriptors)) {
    const spec = await readSpec(descriptor.specFile);
    const examples: MessageExamples = {
      name: descriptor.name,
      examples: (spec['examples'] ?? []) as unknown[],
      invalidExamples: (spec['x-invalid-examples'] ?? []) as MessageExamples['invalidExamples'],
    };
    rows.push({ ...checkMessageExamples(examples, descriptor.validate), area: descriptor.specFile.split('/')[2] ?? '', provenance: descriptor.provenance });
  }
  return rows.sort((a, b) => (a.area + a.name < b.area + b.name ? -1 : 1));
}

async function checkApduTables(): Promise<ApduRow[]> {
  const { araM, globalPlatform, jpkiAp } = await import('../../../generated/apdu/index.js');
  const { checkApduExamples } = await import('../../../conformance/apdu/check-apdu-examples.js');
  const tables: readonly [string, CommandTable][] = [
    ['spec/apdu/jpki-ap.yaml', jpkiAp.jpkiApTable],
    ['spec/apdu/globalplatform.yaml', globalPlatform.globalPlatformTable],
    ['spec/apdu/ara-m.yaml', araM.araMTable],
  ];
  const rows: ApduRow[] = [];
  for (const [specFile, table] of tables) {
    const spec = await readSpec(specFile);
    const result = checkApduExamples(table, (spec['examples'] ?? []) as ApduExample[], (spec['x-invalid-examples'] ?? []) as InvalidApduExample[]);
    rows.push({ ...result, table: path.basename(specFile, '.yaml'), commands: table.commands.length });
  }
  return rows;
}

async function checkLifeCycles(): Promise<LifeCycleCheck[]> {
  const { lifeCycles } = await import('../../../generated/lifecycles/index.js');
  const { checkLifeCycle } = await import('../../../conformance/lifecycles/check-life-cycle.js');
  return Object.values(lifeCycles).map((lifeCycle) => checkLifeCycle(lifeCycle as never));
}

async function replayBundledScp03(): Promise<Scp03ReplayResult[]> {
  const { replayScp03VectorFiles } = await import('../../../conformance/scp03/index.js');
  const folder = path.join(packageRoot, 'conformance', 'vectors', 'scp03');
  const files = (await readdir(folder)).filter((name) => name.endsWith('.json')).sort().map((name) => path.join(folder, name));
  return [...(await replayScp03VectorFiles(files, 'host')), ...(await replayScp03VectorFiles(files, 'card'))];
}

const verdict = (ok: boolean) => (ok ? colour.green('ok') : colour.red('FAIL'));

function printMessages(rows: readonly MessageRow[]): void {
  printLine();
  printLine(colour.bold('Message designs (電文) through the generated validators'));
  printLine(
    formatTable([
      ['area', 'message', 'provenance', 'valid ok', 'invalid ok', 'result'],
      ...rows.map((row) => [row.area, row.name, row.provenance, String(row.accepted), String(row.rejectedAsExpected), verdict(row.failures.length === 0)]),
    ]),
  );
  for (const row of rows) for (const failure of row.failures) printLine(colour.red(`${row.name}: ${failure}`));
}

function printApdu(rows: readonly ApduRow[]): void {
  printLine();
  printLine(colour.bold('APDU command tables: examples dispatched and rebuilt, invalid ones refused'));
  printLine(
    formatTable([
      ['table', 'commands', 'examples ok', 'refused with the named SW', 'result'],
      ...rows.map((row) => [row.table, String(row.commands), String(row.dispatched), String(row.refusedAsExpected), verdict(row.failures.length === 0)]),
    ]),
  );
  for (const row of rows) for (const failure of row.failures) printLine(colour.red(`${row.table}: ${failure}`));
}

function printLifeCycles(rows: readonly LifeCycleCheck[]): void {
  printLine();
  printLine(colour.bold('Life cycles: every state reachable, no dead end short of a final state'));
  printLine(
    formatTable([
      ['life cycle', 'states', 'events', 'transitions', 'result'],
      ...rows.map((row) => [row.name, String(row.states), String(row.events), String(row.transitions), verdict(row.unreachable.length + row.deadEnds.length === 0)]),
    ]),
  );
  for (const row of rows) {
    if (row.unreachable.length > 0) printLine(colour.red(`${row.name}: unreachable ${row.unreachable.join(', ')}`));
    if (row.deadEnds.length > 0) printLine(colour.red(`${row.name}: dead ends ${row.deadEnds.join(', ')}`));
  }
}

function printScp03(results: readonly Scp03ReplayResult[]): void {
  printLine();
  printLine(colour.bold('SCP03 sessions (conformance/vectors/scp03) replayed on the host and the card side'));
  printLine(
    formatTable([
      ['session', 'side', 'checks', 'result'],
      ...results.map((result) => [result.name ?? path.basename(result.file ?? ''), result.side, String(result.checks.length), verdict(result.passed)]),
    ]),
  );
}

function printStep(step: ScenarioStep): void {
  printLine(`  ${step.ok ? colour.green('✓') : colour.red('✗')} ${step.title} ${colour.dim(`(${step.milliseconds} ms)`)}`);
  printLine(`    ${step.ok ? colour.dim(step.outcome) : colour.red(step.outcome)}`);
}

function printDecisions(result: RevocationScenarioResult): void {
  printLine();
  printLine(colour.bold("The verifier's decisions"));
  printLine(
    formatTable([
      ['when', 'certificate', 'asked', 'decision', 'expected', 'result'],
      ...result.decisions.map((row) => [
        row.when,
        `smartphone ${row.certificate}`,
        row.revocationSource,
        row.decision.decision === 'valid' ? 'valid' : `invalid: ${row.decision.reasons.map((reason) => reason.code).join(', ')}`,
        row.expected,
        verdict(row.ok),
      ]),
    ]),
  );
}

/** The JSON form: the decisions without the signer's personal data (synthetic here, but the habit matters). */
function summarizeScenario(result: RevocationScenarioResult): object {
  return {
    ok: result.ok,
    steps: result.steps,
    decisions: result.decisions.map((row) => ({
      when: row.when,
      certificate: row.certificate,
      revocationSource: row.revocationSource,
      expected: row.expected,
      decision: row.decision.decision,
      reasons: row.decision.decision === 'invalid' ? row.decision.reasons.map((reason) => reason.code) : [],
      ok: row.ok,
    })),
  };
}
