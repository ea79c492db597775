import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RevocationClient } from '../../../generated/openapi/revocation/index.js';
import { SpTsmClient } from '../../../generated/openapi/sp-tsm/index.js';
import { HttpResponseError } from '../../../runtime/http/index.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

/** Starts `jpkigen serve <target> --json` and resolves with the URL it reports. */
function serve(args: readonly string[]): Promise<string> {
  const child = spawn(process.execPath, [path.join(repositoryRoot, 'bin', 'jpkigen.js'), 'serve', ...args, '--json'], { env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      try {
        resolve((JSON.parse(output) as { url: string }).url);
      } catch {
        // not a whole JSON document yet
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

describe('jpkigen serve (mock mode)', () => {
  it('serves the revocation interface from its examples: OCSP bytes, CRL bytes and typed errors', async () => {
    const url = await serve(['revocation', '--port', '0', '--base-path', '/revocation/v1']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/revocation\/v1$/);
    const client = new RevocationClient({ baseUrl: url });
    const ocsp = await client.getOcspResponse({ path: { ocspRequest: 'MEUwQzBBMD8wPTAJBgUrDgMCGgUABBQo0nWV2pflLg0R+bz34C8T30Y8jwQU+zSy4cLihJIDmMCqZ38+P+obvv8CBAGis/8=' } });
    expect(ocsp.contentType).toBe('application/ocsp-response');
    // A DER OCSPResponse: SEQUENCE, then responseStatus ENUMERATED successful (0).
    expect([...ocsp.body.subarray(0, 1)]).toEqual([0x30]);
    expect([...ocsp.body.subarray(4, 7)]).toEqual([0x0a, 0x01, 0x00]);
    const crl = await client.getCrl({ path: { caId: 'signca03', municipalityCode: '13221' } });
    expect(crl.body[0]).toBe(0x30);
    const refused = await client.queryRevocationStatus({ body: { caId: 'signca03', serialNumber: 'not hex', certificateKind: 'signature' } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HttpResponseError);
    expect((refused as HttpResponseError).problem?.errors?.[0]?.pointer).toBe('#/serialNumber');
  });

  it('serves the SP-TSM interface', async () => {
    const url = await serve(['sp-tsm']);
    const client = new SpTsmClient({ baseUrl: url });
    const processStatus = await client.suspendServiceInstance({
      path: { serviceInstanceId: 'd8c791a1-c39e-41f7-a2ec-f8cdfb57406a' },
      body: { command: 'suspend', serviceInstanceId: 'd8c791a1-c39e-41f7-a2ec-f8cdfb57406a' },
    });
    expect(processStatus.status).toBe(202);
    expect(processStatus.body.serviceInstanceId).toBe('d8c791a1-c39e-41f7-a2ec-f8cdfb57406a');
  });

  it('names the targets when asked for one it does not have', async () => {
    await expect(serve(['nonesuch'])).rejects.toThrow(/exited with 2/);
  });
});
