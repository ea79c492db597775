/**
 * SCP03 against the card's ISD (GPC Amd D v1.1.1): every security level the INITIALIZE UPDATE
 * "i" parameter offers, a wrong host cryptogram and a tampered C-MAC refused, and the sequence
 * counter of pseudo-random challenges moving by one per INITIALIZE UPDATE.
 */
import { randomBytes } from 'node:crypto';
import { getStatus } from '../../generated/apdu/global-platform.js';
import { encodeTlv } from '../../runtime/apdu/ber-tlv.js';
import { bytesToHex } from '../../runtime/hex.js';
import {
  AesCmac,
  buildInitializeUpdateCommand,
  computeCommandMac,
  computeHostCryptogram,
  deriveSessionKeys,
  describeIParameter,
  parseInitializeUpdateResponse,
} from '../../runtime/scp03/index.js';
import { CheckSkipped, type Check } from '../card/check.js';
import { GpSeSession, levelName, levelOffered, TESTED_LEVELS } from './session.js';

type SessionCheck = Check<GpSeSession>;

const INS_EXTERNAL_AUTHENTICATE = 0x82;

function getStatusIsd(): Uint8Array {
  return getStatus({ subset: 'issuerSecurityDomain', tlvResponseFormat: true, nextOccurrence: false, searchCriteria: encodeTlv(0x4f, new Uint8Array(0)), le: 256 });
}

/** INITIALIZE UPDATE with our own host challenge; the parsed answer and the challenge. */
async function initializeUpdate(session: GpSeSession): Promise<{ readonly hostChallenge: Uint8Array; readonly card: ReturnType<typeof parseInitializeUpdateResponse> }> {
  const hostChallenge = new Uint8Array(randomBytes(8));
  const exchange = await session.transmit(buildInitializeUpdateCommand({ keyVersion: session.options.keyVersion ?? 0, hostChallenge }), { label: 'INITIALIZE UPDATE' });
  session.expectSw(exchange, ['9000'], 'INITIALIZE UPDATE');
  return { hostChallenge, card: parseInitializeUpdateResponse(exchange.data) };
}

