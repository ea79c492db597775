/**
 * How the enforcer identifies a device app: the SHA-256 and SHA-1 of each of its signing
 * certificates (DER), as Android's SecureElementService hashes PackageInfo.signatures for the
 * DeviceAppID-REF-DO comparison (SHA-256 since Android 12; SHA-1 kept for older rules).
 */
import { createHash } from 'node:crypto';
import type { DeviceApplication } from './access-decision.js';

export function deviceApplicationFromCertificates(signingCertificates: readonly Uint8Array[], packageName?: string): DeviceApplication {
  const certificateHashes = signingCertificates.flatMap((der) => [
    new Uint8Array(createHash('sha256').update(der).digest()),
    new Uint8Array(createHash('sha1').update(der).digest()),
  ]);
  return { certificateHashes, ...(packageName === undefined ? {} : { packageName }) };
}
