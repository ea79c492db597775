import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createRevocationMockHandlers, createRevocationServer, revocationFastifyPlugin, RevocationClient, type RevocationHandlers } from '../../../generated/openapi/revocation/index.js';
import { createSpTsmMockHandlers, createSpTsmServer } from '../../../generated/openapi/sp-tsm/index.js';
import { HttpProblem, HttpResponseError, type ServerOptions } from '../../../runtime/http/index.js';
import { sendRaw } from '../../../conformance/openapi/wire.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const query = { caId: 'signca03', serialNumber: '01A2B3C5', certificateKind: 'signature' } as const;

async function revocation(handlers: Partial<RevocationHandlers> = {}, options?: ServerOptions): Promise<number> {
  return listen(createRevocationServer({ ...createRevocationMockHandlers(), ...handlers }, options));
}

/** Streams `size` bytes with chunked transfer coding, so no Content-Length warns the server. */
function sendChunked(port: number, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/revocation-status', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      request.end();
    };
    pump();
  });
}

describe('generated server on node:http', () => {
  it('answers an oversize body with 413, announced or streamed, and keeps serving', async () => {
    const port = await revocation({}, { bodyLimit: 1024 });
    const announced = await sendRaw(port, { method: 'POST', uri: '/revocation-status', headers: { 'content-type': 'application/json' }, body: new Uint8Array(4096).fill(0x20) });
    expect(announced.status).toBe(413);
    expect(JSON.parse(Buffer.from(announced.body).toString())).toMatchObject({ status: 413, code: 'bodyTooLarge' });
    const streamed = await sendChunked(port, 5 * 1024 * 1024);
    expect(streamed.status).toBe(413);
    const client = new RevocationClient({ baseUrl: `http://127.0.0.1:${port}` });
    expect((await client.queryRevocationStatus({ body: query })).status).toBe(200);
  });

  it('names every failing pointer of a bad body and never calls the handler', async () => {
    let called = false;
    const port = await revocation({ queryRevocationStatus: () => ((called = true), { status: 500 }) as never });
    const answer = await sendRaw(port, {
      method: 'POST',
      uri: '/revocation-status',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: new TextEncoder().encode(JSON.stringify({ caId: 7, serialNumber: 'zz', certificateKind: 'signature', extra: true })),
    });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(Buffer.from(answer.body).toString()) as { errors: { pointer: string }[] };
    const pointers = problem.errors.map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['#/caId', '#/serialNumber', '#']));
    expect(called).toBe(false);
  });

  it('turns a handler failure into a bare 500 and tells onError, and a thrown HttpProblem into its problem', async () => {
    const errors: unknown[] = [];
    const port = await revocation(
      {
        getCrlIndex: () => {
          throw new Error('database is down (secret detail)');
        },
        getLinkageList: () => {
          throw new HttpProblem(404, 'linkageListNotFound', 'No linkage list for authca01.');
        },
      },
      { onError: (error) => errors.push(error) },
    );
    const client = new RevocationClient({ baseUrl: `http://127.0.0.1:${port}`, retry: { maxRetries: 0 } });
    const failure = (await client.getCrlIndex().catch((caught: unknown) => caught)) as HttpResponseError;
    expect(failure.status).toBe(500);
    expect(JSON.stringify(failure.problem)).not.toContain('secret');
    expect(errors).toHaveLength(1);
    const missing = (await client.getLinkageList({ path: { caId: 'authca01' } }).catch((caught: unknown) => caught)) as HttpResponseError;
    expect(missing.status).toBe(404);
    expect(missing.problem?.code).toBe('linkageListNotFound');
  });

  it('in development mode refuses an answer that breaks the document; in production mode sends it', async () => {
    const handlers = { getCrlIndex: () => ({ status: 200 as const, body: { generatedAt: 'yesterday', cas: 'none' } as never }) };
    const development = await revocation(handlers, { validateResponses: true, onError: () => undefined });
    const checked = await sendRaw(development, { method: 'GET', uri: '/crls' });
    expect(checked.status).toBe(500);
    expect(JSON.parse(Buffer.from(checked.body).toString())).toMatchObject({ code: 'invalidResponse', errors: expect.arrayContaining([{ pointer: '#/cas', detail: expect.any(String) }]) });
    const production = await revocation(handlers, { validateResponses: false });
    expect((await sendRaw(production, { method: 'GET', uri: '/crls' })).status).toBe(200);
  });

  it('negotiates: HEAD answers without a body, an unacceptable Accept gets 406', async () => {
    const port = await revocation();
    const head = await sendRaw(port, { method: 'HEAD', uri: '/crls/signca03/13101' });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('application/pkix-crl');
    expect(head.body.length).toBe(0);
    const refused = await sendRaw(port, { method: 'GET', uri: '/crls/signca03/13101', headers: { accept: 'text/html' } });
    expect(refused.status).toBe(406);
  });

  it('survives garbage: bad percent-encoding, a header-only flood of requests, non-UTF-8 JSON', async () => {
    const port = await revocation();
    expect((await sendRaw(port, { method: 'GET', uri: '/ocsp/%E0%A4%A' })).status).toBe(400);
    const invalidUtf8 = await sendRaw(port, { method: 'POST', uri: '/revocation-status', headers: { 'content-type': 'application/json' }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(invalidUtf8.status).toBe(400);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => sendRaw(port, { method: index % 2 === 0 ? 'PUT' : 'GET', uri: `/crls/x${index}` })));
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([404]));
    expect((await sendRaw(port, { method: 'GET', uri: '/crls' })).status).toBe(200);
  });

  it('asks authorize for operations that name security schemes, and answers 401 when it refuses', async () => {
    const asked: { name: string; security: readonly string[] }[] = [];
    const port = await revocation({}, { authorize: (request, operation) => (asked.push(operation), request.headers['authorization'] === 'Bearer letmein') });
    expect((await sendRaw(port, { method: 'GET', uri: '/crls' })).status).toBe(401);
    expect((await sendRaw(port, { method: 'GET', uri: '/crls', headers: { authorization: 'Bearer letmein' } })).status).toBe(200);
    expect(asked[0]).toEqual({ name: 'getCrlIndex', security: ['verifierMutualTls', 'verifierToken'] });
  });

  it('serves the SP-TSM mock: a created instance comes back typed', async () => {
    const port = await listen(createSpTsmServer(createSpTsmMockHandlers()));
    const answer = await sendRaw(port, { method: 'GET', uri: '/service-instances/d8c791a1-c39e-41f7-a2ec-f8cdfb57406a' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(Buffer.from(answer.body).toString())).toMatchObject({ id: 'd8c791a1-c39e-41f7-a2ec-f8cdfb57406a' });
  });
});

