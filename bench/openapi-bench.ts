/**
 * The OpenAPI generator and the HTTP code it generates, each against an anchor in the same run:
 * (a) `jpkigen generate openapi` on a large document against openapi-typescript's CLI on the same
 *     file: Stripe's (4.2 MB; bench/fixtures/openapi/PROVENANCE.md says where it comes from and
 *     where to put it) when present, otherwise a synthetic one of the same size and counts
 *     (bench/fixtures/large-openapi.ts); the rows name which;
 * (b) requests/s of the generated revocation server against a hand-written node:http route doing
 *     the same work with the same ajv-compiled validator (bench/openapi-bench-server.ts), the
 *     server in its own process, loaded over loopback by a keep-alive loop with N requests in flight;
 * (c) the generated client's cost per call against raw fetch and raw http.request to one server.
 * A row that cannot run says "not available" and why; it never carries a number.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRevocationClient } from '../generated/openapi/revocation/index.js';
import { largeOpenApiInput } from './fixtures/large-openapi.js';
import { timeCommand } from './measure.js';
import { STATUS_ANSWER, STATUS_PATH, STATUS_QUERY } from './openapi-bench-server.js';
import type { BenchReport, BenchRow } from './report.js';

const GENERATION_RUNS = 3;
const CONCURRENCY = 32;
const LOAD_WARM_UP_MS = 1500;
const LOAD_MS = 2000;
const CLIENT_WARM_UP_CALLS = 500;
const CLIENT_MS = 1500;
/** Rounds of measurements of every side (see pairedRounds): ratios are taken within a round, then their median. */
const ROUNDS = 5;
const REQUEST_BODY = JSON.stringify(STATUS_QUERY);
const EXPECTED_ANSWER = JSON.stringify(STATUS_ANSWER);

export async function runOpenApiBench(): Promise<BenchReport> {
  const rows: BenchRow[] = [...generationRows()];
  rows.push(...(await serverRows()));
  rows.push(...(await clientRows()));
  return { suite: 'openapi', rows };
}

// ---- (a) generation ----

