/**
 * Selection, token profile and file access: the access table of spec/apdu/jpki-ap.yaml (generated
 * as `jpkiApFiles`) decides, per token profile, which EF reads before and after which VERIFY.
 */
import { X509Certificate } from 'node:crypto';
import { decodeCertificate } from '../../generated/asn1/index.js';
import { jpkiApApplications, jpkiApFiles, jpkiApTokenProfiles, selectApplication } from '../../generated/apdu/jpki-ap.js';
import { bytesToHex } from '../../runtime/hex.js';
import { CheckSkipped, type Check } from '../card/check.js';
import { JPKI_AP_PROFILES as JPKI_AP_PROFILE_NAMES, JpkiApSession, PINS, publicKeyOfCertificate, type JpkiApFile, type JpkiApProfile, type PinName } from './session.js';

type SessionCheck = Check<JpkiApSession>;

/** An AID under the J-LIS RID that no JPKI token uses (the JPKI-AP AID with its last byte changed). */
const ABSENT_AID = Uint8Array.from([...jpkiApApplications.jpkiAp.subarray(0, -1), 0x7f]);
/** A file identifier the JPKI-AP file map does not list. */
const ABSENT_FID = '0003';

const TOKEN_LABEL_LENGTH = 32;

function accessOf(file: JpkiApFile, profile: JpkiApProfile): string | undefined {
  const access = ('access' in file ? file.access : undefined) as Partial<Record<JpkiApProfile, { readonly read?: string; readonly use?: string }>> | undefined;
  return access?.[profile]?.read;
}

function pinOfAccess(rule: string): PinName | undefined {
  if (rule === 'authPin') return 'auth';
  if (rule === 'signPin') return 'sign';
  return undefined;
}

function sizeOf(file: JpkiApFile): number | undefined {
  return 'size' in file ? file.size : undefined;
}

export function selectionChecks(): SessionCheck[] {
  return [
    {
      id: 'select.jpki-ap',
      description: 'SELECT of the JPKI-AP by AID (P2 0C, no FCI) answers 9000',
      run: async (session) => {
        await session.reset();
        await session.selectAp();
        return undefined;
      },
    },
    {
      id: 'select.absent-aid',
      description: 'SELECT of an AID the card does not hold answers 6A82',
      run: async (session) => {
        await session.reset();
        session.expectSw(await session.transmit(selectApplication({ aid: ABSENT_AID }), { label: 'SELECT absent AID' }), ['6A82']);
        return undefined;
      },
    },
    {
      id: 'token-info.label',
      description: "EF 0006 reads without a PIN and its 32-byte label names the token profile (card, gpse, ios)",
      run: async (session) => {
        await session.freshSession();
        await session.selectEf('0006');
        const head = session.expectSw(await session.readAt(0, TOKEN_LABEL_LENGTH), ['9000'], 'READ BINARY of EF 0006').data;
        const label = new TextDecoder('latin1').decode(head).replace(/[\s\0]+$/u, '');
        session.facts['tokenLabel'] = label;
        const detected = jpkiApTokenProfiles.find((profile) => profile.label === label)?.name;
        const expected = session.options.profile === undefined ? jpkiApTokenProfiles.map((profile) => profile.label).join(' or ') : labelOf(session.options.profile);
        session.note(expected, JSON.stringify(label));
        if (detected === undefined) return session.fail(`EF 0006 label ${JSON.stringify(label)} names no known token profile`, expected, JSON.stringify(label));
        if (session.options.profile !== undefined && detected !== session.options.profile) {
          session.fail(`EF 0006 names profile ${detected}, --profile says ${session.options.profile}`, expected, JSON.stringify(label));
        }
        if (detected !== undefined) session.profile = detected;
        return undefined;
      },
    },
  ];
}

function labelOf(profile: JpkiApProfile): string {
  return jpkiApTokenProfiles.find((candidate) => candidate.name === profile)?.label ?? profile;
}

