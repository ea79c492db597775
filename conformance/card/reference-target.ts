/**
 * The default target of the card suites: our own reference secure element (card manager and
 * JPKI applet), brought up in-process with the demo personalization. Its PINs and ISD keys are
 * the defaults of the suites' options; seeded faults exist for the suites' own tests.
 */
import { globalPlatformApplications } from '../../generated/apdu/global-platform.js';
import { createDemoSecureElement, type DemoSecureElementOptions } from '../../reference/se/demo-secure-element.js';
import { buildLoadFileImage } from '../../reference/se/load-file.js';
import { connectInProcess } from '../../reference/se/transports/in-process.js';
import type { CardTarget } from './target.js';

export type ReferenceProfile = 'card' | 'gpse' | 'ios';

export interface ReferenceTargetOptions {
  readonly profile?: ReferenceProfile;
  /** Seeded defects of the JPKI applet (tests only). */
  readonly faults?: DemoSecureElementOptions['faults'];
  /** Seeded defects of the card manager (tests only). */
  readonly cardManagerFaults?: DemoSecureElementOptions['cardManagerFaults'];
  /** The CA issuing the demo certificates; a fresh in-memory one unless given (tests share one). */
  readonly authority?: DemoSecureElementOptions['authority'];
}

export interface ReferenceTarget extends CardTarget {
  readonly pins: { readonly auth: string; readonly sign: string };
  readonly isdKeys: { readonly enc: Uint8Array; readonly mac: Uint8Array; readonly dek: Uint8Array; readonly version: number };
  /** The JPKI load file as LOAD carries it, for a card manager that does not hold it yet. */
  readonly jpkiLoadFile: Uint8Array;
}

export async function openReferenceTarget(options: ReferenceTargetOptions = {}): Promise<ReferenceTarget> {
  const profile = options.profile ?? 'gpse';
  const demo = await createDemoSecureElement({
    profile,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.cardManagerFaults === undefined ? {} : { cardManagerFaults: options.cardManagerFaults }),
    ...(options.authority === undefined ? {} : { authority: options.authority }),
  });
  const connection = await connectInProcess(demo.se);
  return {
    connection,
    description: `in-process reference secure element (profile ${profile})`,
    pins: demo.pins,
    isdKeys: demo.isdKeys,
    jpkiLoadFile: buildLoadFileImage({ packageAid: globalPlatformApplications.jpkiLoadFile, modules: [globalPlatformApplications.jpkiModule] }),
    close: async () => {
      await connection.close();
      await demo.close();
    },
  };
}
