/**
 * Random requests against the generated servers (mock handlers, responses validated): whatever
 * arrives, the answer is a documented success or a 4xx problem+json, never a 5xx, and the server
 * answers the next request.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw } from '../../conformance/openapi/wire.js';
import { createMynaportalMockHandlers, createMynaportalServer } from '../../generated/openapi/mynaportal/index.js';
import { createRevocationMockHandlers, createRevocationServer } from '../../generated/openapi/revocation/index.js';
import { createSpTsmMockHandlers, createSpTsmServer } from '../../generated/openapi/sp-tsm/index.js';
import { createVerifierMockHandlers, createVerifierServer } from '../../generated/openapi/verifier/index.js';
import { pick, seededRandom } from '../helpers/random.js';

const SEED = 20261129;
const servers: { name: string; server: Server; port: number; paths: string[] }[] = [];

beforeAll(async () => {
  const made: [string, Server, string[]][] = [
    ['revocation', createRevocationServer(createRevocationMockHandlers(), { bodyLimit: 4096, validateResponses: true }), ['/crls', '/crls/signca03/13101', '/ocsp', '/ocsp/MEUw', '/linkage-lists/signca03', '/revocation-status']],
    ['sp-tsm', createSpTsmServer(createSpTsmMockHandlers(), { bodyLimit: 4096, validateResponses: true }), ['/service-instances', '/service-instances/d8c791a1-c39e-41f7-a2ec-f8cdfb57406a/deploy', '/processes/x', '/secure-component-profiles']],
    ['mynaportal', createMynaportalServer(createMynaportalMockHandlers(), { bodyLimit: 4096, validateResponses: true }), ['/auth-requests', '/results/0b7f1c2e-4d5a-4e8b-9c3d-2f1e0a9b8c7d', '/whitelist/RP1']],
    ['verifier', createVerifierServer(createVerifierMockHandlers(), { bodyLimit: 4096, validateResponses: true }), ['/verifications', '/health']],
  ];
  for (const [name, server, paths] of made) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ name, server, port: (server.address() as AddressInfo).port, paths });
  }
});

afterAll(async () => {
  await Promise.all(servers.map(({ server }) => new Promise((resolve) => server.close(resolve))));
});

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const TYPES = ['application/json', 'application/ocsp-request', 'text/plain', 'application/json; charset=utf-8', 'multipart/form-data; boundary=x', ''];
const SUFFIXES = ['', '/', '/..', '/%2e%2e', '?limit=-1', '?admitted=maybe&admitted=true', '%00', '/%FF', '?x=%', '//double'];

function randomBody(random: () => number): Uint8Array | undefined {
  switch (Math.floor(random() * 5)) {
    case 0:
      return undefined;
    case 1:
      return new TextEncoder().encode(JSON.stringify({ caId: pick(random, ['signca03', 1, null]), serialNumber: pick(random, ['01A2', '', 'zz', 5]), certificateKind: 'signature', nested: { deep: [1, { a: [] }] } }));
    case 2:
      return new TextEncoder().encode('{"unterminated": [1, 2');
    case 3:
      return Uint8Array.from({ length: Math.floor(random() * 9000) }, () => Math.floor(random() * 256));
    default:
      return new TextEncoder().encode(JSON.stringify(pick(random, [[], 'text', 42, true, null, { messageType: 'authRequest' }])));
  }
}

describe('generated servers under random requests', () => {
  it('never answer 5xx, answer errors as problem+json, and keep serving', async () => {
    const random = seededRandom(SEED);
    for (let round = 0; round < 400; round += 1) {
      const target = pick(random, servers);
      const body = randomBody(random);
      const contentType = pick(random, TYPES);
      const uri = `${pick(random, target.paths)}${pick(random, SUFFIXES)}`;
      const method = pick(random, METHODS);
      const answer = await sendRaw(target.port, { method, uri, headers: contentType === '' ? {} : { 'content-type': contentType }, ...(body === undefined ? {} : { body }) });
      const context = `seed ${SEED} round ${round}: ${target.name} ${method} ${uri} (${contentType}) → ${answer.status} ${Buffer.from(answer.body).toString().slice(0, 300)}`;
      expect(answer.status, context).toBeLessThan(500);
      if (answer.status >= 400 && method !== 'HEAD') {
        expect(answer.headers['content-type'], context).toBe('application/problem+json');
        expect(JSON.parse(Buffer.from(answer.body).toString()), context).toMatchObject({ status: answer.status, title: expect.any(String) });
      }
    }
    for (const { port } of servers) expect((await sendRaw(port, { method: 'GET', uri: '/nope' })).status).toBe(404);
  }, 120_000);
});
