/**
 * What a security domain needs from the OPEN to manage card content (GPCS §6.1: the OPEN owns the
 * registry and instantiates applications; security domains ask it to). The SecureElement
 * implements this; nothing else reaches into it.
 */
import type { Applet, AppletClass } from '../applet.js';
import type { InstanceEntry, Registry } from '../registry.js';

/** Seeded faults for conformance tests: each makes the card manager deviate from GPCS in one way. */
export interface SecureElementFaults {
  /** DELETE of an AID the registry does not hold answers 9000 ('00') instead of 6A88. */
  readonly wrongStatusWordOnDeleteUnknown?: boolean;
  /** A LOCKED application stays selectable. */
  readonly lockNotEnforced?: boolean;
}

/** Card-wide data the ISD answers GET DATA and INITIALIZE UPDATE with. */
export interface CardConfiguration {
  /** SCP03 "i" parameter of every security domain (Amd D Table 5-1); default 70. */
  readonly scp03I: number;
  /** 10 bytes of key diversification data in INITIALIZE UPDATE responses. */
  readonly keyDiversificationData: Uint8Array;
  /** GET DATA 9F7F, 42 bytes. */
  readonly cplc: Uint8Array;
}

export interface CardManagerHost {
  readonly registry: Registry;
  readonly faults: SecureElementFaults;
  readonly configuration: CardConfiguration;
  /** The ROM class of a module AID (the SD module included), if the SE has one. */
  appletClass(moduleAid: Uint8Array): AppletClass | undefined;
  /** Whether a module AID is the security-domain module, whose instances are SDs. */
  isSecurityDomainModule(moduleAid: Uint8Array): boolean;
  /** The live instance behind a registry entry. */
  applet(aid: Uint8Array): Applet | undefined;
  /** Puts a newly instantiated applet in service for a registry entry already added. */
  addApplet(entry: InstanceEntry, applet: Applet): void;
  /** Takes an applet out of service after its registry entry was removed. */
  removeApplet(aid: Uint8Array): void;
  /** Whether an instance is currently selected on some logical channel. */
  isSelected(aid: Uint8Array): boolean;
}
