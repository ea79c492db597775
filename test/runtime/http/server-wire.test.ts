/**
 * What the generated server puts on the wire, byte for byte: answers carry a Content-Length that
 * counts bytes (not UTF-16 units) and are never chunked; HEAD announces the length and sends no
 * body; request bodies arriving in several pieces (announced or chunked) are read whole; and
 * asynchronous authorize hooks and handlers take the same paths as synchronous ones.
 */
import { createConnection } from 'node:net';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRevocationMockHandlers, createRevocationServer, type RevocationHandlers } from '../../../generated/openapi/revocation/index.js';
import { HttpProblem, type ServerOptions } from '../../../runtime/http/index.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function revocation(handlers: Partial<RevocationHandlers> = {}, options?: ServerOptions): Promise<number> {
  const server = createRevocationServer({ ...createRevocationMockHandlers(), ...handlers }, options);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const query = { caId: 'signca03', serialNumber: '01A2B3C5', certificateKind: 'signature' } as const;
const statusAnswer = { status: 200, body: { status: 'good', caId: 'signca03', serialNumber: '01A2B3C5', source: 'ocsp', thisUpdate: '2025-02-03T04:00:00Z', nextUpdate: '2025-02-03T04:15:00Z' } } as const;
/** Three bytes per character in UTF-8, one UTF-16 unit each: a length counted in characters would be short. */
const MULTI_BYTE_NOTE = '署名用電子証明書は有効です ✓';

/** Sends raw request bytes on a fresh connection and returns everything the server sends until it closes. */
function exchange(port: number, requestText: string): Promise<{ head: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      resolve({ head: all.subarray(0, split).toString('latin1'), body: all.subarray(split + 4) });
    });
    socket.write(requestText);
  });
}

function headerOf(head: string, name: string): string | undefined {
  const line = head.split('\r\n').find((candidate) => candidate.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

/** POSTs a JSON body to /revocation-status in pieces, a pause after each, with or without a Content-Length. */
function postInPieces(port: number, pieces: readonly Buffer[], announceLength: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (announceLength) headers['content-length'] = String(total);
    else headers['transfer-encoding'] = 'chunked';
    const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/revocation-status', headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.flushHeaders();
    let index = 0;
    const next = (): void => {
      const piece = pieces[index];
      index += 1;
      if (piece === undefined) return void request.end();
      request.write(piece);
      setTimeout(next, 15);
    };
    next();
  });
}

function splitInto(bytes: Buffer, count: number): Buffer[] {
  const size = Math.ceil(bytes.length / count);
  return Array.from({ length: count }, (_, index) => bytes.subarray(index * size, (index + 1) * size)).filter((piece) => piece.length > 0);
}

