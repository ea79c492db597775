/**
 * COMPUTE DIGITAL SIGNATURE: refused before VERIFY, and when allowed the signature verifies with
 * node:crypto against the public key of the certificate read from the card (not against anything
 * the suite was told). The empirical P1 schemes and the short-EF form are judged only when the
 * card accepts them.
 */
import { constants, createHash, publicDecrypt, randomBytes, verify, type KeyObject } from 'node:crypto';
import { computeDigitalSignatureScheme, computeDigitalSignatureShortEf, type SignatureSchemeVariant } from '../../generated/apdu/jpki-ap.js';
import { concatBytes } from '../../runtime/bytes.js';
import { CheckSkipped, type Check } from '../card/check.js';
import { JpkiApSession, PINS, SHA256_DIGEST_INFO_PREFIX, type PinName } from './session.js';

type SessionCheck = Check<JpkiApSession>;

const SIGNATURE_LENGTH = 256;
/** PKCS#1 v1.5 on a 2048-bit key leaves room for at most 245 input bytes (RFC 8017 §9.2 step 3). */
const MAX_INPUT_LENGTH = 245;

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

export function sha256DigestInfo(message: Uint8Array): Uint8Array {
  return concatBytes(SHA256_DIGEST_INFO_PREFIX, sha256(message));
}

/** How each empirical scheme's signature is verified (jpki-ap.yaml SignatureScheme descriptions). */
const SCHEMES: readonly { readonly scheme: SignatureSchemeVariant; readonly p1: number; readonly input: (message: Uint8Array) => Uint8Array; readonly verifies: (message: Uint8Array, key: KeyObject, signature: Uint8Array) => boolean }[] = [
  // 01: the card hashes and pads the bare hash (no DigestInfo): recovering the type-1 block must give the 32 bytes.
  { scheme: 'sha256Bare', p1: 0x01, input: (message) => message, verifies: (message, key, signature) => recoversBareHash(key, signature, sha256(message)) },
  { scheme: 'preHashedDigestInfo', p1: 0x02, input: sha256, verifies: (message, key, signature) => verify('sha256', message, { key, padding: constants.RSA_PKCS1_PADDING }, signature) },
  { scheme: 'sha256DigestInfo', p1: 0x03, input: (message) => message, verifies: (message, key, signature) => verify('sha256', message, { key, padding: constants.RSA_PKCS1_PADDING }, signature) },
  { scheme: 'preHashedPss', p1: 0x04, input: sha256, verifies: (message, key, signature) => verify('sha256', message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature) },
  { scheme: 'sha256Pss', p1: 0x05, input: (message) => message, verifies: (message, key, signature) => verify('sha256', message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature) },
];

function recoversBareHash(key: KeyObject, signature: Uint8Array, hash: Uint8Array): boolean {
  try {
    return Buffer.from(publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature)).equals(hash);
  } catch {
    return false; // not a type-1 block under this key
  }
}

function otherPin(pin: PinName): PinName {
  return pin === 'auth' ? 'sign' : 'auth';
}

async function verifiedAndSelected(session: JpkiApSession, pin: PinName): Promise<KeyObject> {
  const key = session.publicKeyOf(pin);
  await session.freshSession();
  await session.verifyOperatorPin(pin);
  await session.selectEf(PINS[pin].keyFid);
  return key;
}

