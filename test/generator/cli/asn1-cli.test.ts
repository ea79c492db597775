/**
 * The `jpkigen asn1` commands and `jpkigen generate asn1` as a user runs them (built CLI).
 * Expected values come from openssl, not from our own decoder.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemToDer } from '../../../runtime/der/pem.js';
import { asn1parse, extensionStrings, openssl, temporaryFolder } from '../../helpers/openssl-asn1.js';
import { runCli } from '../../helpers/run-cli.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

const SIGN_CA = '../shared/fixtures/jpki-ca/sign_ca_2023.pem';

let folder = '';
let remove = () => undefined as void;
beforeAll(() => {
  ({ folder, remove } = temporaryFolder('jpkigen-asn1-cli-'));
});
afterAll(() => remove());

describe('jpkigen asn1 roundtrip', () => {
  it('exits 0 for the J-LIS signature CA certificate (PEM), re-encoded from its fields', () => {
    const run = runCli(['asn1', 'roundtrip', SIGN_CA, '--pem', '--type', 'PKIX1Explicit88.Certificate']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/byte-identically/u);
  });

  it('exits 1 when a non-canonical (BER-only) input cannot be reproduced', () => {
    const file = path.join(folder, 'ber.der');
    writeFileSync(file, Uint8Array.from([0x30, 0x81, 0x03, 0x01, 0x01, 0xff]));
    const run = runCli(['asn1', 'roundtrip', file, '--type', 'BasicConstraints', '--ber', '--json']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, firstDifference: 1 });
  });
});

describe('jpkigen asn1 decode', () => {
  it('prints the issuer and the subjectAltName directory name in Japanese, as openssl reads them', () => {
    const run = runCli(['asn1', 'decode', SIGN_CA, '--pem', '--type', 'PKIX1Explicit88.Certificate']);
    expect(run.status).toBe(0);
    const value = JSON.parse(run.stdout) as { tbsCertificate: { issuer: { value: { value: { value: unknown } }[][] }; extensions: { extnID: string; extnValue: { value: unknown } }[] } };
    const issuerStrings = value.tbsCertificate.issuer.value.flatMap((rdn) => rdn.map((attribute) => {
      const inner = attribute.value.value;
      return typeof inner === 'string' ? inner : (inner as { value: string }).value;
    }));
    const opensslIssuer = openssl(['x509', '-in', SIGN_CA, '-noout', '-issuer', '-nameopt', 'utf8,sep_multiline']).split('\n').slice(1).map((line) => line.trim().replace(/^[A-Z]+=/u, '')).filter((line) => line !== '');
    expect(issuerStrings).toEqual(opensslIssuer);
    const san = value.tbsCertificate.extensions.find((extension) => extension.extnID === '2.5.29.17');
    const japanese = extensionStrings(SIGN_CA, 'X509v3 Subject Alternative Name').filter((text) => /[^\x00-\x7f]/u.test(text));
    expect(japanese.length).toBe(3);
    for (const text of japanese) expect(JSON.stringify(san)).toContain(text);
    expect(run.stdout).toContain('公的個人認証サービス署名用');
  });

  it('reports malformed DER with the DecodeError code, offset and path, exit 1', () => {
    const der = pemToDer(readFileSync(SIGN_CA, 'utf8'));
    const broken = der.slice(0, 200);
    const file = path.join(folder, 'truncated.der');
    writeFileSync(file, broken);
    const run = runCli(['asn1', 'decode', file, '--type', 'Certificate', '--json']);
    expect(run.status).toBe(1);
    const error = (JSON.parse(run.stdout) as { error: { code: string; offset: number; path: string } }).error;
    expect(error.code).toBe('DER_OVERRUN');
    expect(error.offset).toBe(0);
    expect(error.path).toBe('Certificate');
    const text = runCli(['asn1', 'decode', file, '--type', 'Certificate']);
    expect(text.stderr).toMatch(/DER_OVERRUN: DER at byte 0 \(Certificate\)/u);
  });

  it('refuses an unknown or ambiguous type with exit 2', () => {
    expect(runCli(['asn1', 'decode', SIGN_CA, '--type', 'NoSuchType']).status).toBe(2);
    const ambiguous = runCli(['asn1', 'decode', SIGN_CA, '--type', 'Version']);
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr).toMatch(/ambiguous: .*PKIX1Explicit88\.Version/u);
  });
});

describe('jpkigen asn1 dump', () => {
  it('prints the TLV tree with the same elements, offsets and OIDs openssl asn1parse finds', () => {
    const run = runCli(['asn1', 'dump', SIGN_CA, '--json']);
    expect(run.status).toBe(0);
    interface Node { offset: number; depth: number; tag: string; value?: string; children?: Node[] }
    const flat: Node[] = [];
    const visit = (node: Node) => {
      flat.push(node);
      for (const child of node.children ?? []) visit(child);
    };
    for (const node of (JSON.parse(run.stdout) as { tree: Node[] }).tree) visit(node);
    const reference = asn1parse(SIGN_CA);
    expect(flat.map((node) => [node.offset, node.depth])).toEqual(reference.map((line) => [line.offset, line.depth]));
    const text = runCli(['asn1', 'dump', SIGN_CA]);
    expect(text.stdout.split('\n')[0]).toMatch(/^\s+0:d=0\s+hl=4 l=\d+ cons: SEQUENCE/u);
    expect(text.stdout).toContain('OBJECT IDENTIFIER  2.5.29.17');
    expect(text.stdout).toContain('UTF8String  JPKI for digital signature');
  });
});

describe('jpkigen generate asn1 on a module set it has never seen (RFC 3161)', () => {
  const modules = [
    'test/fixtures/asn1/rfc3161-pkixtsp.asn',
    'test/fixtures/asn1/rfc4210-pkixcmp-subset.asn',
    'spec/asn1/pkix1-explicit-88.asn',
    'spec/asn1/pkix1-implicit-88.asn',
    'spec/asn1/cms-2004.asn',
  ];

  it('writes a self-contained package that passes strict tsc and decodes an openssl time-stamp request', async () => {
    const out = path.join(folder, 'tsp');
    const run = runCli(['generate', 'asn1', ...modules, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/5 module\(s\)/u);
    const require = createRequire(import.meta.url);
    writeFileSync(
      path.join(out, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], types: ['node'], typeRoots: [path.join(repositoryRoot, 'node_modules', '@types')],
          strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, noImplicitOverride: true, noImplicitReturns: true,
          noFallthroughCasesInSwitch: true, verbatimModuleSyntax: true, isolatedModules: true, skipLibCheck: false, outDir: 'dist', rootDir: '.',
        },
        include: ['*.ts', 'runtime/**/*.ts'],
      }),
    );
    writeFileSync(path.join(out, 'package.json'), JSON.stringify({ type: 'module' }));
    const tsc = require.resolve('typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', out], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      throw new Error(`tsc failed:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
    }
    // The compiled package decodes what openssl ts -query writes, field for field.
    writeFileSync(path.join(folder, 'data.txt'), 'time-stamp me\n');
    const query = path.join(folder, 'request.tsq');
    openssl(['ts', '-query', '-data', path.join(folder, 'data.txt'), '-sha256', '-cert', '-out', query]);
    const text = openssl(['ts', '-query', '-in', query, '-text']);
    const tsp = (await import(path.join(out, 'dist', 'pkixtsp.js'))) as {
      decodeTimeStampReq(der: Uint8Array): { version: number; messageImprint: { hashAlgorithm: { algorithm: string }; hashedMessage: Uint8Array }; nonce?: bigint; certReq?: boolean };
      encodeTimeStampReq(value: unknown, options?: { useKeptDer?: boolean }): Uint8Array;
    };
    const der = new Uint8Array(readFileSync(query));
    const request = tsp.decodeTimeStampReq(der);
    expect(text).toContain(`Version: ${request.version}`);
    expect(text).toContain('Hash Algorithm: sha256');
    expect(request.messageImprint.hashAlgorithm.algorithm).toBe('2.16.840.1.101.3.4.2.1');
    const imprintHex = (text.split('Message data:')[1] ?? '').split('Policy OID')[0]?.replace(/^\s*\d+\s*-\s*/gmu, '').replace(/\s{3,}.*$/gmu, '').replace(/[^0-9a-f]/giu, '').slice(0, 64);
    expect(Buffer.from(request.messageImprint.hashedMessage).toString('hex')).toBe(imprintHex);
    // OpenSSL prints the nonce as whole bytes (BN_bn2hex): a leading 0 nibble stays.
    const nonceHex = (request.nonce ?? 0n).toString(16).toUpperCase();
    expect(text).toContain(`Nonce: 0x${nonceHex.length % 2 === 0 ? nonceHex : `0${nonceHex}`}`);
    expect(text).toContain(`Certificate required: ${request.certReq === true ? 'yes' : 'no'}`);
    expect(Buffer.from(tsp.encodeTimeStampReq(request, { useKeptDer: false })).equals(Buffer.from(der))).toBe(true);
  }, 180_000);

  it('stops on a malformed module with file:line:column and exit 2, writing nothing', () => {
    const out = path.join(folder, 'broken');
    const run = runCli(['generate', 'asn1', 'test/fixtures/asn1/broken-module.asn', '--out', out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('test/fixtures/asn1/broken-module.asn:7:3: "," or "}" after the component, found "b"');
    expect(() => readFileSync(path.join(out, 'broken.ts'))).toThrow();
  });

  it('names the missing module when an import cannot be resolved, exit 2', () => {
    const run = runCli(['generate', 'asn1', 'test/fixtures/asn1/rfc3161-pkixtsp.asn', '--out', path.join(folder, 'missing'), '--json']);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'SPEC_REF_UNRESOLVED', file: 'test/fixtures/asn1/rfc3161-pkixtsp.asn', line: 18 } });
  });
});

describe('jpkigen generate with a broken spec/asn1 module', () => {
  it('stops with file:line:column, exit 2, and leaves generated/ untouched', async () => {
    const { temporaryProject, snapshotTree, editSpec } = await import('../../helpers/temporary-project.js');
    const project = temporaryProject({ kinds: ['asn1'] });
    try {
      const before = snapshotTree(path.join(project.root, 'generated'));
      editSpec(project.root, 'asn1/jpki-linkage.asn', (text) => text.replace('reason              LinkageReason,', 'reason              LinkageReasn,'));
      const run = runCli(['generate', '--root', project.root, '--force']);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/spec\/asn1\/jpki-linkage\.asn:\d+:\d+: a type named LinkageReasn defined in JPKI-Linkage or imported into it/u);
      expect(snapshotTree(path.join(project.root, 'generated'))).toEqual(before);
    } finally {
      project.remove();
    }
  }, 120_000);
});
