import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RevocationClient } from '../../../generated/openapi/revocation/index.js';
import { HttpResponseError, HttpTimeoutError, HttpUnexpectedResponseError, parseRetryAfter, retryDelay } from '../../../runtime/http/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A loopback server answering each request with the next scripted answer, recording when each arrived. */
async function scriptedServer(answers: ((request: IncomingMessage, response: ServerResponse) => void)[]): Promise<{ url: string; arrivals: number[] }> {
  const arrivals: number[] = [];
  const server = createServer((request, response) => {
    arrivals.push(performance.now());
    const answer = answers.shift() ?? ((_request, reply) => reply.writeHead(500).end());
    request.resume();
    request.on('end', () => answer(request, response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

const problem503 = (retryAfter: string) => (_request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': retryAfter });
  response.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503 }));
};

const index = { generatedAt: '2025-01-11T00:00:00Z', cas: [] };
const ok = (_request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(index));
};

describe('generated client over loopback', () => {
  it('waits as long as Retry-After says after a 503, then succeeds', async () => {
    const { url, arrivals } = await scriptedServer([problem503('1'), ok]);
    const client = new RevocationClient({ baseUrl: url, retry: { maxRetries: 2, baseDelayMs: 5 } });
    const result = await client.getCrlIndex();
    expect(result.status).toBe(200);
    expect(result.body).toEqual(index);
    expect(arrivals).toHaveLength(2);
    const waited = (arrivals[1] ?? 0) - (arrivals[0] ?? 0);
    // Retry-After: 1 means one second; the 5 ms backoff would have retried at once.
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(3000);
  });

  it('backs off exponentially on 429 without Retry-After and gives up after maxRetries', async () => {
    const tooMany = (_request: IncomingMessage, response: ServerResponse) => response.writeHead(429, { 'content-type': 'application/problem+json' }).end('{"type":"about:blank","title":"Too Many Requests","status":429}');
    const { url, arrivals } = await scriptedServer([tooMany, tooMany, tooMany]);
    const client = new RevocationClient({ baseUrl: url, retry: { maxRetries: 2, baseDelayMs: 40 } });
    const error = await client.getCrlIndex().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpResponseError);
    expect((error as HttpResponseError).status).toBe(429);
    expect(arrivals).toHaveLength(3);
    expect((arrivals[1] ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(35);
    expect((arrivals[2] ?? 0) - (arrivals[1] ?? 0)).toBeGreaterThanOrEqual(75);
  });

  it('does not wait for a Retry-After beyond maxDelayMs: the 503 reaches the caller as a typed problem', async () => {
    const { url, arrivals } = await scriptedServer([problem503('3600')]);
    const client = new RevocationClient({ baseUrl: url, retry: { maxDelayMs: 1000 } });
    const error = (await client.getCrlIndex().catch((caught: unknown) => caught)) as HttpResponseError;
    expect(error).toBeInstanceOf(HttpResponseError);
    expect(error.problem).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503 });
    expect(error.code).toBe('HTTP_ERROR_STATUS');
    expect(arrivals).toHaveLength(1);
  });

  it('times out a call the server never answers', async () => {
    const { url } = await scriptedServer([() => undefined]);
    const client = new RevocationClient({ baseUrl: url, timeoutMs: 150 });
    const started = performance.now();
    const error = await client.getCrlIndex().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('sends and receives binary bodies as Uint8Array with their media types', async () => {
    const request = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]);
    const answer = new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x01]);
    let received: { type: string | undefined; body: Buffer } | undefined;
    const server = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        received = { type: incoming.headers['content-type'], body: Buffer.concat(chunks) };
        response.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(answer));
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new RevocationClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const result = await client.postOcspRequest({ body: request });
    expect(received?.type).toBe('application/ocsp-request');
    expect([...(received?.body ?? [])]).toEqual([...request]);
    expect(result.contentType).toBe('application/ocsp-response');
    expect(result.body).toBeInstanceOf(Uint8Array);
    expect([...result.body]).toEqual([...answer]);
  });

  it('checks answers against the document when asked to (validateResponses)', async () => {
    const broken = (_request: IncomingMessage, response: ServerResponse) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"generatedAt":"2025-01-11T00:00:00Z","cas":"none"}');
    const { url } = await scriptedServer([broken, broken]);
    const error = await new RevocationClient({ baseUrl: url, validateResponses: true }).getCrlIndex().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpUnexpectedResponseError);
    expect((error as Error).message).toMatch(/\/cas/);
    expect((await new RevocationClient({ baseUrl: url }).getCrlIndex()).body).toEqual({ generatedAt: '2025-01-11T00:00:00Z', cas: 'none' });
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new RevocationClient({ baseUrl: 'file:///etc/passwd' })).toThrow(/http/);
  });
});

describe('Retry-After and backoff', () => {
  it('reads delay-seconds and HTTP dates (RFC 9110 §10.2.3)', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:30 GMT'))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('doubles the backoff per attempt and stops after maxRetries', () => {
    const policy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 10_000 };
    expect(retryDelay(policy, 1, null, () => 0)).toBe(100);
    expect(retryDelay(policy, 3, null, () => 0)).toBe(400);
    expect(retryDelay(policy, 2, null, () => 1)).toBe(300);
    expect(retryDelay(policy, 4, null, () => 0)).toBeUndefined();
    expect(retryDelay(policy, 1, '20', () => 0)).toBeUndefined();
  });
});
