/**
 * GET STATUS (GPCS 2.3.1 §11.4): registry entries by P1 (80 ISD, 40 applications and SSDs, 20
 * load files, 10 load files with modules) matching the AID criterion (4F, a prefix; 4F00 = all),
 * in the E3 format (P2 b2 = 1, Tables 11-36/11-37) or the deprecated one (P2 b2 = 0). Answers
 * that do not fit one response end in 6310; GET STATUS [next] (P2 b1) continues.
 */
import { bytesToHex, concatBytes, decodeTlvs, encodeTlv, TlvError, type ResponseApdu } from '../../../runtime/index.js';
import type { GetStatusFields } from '../../../generated/apdu/global-platform.js';
import { aidStartsWith, sameAid } from '../aid.js';
import type { InstanceEntry, LoadFileEntry, Registry } from '../registry.js';
import { holds, isIssuerSecurityDomain, status, success, SW, type CommandScope } from './command-scope.js';

/**
 * Plain response bytes per GET STATUS answer: 256 less room for R-ENCRYPTION padding (16) and an
 * R-MAC (8 in S8, 16 in S16) so that the protected response still fits a short APDU.
 */
export const GET_STATUS_BUDGET = 256 - 16 - 16;

const SUBSET_BY_NAME = { issuerSecurityDomain: 0x80, applications: 0x40, executableLoadFiles: 0x20, executableLoadFilesAndModules: 0x10 } as const;

type Listed = { readonly kind: 'instance'; readonly entry: InstanceEntry } | { readonly kind: 'loadFile'; readonly entry: LoadFileEntry };

export function getStatus(scope: CommandScope, fields: GetStatusFields): ResponseApdu {
  if (!scope.authenticated) return status(SW.securityStatusNotSatisfied);
  const p1 = SUBSET_BY_NAME[fields.subset];
  let criteria;
  try {
    criteria = decodeTlvs(fields.searchCriteria);
  } catch (error) {
    if (error instanceof TlvError) return status(SW.incorrectData);
    throw error;
  }
  const aidCriterion = criteria.find((object) => object.tag === 0x4f);
  if (aidCriterion === undefined || criteria[0] !== aidCriterion) return status(SW.incorrectData);
  const tagList = criteria.find((object) => object.tag === 0x5c)?.value;
  const criteriaKey = `${p1}:${fields.tlvResponseFormat}:${bytesToHex(fields.searchCriteria)}`;
  let start = 0;
  if (fields.nextOccurrence) {
    // GPCS §11.4.2.2: [next] needs a prior [first] in this application session; never for the ISD.
    const cursor = scope.channel.getStatus;
    if (p1 === 0x80) return status(SW.incorrectP1P2);
    if (cursor === undefined || cursor.criteria !== criteriaKey) return status(SW.conditionsNotSatisfied);
    start = cursor.nextIndex;
  }
  scope.channel.getStatus = undefined;
  const listed = visibleEntries(scope, p1).filter((item) => aidStartsWith(item.entry.aid, aidCriterion.value));
  if (listed.length === 0) return status(SW.referencedDataNotFound);
  const encoded = listed.slice(start).map((item) => (fields.tlvResponseFormat ? encodeEntry(scope.host.registry, item, p1, tagList) : encodeLegacyEntry(scope.host.registry, item, p1)));
  const parts: Uint8Array[] = [];
  let length = 0;
  for (const part of encoded) {
    if (parts.length > 0 && length + part.length > GET_STATUS_BUDGET) break;
    parts.push(part);
    length += part.length;
  }
  const next = start + parts.length;
  if (next < listed.length) {
    scope.channel.getStatus = { p1, criteria: criteriaKey, tlvFormat: fields.tlvResponseFormat, nextIndex: next };
    return success(concatBytes(...parts), SW.moreData);
  }
  return success(concatBytes(...parts));
}

/**
 * GPCS §11.4.2.3: the search covers what is directly or indirectly associated with the SD, or
 * everything when the SD has Global Registry (the ISD always sees the whole registry here).
 */
