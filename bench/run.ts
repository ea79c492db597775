/**
 * `npm run bench`: the generator's speed on this machine, against its targets and against the
 * bare cost of starting Node (the floor no CLI run can go below), all measured in one run.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packageRoot } from '../generator/package-root.js';
import { describeMachine } from './machine.js';
import { timeCommand, type Measurement } from './measure.js';

const RUNS = 7;
const cli = path.join(packageRoot, 'bin', 'jpkigen.js');
const project = mkdtempSync(path.join(tmpdir(), 'jpkigen-bench-'));
cpSync(path.join(packageRoot, 'spec'), path.join(project, 'spec'), { recursive: true });
const cache = path.join(project, 'node_modules', '.cache', 'jpkigen');
const generated = path.join(project, 'generated');
const clean = () => {
  rmSync(generated, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
};

interface Row {
  readonly task: string;
  readonly measurement: Measurement;
  readonly targetMs: number | undefined;
}

const nodeStartup = timeCommand(['-e', ''], RUNS);
const rows: Row[] = [
  { task: 'node start-up (anchor)', measurement: nodeStartup, targetMs: undefined },
  { task: 'jpkigen --version', measurement: timeCommand([cli, '--version'], RUNS), targetMs: undefined },
  { task: 'generate, cold (no output, no cache)', measurement: timeCommand([cli, 'generate', '--root', project], RUNS, clean), targetMs: 2000 },
  {
    task: 'generate --force, format cache warm',
    measurement: timeCommand([cli, 'generate', '--force', '--root', project], RUNS),
    targetMs: undefined,
  },
  { task: 'generate, no change', measurement: timeCommand([cli, 'generate', '--root', project], RUNS), targetMs: 500 },
  { task: 'check (full in-memory regeneration)', measurement: timeCommand([cli, 'check', '--root', project], RUNS), targetMs: undefined },
];
rmSync(project, { recursive: true, force: true });

const results = rows.map(({ task, measurement, targetMs }) => ({
  task,
  ...measurement,
  targetMs,
  ratioToTarget: targetMs === undefined ? undefined : round(measurement.medianMs / targetMs),
  ratioToNodeStartup: round(measurement.medianMs / nodeStartup.medianMs),
}));

const header = ['task', 'median ms', 'min ms', 'target ms', 'median/target', 'median/node start-up'];
const table = [
  header,
  ...results.map((result) => [
    result.task,
    String(result.medianMs),
    String(result.minMs),
    result.targetMs === undefined ? '' : String(result.targetMs),
    result.ratioToTarget === undefined ? '' : `${result.ratioToTarget}${result.ratioToTarget <= 1 ? ' ✓' : ' ✗'}`,
    `${result.ratioToNodeStartup}×`,
  ]),
];
process.stdout.write(`${markdownTable(table)}\n`);

const machine = describeMachine();
mkdirSync(path.join(packageRoot, 'bench', 'results'), { recursive: true });
const output = path.join(packageRoot, 'bench', 'results', 'generate.json');
writeFileSync(output, `${JSON.stringify({ benchmark: 'generate', machine, anchor: 'node -e "" start-up', runs: RUNS, results }, null, 2)}\n`);
process.stdout.write(`\n${machine.cores} × ${machine.cpu}, Node ${machine.node}; written to ${path.relative(process.cwd(), output)}\n`);
if (results.some((result) => result.ratioToTarget !== undefined && result.ratioToTarget > 1)) process.exitCode = 1;

function markdownTable(rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), line((head ?? []).map(() => '---')), ...body.map(line)].join('\n');
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
