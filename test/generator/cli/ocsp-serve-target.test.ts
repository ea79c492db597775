import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocspServeTarget } from '../../../generator/cli/commands/ocsp-serve-target.js';
import { formatOpensslIndexLine } from '../../../reference/ca/in-memory-revocation-source.js';
import { CHIYODA, createTestCa, type TestCa } from '../../helpers/openssl-ca.js';
import { ocspStatusOf, runOpenssl } from '../../helpers/openssl-ocsp.js';

let ca: TestCa;
let server: Server;
let url: string;

beforeAll(async () => {
  ca = createTestCa();
  const notAfter = new Date('2031-01-01T00:00:00Z');
  const index = path.join(ca.folder, 'index.txt');
  writeFileSync(index, `${formatOpensslIndexLine({ status: 'V', notAfter, serialNumber: 0x0501n })}\n${formatOpensslIndexLine({ status: 'R', notAfter, serialNumber: 0x0502n, revokedAt: new Date('2026-05-01T00:00:00Z'), reason: 'superseded' })}\n`);
  const listener = await ocspServeTarget.createListener({ basePath: '', files: { opensslIndex: index, caCertificate: ca.caCertPath, caKey: ca.caKeyPath } });
  server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ocsp`;
}, 30_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  ca?.dispose();
});

describe('serve ocsp over an OpenSSL index.txt', () => {
  it('answers openssl ocsp for the valid and the revoked line', async () => {
    for (const [serial, status] of [[0x0501n, 'good'], [0x0502n, 'revoked'], [0x0503n, 'unknown']] as const) {
      const leaf = ca.leaf(serial, CHIYODA);
      const result = await runOpenssl(['ocsp', '-issuer', ca.caCertPath, '-cert', leaf, '-url', url, '-CAfile', ca.caCertPath], ca.folder);
      expect(result.stderr).toMatch(/Response verify OK/);
      expect(ocspStatusOf(result.stdout, leaf)?.status).toBe(status);
    }
  });

  it('refuses to start without its three files', async () => {
    await expect(ocspServeTarget.createListener({ basePath: '' })).rejects.toThrow(/--index, --ca-cert and --ca-key/);
  });
});
