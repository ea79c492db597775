/**
 * OpenSSL as the independent judge of the CRLs the tests write: `openssl crl` must verify their
 * signatures, and its text dump is parsed back into serials, dates and reasons.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface OpensslRevokedEntry {
  /** Upper-case hex as OpenSSL prints it (positive serials: the magnitude, no leading 00). */
  readonly serialHex: string;
  readonly revocationDate: Date;
  /** OpenSSL's words, e.g. "Key Compromise". */
  readonly reason?: string;
  readonly invalidityDate?: Date;
}

/** Runs `openssl crl …` on a DER CRL (and CA certificate) written to a temporary folder. */
export function opensslCrl(der: Uint8Array, args: readonly string[], caCertificatePem?: string): { status: number | null; stdout: string; stderr: string } {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'jpkigen-crl-'));
  try {
    const crlFile = path.join(folder, 'list.crl');
    writeFileSync(crlFile, der);
    const extra: string[] = [];
    if (caCertificatePem !== undefined) {
      const caFile = path.join(folder, 'ca.pem');
      writeFileSync(caFile, caCertificatePem);
      extra.push('-CAfile', caFile);
    }
    const result = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', crlFile, ...args, ...extra], { encoding: 'utf8', maxBuffer: 1 << 30 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's ASN1_TIME_print form: `Oct  9 19:08:53 2026 GMT`. */
export function parseOpensslDate(text: string): Date {
  const match = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text.trim());
  if (match === null) throw new Error(`not an OpenSSL date: '${text}'`);
  const [, month, day, hour, minute, second, year] = match;
  return new Date(Date.UTC(Number(year), MONTHS.indexOf(month ?? ''), Number(day), Number(hour), Number(minute), Number(second)));
}

/** The "Revoked Certificates:" section of `openssl crl -text`. */
export function parseOpensslRevokedEntries(text: string): OpensslRevokedEntry[] {
  const section = text.split('Revoked Certificates:')[1];
  if (section === undefined) return [];
  const lines = section.split('\n').map((line) => line.trim());
  const entries: OpensslRevokedEntry[] = [];
  let current: { serialHex: string; revocationDate?: Date; reason?: string; invalidityDate?: Date } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    if (current.revocationDate === undefined) throw new Error(`no revocation date for ${current.serialHex}`);
    entries.push({ ...current, revocationDate: current.revocationDate });
  };
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (line.startsWith('Signature Algorithm:')) break;
    if (line.startsWith('Serial Number:')) {
      flush();
      current = { serialHex: line.slice('Serial Number:'.length).trim() };
    } else if (line.startsWith('Revocation Date:') && current !== undefined) {
      current.revocationDate = parseOpensslDate(line.slice('Revocation Date:'.length));
    } else if (line.startsWith('X509v3 CRL Reason Code:') && current !== undefined) {
      current.reason = lines[index + 1] ?? '';
    } else if (line.startsWith('Invalidity Date:') && current !== undefined) {
      current.invalidityDate = parseOpensslDate(lines[index + 1] ?? '');
    }
  }
  flush();
  return entries;
}
