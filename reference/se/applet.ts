/**
 * The contract between the simulated secure element's runtime (the "OPEN" of GPCS §6, which
 * routes APDUs by logical channel and selection) and the applets it hosts: the card manager
 * (ISD / SSDs), the ARA-M and the JPKI applet. A Java Card applet's process()/select()/
 * deselect() and GlobalPlatform's Application.processData() for personalization, in TypeScript.
 */
import type { CommandApdu, ResponseApdu } from '../../runtime/index.js';

/** How the command reached the SE: the contact/OMAPI side or the NFC (contactless) side. */
export type CardInterface = 'contact' | 'contactless';

export interface AppletContext {
  /** Logical channel the command arrived on, 0–19 (GPCS §11.1.4). */
  readonly channel: number;
  readonly cardInterface: CardInterface;
  /**
   * Tells the SE this command changed persistent state: the SE saves the whole card once,
   * after the command and before the response leaves, so an acknowledged change survives a crash.
   */
  markChanged(): void;
}

/** Control of one STORE DATA block forwarded by a security domain (GPCS §11.11.2.1, P1). */
export interface StoreDataBlock {
  /** The block's data, already deciphered by the security domain's secure channel. */
  readonly data: Uint8Array;
  /** P1 b8: the last block of the personalization sequence. */
  readonly last: boolean;
  /** P1 b5–b4: 'dgi' or 'berTlv' or 'applicationDependent' (GPCS Table 11-89). */
  readonly structure: 'applicationDependent' | 'dgi' | 'berTlv';
  /** P2, the block number (0–255). */
  readonly blockNumber: number;
}

export interface Applet {
  /** The instance AID this applet was installed with. */
  readonly aid: Uint8Array;
  /**
   * SELECT by AID chose this instance on `context.channel`. Returns the response (FCI or empty
   * data, SW 9000), or a refusal status word (e.g. 6999 selection rejected).
   */
  select(command: CommandApdu, context: AppletContext): ResponseApdu;
  /** The instance stops being selected on `context.channel` (another SELECT, channel closed). */
  deselect(context: AppletContext): void;
  /** Every command on a channel where this instance is selected, except SELECT by AID and MANAGE CHANNEL. */
  process(command: CommandApdu, context: AppletContext): ResponseApdu | Promise<ResponseApdu>;
  /**
   * Personalization (GP Application.processData): STORE DATA blocks that the applet's security
   * domain received for it after INSTALL [for personalization]. Response data is allowed (case 4).
   */
  storeData?(block: StoreDataBlock, context: AppletContext): ResponseApdu | Promise<ResponseApdu>;
  /** Card reset or power-off: drop every volatile state (selections, PIN verification). */
  reset(): void;
  /** Persistent state as JSON-compatible data; `AppletClass.restore` takes it back. */
  saveState(): unknown;
}

/**
 * The code of one Executable Module: what INSTALL [for install] instantiates. The simulated SE
 * cannot run CAP bytecode, so a module AID in a loaded load file is bound to a TypeScript class
 * (the SE's "ROM"); LOAD of a load file whose modules the SE does not know still succeeds, INSTALL
 * from such a module answers 6A88 (referenced data not found).
 */
export interface AppletClass {
  readonly moduleAid: Uint8Array;
  /**
   * A new instance: INSTALL [for install] with its install parameters (tag C9 content). Throwing
   * refuses them (Java Card's install() throwing): the security domain answers 6A80.
   */
  install(instanceAid: Uint8Array, installParameters: Uint8Array): Applet;
  /** An instance brought back from saved state after a restart. */
  restore(instanceAid: Uint8Array, state: unknown): Applet;
}

/**
 * The command with its CLA in the form of logical channels 0–3 with no channel bits, for an
 * applet's command table: the OPEN routed it by channel already, and the tables know CLA 00/80/84
 * with channel bits b2–b1 only, while channels 4–19 code CLA as 40–4F / 60–6F / C0–CF / E0–EF
 * (ISO/IEC 7816-4 §5.4.1; GPCS 2.3.1 §11.1.4). Chained further classes (b5) are left as they are.
 */
export function commandOnBasicClass(command: CommandApdu): CommandApdu {
  const { cla } = command;
  let basic = cla;
  if ((cla & 0x40) === 0) basic = cla & ~0x03 & 0xff;
  // Further classes without command chaining (b5): b6 is secure messaging, b4–b1 the channel − 4.
  else if ((cla & 0x10) === 0) basic = (cla & 0x80) | ((cla & 0x20) !== 0 ? 0x04 : 0x00);
  return basic === cla ? command : { ...command, cla: basic };
}