function keyChecks(pin: PinName): SessionCheck[] {
  const facts = PINS[pin];
  return [
    {
      id: `sign.${pin}.before-verify`,
      description: `COMPUTE DIGITAL SIGNATURE with key ${facts.keyFid} before VERIFY of the ${facts.title} answers 6982`,
      run: async (session) => {
        await session.freshSession();
        await session.selectEf(facts.keyFid);
        session.expectSw(await session.computeSignature(sha256DigestInfo(randomBytes(16))), ['6982'], 'signing before VERIFY');
        return undefined;
      },
    },
    {
      id: `sign.${pin}.other-pin-does-not-unlock`,
      description: `VERIFY of the ${PINS[otherPin(pin)].title} does not unlock key ${facts.keyFid} (6982)`,
      run: async (session) => {
        await session.freshSession();
        await session.verifyOperatorPin(otherPin(pin));
        await session.selectEf(facts.keyFid);
        session.expectSw(await session.computeSignature(sha256DigestInfo(randomBytes(16))), ['6982'], `signing with key ${facts.keyFid} after VERIFY of the other PIN`);
        return undefined;
      },
    },
    {
      id: `sign.${pin}.digest-info-sha256`,
      description: `after VERIFY, key ${facts.keyFid} signs a SHA-256 DigestInfo (P1 00): 256 bytes that verify (PKCS#1 v1.5) with the certificate's key`,
      run: async (session) => {
        const key = await verifiedAndSelected(session, pin);
        const message = randomBytes(48);
        const exchange = session.expectSw(await session.computeSignature(sha256DigestInfo(message)), ['9000'], 'COMPUTE DIGITAL SIGNATURE');
        if (exchange.data.length !== SIGNATURE_LENGTH) return session.fail('signature length', `${SIGNATURE_LENGTH} bytes`, `${exchange.data.length} bytes`);
        const valid = verify('sha256', message, { key, padding: constants.RSA_PKCS1_PADDING }, exchange.data);
        session.note(`a signature over SHA-256(message) that verifies with the EF ${facts.certificateFid} certificate`, valid ? 'verifies' : 'does not verify');
        if (!valid) return session.fail('the signature does not verify with the certificate read from the card', 'verifies', 'does not verify');
        return undefined;
      },
    },
    {
      id: `sign.${pin}.input-too-long`,
      description: `COMPUTE DIGITAL SIGNATURE with ${MAX_INPUT_LENGTH + 1} input bytes (more than PKCS#1 v1.5 allows for RSA-2048) answers 6700`,
      run: async (session) => {
        await verifiedAndSelected(session, pin);
        const data = new Uint8Array(MAX_INPUT_LENGTH + 1);
        const command = concatBytes(new Uint8Array([0x80, 0x2a, 0x00, 0x80, data.length]), data, new Uint8Array([0x00]));
        session.expectSw(await session.transmit(command, { label: 'COMPUTE DIGITAL SIGNATURE (246-byte input)' }), ['6700']);
        return undefined;
      },
    },
    {
      id: `sign.${pin}.unknown-scheme`,
      description: 'COMPUTE DIGITAL SIGNATURE with signature scheme P1 06 (unknown) answers 6A86',
      run: async (session) => {
        await verifiedAndSelected(session, pin);
        const command = concatBytes(new Uint8Array([0x80, 0x2a, 0x06, 0x80, 51]), sha256DigestInfo(randomBytes(8)), new Uint8Array([0x00]));
        session.expectSw(await session.transmit(command, { label: 'COMPUTE DIGITAL SIGNATURE P1 06' }), ['6A86']);
        return undefined;
      },
    },
    {
      id: `sign.${pin}.scheme-variants`,
      description: `the empirical schemes P1 01–05 the card accepts on key ${facts.keyFid} give signatures that verify (6A86 = not offered)`,
      run: async (session) => {
        const accepted: string[] = [];
        const refused: string[] = [];
        for (const variant of SCHEMES) {
          const key = await verifiedAndSelected(session, pin);
          const message = randomBytes(40);
          const exchange = await session.transmit(computeDigitalSignatureScheme({ scheme: variant.scheme, input: variant.input(message), le: 256 }), { label: `COMPUTE DIGITAL SIGNATURE P1 0${variant.p1}` });
          if (exchange.sw === 0x6a86) {
            refused.push(`0${variant.p1}`);
            continue;
          }
          session.expectSw(exchange, ['9000', '6A86'], `scheme ${variant.scheme}`);
          if (!variant.verifies(message, key, exchange.data)) return session.fail(`the scheme ${variant.scheme} (P1 0${variant.p1}) signature does not verify`, 'verifies', 'does not verify');
          accepted.push(`0${variant.p1}`);
        }
        session.facts[`${pin}SignatureSchemes`] = accepted.length === 0 ? 'none' : accepted.join(',');
        if (accepted.length === 0) throw new CheckSkipped('the card offers none of the P1 01–05 schemes (all 6A86)');
        session.note('accepted schemes verify', `verified P1 ${accepted.join(', ')}${refused.length === 0 ? '' : `; not offered ${refused.join(', ')}`}`);
        return undefined;
      },
    },
    {
      id: `sign.${pin}.short-ef-form`,
      description: `COMPUTE DIGITAL SIGNATURE naming key ${facts.keyFid} by short EF identifier (P2 ${pin === 'auth' ? '97' : '9A'}), if the card accepts it, gives a signature that verifies`,
      run: async (session) => {
        const key = session.publicKeyOf(pin);
        await session.freshSession();
        await session.verifyOperatorPin(pin);
        const message = randomBytes(40);
        const command = computeDigitalSignatureShortEf({ scheme: 'verbatim', keyShortEfId: pin === 'auth' ? 'authKey' : 'signKey', input: sha256DigestInfo(message), le: 256 });
        const exchange = await session.transmit(command, { label: 'COMPUTE DIGITAL SIGNATURE (short EF)' });
        if (exchange.sw === 0x6a86 || exchange.sw === 0x6a82) throw new CheckSkipped(`the card does not offer the short-EF form (${exchange.sw.toString(16).toUpperCase()})`);
        session.expectSw(exchange, ['9000'], 'COMPUTE DIGITAL SIGNATURE (short EF)');
        const valid = verify('sha256', message, { key, padding: constants.RSA_PKCS1_PADDING }, exchange.data);
        if (!valid) return session.fail('the short-EF signature does not verify', 'verifies', 'does not verify');
        session.note('a signature that verifies', 'verifies');
        return undefined;
      },
    },
  ];
}

export function signatureChecks(): SessionCheck[] {
  return [...keyChecks('auth'), ...keyChecks('sign')];
}