function generationRows(): BenchRow[] {
  const folder = mkdtempSync(path.join(tmpdir(), 'jpkigen-openapi-bench-'));
  try {
    const input = largeOpenApiInput();
    const document = path.join(folder, input.fileName);
    writeFileSync(document, input.text);
    const megabytes = Math.round((statSync(document).size / 2 ** 20) * 10) / 10;
    const openapiTypescriptCli = path.join(path.dirname(createRequire(import.meta.url).resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
    const anchorOutput = path.join(folder, 'openapi-typescript.d.ts');
    const anchor = timeCommand([openapiTypescriptCli, document, '--output', anchorOutput], GENERATION_RUNS);
    const anchorName = `openapi-typescript 7.13.0 CLI, same file: ${anchor.medianMs} ms`;
    const rows: BenchRow[] = [
      { task: `openapi-typescript CLI on ${input.label} (${megabytes} MB) (anchor)`, value: anchor.medianMs, unit: 'ms', note: `median of ${GENERATION_RUNS}, ${kilobytes(anchorOutput)} KB of types` },
    ];
    // The CLI of the same build as this bench (what bin/jpkigen.js imports), so a rebuild of
    // dist/ while the bench runs cannot swap the code under measurement.
    const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'generator', 'cli', 'main.js');
    const unavailable = generateOpenApiUnavailable(cli);
    const task = `jpkigen generate openapi on ${input.label} (${megabytes} MB)`;
    if (unavailable !== undefined) {
      rows.push(notAvailable(task, 'ms', unavailable));
      return rows;
    }
    const output = path.join(folder, 'out');
    const variants: [label: string, extra: string[], what: string][] = [
      ['', [], 'types, validators, client, server, mock, reference page; prettier on the TypeScript'],
      [' --no-format', ['--no-format'], 'the same files, without prettier (openapi-typescript formats nothing either)'],
    ];
    for (const [label, extra, what] of variants) {
      const variantTask = `${task}${label}`;
      try {
        const ours = timeCommand([cli, 'generate', 'openapi', document, '--out', output, ...extra], GENERATION_RUNS, () => rmSync(output, { recursive: true, force: true }));
        rows.push({ task: variantTask, value: ours.medianMs, unit: 'ms', anchor: anchorName, ratio: round(ours.medianMs / anchor.medianMs), note: `median of ${GENERATION_RUNS}; ${kilobytes(output)} KB written: ${what}` });
      } catch (error) {
        rows.push(notAvailable(variantTask, 'ms', `the command failed on this document: ${firstLine(error)}`));
      }
    }
    return rows;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Why `jpkigen generate openapi <file> --out <dir>` cannot be timed, or undefined when it can. */
function generateOpenApiUnavailable(cli: string): string | undefined {
  const help = spawnSync(process.execPath, [cli, 'generate', 'openapi', '--help'], { encoding: 'utf8' });
  if (help.status !== 0 || !/--out/.test(help.stdout)) return '`jpkigen generate openapi <file> --out <dir>` does not exist in this build';
  return undefined;
}

// ---- (b) server throughput ----

async function serverRows(): Promise<BenchRow[]> {
  const modes = ['hand', 'generated', 'generated-dev'] as const;
  return withServers(modes, async (servers) => {
    for (const mode of modes) await requestsPerSecond(servers[mode].port, LOAD_WARM_UP_MS);
    const rates: Record<(typeof modes)[number], number[]> = { hand: [], generated: [], 'generated-dev': [] };
    const cpu: Record<(typeof modes)[number], number[]> = { hand: [], generated: [], 'generated-dev': [] };
    await pairedRounds(modes, async (mode) => {
      const cpuBefore = await servers[mode].cpuMicroseconds();
      const { rate, completed } = await requestsPerSecond(servers[mode].port, LOAD_MS);
      const cpuAfter = await servers[mode].cpuMicroseconds();
      rates[mode].push(rate);
      cpu[mode].push((cpuAfter - cpuBefore) / completed);
      return rate;
    });
    const hand = median(rates.hand);
    const anchor = `hand-written node:http route, same ajv validator: ${Math.round(hand).toLocaleString('en-US')} req/s`;
    const cpuAnchor = `hand-written route: ${round(median(cpu.hand))} µs of server CPU per request`;
    const note = `POST ${STATUS_PATH}, ${CONCURRENCY} in flight over keep-alive loopback; median of ${ROUNDS} rounds × ${LOAD_MS / 1000} s, ratio = median of the rounds' ratios`;
    const generatedRatio = medianRatio(rates.generated, rates.hand);
    // Server CPU per request (process.cpuUsage of the server process) hardly moves with other
    // load on the machine, unlike wall-clock req/s; its ratio is the capacity ratio.
    const cpuRow = (mode: 'generated' | 'generated-dev', task: string): BenchRow => ({
      task,
      value: round(median(cpu[mode])),
      unit: 'µs CPU/req',
      anchor: cpuAnchor,
      ratio: medianRatio(cpu.hand, cpu[mode]),
      note: `ratio = hand-written CPU / generated CPU per request (requests per CPU-second relative to the hand-written route); rounds' ratios ${ratiosText(cpu.hand, cpu[mode])}`,
    });
    return [
      { task: 'hand-written route (anchor)', value: Math.round(hand), unit: 'req/s', note },
      {
        task: 'generated route, production mode',
        value: Math.round(median(rates.generated)),
        unit: 'req/s',
        anchor,
        ratio: generatedRatio,
        target: Math.round(0.8 * hand),
        meetsTarget: generatedRatio >= 0.8,
        note: `target: ≥ 0.8 × the hand-written route; rounds' ratios ${ratiosText(rates.generated, rates.hand)}`,
      },
      {
        task: 'generated route, development mode (answers validated too)',
        value: Math.round(median(rates['generated-dev'])),
        unit: 'req/s',
        anchor,
        ratio: medianRatio(rates['generated-dev'], rates.hand),
        note: `rounds' ratios ${ratiosText(rates['generated-dev'], rates.hand)}`,
      },
      { task: 'hand-written route, server CPU per request (anchor)', value: round(median(cpu.hand)), unit: 'µs CPU/req', note: 'user + system CPU of the server process over the measured window, per completed request' },
      cpuRow('generated', 'generated route, production mode, server CPU per request'),
      cpuRow('generated-dev', 'generated route, development mode, server CPU per request'),
    ];
  });
}

/**
 * Measures every mode once per round, rotating which goes first, so that a change in other load
 * on the machine hits all modes of a round alike; ratios are then taken within each round.
 */
async function pairedRounds<Mode extends string>(modes: readonly Mode[], measure: (mode: Mode) => Promise<number>): Promise<Record<Mode, number[]>> {
  const results = Object.fromEntries(modes.map((mode) => [mode, [] as number[]])) as Record<Mode, number[]>;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let index = 0; index < modes.length; index += 1) {
      const mode = modes[(index + round) % modes.length] as Mode;
      results[mode].push(await measure(mode));
    }
  }
  return results;
}

/** Drives N keep-alive requests in flight against the server for `milliseconds`; every answer is checked. */
async function requestsPerSecond(port: number, milliseconds: number): Promise<{ rate: number; completed: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    let completed = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        await postStatusQuery(agent, port);
        completed += 1;
      }
    };
    const started = performance.now();
    // Promise.all at once, so a failing request is handled (and reported) rather than left unhandled.
    const workers = Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await Promise.race([sleep(milliseconds), workers]);
    stop = true;
    const countedAt = completed;
    const elapsed = performance.now() - started;
    await workers;
    return { rate: (countedAt / elapsed) * 1000, completed: countedAt };
  } finally {
    agent.destroy();
  }
}

function postStatusQuery(agent: Agent, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { agent, host: '127.0.0.1', port, method: 'POST', path: STATUS_PATH, headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(REQUEST_BODY) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200 || JSON.stringify(JSON.parse(text)) !== EXPECTED_ANSWER) reject(new Error(`unexpected answer ${String(response.statusCode)}: ${text.slice(0, 200)}`));
          else resolve(text);
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(REQUEST_BODY);
  });
}