describe('generated server answers on the wire', () => {
  it('sends a Content-Length counting UTF-8 bytes, in one unchunked answer', async () => {
    const answer = { status: 'good', caId: 'signca03', serialNumber: '01A2B3C5', source: 'ocsp', thisUpdate: '2025-02-03T04:00:00Z', note: MULTI_BYTE_NOTE };
    const port = await revocation({ queryRevocationStatus: () => ({ status: 200, body: answer }) as never }, { validateResponses: false });
    const body = JSON.stringify(query);
    const { head, body: received } = await exchange(
      port,
      `POST /revocation-status HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(headerOf(head, 'transfer-encoding')).toBeUndefined();
    const expected = Buffer.from(JSON.stringify(answer), 'utf8');
    expect(expected.length).toBeGreaterThan(JSON.stringify(answer).length);
    expect(headerOf(head, 'content-length')).toBe(String(expected.length));
    expect(received.equals(expected)).toBe(true);
  });

  it('answers HEAD with the Content-Length of the GET answer and no body', async () => {
    const port = await revocation();
    const get = await exchange(port, 'GET /crls/signca03/13101 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const head = await exchange(port, 'HEAD /crls/signca03/13101 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(get.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(get.body.length).toBeGreaterThan(0);
    expect(headerOf(get.head, 'content-length')).toBe(String(get.body.length));
    expect(head.head).toMatch(/^HTTP\/1\.1 200 /);
    expect(headerOf(head.head, 'content-length')).toBe(String(get.body.length));
    expect(headerOf(head.head, 'content-type')).toBe('application/pkix-crl');
    expect(head.body.length).toBe(0);
  });

  it('announces an empty answer with Content-Length: 0 instead of an empty chunked body', async () => {
    const port = await revocation({ getCrlIndex: () => ({ status: 200 }) as never }, { validateResponses: false });
    const { head, body } = await exchange(port, 'GET /crls HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(headerOf(head, 'transfer-encoding')).toBeUndefined();
    expect(headerOf(head, 'content-length')).toBe('0');
    expect(body.length).toBe(0);
  });

  it('keeps a Content-Length the handler set itself', async () => {
    const port = await revocation({ getCrlIndex: () => ({ status: 200, body: { generatedAt: '2025-02-03T04:00:00Z', cas: [] }, headers: { 'Content-Length': '52' } }) as never }, { validateResponses: false });
    const { head, body } = await exchange(port, 'GET /crls HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(head.match(/content-length/gi)).toHaveLength(1);
    expect(headerOf(head, 'content-length')).toBe('52');
    expect(body.length).toBe(Buffer.byteLength(JSON.stringify({ generatedAt: '2025-02-03T04:00:00Z', cas: [] })));
  });
});

describe('generated server reads bodies that arrive in pieces', () => {
  const body = Buffer.from(JSON.stringify({ ...query, caId: 'signca03' }), 'utf8');

  it('with a Content-Length: the pieces are joined in order and validated', async () => {
    const seen: unknown[] = [];
    const port = await revocation({ queryRevocationStatus: (request) => (seen.push(request.body), statusAnswer) });
    const answer = await postInPieces(port, splitInto(body, 4), true);
    expect(answer.status).toBe(200);
    expect(seen).toEqual([query]);
  });

  it('chunked: the pieces are joined in order, and a broken body is still refused', async () => {
    const seen: unknown[] = [];
    const port = await revocation({ queryRevocationStatus: (request) => (seen.push(request.body), statusAnswer) });
    expect((await postInPieces(port, splitInto(body, 3), false)).status).toBe(200);
    expect(seen).toEqual([query]);
    const broken = await postInPieces(port, splitInto(body.subarray(0, body.length - 1), 3), false);
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toMatchObject({ code: 'malformedBody' });
    expect(seen).toHaveLength(1);
  });

  it('counts a chunked body against the limit across pieces', async () => {
    const port = await revocation({}, { bodyLimit: 64 });
    const padded = Buffer.from(JSON.stringify({ ...query, padding: ' '.repeat(100) }), 'utf8');
    const answer = await postInPieces(port, splitInto(padded, 5), false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'bodyTooLarge' });
  });
});

describe('generated server with asynchronous hooks and handlers', () => {
  it('waits for an asynchronous authorize: refused is 401, granted reaches the handler', async () => {
    const port = await revocation({}, { authorize: async (request) => (await new Promise((resolve) => setTimeout(resolve, 5)), request.headers['authorization'] === 'Bearer letmein') });
    const refused = await exchange(port, 'GET /crls HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(refused.head).toMatch(/^HTTP\/1\.1 401 /);
    const granted = await exchange(port, 'GET /crls HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer letmein\r\n\r\n');
    expect(granted.head).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('answers a failing authorize with a bare 500 and tells onError', async () => {
    const errors: unknown[] = [];
    const port = await revocation({}, { authorize: () => Promise.reject(new Error('directory unreachable')), onError: (error) => errors.push(error) });
    const answer = await exchange(port, 'GET /crls HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer.head).toMatch(/^HTTP\/1\.1 500 /);
    expect(answer.body.toString()).not.toContain('unreachable');
    expect(errors).toHaveLength(1);
  });

  it('sends what an asynchronous handler resolves to, and the problem it rejects with', async () => {
    const port = await revocation({
      getCrlIndex: async () => (await new Promise((resolve) => setTimeout(resolve, 5)), { status: 200 as const, body: { generatedAt: '2025-02-03T04:00:00Z', cas: [] } }),
      getLinkageList: async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new HttpProblem(404, 'linkageListNotFound', 'No linkage list for authca01.');
      },
    }, { validateResponses: false });
    const index = await exchange(port, 'GET /crls HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(`${index.head}\n${index.body.toString()}`).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(index.body.toString())).toEqual({ generatedAt: '2025-02-03T04:00:00Z', cas: [] });
    const missing = await exchange(port, 'GET /linkage-lists/authca01 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(missing.head).toMatch(/^HTTP\/1\.1 404 /);
    expect(JSON.parse(missing.body.toString())).toMatchObject({ code: 'linkageListNotFound' });
  });

  it('remembers Accept headers per operation without mixing up acceptable and unacceptable ones', async () => {
    const port = await revocation();
    for (let round = 0; round < 3; round += 1) {
      for (const [accept, status] of [['text/html', 406], ['application/json', 200], ['application/*;q=0.5', 200], ['image/png', 406]] as const) {
        const answer = await exchange(port, `GET /crls HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: ${accept}\r\n\r\n`);
        expect(answer.head.slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
      }
    }
  });
});