/** One set of checks per binary EF of the file map. */
export function fileAccessChecks(): SessionCheck[] {
  const checks: SessionCheck[] = [];
  for (const file of jpkiApFiles.filter((candidate) => candidate.kind === 'binary')) {
    const ruleFor = (session: JpkiApSession): string => {
      const rule = accessOf(file, session.requireProfile());
      if (rule === undefined) throw new CheckSkipped(`the file map gives EF ${file.fid} no read rule for profile ${session.requireProfile()}`);
      return rule;
    };
    checks.push({
      id: `file.${file.fid}.read-without-pin`,
      description: `EF ${file.fid} (${file.name}) before any VERIFY: readable when the profile's rule is "always", 6982 otherwise`,
      run: async (session) => {
        const rule = ruleFor(session);
        await session.freshSession();
        await session.selectEf(file.fid);
        const read = await session.readAt(0, 4);
        // A free EF shorter than 4 bytes (EF 0008) may answer 6282 with what it has.
        const expected = rule === 'always' ? ['9000', '6282'] : ['6982'];
        session.expectSw(read, expected, `READ BINARY of EF ${file.fid} (rule ${rule}, no PIN verified)`);
        if (rule === 'always' && read.data.length === 0) return session.fail(`READ BINARY of EF ${file.fid} returned no data`, 'content', 'no data');
        return { ...session.lastEvidence(), expected: `${expected.join(' or ')} (rule: ${rule})` };
      },
    });
    // Only EFs that some profile protects get the after-VERIFY check; the rest are free everywhere.
    const rules = JPKI_AP_PROFILE_NAMES.map((profile) => accessOf(file, profile));
    if (rules.some((rule) => rule !== undefined && rule !== 'always')) {
      checks.push({
        id: `file.${file.fid}.read-with-pin`,
        description: `EF ${file.fid} (${file.name}) reads after VERIFY of the PIN its rule names; "never" stays 6982 with both PINs verified`,
        run: async (session) => {
          const rule = ruleFor(session);
          await session.freshSession();
          if (rule === 'always') throw new CheckSkipped(`rule "always": covered by file.${file.fid}.read-without-pin`);
          const pin = pinOfAccess(rule);
          if (pin !== undefined) {
            await session.verifyOperatorPin(pin);
            await session.selectEf(file.fid);
            session.expectSw(await session.readAt(0, 4), ['9000'], `READ BINARY of EF ${file.fid} after VERIFY of the ${PINS[pin].title}`);
            return { ...session.lastEvidence(), expected: `9000 (rule: ${rule})` };
          }
          // "never": even both PINs must not open it (needs both PINs to be meaningful).
          await session.verifyOperatorPin('auth');
          await session.verifyOperatorPin('sign');
          await session.selectEf(file.fid);
          session.expectSw(await session.readAt(0, 4), ['6982'], `READ BINARY of EF ${file.fid} (rule never) with both PINs verified`);
          return { ...session.lastEvidence(), expected: `6982 (rule: ${rule})` };
        },
      });
    }
    const size = sizeOf(file);
    if (size !== undefined) {
      checks.push({
        id: `file.${file.fid}.size`,
        description: `EF ${file.fid} (${file.name}) holds exactly the ${size} bytes the spec gives`,
        run: async (session) => {
          const rule = ruleFor(session);
          if (rule !== 'always') throw new CheckSkipped(`EF ${file.fid} is not free to read on this profile`);
          await session.freshSession();
          const content = await session.readEf(file.fid, size);
          session.note(`${size} bytes`, `${content.length} bytes`);
          return undefined;
        },
      });
    }
  }
  checks.push(
    {
      id: 'file.availability',
      description: 'EF 0008 says 8F 8F when both certificates are present (byte 1 signature, byte 2 auth)',
      run: async (session) => {
        await session.freshSession();
        const content = await session.readEf('0008', 3);
        const got = bytesToHex(content);
        if (content[0] !== 0x8f || content[1] !== 0x8f) return session.fail('EF 0008 does not announce both certificates', '8F8F..', got);
        session.note('8F8F..', got);
        return undefined;
      },
    },
    {
      id: 'file.absent.select',
      description: `SELECT of an EF the file map does not list (${ABSENT_FID}) answers 6A82`,
      run: async (session) => {
        await session.freshSession();
        await session.selectEf(ABSENT_FID, ['6A82']);
        return undefined;
      },
    },
    {
      id: 'read.past-end',
      description: 'READ BINARY at an offset at or beyond the end of EF 0006 answers 6B00 (or 6282 with no data)',
      run: async (session) => {
        const size = sizeOf(jpkiApFiles.find((candidate) => candidate.fid === '0006') as JpkiApFile) ?? 160;
        await session.freshSession();
        await session.selectEf('0006');
        const read = await session.readAt(size, 1);
        session.expectSw(read, ['6B00', '6282'], `READ BINARY of EF 0006 at offset ${size}`);
        if (read.data.length !== 0) return session.fail('READ BINARY past the end returned data', 'no data', `${read.data.length} byte(s)`);
        return undefined;
      },
    },
    {
      id: 'read.across-end',
      description: 'READ BINARY that starts inside EF 0006 and asks past its end returns only the bytes that exist (9000/6282) or asks for the right Le (6Cxx)',
      run: async (session) => {
        const size = sizeOf(jpkiApFiles.find((candidate) => candidate.fid === '0006') as JpkiApFile) ?? 160;
        await session.freshSession();
        await session.selectEf('0006');
        const read = await session.readAt(size - 2, 4);
        session.expectSw(read, ['9000', '6282', '6C02'], `READ BINARY of EF 0006 at ${size - 2}, Le 4`);
        if (read.sw !== 0x6c02 && read.data.length !== 2) return session.fail('READ BINARY across the end returned the wrong number of bytes', '2 bytes', `${read.data.length} byte(s)`);
        return undefined;
      },
    },
  );
  return checks;
}

