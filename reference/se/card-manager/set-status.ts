/**
 * SET STATUS (GPCS 2.3.1 §11.10): the card life cycle (P1 80), an application or SD (P1 40), an
 * SD with its applications (P1 60). Every change is an event of a GENERATED life-cycle machine;
 * an event the machine forbids (e.g. asking for the current state) answers 6A80.
 */
import { ForbiddenTransitionError, type ResponseApdu } from '../../../runtime/index.js';
import type { GpCardLifeCycleEvent, GpCardLifeCycleState } from '../../../generated/lifecycles/index.js';
import { sameAid } from '../aid.js';
import { isLocked, type ApplicationEntry, type Registry, type SecurityDomainEntry } from '../registry.js';
import { governs, holds, isIssuerSecurityDomain, status, success, SW, type CommandScope } from './command-scope.js';

const LOCK_BIT = 0x80;

/** P2 of SET STATUS P1 80 as a card life-cycle event (Table 11-6); 0F means secure or unlock by state. */
export function cardEventFor(p2: number, state: GpCardLifeCycleState): GpCardLifeCycleEvent | undefined {
  switch (p2) {
    case 0x07:
      return 'initialize';
    case 0x0f:
      return state === 'cardLocked' ? 'unlock' : 'secure';
    case 0x7f:
      return 'lock';
    case 0xff:
      return 'terminate';
    default:
      return undefined;
  }
}

export function setCardStatus(scope: CommandScope, p2: number): ResponseApdu {
  if (!scope.authenticated) return status(SW.securityStatusNotSatisfied);
  const { registry } = scope.host;
  const event = cardEventFor(p2, registry.cardLifeCycle);
  if (event === undefined) return status(SW.incorrectData);
  // Who may: the ISD for issuance steps; Card Lock / Card Terminate holders for those (GPCS §5.1.1.4–5).
  const allowed =
    event === 'lock' || event === 'unlock' ? holds(scope, 'cardLock') : event === 'terminate' ? holds(scope, 'cardTerminate') : isIssuerSecurityDomain(scope);
  if (!allowed) return status(SW.securityStatusNotSatisfied);
  try {
    registry.applyCardEvent(event);
  } catch (error) {
    if (error instanceof ForbiddenTransitionError) return status(SW.incorrectData);
    throw error;
  }
  scope.context.markChanged();
  return success();
}

/** P1 40: lock/unlock another entity (only P2 b8 counts), or an SD's own PERSONALIZED / LOCKED. */
export function setApplicationStatus(scope: CommandScope, aid: Uint8Array, p2: number): ResponseApdu {
  if (!scope.authenticated) return status(SW.securityStatusNotSatisfied);
  const { registry } = scope.host;
  if (registry.cardLifeCycle === 'cardLocked' || registry.cardLifeCycle === 'terminated') return status(SW.conditionsNotSatisfied);
  const entry = registry.instance(aid);
  if (entry === undefined) return status(SW.referencedDataNotFound);
  if (entry.kind === 'issuerSecurityDomain') return status(SW.incorrectData);
  const self = sameAid(entry.aid, scope.sdAid);
  if (self) return setOwnStatus(scope, entry as SecurityDomainEntry, p2);
  const lock = (p2 & LOCK_BIT) !== 0;
  if (!governs(scope, entry, 'globalLock')) return status(SW.securityStatusNotSatisfied);
  if (lock === isLocked(entry)) return status(SW.incorrectData);
  if (!applyLock(registry, entry, lock)) return status(SW.incorrectData);
  scope.context.markChanged();
  return success();
}

function setOwnStatus(scope: CommandScope, entry: SecurityDomainEntry, p2: number): ResponseApdu {
  const { registry } = scope.host;
  try {
    if (p2 === 0x0f) registry.applySecurityDomainEvent(entry, 'personalize');
    else if ((p2 & LOCK_BIT) !== 0) registry.applySecurityDomainEvent(entry, 'lock');
    else return status(SW.incorrectData);
  } catch (error) {
    if (error instanceof ForbiddenTransitionError) return status(SW.incorrectData);
    throw error;
  }
  scope.context.markChanged();
  return success();
}

/** P1 60: an SD and every application associated with it; already locked ones stay as they are. */
export function setSecurityDomainAndApplicationsStatus(scope: CommandScope, aid: Uint8Array, p2: number): ResponseApdu {
  if (!scope.authenticated) return status(SW.securityStatusNotSatisfied);
  const { registry } = scope.host;
  if (registry.cardLifeCycle === 'cardLocked' || registry.cardLifeCycle === 'terminated') return status(SW.conditionsNotSatisfied);
  const sd = registry.instance(aid);
  if (sd === undefined) return status(SW.referencedDataNotFound);
  if (sd.kind !== 'securityDomain' || sameAid(sd.aid, scope.sdAid)) return status(SW.incorrectData);
  if (!governs(scope, sd, 'globalLock')) return status(SW.securityStatusNotSatisfied);
  const lock = (p2 & LOCK_BIT) !== 0;
  const members = [sd, ...registry.instances.filter((entry): entry is ApplicationEntry => entry.kind === 'application' && sameAid(entry.associatedSdAid, sd.aid))];
  if (members.every((entry) => isLocked(entry) === lock)) return status(SW.incorrectData);
  for (const entry of members) if (isLocked(entry) !== lock) applyLock(registry, entry, lock);
  scope.context.markChanged();
  return success();
}

function applyLock(registry: Registry, entry: ApplicationEntry | SecurityDomainEntry, lock: boolean): boolean {
  try {
    if (entry.kind === 'application') registry.applyApplicationEvent(entry, lock ? 'lock' : 'unlock');
    else registry.applySecurityDomainEvent(entry, lock ? 'lock' : 'unlock');
    return true;
  } catch (error) {
    if (error instanceof ForbiddenTransitionError) return false;
    throw error;
  }
}
