/**
 * `jpkigen conformance jpki-ap` and `jpkigen conformance gp-se`: the card suites, against our own
 * reference secure element in-process (default), a vpcd virtual card (`--listen`) or a PC/SC
 * reader (`--reader`). One line per check, then the skips and `N passed, M failed`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import type { CheckResult } from '../../../conformance/card/check.js';
import type { SuiteReport } from '../../../conformance/card/report.js';
import type { CardTarget } from '../../../conformance/card/target.js';
import { JpkigenError } from '../../../runtime/errors.js';
import { colour, ExitCode, printError, printJson, printLine } from '../output.js';
import { reportError } from '../report-error.js';

interface TargetArguments {
  readonly json: boolean;
  readonly list: boolean;
  readonly listen: string | undefined;
  readonly reader: string | undefined;
  readonly wait: number;
  readonly junit: string | undefined;
  readonly only: string[] | undefined;
}

interface JpkiApArguments extends TargetArguments {
  readonly authPin: string | undefined;
  readonly signPin: string | undefined;
  readonly profile: 'card' | 'gpse' | 'ios' | undefined;
  readonly allowBlocking: ('auth' | 'sign')[] | undefined;
}

interface GpSeArguments extends TargetArguments {
  readonly scp03Enc: string | undefined;
  readonly scp03Mac: string | undefined;
  readonly scp03Dek: string | undefined;
  readonly kvn: string | undefined;
  readonly isd: string | undefined;
  readonly loadFile: string | undefined;
  readonly installParams: string | undefined;
}

class UsageError extends Error {}

/** Bad options and an unreachable card are the operator's to fix (exit 2), not bugs of jpkigen. */
function reportCardError(error: unknown, json: boolean): number {
  const known = error instanceof UsageError || (error instanceof JpkigenError && ['CARD_CONNECTION', 'CONFORMANCE_TARGET'].includes(error.code));
  if (!known) return reportError(error, json);
  const message = (error as Error).message;
  if (json) printJson({ ok: false, error: { code: error instanceof JpkigenError ? error.code : 'USAGE', message } });
  else printError(message);
  return ExitCode.usage;
}

function targetOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('listen', { type: 'string', describe: 'listen on HOST:PORT for a virtual card that connects with the vpcd protocol' })
    .option('reader', { type: 'string', describe: 'use the card in this PC/SC reader (needs pcscd and pcsc-tools)' })
    .option('wait', { type: 'number', default: 60, describe: 'seconds to wait for a virtual card with --listen' })
    .option('list', { type: 'boolean', default: false, describe: 'list the checks (id and description) without running them' })
    .option('only', { type: 'string', array: true, describe: 'run only these check ids (a prefix ending in "." selects a group)' })
    .option('junit', { type: 'string', describe: 'also write a JUnit XML report to this file' }) as never;
}

