/**
 * The GlobalPlatform Registry (GPCS 2.3.1 §6.4, §11.4.3; globalplatform.md §1): the card life
 * cycle, Executable Load Files with their Executable Modules, and the applications and security
 * domains instantiated from them, each with its life cycle, privileges and associated security
 * domain. Every life-cycle change goes through the GENERATED state machines of
 * spec/lifecycles (generated/lifecycles), so a transition the spec does not allow cannot happen.
 */
import {
  gpApplicationLifeCycle,
  gpCardLifeCycle,
  gpExecutableLoadFileLifeCycle,
  gpSecurityDomainLifeCycle,
  transitionGpApplicationLifeCycle,
  transitionGpCardLifeCycle,
  transitionGpExecutableLoadFileLifeCycle,
  transitionGpSecurityDomainLifeCycle,
  type GpApplicationLifeCycleEvent,
  type GpApplicationLifeCycleState,
  type GpCardLifeCycleEvent,
  type GpCardLifeCycleState,
  type GpExecutableLoadFileLifeCycleState,
  type GpSecurityDomainLifeCycleEvent,
  type GpSecurityDomainLifeCycleState,
} from '../../generated/lifecycles/index.js';
import { aidStartsWith, sameAid } from './aid.js';
import { hasPrivilege, withoutPrivilege, type PrivilegeName } from './privileges.js';

export interface LoadFileEntry {
  readonly aid: Uint8Array;
  /** CE: major, minor. */
  readonly version: Uint8Array;
  readonly modules: readonly Uint8Array[];
  associatedSdAid: Uint8Array;
  state: GpExecutableLoadFileLifeCycleState;
}

interface InstanceCommon {
  readonly aid: Uint8Array;
  readonly loadFileAid: Uint8Array;
  readonly moduleAid: Uint8Array;
  privileges: Uint8Array;
  associatedSdAid: Uint8Array;
  /** Implicit Selection parameters (tag CF, GPCS §11.1.7 Table 11-15): b8 contactless, b7 contact, b5–b1 channel. */
  implicitSelection?: number[];
}

export const IMPLICIT_CONTACTLESS = 0x80;
export const IMPLICIT_CONTACT = 0x40;
const IMPLICIT_CHANNEL_MASK = 0x1f;

/** A CF value that names an interface and a channel 0–19 with the RFU bit clear, or only explicit selection (00). */
export function isImplicitSelectionParameter(value: number): boolean {
  return (value & 0x20) === 0 && (value & IMPLICIT_CHANNEL_MASK) < 20;
}

/** Whether a CF value makes the entry implicitly selectable on a channel of an interface. */
export function implicitlySelects(value: number, interfaceBit: number, channel: number): boolean {
  return (value & interfaceBit) !== 0 && (value & IMPLICIT_CHANNEL_MASK) === channel;
}

export interface ApplicationEntry extends InstanceCommon {
  readonly kind: 'application';
  state: GpApplicationLifeCycleState;
}

export interface SecurityDomainEntry extends InstanceCommon {
  readonly kind: 'securityDomain';
  state: GpSecurityDomainLifeCycleState;
}

/** The ISD: its life cycle is the card's (GPCS §5.1), so it carries none of its own. */
export interface IssuerSecurityDomainEntry extends InstanceCommon {
  readonly kind: 'issuerSecurityDomain';
}

export type InstanceEntry = ApplicationEntry | SecurityDomainEntry | IssuerSecurityDomainEntry;

export function codingOf(codings: { readonly [state: string]: string | undefined }, state: string): number {
  const hex = codings[state];
  if (hex === undefined) throw new RangeError(`life-cycle state ${state} has no coding`);
  return Number.parseInt(hex, 16);
}

export function isSecurityDomain(entry: InstanceEntry): entry is SecurityDomainEntry | IssuerSecurityDomainEntry {
  return entry.kind !== 'application';
}

export class Registry {
  cardLifeCycle: GpCardLifeCycleState;
  readonly loadFiles: LoadFileEntry[] = [];
  /** In registry order: the ISD first, then in order of installation (the order SELECT [next occurrence] walks). */
  readonly instances: InstanceEntry[] = [];

  constructor(cardLifeCycle: GpCardLifeCycleState, isd: IssuerSecurityDomainEntry) {
    this.cardLifeCycle = cardLifeCycle;
    this.instances.push(isd);
  }

  get isd(): IssuerSecurityDomainEntry {
    const isd = this.instances[0];
    if (isd?.kind !== 'issuerSecurityDomain') throw new Error('registry without an issuer security domain');
    return isd;
  }

  instance(aid: Uint8Array): InstanceEntry | undefined {
    return this.instances.find((entry) => sameAid(entry.aid, aid));
  }

  loadFile(aid: Uint8Array): LoadFileEntry | undefined {
    return this.loadFiles.find((entry) => sameAid(entry.aid, aid));
  }

