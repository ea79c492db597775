/**
 * The JPKI life of one holder across the parties, end to end over loopback HTTP: the CA issues a
 * card pair and a smartphone pair for the keys the phone's JPKI applet generated in its simulated
 * GP-SE, the phone signs a server nonce over APDUs after VERIFY, the verifier accepts it, the CA
 * revokes (and holds) the phone's certificates, and the verifier's decision changes — once asking
 * the OCSP responder, once reading the municipality's CRL. Every party is the reference
 * implementation, talking through the generated client and server of spec/openapi/revocation.yaml.
 */
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { CardConnection } from '../../runtime/card/card-connection.js';
import type { CertificateKind, JpkiCaId, VerificationDecision } from '../../generated/messages/types.js';
import type { IssuedPair } from '../../reference/ca/index.js';

export interface ScenarioStep {
  readonly title: string;
  /** What happened, in one line (never key material or personal data beyond the synthetic holder's name). */
  readonly outcome: string;
  readonly ok: boolean;
  readonly milliseconds: number;
}

export interface ScenarioDecision {
  readonly when: string;
  readonly certificate: CertificateKind;
  readonly revocationSource: 'ocsp' | 'crl';
  readonly expected: 'valid' | string;
  readonly decision: VerificationDecision;
  readonly ok: boolean;
}

export interface RevocationScenarioResult {
  readonly steps: readonly ScenarioStep[];
  readonly decisions: readonly ScenarioDecision[];
  readonly ok: boolean;
}

/** Chiyoda-ku: the synthetic holder's (DEMO_HOLDER's) municipality, whose CRL the verifier reads. */
const MUNICIPALITY = '13101';

interface HolderKeys {
  readonly signature: KeyObject;
  readonly userAuthentication: KeyObject;
  readonly publicKeys: { readonly signature: Uint8Array; readonly userAuthentication: Uint8Array };
}

function holderKeys(): HolderKeys {
  const generate = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const signature = generate();
  const userAuthentication = generate();
  const spki = (key: KeyObject) => new Uint8Array(key.export({ type: 'spki', format: 'der' }));
  return {
    signature: signature.privateKey,
    userAuthentication: userAuthentication.privateKey,
    publicKeys: { signature: spki(signature.publicKey), userAuthentication: spki(userAuthentication.publicKey) },
  };
}

const JPKI_EF = { userAuthentication: { pin: '0018', key: '0017' }, signature: { pin: '001B', key: '001A' } } as const;

/**
 * What the Mynaportal app does on the phone (jpki.md §1.8 flows 3 and 4): SELECT the JPKI-AP,
 * VERIFY the key's PIN, SELECT the key EF, COMPUTE DIGITAL SIGNATURE over DigestInfo(SHA-256(data)).
 */
async function signOnThePhone(connection: CardConnection, kind: CertificateKind, pin: string, data: Uint8Array): Promise<Uint8Array> {
  const { computeDigitalSignature, selectApplication, selectFile, verify } = await import('../../generated/apdu/jpki-ap.js');
  const { parseResponseApdu } = await import('../../runtime/index.js');
  const { hexToBytes } = await import('../../runtime/hex.js');
  const send = async (command: Uint8Array, what: string): Promise<Uint8Array> => {
    const response = parseResponseApdu(await connection.transmit(command));
    if (response?.sw !== 0x9000) throw new Error(`the phone answered ${what} with ${response?.sw.toString(16) ?? 'nothing'}`);
    return response.data;
  };
  await send(selectApplication({ aid: hexToBytes('D392F000260100000001') }), 'SELECT JPKI-AP');
  await send(selectFile({ fid: hexToBytes(JPKI_EF[kind].pin) }), 'SELECT PIN EF');
  await send(verify({ pin }), 'VERIFY');
  await send(selectFile({ fid: hexToBytes(JPKI_EF[kind].key) }), 'SELECT key EF');
  const digestInfo = Uint8Array.from([...hexToBytes('3031300D060960864801650304020105000420'), ...createHash('sha256').update(data).digest()]);
  const signature = await send(computeDigitalSignature({ digestInfo }), 'COMPUTE DIGITAL SIGNATURE');
  await connection.reset();
  return signature;
}

