/**
 * The two routes bench/openapi-bench.ts compares must do the same work, or the ratio means
 * nothing: same answer to the valid query, and the same refusals (validation, media type, route).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedListener, handWrittenListener, STATUS_ANSWER, STATUS_PATH, STATUS_QUERY } from '../../bench/openapi-bench-server.js';

const servers: Record<string, Server> = {};
const urls: Record<string, string> = {};

async function listen(name: string, listener: RequestListener): Promise<void> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers[name] = server;
  urls[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await listen('generated', generatedListener(false));
  await listen('generated-dev', generatedListener(true));
  await listen('hand', handWrittenListener());
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function post(base: string, path: string, body: string, contentType = 'application/json'): Promise<{ status: number; type: string | null; body: unknown }> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': contentType, accept: 'application/json, application/problem+json' }, body });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe.each(['generated', 'generated-dev', 'hand'])('bench route %s', (name) => {
  it('answers the statusLookup query with the same JSON', async () => {
    const answer = await post(urls[name] ?? '', STATUS_PATH, JSON.stringify(STATUS_QUERY));
    expect(answer).toEqual({ status: 200, type: 'application/json', body: STATUS_ANSWER });
  });

  it.each([
    ['a serial number that is a number', JSON.stringify({ ...STATUS_QUERY, serialNumber: 12345 }), 'application/json', 400],
    ['a missing certificate kind', JSON.stringify({ caId: STATUS_QUERY.caId, serialNumber: STATUS_QUERY.serialNumber }), 'application/json', 400],
    ['a body that is not JSON', '{"caId":', 'application/json', 400],
    ['a body of another media type', JSON.stringify(STATUS_QUERY), 'text/plain', 415],
  ])('refuses %s', async (_what, body, contentType, status) => {
    const answer = await post(urls[name] ?? '', STATUS_PATH, body, contentType);
    expect(answer.status).toBe(status);
    expect(answer.type).toBe('application/problem+json');
  });
});
