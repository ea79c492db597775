/**
 * The persistent state of one secure element as JSON: card configuration, the registry (card life
 * cycle, load files, instances with life cycles and privileges) and each instance's saveState()
 * (security domains: their keysets and sequence counters — hence the store's 0600 files).
 * Reading checks every field and names the one at fault.
 */
import { gpApplicationLifeCycle, gpCardLifeCycle, gpSecurityDomainLifeCycle, type GpApplicationLifeCycleState, type GpCardLifeCycleState, type GpSecurityDomainLifeCycleState } from '../../../generated/lifecycles/index.js';
import { SecureElementStateError } from '../se-errors.js';

export const SNAPSHOT_FORMAT = 'jpkigen-secure-element/1';

export interface SavedLoadFile {
  readonly aid: string;
  readonly version: string;
  readonly modules: readonly string[];
  readonly associatedSdAid: string;
}

export interface SavedInstance {
  readonly kind: 'issuerSecurityDomain' | 'securityDomain' | 'application';
  readonly aid: string;
  readonly loadFileAid: string;
  readonly moduleAid: string;
  readonly privileges: string;
  readonly associatedSdAid: string;
  /** Implicit Selection parameters (CF bytes), when registered. */
  readonly implicitSelection?: readonly number[];
  /** Application or SD life-cycle state name; absent for the ISD, whose life cycle is the card's. */
  readonly state?: string;
  readonly appletState: unknown;
}

export interface SecureElementSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly atr: string;
  readonly cardInterface: 'contact' | 'contactless';
  readonly scp03I: number;
  readonly keyDiversificationData: string;
  readonly cplc: string;
  readonly cardLifeCycle: GpCardLifeCycleState;
  readonly loadFiles: readonly SavedLoadFile[];
  readonly instances: readonly SavedInstance[];
}

type Reader = (value: unknown, path: string) => unknown;

/** Checks parsed JSON against the snapshot shape; throws SecureElementStateError naming the file and field. */
export function readSnapshot(value: unknown, file: string): SecureElementSnapshot {
  const fail = (path: string, expected: string): never => {
    throw new SecureElementStateError(file, path, expected);
  };
  const object = (at: unknown, path: string): Record<string, unknown> => (typeof at === 'object' && at !== null && !Array.isArray(at) ? (at as Record<string, unknown>) : fail(path, 'an object'));
  const hex = (at: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): string =>
    typeof at === 'string' && /^([0-9A-F]{2})*$/.test(at) && at.length / 2 >= min && at.length / 2 <= max ? at : fail(path, `uppercase hex of ${min}–${max} bytes`);
  const aid: Reader = (at, path) => hex(at, path, 5, 16);
  const byte = (at: unknown, path: string): number => (typeof at === 'number' && Number.isInteger(at) && at >= 0 && at <= 0xff ? at : fail(path, 'an integer 0–255'));
  const oneOf = <T extends string>(at: unknown, path: string, allowed: readonly T[]): T => (typeof at === 'string' && (allowed as readonly string[]).includes(at) ? (at as T) : fail(path, `one of ${allowed.join(', ')}`));
  const list = (at: unknown, path: string): unknown[] => (Array.isArray(at) ? at : fail(path, 'an array'));

  const root = object(value, '');
  if (root['format'] !== SNAPSHOT_FORMAT) fail('format', `"${SNAPSHOT_FORMAT}"`);
  const cardLifeCycle = oneOf(root['cardLifeCycle'], 'cardLifeCycle', gpCardLifeCycle.states.filter((state) => gpCardLifeCycle.codings[state] !== undefined));
  const loadFiles = list(root['loadFiles'], 'loadFiles').map((entry, index) => {
    const path = `loadFiles[${index}]`;
    const file = object(entry, path);
    return {
      aid: aid(file['aid'], `${path}.aid`) as string,
      version: hex(file['version'], `${path}.version`, 2, 2),
      modules: list(file['modules'], `${path}.modules`).map((module, moduleIndex) => aid(module, `${path}.modules[${moduleIndex}]`) as string),
      associatedSdAid: aid(file['associatedSdAid'], `${path}.associatedSdAid`) as string,
    };
  });
  const applicationStates = codedStates(gpApplicationLifeCycle.states, gpApplicationLifeCycle.codings);
  const sdStates = codedStates(gpSecurityDomainLifeCycle.states, gpSecurityDomainLifeCycle.codings);
  const instances = list(root['instances'], 'instances').map((entry, index): SavedInstance => {
    const path = `instances[${index}]`;
    const instance = object(entry, path);
    const kind = oneOf(instance['kind'], `${path}.kind`, ['issuerSecurityDomain', 'securityDomain', 'application'] as const);
    if ((index === 0) !== (kind === 'issuerSecurityDomain')) fail(`${path}.kind`, index === 0 ? 'the issuer security domain first' : 'one issuer security domain only');
    const common = {
      kind,
      aid: aid(instance['aid'], `${path}.aid`) as string,
      loadFileAid: aid(instance['loadFileAid'], `${path}.loadFileAid`) as string,
      moduleAid: aid(instance['moduleAid'], `${path}.moduleAid`) as string,
      privileges: hex(instance['privileges'], `${path}.privileges`, 3, 3),
      associatedSdAid: aid(instance['associatedSdAid'], `${path}.associatedSdAid`) as string,
      ...(instance['implicitSelection'] === undefined
        ? {}
        : { implicitSelection: list(instance['implicitSelection'], `${path}.implicitSelection`).map((value, valueIndex) => byte(value, `${path}.implicitSelection[${valueIndex}]`)) }),
      appletState: instance['appletState'],
    };
    if (kind === 'issuerSecurityDomain') return common;
    return { ...common, state: oneOf(instance['state'], `${path}.state`, kind === 'application' ? applicationStates : sdStates) };
  });
  if (instances.length === 0) fail('instances', 'at least the issuer security domain');
  return {
    format: SNAPSHOT_FORMAT,
    atr: hex(root['atr'], 'atr', 2, 33),
    cardInterface: oneOf(root['cardInterface'], 'cardInterface', ['contact', 'contactless'] as const),
    scp03I: byte(root['scp03I'], 'scp03I'),
    keyDiversificationData: hex(root['keyDiversificationData'], 'keyDiversificationData', 10, 10),
    cplc: hex(root['cplc'], 'cplc', 0, 255),
    cardLifeCycle,
    loadFiles,
    instances,
  };
}

function codedStates<S extends string>(states: readonly S[], codings: { readonly [state in S]?: string }): S[] {
  return states.filter((state) => codings[state] !== undefined);
}

export type { GpApplicationLifeCycleState, GpSecurityDomainLifeCycleState };
