/**
 * Our verdict against `openssl verify` on chains openssl made: each scenario states the verdict
 * it is built to have, and both implementations must reach it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyCertificatePath, type PathValidationInput } from '../../../../reference/verifier/path/index.js';
import { OpensslChain } from './openssl-chain.js';

const CA = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash'];
const LEAF = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'authorityKeyIdentifier=keyid'];
const DAY = 86_400_000;

interface Scenario {
  readonly name: string;
  readonly intermediates: readonly string[];
  readonly leaf: string;
  readonly expectValid: boolean;
  readonly opensslArguments?: readonly string[];
  readonly ours?: Partial<PathValidationInput>;
  readonly crls?: readonly string[];
}

let chain: OpensslChain;
const scenarios: Scenario[] = [];

beforeAll(() => {
  chain = new OpensslChain();
  chain.root({ name: 'root', subject: '/C=JP/O=Path Test/CN=Root', extensions: CA });
  chain.issue('root', { name: 'inter', subject: '/C=JP/O=Path Test/CN=Inter', key: 'rsa', extensions: [...CA, 'certificatePolicies=1.2.3.4'] });
  chain.issue('inter', { name: 'leaf', subject: '/C=JP/O=Path Test/CN=Leaf', extensions: [...LEAF, 'certificatePolicies=1.2.3.4', 'subjectAltName=DNS:www.example.com'] });
  chain.issue('inter', { name: 'leafNoPolicy', subject: '/C=JP/O=Path Test/CN=Leaf without policy', extensions: LEAF });
  chain.issue('root', { name: 'notCa', subject: '/C=JP/O=Path Test/CN=Not a CA', key: 'rsa', extensions: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,keyCertSign'] });
  chain.issue('notCa', { name: 'underNotCa', subject: '/C=JP/O=Path Test/CN=Under not-CA', extensions: LEAF });
  chain.issue('root', { name: 'noCertSign', subject: '/C=JP/O=Path Test/CN=No keyCertSign', key: 'rsa', extensions: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature,cRLSign'] });
  chain.issue('noCertSign', { name: 'underNoCertSign', subject: '/C=JP/O=Path Test/CN=Under no keyCertSign', extensions: LEAF });
  chain.issue('root', { name: 'len0', subject: '/C=JP/O=Path Test/CN=pathlen 0', key: 'rsa', extensions: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign'] });
  chain.issue('len0', { name: 'len0sub', subject: '/C=JP/O=Path Test/CN=below pathlen 0', key: 'rsa', extensions: CA });
  chain.issue('len0sub', { name: 'len0leaf', subject: '/C=JP/O=Path Test/CN=too deep', extensions: LEAF });
  chain.issue('root', { name: 'len1', subject: '/C=JP/O=Path Test/CN=pathlen 1', key: 'rsa', extensions: ['basicConstraints=critical,CA:TRUE,pathlen:1', 'keyUsage=critical,keyCertSign,cRLSign'] });
  chain.issue('len1', { name: 'len1sub', subject: '/C=JP/O=Path Test/CN=below pathlen 1', key: 'rsa', extensions: CA });
  chain.issue('len1sub', { name: 'len1leaf', subject: '/C=JP/O=Path Test/CN=deep enough', extensions: LEAF });
  chain.issue('root', {
    name: 'nc',
    subject: '/C=JP/O=Path Test/CN=Constrained',
    key: 'rsa',
    extensions: [...CA, 'nameConstraints=critical,permitted;DNS:example.com,permitted;email:.example.com,permitted;IP:10.0.0.0/255.0.0.0,permitted;URI:.example.com,permitted;dirName:allowed,excluded;dirName:banned'],
    sections: '[allowed]\nC=JP\nO=Path Test\n[banned]\nC=JP\nO=Path Test\nOU=Banned\n',
  });
  const constrained = (name: string, subject: string, san: string | undefined): void => {
    chain.issue('nc', { name, subject, extensions: [...LEAF, ...(san === undefined ? [] : [`subjectAltName=${san}`])] });
  };
  constrained('ncDnsOk', '/C=JP/O=Path Test/CN=dns ok', 'DNS:www.Example.com');
  constrained('ncDnsBad', '/C=JP/O=Path Test/CN=dns bad', 'DNS:www.example.org');
  constrained('ncDnsSuffixTrick', '/C=JP/O=Path Test/CN=dns trick', 'DNS:wwwexample.com');
  constrained('ncMailOk', '/C=JP/O=Path Test/CN=mail ok', 'email:someone@mail.example.com');
  constrained('ncMailBad', '/C=JP/O=Path Test/CN=mail bad', 'email:someone@example.org');
  constrained('ncIpOk', '/C=JP/O=Path Test/CN=ip ok', 'IP:10.20.30.40');
  constrained('ncIpBad', '/C=JP/O=Path Test/CN=ip bad', 'IP:192.168.1.1');
  constrained('ncUriOk', '/C=JP/O=Path Test/CN=uri ok', 'URI:https://host.example.com/path');
  constrained('ncUriBad', '/C=JP/O=Path Test/CN=uri bad', 'URI:https://host.example.net/path');
  constrained('ncDnOutside', '/C=JP/O=Elsewhere/CN=outside', undefined);
  constrained('ncDnBanned', '/C=JP/O=Path Test/OU=Banned/CN=banned', undefined);
  constrained('ncDnEmailBad', '/C=JP/O=Path Test/CN=dn email/emailAddress=someone@example.org', undefined);
  chain.issue('inter', { name: 'unknownCritical', subject: '/C=JP/O=Path Test/CN=unknown critical', extensions: [...LEAF, '1.3.6.1.4.1.55555.1=critical,ASN1:NULL'] });
  chain.issue('inter', { name: 'revokedLeaf', subject: '/C=JP/O=Path Test/CN=revoked', extensions: LEAF });
  chain.issue('inter', { name: 'pss', subject: '/C=JP/O=Path Test/CN=pss', extensions: LEAF, signatureOptions: ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'], digest: 'sha256' });
  chain.root({ name: 'ecRoot', subject: '/C=JP/O=Path Test/CN=EC Root', key: 'p384', extensions: CA, digest: 'sha384' });
  chain.issue('ecRoot', { name: 'ecInter', subject: '/C=JP/O=Path Test/CN=EC Inter', key: 'p521', extensions: CA, digest: 'sha384' });
  chain.issue('ecInter', { name: 'ecLeaf', subject: '/C=JP/O=Path Test/CN=EC Leaf', key: 'rsa', extensions: LEAF, digest: 'sha512' });
  chain.crl('inter', ['revokedLeaf']);
  chain.crl('root', []);

  const later = (days: number): { time: Date; args: string[] } => {
    const time = new Date(Date.now() + days * DAY);
    return { time, args: ['-attime', String(Math.floor(time.getTime() / 1000))] };
  };
  const expired = later(400);
  const early = later(-2);
  const crlStale = later(45);
  scenarios.push(
    { name: 'RSA root, RSA intermediate, P-256 leaf', intermediates: ['inter'], leaf: 'leaf', expectValid: true },
    { name: 'leaf expired at the validation time', intermediates: ['inter'], leaf: 'leaf', expectValid: false, opensslArguments: expired.args, ours: { time: expired.time } },
    { name: 'leaf not yet valid at the validation time', intermediates: ['inter'], leaf: 'leaf', expectValid: false, opensslArguments: early.args, ours: { time: early.time } },
    { name: 'intermediate with cA false', intermediates: ['notCa'], leaf: 'underNotCa', expectValid: false },
    { name: 'intermediate without keyCertSign', intermediates: ['noCertSign'], leaf: 'underNoCertSign', expectValid: false },
    { name: 'pathlen 0 followed by another CA', intermediates: ['len0sub', 'len0'], leaf: 'len0leaf', expectValid: false },
    { name: 'pathlen 1 followed by another CA', intermediates: ['len1sub', 'len1'], leaf: 'len1leaf', expectValid: true },
    { name: 'dNSName inside the permitted subtree (case differs)', intermediates: ['nc'], leaf: 'ncDnsOk', expectValid: true },
    { name: 'dNSName outside the permitted subtree', intermediates: ['nc'], leaf: 'ncDnsBad', expectValid: false },
    { name: 'dNSName that only ends with the permitted text', intermediates: ['nc'], leaf: 'ncDnsSuffixTrick', expectValid: false },
    { name: 'rfc822Name inside the permitted domain', intermediates: ['nc'], leaf: 'ncMailOk', expectValid: true },
    { name: 'rfc822Name outside the permitted domain', intermediates: ['nc'], leaf: 'ncMailBad', expectValid: false },
    { name: 'iPAddress inside the permitted range', intermediates: ['nc'], leaf: 'ncIpOk', expectValid: true },
    { name: 'iPAddress outside the permitted range', intermediates: ['nc'], leaf: 'ncIpBad', expectValid: false },
    { name: 'URI host inside the permitted domain', intermediates: ['nc'], leaf: 'ncUriOk', expectValid: true },
    { name: 'URI host outside the permitted domain', intermediates: ['nc'], leaf: 'ncUriBad', expectValid: false },
    { name: 'subject DN outside the permitted directoryName', intermediates: ['nc'], leaf: 'ncDnOutside', expectValid: false },
    { name: 'subject DN inside the excluded directoryName', intermediates: ['nc'], leaf: 'ncDnBanned', expectValid: false },
    { name: 'emailAddress in the subject DN outside the permitted domain', intermediates: ['nc'], leaf: 'ncDnEmailBad', expectValid: false },
    { name: 'unknown critical extension in the leaf', intermediates: ['inter'], leaf: 'unknownCritical', expectValid: false },
    { name: 'explicit policy that the chain asserts', intermediates: ['inter'], leaf: 'leaf', expectValid: true, opensslArguments: ['-policy', '1.2.3.4', '-explicit_policy'], ours: { policy: { initialPolicySet: ['1.2.3.4'], explicitPolicy: true } } },
    { name: 'explicit policy that the chain does not assert', intermediates: ['inter'], leaf: 'leaf', expectValid: false, opensslArguments: ['-policy', '1.2.3.5', '-explicit_policy'], ours: { policy: { initialPolicySet: ['1.2.3.5'], explicitPolicy: true } } },
    { name: 'explicit policy with a leaf that has no policies', intermediates: ['inter'], leaf: 'leafNoPolicy', expectValid: false, opensslArguments: ['-explicit_policy'], ours: { policy: { explicitPolicy: true } } },
    { name: 'a leaf without policies when none is required', intermediates: ['inter'], leaf: 'leafNoPolicy', expectValid: true },
    { name: 'CRL check: leaf not revoked', intermediates: ['inter'], leaf: 'leaf', expectValid: true, opensslArguments: ['-crl_check_all'], crls: ['inter-crl', 'root-crl'], ours: { revocation: 'require' } },
    { name: 'CRL check: leaf revoked', intermediates: ['inter'], leaf: 'revokedLeaf', expectValid: false, opensslArguments: ['-crl_check_all'], crls: ['inter-crl', 'root-crl'], ours: { revocation: 'require' } },
    { name: 'CRL check: intermediate CRL missing', intermediates: ['inter'], leaf: 'leaf', expectValid: false, opensslArguments: ['-crl_check_all'], crls: ['root-crl'], ours: { revocation: 'require' } },
    { name: 'CRL check: CRLs past nextUpdate', intermediates: ['inter'], leaf: 'leaf', expectValid: false, opensslArguments: ['-crl_check_all', ...crlStale.args], crls: ['inter-crl', 'root-crl'], ours: { revocation: 'require', time: crlStale.time } },
    { name: 'RSA-PSS signature (SHA-256, salt 32)', intermediates: ['inter'], leaf: 'pss', expectValid: true },
    { name: 'P-384 root, P-521 intermediate (SHA-384), RSA leaf (ECDSA SHA-512)', intermediates: ['ecInter'], leaf: 'ecLeaf', expectValid: true, ours: {} },
  );
}, 120_000);

afterAll(() => chain.dispose());

function rootOf(scenario: Scenario): string {
  return scenario.leaf === 'ecLeaf' ? 'ecRoot' : 'root';
}

describe('agreement with openssl verify', () => {
  test('every scenario: openssl and verifyCertificatePath reach the verdict the chain was built for', () => {
    expect(scenarios.length).toBeGreaterThan(25);
    for (const scenario of scenarios) {
      const root = rootOf(scenario);
      const crlArguments = (scenario.crls ?? []).flatMap((crl) => ['-CRLfile', `${crl}.pem`]);
      const openssl = chain.verify(root, scenario.intermediates, scenario.leaf, [...(scenario.opensslArguments ?? []), ...crlArguments]);
      const ours = verifyCertificatePath({
        certificates: [scenario.leaf, ...scenario.intermediates].map((name) => chain.der(name)),
        trustAnchors: [chain.der(root)],
        crls: (scenario.crls ?? []).map((crl) => chain.der(crl)),
        ...scenario.ours,
      });
      expect({ scenario: scenario.name, openssl: openssl.ok }, openssl.output).toEqual({ scenario: scenario.name, openssl: scenario.expectValid });
      expect({ scenario: scenario.name, ours: ours.valid }, ours.valid ? '' : JSON.stringify(ours.detail)).toEqual({ scenario: scenario.name, ours: scenario.expectValid });
    }
  });

  test('a flipped bit in the leaf signature is rejected by both', () => {
    const leaf = chain.der('leaf');
    const tampered = leaf.slice();
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0x01;
    const ours = verifyCertificatePath({ certificates: [tampered, chain.der('inter')], trustAnchors: [chain.der('root')] });
    expect(ours.valid).toBe(false);
    if (!ours.valid) expect(ours.detail.code).toBe('signatureInvalid');
    const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(tampered).toString('base64')}\n-----END CERTIFICATE-----\n`;
    chain.run(['x509', '-out', 'tampered.pem'], pem);
    expect(chain.verify('root', ['inter'], 'tampered').ok).toBe(false);
  });

  test('OCSP: answers signed by the CA and by a delegated responder, compared with openssl ocsp', () => {
    chain.issue('inter', { name: 'responder', subject: '/C=JP/O=Path Test/CN=Responder', key: 'rsa', extensions: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=OCSPSigning'] });
    chain.issue('root', { name: 'otherCa', subject: '/C=JP/O=Path Test/CN=Other CA', key: 'rsa', extensions: CA });
    chain.issue('otherCa', { name: 'strayResponder', subject: '/C=JP/O=Path Test/CN=Stray Responder', key: 'rsa', extensions: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=OCSPSigning'] });
    const cases = [
      { signer: 'inter', status: 'good', expect: 'good' },
      { signer: 'responder', status: 'revoked', expect: 'revoked' },
      { signer: 'responder', status: 'good', expect: 'good' },
      { signer: 'strayResponder', status: 'good', expect: 'unknown' },
    ] as const;
    for (const { signer, status, expect: wanted } of cases) {
      const response = chain.ocsp('inter', 'leaf', signer, status);
      const rootCrl = chain.der('root-crl');
      const result = verifyCertificatePath({ certificates: [chain.der('leaf'), chain.der('inter')], trustAnchors: [chain.der('root')], ocspResponses: [response], crls: [rootCrl], revocation: 'require' });
      const leafStatus = result.valid ? result.path.revocation[0]?.status : result.detail.code === 'certificateRevoked' ? 'revoked' : result.detail.code === 'revocationUnknown' ? 'unknown' : result.detail.code;
      expect({ signer, status, ours: leafStatus }).toEqual({ signer, status, ours: wanted });
      // openssl's own reading of the same response, trusting only the root.
      const check = chain.run(['ocsp', '-respin', `leaf-${status}-${signer}.ocsp`, '-CAfile', 'root.pem', '-VAfile', 'root.pem', '-issuer', 'inter.pem', '-cert', 'leaf.pem', '-no_nonce']);
      const verified = /Response verify OK/u.test(check.stderr + check.stdout);
      if (wanted === 'unknown') expect(verified).toBe(false);
      else expect({ verified, text: new RegExp(`leaf.pem: ${wanted}`).test(check.stdout) }).toEqual({ verified: true, text: true });
    }
  });
});