  /** Whether an AID is taken by any registry entry: load file, module or instance (GPCS §11.5.2.3: AIDs are unique). */
  aidInUse(aid: Uint8Array): boolean {
    return (
      this.instance(aid) !== undefined ||
      this.loadFiles.some((file) => sameAid(file.aid, aid) || file.modules.some((module) => sameAid(module, aid)))
    );
  }

  instancesMatching(partial: Uint8Array): InstanceEntry[] {
    return this.instances.filter((entry) => aidStartsWith(entry.aid, partial));
  }

  lifeCycleCoding(entry: InstanceEntry): number {
    switch (entry.kind) {
      case 'issuerSecurityDomain':
        return codingOf(gpCardLifeCycle.codings, this.cardLifeCycle);
      case 'securityDomain':
        return codingOf(gpSecurityDomainLifeCycle.codings, entry.state);
      case 'application':
        return codingOf(gpApplicationLifeCycle.codings, entry.state);
    }
  }

  loadFileCoding(entry: LoadFileEntry): number {
    return codingOf(gpExecutableLoadFileLifeCycle.codings, entry.state);
  }

  /** The entry registered as implicitly selectable on a channel of an interface (not the ISD's default role). */
  implicitHolder(interfaceBit: number, channel: number): InstanceEntry | undefined {
    return this.instances.find((entry) => entry.implicitSelection?.some((value) => implicitlySelects(value, interfaceBit, channel)));
  }

  /** Holder of a privilege only one entry may hold (Card Reset, Final Application): by default the ISD (GPCS §6.6.2). */
  singleHolder(privilege: 'cardReset' | 'finalApplication'): InstanceEntry {
    return this.instances.find((entry) => hasPrivilege(entry.privileges, privilege)) ?? this.isd;
  }

  /** Moves a single-holder privilege to `entry` (GPCS §6.6.2: reassignable only while the ISD holds it). */
  takePrivilege(entry: InstanceEntry, privilege: PrivilegeName): void {
    for (const other of this.instances) {
      if (other !== entry && hasPrivilege(other.privileges, privilege)) other.privileges = withoutPrivilege(other.privileges, privilege);
    }
  }

  applyCardEvent(event: GpCardLifeCycleEvent): void {
    this.cardLifeCycle = transitionGpCardLifeCycle(this.cardLifeCycle, event);
  }

  applyApplicationEvent(entry: ApplicationEntry, event: GpApplicationLifeCycleEvent): void {
    entry.state = transitionGpApplicationLifeCycle(entry.state, event);
  }

  applySecurityDomainEvent(entry: SecurityDomainEntry, event: GpSecurityDomainLifeCycleEvent): void {
    entry.state = transitionGpSecurityDomainLifeCycle(entry.state, event);
  }

  addLoadFile(entry: Omit<LoadFileEntry, 'state'>): LoadFileEntry {
    const loaded: LoadFileEntry = { ...entry, state: transitionGpExecutableLoadFileLifeCycle('notLoaded', 'load') };
    this.loadFiles.push(loaded);
    return loaded;
  }

  removeLoadFile(entry: LoadFileEntry): void {
    entry.state = transitionGpExecutableLoadFileLifeCycle(entry.state, 'delete');
    this.loadFiles.splice(this.loadFiles.indexOf(entry), 1);
  }

  removeInstance(entry: ApplicationEntry | SecurityDomainEntry): void {
    if (entry.kind === 'application') this.applyApplicationEvent(entry, 'delete');
    else this.applySecurityDomainEvent(entry, 'delete');
    this.instances.splice(this.instances.indexOf(entry), 1);
  }
}

export function isLocked(entry: InstanceEntry): boolean {
  return entry.kind !== 'issuerSecurityDomain' && entry.state.startsWith('locked');
}

/**
 * GPCS §6.4.2.1.2: an entry is selectable in SELECTABLE or a later state and not LOCKED
 * (INSTALLED and LOCKED entries are skipped); the ISD is selectable while the card is not TERMINATED.
 */
export function isSelectableState(entry: InstanceEntry, lockNotEnforced = false): boolean {
  switch (entry.kind) {
    case 'issuerSecurityDomain':
      return true;
    case 'application':
      return entry.state === 'selectable' || (lockNotEnforced && entry.state === 'lockedFromSelectable');
    case 'securityDomain':
      return entry.state === 'selectable' || entry.state === 'personalized' || (lockNotEnforced && (entry.state === 'lockedFromSelectable' || entry.state === 'lockedFromPersonalized'));
  }
}

/** Card-content management is refused in CARD_LOCKED and TERMINATED (GPCS §9.1.2, Table 11-1). */
export function contentManagementAllowed(card: GpCardLifeCycleState): boolean {
  return card === 'opReady' || card === 'initialized' || card === 'secured';
}