function hexOption(value: string | undefined, name: string): Uint8Array | undefined {
  if (value === undefined) return undefined;
  const clean = value.replace(/\s+/g, '');
  if (!/^([0-9A-Fa-f]{2})*$/.test(clean)) throw new UsageError(`--${name} expects hex, got '${value}'`);
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

async function openTarget(argv: TargetArguments): Promise<CardTarget | undefined> {
  const { openTransportTarget } = await import('../../../conformance/card/target.js');
  return openTransportTarget({
    ...(argv.listen === undefined ? {} : { listen: argv.listen }),
    ...(argv.reader === undefined ? {} : { reader: argv.reader }),
    waitMs: argv.wait * 1000,
    onListening: (where) => process.stderr.write(`waiting for a virtual card (vpcd) on ${where} …\n`),
  });
}

function printResult(result: CheckResult, line: string): void {
  if (result.status === 'pass') printLine(line.replace(/^PASS/, colour.green('PASS')));
  else if (result.status === 'fail') printLine(line.replace(/^FAIL/, colour.red('FAIL')));
  else printLine(line.replace(/^SKIP/, colour.yellow('SKIP')));
}

async function finish(report: SuiteReport, argv: TargetArguments): Promise<void> {
  const { formatSummaryLines, toJsonReport, toJunitSuites } = await import('../../../conformance/card/report.js');
  const { formatJunit } = await import('../../../conformance/report/junit.js');
  const { summarizeChecks } = await import('../../../conformance/card/check.js');
  if (argv.junit !== undefined) await writeFile(argv.junit, formatJunit(`jpkigen conformance ${report.suite}`, toJunitSuites(report)));
  if (argv.json) printJson(toJsonReport(report));
  else for (const line of formatSummaryLines(report.results)) printLine(line);
  process.exitCode = summarizeChecks(report.results).failed === 0 ? ExitCode.ok : ExitCode.failed;
}

/** `--list`: the suite's checks, id and description, one per line (or JSON). */
function listChecks(checks: readonly { readonly id: string; readonly description: string }[], json: boolean): void {
  if (json) printJson(checks.map(({ id, description }) => ({ id, description })));
  else for (const check of checks) printLine(`${check.id}  ${check.description}`);
  process.exitCode = ExitCode.ok;
}

async function lineReporter(argv: TargetArguments): Promise<((result: CheckResult) => void) | undefined> {
  if (argv.json) return undefined;
  const { formatCheckLine } = await import('../../../conformance/card/report.js');
  return (result) => printResult(result, formatCheckLine(result));
}

const jpkiApCommand: CommandModule<{ json: boolean }, JpkiApArguments> = {
  command: 'jpki-ap',
  describe: 'Check a JPKI-AP implementation command by command (file access per profile, PINs, signatures, status words)',
  builder: (yargs) =>
    targetOptions(yargs)
      .option('auth-pin', { type: 'string', describe: 'the auth PIN (4 digits); the reference demo PIN when in-process' })
      .option('sign-pin', { type: 'string', describe: 'the sign password (6–16 characters); the reference demo password when in-process' })
      .option('profile', { choices: ['card', 'gpse', 'ios'] as const, describe: 'token profile to hold the card to (default: read from EF 0006)' })
      .option('allow-blocking', { type: 'string', array: true, choices: ['auth', 'sign'], describe: 'PINs the suite may block for good to check blocking (irreversible)' }) as never,
  handler: async (argv) => {
    let target: CardTarget | undefined;
    try {
      const { jpkiApChecks, runJpkiApConformance } = await import('../../../conformance/jpki-ap/index.js');
      if (argv.list) return listChecks(jpkiApChecks(), argv.json);
      target = await openTarget(argv);
      let pins: { auth?: string; sign?: string } = {};
      if (target === undefined) {
        const { openReferenceTarget } = await import('../../../conformance/card/reference-target.js');
        const reference = await openReferenceTarget({ profile: argv.profile ?? 'gpse' });
        target = reference;
        pins = reference.pins;
      }
      const authPin = argv.authPin ?? pins.auth;
      const signPin = argv.signPin ?? pins.sign;
      const onResult = await lineReporter(argv);
      const report = await runJpkiApConformance(target.connection, {
        target: target.description,
        ...(authPin === undefined ? {} : { authPin }),
        ...(signPin === undefined ? {} : { signPin }),
        ...(argv.profile === undefined ? {} : { profile: argv.profile }),
        allowBlocking: argv.allowBlocking ?? [],
        ...(argv.only === undefined ? {} : { only: argv.only }),
        ...(onResult === undefined ? {} : { onResult }),
      });
      await finish(report, argv);
    } catch (error) {
      process.exitCode = reportCardError(error, argv.json);
    } finally {
      await target?.close();
    }
  },
};

const gpSeCommand: CommandModule<{ json: boolean }, GpSeArguments> = {
  command: 'gp-se',
  describe: 'Check a GlobalPlatform card manager: SCP03 levels, registry and life cycles, install/lock/unlock/delete of the JPKI applet',
  builder: (yargs) =>
    targetOptions(yargs)
      .option('scp03-enc', { type: 'string', describe: 'ISD Key-ENC (hex); the reference demo key when in-process' })
      .option('scp03-mac', { type: 'string', describe: 'ISD Key-MAC (hex)' })
      .option('scp03-dek', { type: 'string', describe: 'ISD Key-DEK (hex)' })
      .option('kvn', { type: 'string', describe: 'key version number for INITIALIZE UPDATE (hex, 00 = card default)' })
      .option('isd', { type: 'string', describe: 'ISD AID (hex); A000000151000000 then A000000003000000 by default' })
      .option('load-file', { type: 'string', describe: 'file holding the JPKI load file (C4 … bytes) to LOAD if the card lacks it' })
      .option('install-params', { type: 'string', describe: 'C9 content for the test instance (hex, default empty)' }) as never,
  handler: async (argv) => {
    let target: CardTarget | undefined;
    try {
      const { gpSeChecks, runGpSeConformance } = await import('../../../conformance/gp-se/index.js');
      if (argv.list) return listChecks(gpSeChecks(), argv.json);
      const given = { enc: hexOption(argv.scp03Enc, 'scp03-enc'), mac: hexOption(argv.scp03Mac, 'scp03-mac'), dek: hexOption(argv.scp03Dek, 'scp03-dek') };
      const kvn = hexOption(argv.kvn, 'kvn');
      if (kvn !== undefined && kvn.length !== 1) throw new UsageError('--kvn expects one byte of hex, e.g. 30');
      let loadFile: Uint8Array | undefined = argv.loadFile === undefined ? undefined : new Uint8Array(await readFile(argv.loadFile));
      target = await openTarget(argv);
      let defaults: { enc?: Uint8Array; mac?: Uint8Array; dek?: Uint8Array; version?: number } = {};
      if (target === undefined) {
        const { openReferenceTarget } = await import('../../../conformance/card/reference-target.js');
        const reference = await openReferenceTarget();
        target = reference;
        defaults = reference.isdKeys;
        loadFile ??= reference.jpkiLoadFile;
      }
      const enc = given.enc ?? defaults.enc;
      const mac = given.mac ?? defaults.mac;
      const dek = given.dek ?? defaults.dek;
      if (enc === undefined || mac === undefined || dek === undefined) throw new UsageError('give the ISD keys: --scp03-enc, --scp03-mac and --scp03-dek (hex)');
      const isdAid = hexOption(argv.isd, 'isd');
      const installParameters = hexOption(argv.installParams, 'install-params');
      const onResult = await lineReporter(argv);
      const report = await runGpSeConformance(target.connection, {
        target: target.description,
        keys: { enc, mac, dek },
        ...(kvn !== undefined ? { keyVersion: kvn[0] ?? 0 } : defaults.version === undefined ? {} : { keyVersion: defaults.version }),
        ...(isdAid === undefined ? {} : { isdAid }),
        ...(loadFile === undefined ? {} : { loadFile }),
        ...(installParameters === undefined ? {} : { installParameters }),
        ...(argv.only === undefined ? {} : { only: argv.only }),
        ...(onResult === undefined ? {} : { onResult }),
      });
      await finish(report, argv);
    } catch (error) {
      process.exitCode = reportCardError(error, argv.json);
    } finally {
      await target?.close();
    }
  },
};

export const cardConformanceCommands = [jpkiApCommand, gpSeCommand] as const;