/** Runs the scenario; `onStep` sees each step as it ends (the progress display). */
export async function runRevocationScenario(onStep: (step: ScenarioStep) => void = () => undefined): Promise<RevocationScenarioResult> {
  const { CertificateAuthority, MemoryKeystore, openDatabase } = await import('../../reference/ca/index.js');
  const { createRevocationService } = await import('../../reference/ca/revocation-service.js');
  const { createVerifier } = await import('../../reference/verifier/index.js');
  const { createRevocationClient } = await import('../../generated/openapi/revocation/index.js');
  const { decodeCertificate } = await import('../../generated/asn1/index.js');
  const { createDemoSecureElement, DEMO_HOLDER } = await import('../../reference/se/demo-secure-element.js');
  const { connectInProcess } = await import('../../reference/se/transports/in-process.js');

  const steps: ScenarioStep[] = [];
  const decisions: ScenarioDecision[] = [];
  const step = async <T>(title: string, run: () => Promise<{ value: T; outcome: string; ok?: boolean }>): Promise<T> => {
    const started = performance.now();
    const { value, outcome, ok = true } = await run();
    const done: ScenarioStep = { title, outcome, ok, milliseconds: Math.round(performance.now() - started) };
    steps.push(done);
    onStep(done);
    return value;
  };

  const database = await step('open the CA database (embedded PostgreSQL, in memory)', async () => ({ value: await openDatabase(), outcome: 'PGlite, migrations applied' }));
  const service = { stop: () => undefined } as { stop(): void };
  let closePhone: () => Promise<void> = async () => undefined;
  let server: import('node:http').Server | undefined;
  try {
    const authority = await step('bootstrap the simulated CA generations', async () => {
      const opened = await CertificateAuthority.open({ database, keystore: new MemoryKeystore() });
      const generations = await opened.bootstrap();
      return { value: opened, outcome: generations.map((generation) => generation.caId).join(', ') + ' (RSA-2048, self-signed)' };
    });
    const revocation = createRevocationService(authority);
    service.stop = () => revocation.stop();
    const url = await step('start the revocation service on loopback (OCSP, CRLs, linkage lists)', async () => {
      await revocation.start();
      const listening = await revocation.listen(0, '127.0.0.1');
      server = listening.server;
      return { value: listening.url, outcome: listening.url };
    });
    const client = createRevocationClient({ baseUrl: url });

    const cardKeys = holderKeys();
    const card = await step('issue the card pair (署名用 + 利用者証明用)', async () => {
      const pair = await authority.issueCardPair({ holder: DEMO_HOLDER, municipalityCode: MUNICIPALITY, publicKeys: cardKeys.publicKeys });
      return { value: pair, outcome: describePair(pair) };
    });
    const phone = await step('provision the phone: JPKI applet loaded, installed and personalized in its GP-SE over SCP03; the CA issues the smartphone pair for the keys generated in the applet', async () => {
      const demo = await createDemoSecureElement({
        profile: 'gpse',
        authority,
        issue: (publicKeys) => authority.issueSmartphonePair({ holderId: card.holderId, deviceId: 'demo-phone-1', publicKeys }),
      });
      closePhone = () => demo.close();
      return { value: { ...demo.issued, connection: connectInProcess(demo.se), pins: demo.pins }, outcome: describePair(demo.issued) };
    });
    const anchors = authority.generations().map((generation) => ({ certificate: generation.certificate, caId: generation.caId }));
    const caIdOf = (der: Uint8Array): JpkiCaId => {
      const serial = decodeCertificate(der).tbsCertificate.serialNumber;
      const record = [card, phone].flatMap((pair) => [pair.signature, pair.userAuthentication]).find((candidate) => candidate.serialNumber === serial);
      if (record === undefined) throw new Error('not a certificate of this scenario');
      return record.caId;
    };
    const verifier = createVerifier({
      trustAnchors: anchors,
      revocation: {
        fetchOcsp: async (request) => (await client.postOcspRequest({ body: request })).body,
        fetchCrl: async (certificate) => (await client.getCrl({ path: { caId: caIdOf(certificate), municipalityCode: MUNICIPALITY } })).body,
      },
    });
    const nonce = new Uint8Array(randomBytes(32));
    const phoneSignature = await signOnThePhone(phone.connection, 'signature', phone.pins.sign, nonce);
    const phoneAuthentication = await signOnThePhone(phone.connection, 'userAuthentication', phone.pins.auth, nonce);
    const check = async (when: string, certificate: CertificateKind, revocationSource: 'ocsp' | 'crl', expected: string) => {
      const pair = phone;
      const record = certificate === 'signature' ? pair.signature : pair.userAuthentication;
      const decision = await verifier.verifyInput({
        certificate: record.der,
        signature: certificate === 'signature' ? phoneSignature : phoneAuthentication,
        content: { data: nonce },
        signatureAlgorithm: 'RSASSA-PKCS1-v1_5',
        hashAlgorithm: 'SHA-256',
        expectedCertificateKind: certificate,
        revocationSource,
      });
      const outcome = decision.decision === 'valid' ? 'valid' : decision.reasons.map((reason) => reason.code).join(', ');
      const ok = outcome === expected;
      decisions.push({ when, certificate, revocationSource, expected, decision, ok });
      return { value: decision, outcome: `${outcome}${ok ? '' : ` (expected ${expected})`}`, ok };
    };

    await step('phone signs a 32-byte nonce; verifier checks it, asking OCSP', () => check('after issuance', 'signature', 'ocsp', 'valid'));
    await step('phone authenticates (利用者証明); verifier checks it against the CRL', () => check('after issuance', 'userAuthentication', 'crl', 'valid'));
    await step('CA revokes the phone signature certificate (phone lost: keyCompromise)', async () => {
      const record = await authority.revoke(phone.signature.serialNumber, 'keyCompromise');
      await revocation.markChanged();
      return { value: record, outcome: `${record.serialHex} revoked at ${record.revokedAt?.toISOString() ?? '?'}` };
    });
    await step('verifier asks OCSP again', () => check('after revocation', 'signature', 'ocsp', 'certificateRevoked'));
    await step('verifier reads the new CRL of Chiyoda-ku', () => check('after revocation', 'signature', 'crl', 'certificateRevoked'));
    await step('CA puts the phone authentication certificate on hold (一時保留)', async () => {
      const record = await authority.hold(phone.userAuthentication.serialNumber);
      await revocation.markChanged();
      return { value: record, outcome: `${record.serialHex} on hold` };
    });
    await step('verifier asks OCSP about the held certificate', () => check('on hold', 'userAuthentication', 'ocsp', 'certificateOnHold'));
    await step('CA releases the hold', async () => {
      const record = await authority.release(phone.userAuthentication.serialNumber);
      await revocation.markChanged();
      return { value: record, outcome: `${record.serialHex} ${record.status}` };
    });
    await step('verifier reads the CRL after the release', () => check('after release', 'userAuthentication', 'crl', 'valid'));
  } finally {
    service.stop();
    await closePhone();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    await database.close();
  }
  return { steps, decisions, ok: steps.every((done) => done.ok) };
}

function describePair(pair: IssuedPair): string {
  const one = (record: IssuedPair['signature']) => `${record.kind === 'signature' ? 'sign' : 'auth'} ${record.serialHex} (${record.caId}, until ${record.notAfter.toISOString().slice(0, 10)})`;
  return `${one(pair.signature)}; ${one(pair.userAuthentication)}`;
}
