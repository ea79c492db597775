/**
 * `jpkigen serve verifier`: the verifier test interface answered by the reference verifier
 * (reference/verifier), with trust anchors, CRLs and OCSP responses read from the files given to
 * `serve` (--anchor [signca03=]file, --crl file, --ocsp-response file). The mock stays `verifier`.
 */
import { readFile } from 'node:fs/promises';
import type { JpkiCaId } from '../../../generated/messages/types.js';
import type { ServeTarget } from './serve-command.js';

const CA_LABEL = /^((?:auth|sign)ca0[1-3])=(.+)$/u;

export const verifierServeTarget: ServeTarget = {
  describe: 'Verifier test interface (live: the reference verifier, anchors/CRLs/OCSP responses from --anchor/--crl/--ocsp-response)',
  async createListener({ basePath, files }) {
    const [{ createVerifier, createLiveVerifierRequestListener }, { pemBlocks }] = await Promise.all([import('../../../reference/verifier/index.js'), import('../../../runtime/der/pem.js')]);
    const readDer = async (file: string): Promise<Uint8Array[]> => {
      const bytes = await readFile(file);
      const text = bytes.toString('latin1');
      return text.includes('-----BEGIN ') ? pemBlocks(text).map((block) => block.der) : [new Uint8Array(bytes)];
    };
    const readAll = async (list: readonly string[] | undefined) => (await Promise.all((list ?? []).map(readDer))).flat();
    const anchors = await Promise.all(
      (files?.anchors ?? []).map(async (entry) => {
        const label = CA_LABEL.exec(entry);
        return (await readDer(label?.[2] ?? entry)).map((certificate) => (label === null ? certificate : { certificate, caId: label[1] as JpkiCaId }));
      }),
    );
    const verifier = createVerifier({ trustAnchors: anchors.flat(), revocation: { crls: await readAll(files?.crls), ocspResponses: await readAll(files?.ocspResponses) } });
    return createLiveVerifierRequestListener(verifier, { basePath });
  },
};
