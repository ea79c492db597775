/**
 * Status words of the error paths: malformed and unknown commands (the x-invalid-examples of
 * spec/apdu/jpki-ap.yaml among them), plus the commands the card may or may not offer. None of
 * these sends a PIN, so none can cost a try.
 */
import { getChallenge, lastCommandIndicator, readBinary } from '../../generated/apdu/jpki-ap.js';
import { bytesToHex, hexToBytes } from '../../runtime/hex.js';
import { CheckSkipped, type Check } from '../card/check.js';
import { JpkiApSession } from './session.js';

type SessionCheck = Check<JpkiApSession>;

interface MalformedCommand {
  readonly id: string;
  readonly description: string;
  readonly apdu: string;
  readonly sw: readonly string[];
}

/** From x-invalid-examples of spec/apdu/jpki-ap.yaml, except those that would present a PIN. */
const MALFORMED: readonly MalformedCommand[] = [
  { id: 'error.unknown-ins', description: 'an unknown instruction (INS E0) answers 6D00', apdu: '00E0000000', sw: ['6D00'] },
  { id: 'error.unknown-cla', description: 'CLA A0 (not used by the JPKI-AP) answers 6E00', apdu: 'A0A4040C0AD392F000260100000001', sw: ['6E00'] },
  { id: 'error.select-bad-p1', description: 'SELECT with P1 08 (path from MF) answers 6A86', apdu: '00A4080C02000A', sw: ['6A86'] },
  { id: 'error.verify-bad-p2', description: 'VERIFY (retry-query form, so no PIN is spent) with P2 81 answers 6A86', apdu: '00200081', sw: ['6A86'] },
  { id: 'error.lc-mismatch', description: 'Lc 0B with only 10 data bytes answers 6700', apdu: '00A4040C0BD392F000260100000001', sw: ['6700'] },
  { id: 'error.missing-data', description: 'SELECT EF (case 3) without its data field answers 6700', apdu: '00A4020C', sw: ['6700'] },
  { id: 'error.short-apdu', description: 'a 3-byte APDU, shorter than any header, answers 6700', apdu: '00A404', sw: ['6700'] },
];

export function errorPathChecks(): SessionCheck[] {
  const checks: SessionCheck[] = MALFORMED.map((malformed) => ({
    id: malformed.id,
    description: malformed.description,
    run: async (session: JpkiApSession) => {
      await session.freshSession();
      session.expectSw(await session.transmit(hexToBytes(malformed.apdu)), malformed.sw);
      return undefined;
    },
  }));
  checks.push(
    {
      id: 'error.read-without-current-ef',
      description: 'READ BINARY right after SELECT of the JPKI-AP, with no EF selected, answers 6986',
      run: async (session) => {
        await session.freshSession();
        session.expectSw(await session.transmit(readBinary({ offset: 0, le: 4 }), { label: 'READ BINARY (no current EF)' }), ['6986']);
        return undefined;
      },
    },
    {
      id: 'command.get-challenge',
      description: 'GET CHALLENGE of 8 bytes answers 9000 with 8 bytes, different each time (6D00: not offered)',
      run: async (session) => {
        await session.freshSession();
        const first = await session.transmit(getChallenge({ le: 8 }), { label: 'GET CHALLENGE' });
        if (first.sw === 0x6d00) throw new CheckSkipped('the card does not offer GET CHALLENGE (6D00)');
        session.expectSw(first, ['9000']);
        const second = session.expectSw(await session.transmit(getChallenge({ le: 8 }), { label: 'GET CHALLENGE' }), ['9000']);
        if (first.data.length !== 8 || second.data.length !== 8) return session.fail('challenge length', '8 bytes', `${first.data.length} and ${second.data.length} bytes`);
        if (bytesToHex(first.data) === bytesToHex(second.data)) return session.fail('two challenges are equal', 'different challenges', bytesToHex(first.data));
        return undefined;
      },
    },
    {
      id: 'command.last-command-indicator',
      description: '80 FC 00 00 answers 9000 on the ios profile and 6700 on the card (jpki.md §1.6); gpse is not known',
      run: async (session) => {
        const profile = session.requireProfile();
        await session.freshSession();
        const exchange = await session.transmit(lastCommandIndicator({}), { label: 'LAST COMMAND INDICATOR' });
        const expected = profile === 'ios' ? ['9000'] : profile === 'card' ? ['6700'] : ['9000', '6700', '6D00'];
        session.expectSw(exchange, expected, `80 FC 00 00 on profile ${profile}`);
        return undefined;
      },
    },
  );
  return checks;
}
