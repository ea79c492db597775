/**
 * `npm run bench [suite…]`: runs the benchmark suites, prints a table per suite and writes
 * bench/results/<suite>.json with the machine each figure was measured on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../generator/package-root.js';
import { runApduBench } from './apdu-bench.js';
import { runAsn1Bench } from './asn1-bench.js';
import { runCrlBench } from './crl-bench.js';
import { runGenerateBench } from './generate-bench.js';
import { describeMachine } from './machine.js';
import { runOcspBench } from './ocsp-bench.js';
import { runOpenApiBench } from './openapi-bench.js';
import { runPathBench } from './path-bench.js';
import { runProfilesBench } from './profiles-bench.js';
import type { BenchReport } from './report.js';
import { runScp03Bench } from './scp03-bench.js';
import { runSeBench } from './se-bench.js';
import { runVerifyBench } from './verify-bench.js';

const SUITES: Readonly<Record<string, () => Promise<BenchReport>>> = {
  generate: runGenerateBench,
  scp03: runScp03Bench,
  apdu: runApduBench,
  openapi: runOpenApiBench,
  asn1: runAsn1Bench,
  ocsp: runOcspBench,
  crl: runCrlBench,
  path: runPathBench,
  verify: runVerifyBench,
  profiles: runProfilesBench,
  se: runSeBench,
};

const requested = process.argv.slice(2);
const machine = describeMachine();
const resultsFolder = path.join(packageRoot, 'bench', 'results');
mkdirSync(resultsFolder, { recursive: true });
let missedTarget = false;

for (const [name, run] of Object.entries(SUITES)) {
  if (requested.length > 0 && !requested.includes(name)) continue;
  const report = await run();
  process.stdout.write(`\n## ${report.suite}\n\n${markdownTable(report)}\n`);
  writeFileSync(path.join(resultsFolder, `${report.suite}.json`), `${JSON.stringify({ ...report, machine }, null, 2)}\n`);
  missedTarget ||= report.rows.some((row) => row.meetsTarget === false);
}
process.stdout.write(`\n${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, Node ${machine.node}; results in bench/results/\n`);
if (missedTarget) process.exitCode = 1;

function markdownTable(report: BenchReport): string {
  const lines = [
    '| task | value | anchor | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    ...report.rows.map((row) =>
      [
        row.task,
        `${formatNumber(row.value)} ${row.unit}`,
        row.anchor ?? '',
        row.ratio === undefined ? '' : `${row.ratio}×`,
        row.target === undefined ? '' : `${formatNumber(row.target)} ${row.unit} ${row.meetsTarget === true ? '✓' : '✗'}`,
      ].join(' | '),
    ),
  ];
  return lines.map((line) => (line.startsWith('| task') || line.startsWith('| ---') ? line : `| ${line} |`)).join('\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'not available';
  return value >= 1000 ? Math.round(value).toLocaleString('en-US') : String(Math.round(value * 10) / 10);
}