// ---- (c) client overhead ----

async function clientRows(): Promise<BenchRow[]> {
  return withServers(['hand'], async (servers) => {
    const baseUrl = `http://127.0.0.1:${servers.hand.port}`;
    const client = createRevocationClient({ baseUrl });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const calls = {
      generated: async () => {
        const answer = await client.queryRevocationStatus({ body: STATUS_QUERY });
        if (answer.body.status !== 'good') throw new Error('unexpected answer');
      },
      fetch: async () => {
        const response = await fetch(`${baseUrl}${STATUS_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(STATUS_QUERY) });
        const body = (await response.json()) as { status?: unknown };
        if (response.status !== 200 || body.status !== 'good') throw new Error('unexpected answer');
      },
      httpRequest: async () => {
        const body = JSON.parse(await postStatusQuery(agent, servers.hand.port)) as { status?: unknown };
        if (body.status !== 'good') throw new Error('unexpected answer');
      },
    };
    try {
      const names = Object.keys(calls) as (keyof typeof calls)[];
      for (const name of names) for (let index = 0; index < CLIENT_WARM_UP_CALLS; index += 1) await calls[name]();
      const times = await pairedRounds(names, (name) => microsecondsPerCall(calls[name]));
      const note = `one call at a time against a hand-written loopback server; median of ${ROUNDS} rounds × ${CLIENT_MS / 1000} s, ratio = median of the rounds' ratios`;
      return [
        { task: 'raw fetch call (anchor)', value: round(median(times.fetch)), unit: 'µs/call', note },
        { task: 'raw http.request call, keep-alive (anchor)', value: round(median(times.httpRequest)), unit: 'µs/call', note },
        {
          task: 'generated client call vs raw fetch',
          value: round(median(times.generated)),
          unit: 'µs/call',
          anchor: `raw fetch: ${round(median(times.fetch))} µs/call`,
          ratio: medianRatio(times.generated, times.fetch),
          note: 'the generated client sends through fetch',
        },
        {
          task: 'generated client call vs raw http.request',
          value: round(median(times.generated)),
          unit: 'µs/call',
          anchor: `raw http.request: ${round(median(times.httpRequest))} µs/call`,
          ratio: medianRatio(times.generated, times.httpRequest),
        },
      ];
    } finally {
      agent.destroy();
    }
  });
}

async function microsecondsPerCall(call: () => Promise<void>): Promise<number> {
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < CLIENT_MS) {
    for (let index = 0; index < 50; index += 1) await call();
    count += 50;
    elapsed = performance.now() - started;
  }
  return (elapsed * 1000) / count;
}

// ---- helpers ----

interface BenchServer {
  readonly port: number;
  /** User + system CPU the server process has used so far, in µs (asked over the IPC channel). */
  cpuMicroseconds(): Promise<number>;
}

/** Starts bench/openapi-bench-server.js once per mode, each in its own process, runs `work` with them, stops them. */
async function withServers<Mode extends string, T>(modes: readonly Mode[], work: (servers: Record<Mode, BenchServer>) => Promise<T>): Promise<T> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'openapi-bench-server.js');
  const children: ChildProcess[] = [];
  try {
    const servers = {} as Record<Mode, BenchServer>;
    for (const mode of modes) {
      const child = spawn(process.execPath, [script, mode], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } });
      children.push(child);
      servers[mode] = { port: await firstLineOf(child), cpuMicroseconds: () => askCpu(child) };
    }
    return await work(servers);
  } finally {
    for (const child of children) child.kill('SIGTERM');
  }
}

function askCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (usage: { user: number; system: number }) => resolve(usage.user + usage.system));
    child.send('cpu');
  });
}

function firstLineOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) resolve(Number(line));
    });
    child.on('exit', (code) => reject(new Error(`bench server exited ${String(code)} before listening`)));
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The median of value[i] / anchor[i]: each ratio within one round. */
function medianRatio(values: readonly number[], anchors: readonly number[]): number {
  return round(median(values.map((value, index) => value / (anchors[index] ?? Number.NaN))));
}

function ratiosText(values: readonly number[], anchors: readonly number[]): string {
  return values.map((value, index) => (value / (anchors[index] ?? Number.NaN)).toFixed(2)).join(', ');
}

function notAvailable(task: string, unit: string, why: string): BenchRow {
  return { task: `${task} — not available`, value: Number.NaN, unit, note: `not available: ${why}` };
}

function kilobytes(target: string): number {
  const stats = statSync(target);
  if (stats.isFile()) return Math.round(stats.size / 1024);
  let total = 0;
  for (const name of readdirSync(target, { recursive: true }) as string[]) {
    const file = statSync(path.join(target, name));
    if (file.isFile()) total += file.size;
  }
  return Math.round(total / 1024);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 3).join(' ').slice(0, 300);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
