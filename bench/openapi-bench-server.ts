/**
 * The loopback server `openapi-bench.ts` loads, in its own process so that the load loop and the
 * server do not share an event loop: `node dist/bench/openapi-bench-server.js <mode>` listens on
 * 127.0.0.1 (a free port) and prints the port on stdout; asked `cpu` over the IPC channel, it
 * answers with its process.cpuUsage(). Modes:
 * - `generated`: the generated revocation server (production mode: requests validated, answers not);
 * - `generated-dev`: the same, answers validated too (the default outside NODE_ENV=production);
 * - `hand`: a hand-written node:http route for the same operation doing the same work with the same
 *   ajv-compiled validator: route, media type, body limit, JSON parse, validate, answer.
 */
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRevocationMockHandlers, createRevocationRequestListener, type RevocationHandlers } from '../generated/openapi/revocation/index.js';
import { validate_queryRevocationStatus_body0 } from '../generated/openapi/revocation/validators.js';
import { toValidationIssues } from '../runtime/validation.js';

/** The answer of the x-test-cases entry `statusLookup` in spec/openapi/revocation.yaml. */
export const STATUS_ANSWER = {
  status: 'good',
  caId: 'signca03',
  serialNumber: '01A2B3C5',
  source: 'ocsp',
  thisUpdate: '2025-02-03T04:00:00Z',
  nextUpdate: '2025-02-03T04:15:00Z',
} as const;

/** Its request body. */
export const STATUS_QUERY = { caId: 'signca03', serialNumber: '01A2B3C5', certificateKind: 'signature' } as const;

export const STATUS_PATH = '/revocation-status';

const BODY_LIMIT = 1024 * 1024;

export function generatedListener(validateResponses: boolean): RequestListener {
  const handlers: RevocationHandlers = {
    ...createRevocationMockHandlers(),
    queryRevocationStatus: () => ({ status: 200, contentType: 'application/json', body: STATUS_ANSWER }),
  };
  return createRevocationRequestListener(handlers, { validateResponses });
}

export function handWrittenListener(): RequestListener {
  return (request, response) => {
    if (request.method !== 'POST' || request.url !== STATUS_PATH) return sendJson(response, 404, { title: 'Not Found', status: 404 }, 'application/problem+json');
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') return sendJson(response, 415, { title: 'Unsupported Media Type', status: 415 }, 'application/problem+json');
    readBody(request, (bytes) => {
      if (bytes === undefined) return sendJson(response, 413, { title: 'Content Too Large', status: 413 }, 'application/problem+json');
      let body: unknown;
      try {
        body = JSON.parse(bytes.toString('utf8'));
      } catch {
        return sendJson(response, 400, { title: 'Bad Request', status: 400, detail: 'not JSON' }, 'application/problem+json');
      }
      if (!validate_queryRevocationStatus_body0(body)) {
        const errors = toValidationIssues(validate_queryRevocationStatus_body0.errors).map((issue) => ({ pointer: `#${issue.pointer}`, detail: issue.message }));
        return sendJson(response, 400, { title: 'Bad Request', status: 400, errors }, 'application/problem+json');
      }
      sendJson(response, 200, STATUS_ANSWER, 'application/json');
    });
  };
}

function readBody(request: IncomingMessage, done: (bytes: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > BODY_LIMIT && !finished) {
      finished = true;
      request.resume();
      done(undefined);
    } else chunks.push(chunk);
  });
  request.on('end', () => {
    if (!finished) done(Buffer.concat(chunks));
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown, contentType: string): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const LISTENERS: Readonly<Record<string, () => RequestListener>> = {
  generated: () => generatedListener(false),
  'generated-dev': () => generatedListener(true),
  hand: handWrittenListener,
};

const isEntryPoint = process.argv[1]?.endsWith('openapi-bench-server.js') === true;
if (isEntryPoint) {
  const mode = process.argv[2] ?? '';
  const listener = LISTENERS[mode];
  if (listener === undefined) {
    process.stderr.write(`usage: openapi-bench-server.js <${Object.keys(LISTENERS).join('|')}>\n`);
    process.exit(2);
  }
  const server = createServer({ keepAliveTimeout: 60_000 }, listener());
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  process.on('SIGTERM', () => process.exit(0));
  // openapi-bench.ts reads the server's CPU time before and after each measured window.
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.(process.cpuUsage());
  });
}