/** The four certificates decode (generated X.509 codec); the end-entity ones carry RSA-2048 keys signed by their CA. */
export function certificateChecks(): SessionCheck[] {
  const certificateFile = (name: string): string => (jpkiApFiles.find((file) => file.name === name) as JpkiApFile).fid;
  const endEntity = (pin: PinName, caName: string): SessionCheck => ({
    id: `certificate.${pin}.decode`,
    description: `EF ${PINS[pin].certificateFid} holds a DER X.509 certificate with an RSA-2048 key, signed by the CA certificate in EF ${certificateFile(caName)}`,
    run: async (session) => {
      const profile = session.requireProfile();
      const rule = accessOf(jpkiApFiles.find((file) => file.fid === PINS[pin].certificateFid) as JpkiApFile, profile);
      await session.freshSession();
      const neededPin = rule === undefined ? undefined : pinOfAccess(rule);
      if (neededPin !== undefined) await session.verifyOperatorPin(neededPin);
      const der = await session.readEf(PINS[pin].certificateFid);
      const certificate = decodeCertificate(der);
      const key = publicKeyOfCertificate(der);
      const bits = key.asymmetricKeyDetails?.modulusLength;
      session.note('RSA-2048 certificate', `${key.asymmetricKeyType ?? '?'}-${bits ?? '?'} certificate, serial ${certificate.tbsCertificate.serialNumber.toString(16)}`, `READ BINARY EF ${PINS[pin].certificateFid} (${der.length} bytes)`);
      if (key.asymmetricKeyType !== 'rsa' || bits !== 2048) return session.fail('the certificate key is not RSA-2048', 'RSA-2048', `${key.asymmetricKeyType ?? '?'}-${bits ?? '?'}`);
      session.certificates[pin] = der;
      const caDer = await session.readEf(certificateFile(caName));
      // node:crypto's own X.509 parser checks the signature: a second implementation beside the generated codec.
      const signedByCa = new X509Certificate(der).verify(publicKeyOfCertificate(caDer));
      session.note(`signature by EF ${certificateFile(caName)}'s key verifies`, String(signedByCa));
      if (!signedByCa) return session.fail(`the certificate is not signed by the CA certificate in EF ${certificateFile(caName)}`, 'valid signature', 'invalid');
      return undefined;
    },
  });
  return [endEntity('auth', 'authCaCertificate'), endEntity('sign', 'signCaCertificate')];
}