function visibleEntries(scope: CommandScope, p1: number): Listed[] {
  const { registry } = scope.host;
  const global = isIssuerSecurityDomain(scope) || holds(scope, 'globalRegistry');
  const underThisSd = (associated: Uint8Array): boolean => global || isBelow(registry, associated, scope.sdAid);
  switch (p1) {
    case 0x80:
      return global ? [{ kind: 'instance', entry: registry.isd }] : [];
    case 0x40:
      return registry.instances.filter((entry) => entry.kind !== 'issuerSecurityDomain' && underThisSd(entry.associatedSdAid)).map((entry) => ({ kind: 'instance', entry }));
    default:
      return registry.loadFiles.filter((file) => underThisSd(file.associatedSdAid)).map((entry) => ({ kind: 'loadFile', entry }));
  }
}

/** Whether an association chain from `associated` reaches `sdAid` (indirect association, GPCS §7.2). */
function isBelow(registry: Registry, associated: Uint8Array, sdAid: Uint8Array): boolean {
  let current: Uint8Array | undefined = associated;
  for (let depth = 0; current !== undefined && depth < registry.instances.length + 1; depth += 1) {
    if (sameAid(current, sdAid)) return true;
    const sd = registry.instance(current);
    if (sd === undefined || sd.kind === 'issuerSecurityDomain') return false;
    current = sd.associatedSdAid;
  }
  return false;
}

function encodeEntry(registry: Registry, item: Listed, p1: number, tagList: Uint8Array | undefined): Uint8Array {
  const objects: [number, Uint8Array][] = [];
  if (item.kind === 'instance') {
    const { entry } = item;
    objects.push([0x4f, entry.aid], [0x9f70, Uint8Array.of(registry.lifeCycleCoding(entry))], [0xc5, entry.privileges]);
    for (const value of entry.implicitSelection ?? []) objects.push([0xcf, Uint8Array.of(value)]);
    objects.push([0xc4, entry.loadFileAid], [0xcc, entry.associatedSdAid]);
  } else {
    const { entry } = item;
    objects.push([0x4f, entry.aid], [0x9f70, Uint8Array.of(registry.loadFileCoding(entry))], [0xce, entry.version]);
    if (p1 === 0x10) for (const module of entry.modules) objects.push([0x84, module]);
    objects.push([0xcc, entry.associatedSdAid]);
  }
  const wanted = tagList === undefined ? undefined : tagsOf(tagList);
  const chosen = wanted === undefined ? objects : objects.filter(([tag]) => wanted.has(tag));
  return encodeTlv(0xe3, concatBytes(...chosen.map(([tag, value]) => encodeTlv(tag, value))));
}

/** Tags of a tag list (concatenated BER tags without lengths). */
function tagsOf(list: Uint8Array): Set<number> {
  const tags = new Set<number>();
  let index = 0;
  while (index < list.length) {
    let tag = list[index] ?? 0;
    index += 1;
    if ((tag & 0x1f) === 0x1f) {
      while (index < list.length) {
        const byte = list[index] ?? 0;
        tag = tag * 256 + byte;
        index += 1;
        if ((byte & 0x80) === 0) break;
      }
    }
    tags.add(tag);
  }
  return tags;
}

/**
 * The deprecated format (GP 2.1.1 §9.4.3; GPCS 2.3.1 leaves it out of scope): length, AID, life
 * cycle, one privileges byte; load files with modules add the module count and each length ‖ AID.
 */
function encodeLegacyEntry(registry: Registry, item: Listed, p1: number): Uint8Array {
  if (item.kind === 'instance') {
    const { entry } = item;
    return Uint8Array.of(entry.aid.length, ...entry.aid, registry.lifeCycleCoding(entry), entry.privileges[0] ?? 0);
  }
  const { entry } = item;
  const head = [entry.aid.length, ...entry.aid, registry.loadFileCoding(entry), 0x00];
  if (p1 !== 0x10) return Uint8Array.from(head);
  return Uint8Array.from([...head, entry.modules.length, ...entry.modules.flatMap((module) => [module.length, ...module])]);
}
