/**
 * A minimal stand-in for the SE runtime around one applet: parses command APDUs, routes them to
 * process() on a channel, forwards STORE DATA blocks as a security domain would after INSTALL [for
 * personalization], and counts the persistent-state changes the applet reports.
 */
import type { Applet, AppletContext, CardInterface, StoreDataBlock } from '../../../../reference/se/applet.js';
import { encodeCommandApdu, encodeResponseApdu, parseCommandApdu, type ResponseApdu } from '../../../../runtime/index.js';

export class AppletHarness {
  changes = 0;

  constructor(readonly applet: Applet) {}

  context(channel = 0, cardInterface: CardInterface = 'contact'): AppletContext {
    return {
      channel,
      cardInterface,
      markChanged: () => {
        this.changes += 1;
      },
    };
  }

  select(channel = 0): ResponseApdu {
    const command = encodeCommandApdu({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: this.applet.aid, le: 256 });
    const parsed = parseCommandApdu(command);
    if (!parsed.ok) throw new Error(parsed.reason);
    return this.applet.select(parsed.apdu, this.context(channel));
  }

  /** One command APDU in, the response APDU (data ‖ SW) out, as a reader would see it. */
  async send(command: Uint8Array, channel = 0): Promise<Uint8Array> {
    const parsed = parseCommandApdu(command);
    if (!parsed.ok) return encodeResponseApdu({ data: new Uint8Array(0), sw: parsed.sw });
    return encodeResponseApdu(await this.applet.process(parsed.apdu, this.context(channel)));
  }

  /** STORE DATA as the security domain forwards it: P1 90 (last block, BER-TLV) by default. */
  async storeData(data: Uint8Array, block: Partial<Omit<StoreDataBlock, 'data'>> = {}): Promise<ResponseApdu> {
    const storeData = this.applet.storeData;
    if (storeData === undefined) throw new Error('the applet takes no STORE DATA');
    return storeData.call(this.applet, { data, last: block.last ?? true, structure: block.structure ?? 'berTlv', blockNumber: block.blockNumber ?? 0 }, this.context());
  }
}

export function sw(response: Uint8Array | ResponseApdu): string {
  if (response instanceof Uint8Array) return Buffer.from(response.subarray(response.length - 2)).toString('hex').toUpperCase();
  return response.sw.toString(16).toUpperCase().padStart(4, '0');
}