export function scp03Checks(): SessionCheck[] {
  const checks: SessionCheck[] = [
    {
      id: 'scp03.select-isd',
      description: 'SELECT of the issuer security domain answers 9000 with an FCI that decodes',
      run: async (session) => {
        await session.selectIsd();
        return undefined;
      },
    },
    {
      id: 'scp03.initialize-update',
      description: 'INITIALIZE UPDATE names SCP03 and a valid "i", and its card cryptogram verifies with the given keys',
      run: async (session) => {
        const channel = await session.openSecureChannel(0x01);
        const card = channel.host.cardInfo;
        channel.host.close();
        if (card === undefined) return session.fail('no INITIALIZE UPDATE response kept', 'key information', 'nothing');
        const options = describeIParameter(card.i);
        session.facts['scp03i'] = card.i.toString(16).padStart(2, '0');
        session.facts['scp03KeyVersion'] = card.keyVersion.toString(16).padStart(2, '0');
        session.facts['scp03Mode'] = options.mode;
        session.facts['scp03LevelsOffered'] = TESTED_LEVELS.filter((level) => levelOffered(card.i, level)).map((level) => level.toString(16).padStart(2, '0')).join(',');
        session.note('SCP 03, card cryptogram verifies', `SCP ${card.scpIdentifier.toString(16).padStart(2, '0')}, i ${session.facts['scp03i']}, KVN ${session.facts['scp03KeyVersion']}, cryptogram verifies`, 'INITIALIZE UPDATE');
        if (card.scpIdentifier !== 0x03) return session.fail('the card does not answer with SCP03', '03', card.scpIdentifier.toString(16));
        const wanted = session.options.keyVersion ?? 0;
        if (wanted !== 0 && card.keyVersion !== wanted) return session.fail('INITIALIZE UPDATE answered with another key version', wanted.toString(16), card.keyVersion.toString(16));
        return undefined;
      },
    },
  ];
  for (const level of TESTED_LEVELS) {
    checks.push({
      id: `scp03.level-${level.toString(16).padStart(2, '0')}`,
      description: `a session at security level ${levelName(level)} opens and carries two commands (MAC chaining, and response protection where the level has it)`,
      run: async (session) => {
        const i = await session.learnIParameter();
        if (!levelOffered(i, level)) throw new CheckSkipped(`the card's "i" ${i.toString(16).padStart(2, '0')} does not offer ${levelName(level)}`);
        const channel = await session.openSecureChannel(level);
        for (let round = 1; round <= 2; round += 1) session.expectSw(await channel.send(getStatusIsd(), `GET STATUS ISD #${round}`), ['9000']);
        channel.host.close();
        return undefined;
      },
    });
  }
  checks.push(
    {
      id: 'scp03.wrong-host-cryptogram',
      description: 'EXTERNAL AUTHENTICATE with a wrong host cryptogram (correct C-MAC) answers 6300 and opens no session',
      run: async (session) => {
        await session.selectIsd();
        const { hostChallenge, card } = await initializeUpdate(session);
        const keys = deriveSessionKeys(session.options.keys, hostChallenge, card.cardChallenge);
        const sMac = new AesCmac(keys.sMac);
        try {
          const cryptogram = computeHostCryptogram(sMac, hostChallenge, card.cardChallenge);
          cryptogram[0] = (cryptogram[0] ?? 0) ^ 0x01;
          const header = { cla: 0x84, ins: INS_EXTERNAL_AUTHENTICATE, p1: 0x01, p2: 0x00 };
          const macLength = cryptogram.length;
          const mac = computeCommandMac(sMac, new Uint8Array(16), header, cryptogram, cryptogram.length + macLength, false).subarray(0, macLength);
          const command = Uint8Array.from([header.cla, header.ins, header.p1, header.p2, cryptogram.length + macLength, ...cryptogram, ...mac]);
          session.expectSw(await session.transmit(command, { label: 'EXTERNAL AUTHENTICATE (wrong host cryptogram)' }), ['6300'], 'EXTERNAL AUTHENTICATE with a wrong host cryptogram');
        } finally {
          sMac.dispose();
        }
        const evidence = session.lastEvidence();
        // No session: a command that needs one is refused.
        const after = await session.transmit(getStatusIsd(), { label: 'GET STATUS ISD (no session)' });
        if (after.sw === 0x9000) return session.fail('the card answered GET STATUS without a secure channel after the refused authentication', '6982', '9000');
        session.note(evidence.expected ?? '6300', evidence.got ?? '', evidence.command);
        return undefined;
      },
    },
    {
      id: 'scp03.mac-tamper',
      description: 'a command whose C-MAC was altered answers 6982, and the session is aborted (the next properly wrapped command is refused too)',
      run: async (session) => {
        const channel = await session.openSecureChannel(0x01);
        const wrapped = channel.host.wrapCommand(getStatusIsd());
        const tampered = wrapped.slice();
        const macIndex = 5 + (tampered[4] ?? 0) - 1; // the last byte of the data field is the last C-MAC byte
        tampered[macIndex] = (tampered[macIndex] ?? 0) ^ 0x01;
        const refused = await session.transmit(tampered, { label: 'GET STATUS ISD (C-MAC altered)', raw: true });
        session.expectSw(refused, ['6982'], 'a command with an altered C-MAC');
        const evidence = session.lastEvidence();
        const next = await session.transmit(channel.host.wrapCommand(getStatusIsd()), { label: 'GET STATUS ISD (after the altered one)', raw: true });
        channel.host.close();
        if (next.sw === 0x9000) return session.fail('the session survived a C-MAC failure', 'a refusal (session aborted)', '9000');
        session.note(evidence.expected ?? '6982', `${evidence.got ?? ''}; next command ${next.sw.toString(16).toUpperCase()}`, evidence.command);
        return undefined;
      },
    },
    {
      id: 'scp03.sequence-counter',
      description: 'with pseudo-random card challenges, each INITIALIZE UPDATE raises the sequence counter by one',
      run: async (session) => {
        await session.selectIsd();
        const first = await initializeUpdate(session);
        if (first.card.sequenceCounter === undefined) throw new CheckSkipped(`the card's "i" ${first.card.i.toString(16).padStart(2, '0')} announces random challenges: no sequence counter`);
        await session.selectIsd();
        const second = await initializeUpdate(session);
        const expected = first.card.sequenceCounter + 1;
        session.note(`counter ${expected.toString(16).padStart(6, '0')}`, `counter ${bytesToHex(Uint8Array.of((second.card.sequenceCounter ?? 0) >> 16, ((second.card.sequenceCounter ?? 0) >> 8) & 0xff, (second.card.sequenceCounter ?? 0) & 0xff))}`);
        if (second.card.sequenceCounter !== expected) return session.fail('the sequence counter did not move by one', String(expected), String(second.card.sequenceCounter));
        return undefined;
      },
    },
  );
  return checks;
}
