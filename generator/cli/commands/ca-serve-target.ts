/**
 * `jpkigen serve ca --data-dir d`: the reference CA's revocation service — OCSP responder, CRLs per
 * distribution point and the ARL, linkage lists, status lookups — over the CA's own database, kept
 * fresh as `jpkigen ca revoke|hold|release` (or another process on the same database) changes it.
 */
import type { ServeTarget } from './serve-command.js';

export const caServeTarget: ServeTarget = {
  describe: 'the reference JPKI CA: OCSP, CRLs, linkage lists and status lookups from its database',
  async createListener({ basePath, files }) {
    const { openCa } = await import('./ca-command.js');
    const { createRevocationService } = await import('../../../reference/ca/revocation-service.js');
    const opened = await openCa({ dataDir: files?.caDataDir ?? './.jpkigen-ca', ...(files?.passphraseFile === undefined ? {} : { passphraseFile: files.passphraseFile }) });
    const service = createRevocationService(opened.authority, { basePath });
    await service.start();
    return service.listener;
  },
};
