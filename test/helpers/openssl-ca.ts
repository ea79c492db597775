/**
 * A throwaway CA made by OpenSSL (the independent party): CA key and certificate, end-entity
 * certificates with chosen serials naming a JPKI-style directoryName CRL distribution point, and an
 * InMemoryRevocationSource over that CA for the publishers to read.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeCertificate, encodeName, idCeCRLDistributionPoints, type CRLDistributionPoints } from '../../generated/asn1/index.js';
import type { JpkiCaId } from '../../generated/messages/types.js';
import { InMemoryRevocationSource, keySigner } from '../../reference/ca/in-memory-revocation-source.js';
import type { RevocationIssuer } from '../../reference/ca/revocation-source.js';

export const AUTH_CA_SUBJECT = '/C=JP/O=JPKI/OU=JPKI for user authentication/OU=Japan Agency for Local Authority Information Systems';

export function openssl(args: readonly string[], cwd: string, input?: string | Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, ...(input === undefined ? {} : { input }) });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function mustOpenssl(args: readonly string[], cwd: string): string {
  const result = openssl(args, cwd);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

export interface TestCa {
  readonly folder: string;
  readonly caId: JpkiCaId;
  readonly caCertPath: string;
  readonly caKeyPath: string;
  readonly caCertPem: string;
  readonly issuer: RevocationIssuer;
  /** Makes an end-entity certificate with this serial whose cRLDistributionPoints names `municipality`'s CRL; returns its PEM path. */
  leaf(serial: bigint, municipality: TestMunicipality): string;
  /** The DER directoryName a leaf of this municipality carries (read back from an OpenSSL-made certificate). */
  distributionPointName(municipality: TestMunicipality): Uint8Array;
  dispose(): void;
}

export interface TestMunicipality {
  readonly code: string;
  readonly prefecture: string;
  readonly municipality: string;
}

export const CHIYODA: TestMunicipality = { code: '13101', prefecture: 'Tokyo-to', municipality: 'Chiyoda-ku' };
export const KIYOSE: TestMunicipality = { code: '13221', prefecture: 'Tokyo-to', municipality: 'Kiyose-shi' };

export function createTestCa(options: { readonly keyAlgorithm?: 'rsa' | 'ec'; readonly caId?: JpkiCaId } = {}): TestCa {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'jpkigen-test-ca-'));
  const caId = options.caId ?? 'authca03';
  const keyArgs = options.keyAlgorithm === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  mustOpenssl(
    ['req', '-x509', ...keyArgs, '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', AUTH_CA_SUBJECT, '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    folder,
  );
  const caCertPath = path.join(folder, 'ca.pem');
  const caKeyPath = path.join(folder, 'ca.key');
  const caCertPem = readFileSync(caCertPath, 'utf8');
  const certificate = new Uint8Array(new X509Certificate(caCertPem).raw);
  const issuer: RevocationIssuer = { caId, certificate, ...keySigner(createPrivateKey(readFileSync(caKeyPath))) };
  mustOpenssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'leaf.key'], folder);
  mustOpenssl(['req', '-new', '-key', 'leaf.key', '-subj', '/C=JP/CN=leaf', '-out', 'leaf.csr'], folder);
  const names = new Map<string, Uint8Array>();
  const leaf = (serial: bigint, municipality: TestMunicipality): string => {
    const extensions = path.join(folder, `${municipality.code}.cnf`);
    writeFileSync(
      extensions,
      [
        'basicConstraints = CA:FALSE',
        'keyUsage = critical, digitalSignature',
        'crlDistributionPoints = crldp',
        '[crldp]',
        'fullname = dirName:dp_dn',
        '[dp_dn]',
        'C = JP',
        'O = JPKI',
        '1.OU = JPKI for user authentication',
        '2.OU = CRL Distribution Points',
        `3.OU = ${municipality.prefecture}`,
        `CN = ${municipality.municipality} CRLDP`,
        '',
      ].join('\n'),
    );
    const out = `leaf-${serial.toString(16)}.pem`;
    mustOpenssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${serial.toString(16)}`, '-days', '365', '-extfile', extensions, '-out', out], folder);
    return path.join(folder, out);
  };
  const distributionPointName = (municipality: TestMunicipality): Uint8Array => {
    const known = names.get(municipality.code);
    if (known !== undefined) return known;
    const leafPath = leaf(0x7fffffffn, municipality);
    const parsed = decodeCertificate(new Uint8Array(new X509Certificate(readFileSync(leafPath)).raw));
    const extension = parsed.tbsCertificate.extensions?.find((candidate) => candidate.extnID === idCeCRLDistributionPoints);
    const points = extension?.extnValue.value as CRLDistributionPoints | undefined;
    const name = points?.[0]?.distributionPoint;
    if (name?.type !== 'fullName' || name.value[0]?.type !== 'directoryName') throw new Error('OpenSSL leaf has no directoryName distribution point');
    const der = encodeName(name.value[0].value);
    names.set(municipality.code, der);
    return der;
  };
  return { folder, caId, caCertPath, caKeyPath, caCertPem, issuer, leaf, distributionPointName, dispose: () => rmSync(folder, { recursive: true, force: true }) };
}

/** An in-memory source over a test CA with the given municipalities as distribution points. */
export function sourceFor(ca: TestCa, municipalities: readonly TestMunicipality[], clock?: () => Date): InMemoryRevocationSource {
  const source = new InMemoryRevocationSource([ca.issuer], clock);
  for (const municipality of municipalities) source.addDistributionPoint(ca.caId, { municipalityCode: municipality.code, name: ca.distributionPointName(municipality) });
  return source;
}