describe('generated server as a Fastify plugin', () => {
  it('serves under a prefix, reads raw bodies itself and keeps Fastify routes apart', async () => {
    const app = Fastify();
    app.get('/health', async () => ({ ok: true }));
    await app.register(revocationFastifyPlugin(createRevocationMockHandlers(), { bodyLimit: 2048 }), { prefix: '/revocation/v1' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (app.server.address() as AddressInfo).port;
      const client = new RevocationClient({ baseUrl: `http://127.0.0.1:${port}/revocation/v1` });
      const ocsp = await client.postOcspRequest({ body: new Uint8Array([0x30, 0x00]) });
      expect(ocsp.contentType).toBe('application/ocsp-response');
      expect(ocsp.body.length).toBeGreaterThan(100);
      const status = await client.queryRevocationStatus({ body: query });
      expect(status.status).toBe(200);
      const bad = await sendRaw(port, { method: 'POST', uri: '/revocation/v1/revocation-status', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"caId": 1}') });
      expect(bad.status).toBe(400);
      expect(JSON.parse(Buffer.from(bad.body).toString())).toMatchObject({ code: 'invalidBody' });
      const large = await sendRaw(port, { method: 'POST', uri: '/revocation/v1/ocsp', headers: { 'content-type': 'application/ocsp-request' }, body: new Uint8Array(4096) });
      expect(large.status).toBe(413);
      expect((await sendRaw(port, { method: 'GET', uri: '/health' })).status).toBe(200);
      expect((await sendRaw(port, { method: 'GET', uri: '/revocation/v1/nothing' })).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
