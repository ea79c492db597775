/**
 * Logical channels (ISO/IEC 7816-4 §5.1.1, how OMAPI reaches a phone's secure element): the
 * JPKI-AP answers on a channel opened with MANAGE CHANNEL, and closing that channel ends its PIN
 * verification (the `sessionEnd` event of the PIN life cycles names "logical channel closed").
 * A card without logical channels skips them.
 */
import { manageChannelClose, manageChannelOpen, parseManageChannelOpenResponse } from '../../generated/apdu/global-platform.js';
import { computeDigitalSignature, jpkiApApplications, readBinary, selectApplication, selectFile, verify, verifyRetryQuery } from '../../generated/apdu/jpki-ap.js';
import { hexToBytes } from '../../runtime/hex.js';
import { CheckSkipped, type Check } from '../card/check.js';
import { describePinStatus, JpkiApSession, pinStatusOf, PINS, type PinName } from './session.js';
import { sha256DigestInfo } from './signature-checks.js';

type SessionCheck = Check<JpkiApSession>;

/** Status words of a card (or reader path) that has no logical channels. */
const NO_CHANNELS = new Set([0x6881, 0x6d00, 0x6e00, 0x6a81, 0x6a86]);

/** MANAGE CHANNEL open (next available); the number, or a skip when the card offers none usable here. */
async function openChannel(session: JpkiApSession): Promise<number> {
  const exchange = await session.transmit(manageChannelOpen({ channelNumber: 0, le: 1 }), { label: 'MANAGE CHANNEL open' });
  if (NO_CHANNELS.has(exchange.sw)) throw new CheckSkipped(`the card offers no logical channels (MANAGE CHANNEL answered ${exchange.sw.toString(16).toUpperCase()})`);
  session.expectSw(exchange, ['9000'], 'MANAGE CHANNEL open');
  const channel = parseManageChannelOpenResponse(Uint8Array.from([...exchange.data, 0x90, 0x00])).fields?.channelNumber;
  if (channel === undefined || channel < 1) return session.fail('MANAGE CHANNEL open gave no channel number', '01–13', 'nothing');
  if (channel > 3) {
    await closeChannel(session, channel);
    throw new CheckSkipped(`the card opened channel ${channel}; the suite addresses channels 1–3 only`);
  }
  return channel;
}

async function closeChannel(session: JpkiApSession, channel: number): Promise<void> {
  session.expectSw(await session.transmit(manageChannelClose({ channelNumber: channel }), { label: `MANAGE CHANNEL close ${channel}` }), ['9000'], 'MANAGE CHANNEL close');
}

export function channelChecks(): SessionCheck[] {
  const checks: SessionCheck[] = [
    {
      id: 'channel.jpki-ap-on-logical-channel',
      description: 'on a logical channel opened with MANAGE CHANNEL, SELECT of the JPKI-AP and READ BINARY of EF 0006 work as on the basic channel',
      run: async (session) => {
        await session.reset();
        const channel = await openChannel(session);
        try {
          session.expectSw(await session.transmit(selectApplication({ aid: jpkiApApplications.jpkiAp }, { channel }), { label: `SELECT JPKI-AP (channel ${channel})` }), ['9000']);
          session.expectSw(await session.transmit(selectFile({ fid: hexToBytes('0006') }, { channel }), { label: `SELECT EF 0006 (channel ${channel})` }), ['9000']);
          const read = session.expectSw(await session.transmit(readBinary({ offset: 0, le: 32 }, { channel }), { label: `READ BINARY (channel ${channel})` }), ['9000']);
          const label = new TextDecoder('latin1').decode(read.data).trimEnd();
          if (session.facts['tokenLabel'] !== undefined && label !== session.facts['tokenLabel']) return session.fail('EF 0006 reads differently on the logical channel', session.facts['tokenLabel'], label);
          session.note(`EF 0006 label ${session.facts['tokenLabel'] ?? '(any)'}`, label);
        } finally {
          const evidence = session.lastEvidence();
          await closeChannel(session, channel);
          session.note(evidence.expected ?? '', evidence.got ?? '', evidence.command);
        }
        return undefined;
      },
    },
  ];
  for (const pin of ['auth', 'sign'] as const satisfies readonly PinName[]) {
    const facts = PINS[pin];
    checks.push({
      id: `pin.${pin}.channel-close-ends-verification`,
      description: `the ${facts.title} verified on a logical channel signs there; closing the channel ends the verification (retry query 63Cx on a new channel)`,
      run: async (session) => {
        const value = session.operatorPin(pin);
        // The first presentation goes through the guarded path on the basic channel.
        await session.freshSession();
        await session.verifyOperatorPin(pin);
        await session.reset();
        const channel = await openChannel(session);
        session.expectSw(await session.transmit(selectApplication({ aid: jpkiApApplications.jpkiAp }, { channel }), { label: `SELECT JPKI-AP (channel ${channel})` }), ['9000']);
        session.expectSw(await session.transmit(selectFile({ fid: hexToBytes(facts.pinFid) }, { channel }), { label: `SELECT EF ${facts.pinFid} (channel ${channel})` }), ['9000']);
        session.expectSw(await session.transmit(verify({ pin: value }, { channel }), { label: `VERIFY ${facts.title} (channel ${channel})`, secret: true }), ['9000']);
        session.expectSw(await session.transmit(selectFile({ fid: hexToBytes(facts.keyFid) }, { channel }), { label: `SELECT EF ${facts.keyFid} (channel ${channel})` }), ['9000']);
        session.expectSw(await session.transmit(computeDigitalSignature({ digestInfo: sha256DigestInfo(new Uint8Array(8)), le: 256 }, { channel }), { label: `COMPUTE DIGITAL SIGNATURE (channel ${channel})` }), ['9000']);
        await closeChannel(session, channel);
        const again = await openChannel(session);
        try {
          session.expectSw(await session.transmit(selectApplication({ aid: jpkiApApplications.jpkiAp }, { channel: again }), { label: `SELECT JPKI-AP (channel ${again})` }), ['9000']);
          session.expectSw(await session.transmit(selectFile({ fid: hexToBytes(facts.pinFid) }, { channel: again }), { label: `SELECT EF ${facts.pinFid} (channel ${again})` }), ['9000']);
          const status = pinStatusOf((await session.transmit(verifyRetryQuery({}, { channel: again }), { label: `VERIFY ${facts.title} retry query (channel ${again})` })).sw);
          session.note('63Cx (not verified)', describePinStatus(status));
          if (status.kind !== 'tries') return session.fail('the verification outlived the closed channel', '63Cx (not verified)', describePinStatus(status));
        } finally {
          const evidence = session.lastEvidence();
          await closeChannel(session, again);
          session.note(evidence.expected ?? '', evidence.got ?? '', evidence.command);
        }
        return undefined;
      },
    });
  }
  return checks;
}
