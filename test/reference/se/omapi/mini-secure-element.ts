/**
 * A deliberately small stand-in for the SE runtime, enough to put the ARA-M behind a CardConnection:
 * MANAGE CHANNEL open/close, SELECT by exact AID per channel, everything else to the applet selected
 * on the channel the CLA names. It logs every command so tests can see what reached the card.
 */
import type { Applet, AppletContext } from '../../../../reference/se/applet.js';
import type { CardConnection } from '../../../../runtime/card/card-connection.js';
import { bytesToHex, encodeResponseApdu, parseCommandApdu, type CommandApdu, type ResponseApdu } from '../../../../runtime/index.js';
import { readClassByte } from '../../../../runtime/apdu/class-byte.js';

export class MiniSecureElement implements CardConnection {
  readonly atr = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01);
  readonly log: string[] = [];
  readonly #applets = new Map<string, Applet>();
  readonly #selected = new Map<number, Applet>();
  readonly #open = new Set<number>([0]);
  changes = 0;

  constructor(
    applets: readonly Applet[],
    readonly maxChannels = 20,
  ) {
    for (const applet of applets) this.#applets.set(bytesToHex(applet.aid), applet);
  }

  install(applet: Applet): void {
    this.#applets.set(bytesToHex(applet.aid), applet);
  }

  uninstall(aid: Uint8Array): void {
    this.#applets.delete(bytesToHex(aid));
  }

  /** Holds channels open as another client would, so the next MANAGE CHANNEL gets a higher number. */
  occupyChannels(count: number): void {
    for (let channel = 1; channel <= count; channel += 1) this.#open.add(channel);
  }

  get openChannels(): number[] {
    return [...this.#open].sort((left, right) => left - right);
  }

  context(channel: number): AppletContext {
    return {
      channel,
      cardInterface: 'contact',
      markChanged: () => {
        this.changes += 1;
      },
    };
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    this.log.push(bytesToHex(command));
    const parsed = parseCommandApdu(command);
    if (!parsed.ok) return encodeResponseApdu(status(parsed.sw));
    return encodeResponseApdu(await this.#route(parsed.apdu));
  }

  async #route(apdu: CommandApdu): Promise<ResponseApdu> {
    const channel = readClassByte(apdu.cla)?.channel ?? 0;
    if (!this.#open.has(channel)) return status(0x6881);
    if (apdu.ins === 0x70) return this.#manageChannel(apdu, channel);
    if (apdu.ins === 0xa4 && apdu.p1 === 0x04) {
      const applet = this.#applets.get(bytesToHex(apdu.data));
      if (applet === undefined) return status(0x6a82);
      this.#selected.get(channel)?.deselect(this.context(channel));
      this.#selected.set(channel, applet);
      return applet.select(apdu, this.context(channel));
    }
    const selected = this.#selected.get(channel);
    if (selected === undefined) return status(0x6d00);
    return selected.process(apdu, this.context(channel));
  }

  #manageChannel(apdu: CommandApdu, _channel: number): ResponseApdu {
    if (apdu.p1 === 0x80) {
      if (apdu.p2 === 0 || !this.#open.has(apdu.p2)) return status(0x6881);
      this.#selected.get(apdu.p2)?.deselect(this.context(apdu.p2));
      this.#selected.delete(apdu.p2);
      this.#open.delete(apdu.p2);
      return status(0x9000);
    }
    for (let candidate = 1; candidate < this.maxChannels; candidate += 1) {
      if (!this.#open.has(candidate)) {
        this.#open.add(candidate);
        return { data: Uint8Array.of(candidate), sw: 0x9000 };
      }
    }
    return status(0x6a81);
  }

  async reset(): Promise<Uint8Array> {
    for (const applet of this.#applets.values()) applet.reset();
    this.#selected.clear();
    this.#open.clear();
    this.#open.add(0);
    return this.atr;
  }

  async close(): Promise<void> {
    await this.reset();
  }
}

function status(sw: number): ResponseApdu {
  return { data: new Uint8Array(0), sw };
}

/** A target applet that answers every command with its own header, so tests see the CLA the card received. */
export class EchoApplet implements Applet {
  constructor(readonly aid: Uint8Array) {}

  select(): ResponseApdu {
    return { data: Uint8Array.of(0x6f, 0x00), sw: 0x9000 };
  }

  deselect(): void {}

  process(command: CommandApdu): ResponseApdu {
    return { data: Uint8Array.of(command.cla, command.ins, command.p1, command.p2), sw: 0x9000 };
  }

  reset(): void {}

  saveState(): unknown {
    return {};
  }
}
