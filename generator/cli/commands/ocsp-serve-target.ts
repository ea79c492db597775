/**
 * `jpkigen serve ocsp --index index.txt --ca-cert ca.pem --ca-key ca.key`: the reference CA's
 * revocation service (OCSP responder, CRLs, linkage list) over an OpenSSL `ca` database, for when
 * no CA runs — the same inputs `openssl ocsp -index … -CA … -rsigner … -rkey …` takes, so the two
 * responders can be compared on equal terms.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JpkiCaId } from '../../../generated/messages/types.js';
import { InMemoryRevocationSource, keySigner, loadOpensslIndex } from '../../../reference/ca/in-memory-revocation-source.js';
import { createRevocationService } from '../../../reference/ca/revocation-service.js';
import type { ServeTarget } from './serve-command.js';

export const ocspServeTarget: ServeTarget = {
  describe: 'JPKI revocation service (OCSP, CRLs, linkage list) over an OpenSSL index.txt',
  async createListener({ basePath, files }) {
    const index = files?.opensslIndex;
    const caCertificate = files?.caCertificate;
    const caKey = files?.caKey;
    if (index === undefined || caCertificate === undefined || caKey === undefined) throw new Error('serve ocsp needs --index, --ca-cert and --ca-key');
    const caId = (files?.caId ?? 'authca03') as JpkiCaId;
    const certificate = new Uint8Array(new X509Certificate(readFileSync(caCertificate)).raw);
    const source = new InMemoryRevocationSource([{ caId, certificate, ...keySigner(createPrivateKey(readFileSync(caKey))) }]);
    await loadOpensslIndex(source, caId, index);
    const service = createRevocationService(source, { basePath });
    await service.start();
    return service.listener;
  },
};
