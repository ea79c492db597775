/**
 * DELETE (GPCS 2.3.1 §11.2): an application, a security domain or an Executable Load File by AID
 * (P2 80 also deletes related objects: a load file's applications, an SD's associated content),
 * or a keyset of the receiving SD by key version number (D2) and optionally key identifier (D0).
 */
import { decodeTlvs, TlvError, type ResponseApdu } from '../../../runtime/index.js';
import type { DeleteFields } from '../../../generated/apdu/global-platform.js';
import { sameAid } from '../aid.js';
import { contentManagementAllowed, type ApplicationEntry, type InstanceEntry, type LoadFileEntry, type SecurityDomainEntry } from '../registry.js';
import { contentPreconditions, governs, noConfirmation, status, SW, type CommandScope } from './command-scope.js';

export function deleteObject(scope: CommandScope, fields: DeleteFields): ResponseApdu {
  if (!scope.authenticated) return status(SW.securityStatusNotSatisfied);
  if (!contentManagementAllowed(scope.host.registry.cardLifeCycle)) return status(SW.conditionsNotSatisfied);
  let objects;
  try {
    objects = decodeTlvs(fields.deleteData);
  } catch (error) {
    if (error instanceof TlvError) return status(SW.incorrectData);
    throw error;
  }
  const aid = objects.find((object) => object.tag === 0x4f)?.value;
  const keyVersion = objects.find((object) => object.tag === 0xd2)?.value;
  const keyId = objects.find((object) => object.tag === 0xd0)?.value;
  if (aid !== undefined) return contentPreconditions(scope) ?? deleteByAid(scope, aid, fields.relatedObjects);
  // An SD deletes its own keys without content-management privileges.
  if (keyVersion !== undefined) return deleteKeys(scope, keyVersion, keyId);
  return status(SW.incorrectData);
}

function unknownAid(scope: CommandScope): ResponseApdu {
  // Seeded fault for the gp-se conformance suite: a card that acknowledges what it cannot find.
  return scope.host.faults.wrongStatusWordOnDeleteUnknown === true ? noConfirmation() : status(SW.referencedDataNotFound);
}

function deleteByAid(scope: CommandScope, aid: Uint8Array, related: boolean): ResponseApdu {
  const { registry } = scope.host;
  const instance = registry.instance(aid);
  const loadFile = registry.loadFile(aid);
  if (instance === undefined && loadFile === undefined) return unknownAid(scope);
  if (instance?.kind === 'issuerSecurityDomain') return status(SW.conditionsNotSatisfied);
  const target = instance ?? loadFile;
  if (target === undefined) return unknownAid(scope);
  if (!governs(scope, target, 'globalDelete')) return status(SW.securityStatusNotSatisfied);
  const plan = instance !== undefined ? planInstanceDeletion(scope, instance as ApplicationEntry | SecurityDomainEntry, related) : planLoadFileDeletion(scope, loadFile as LoadFileEntry, related);
  if ('refusal' in plan) return status(plan.refusal);
  // A selected application cannot be deleted under its own feet (GPCS §11.2.2: the OPEN checks it is not selected).
  if (plan.instances.some((entry) => scope.host.isSelected(entry.aid))) return status(SW.conditionsNotSatisfied);
  for (const entry of plan.instances) {
    registry.removeInstance(entry);
    scope.host.removeApplet(entry.aid);
  }
  for (const file of plan.loadFiles) registry.removeLoadFile(file);
  scope.context.markChanged();
  return noConfirmation();
}

interface DeletionPlan {
  readonly instances: (ApplicationEntry | SecurityDomainEntry)[];
  readonly loadFiles: LoadFileEntry[];
}

function planInstanceDeletion(scope: CommandScope, entry: ApplicationEntry | SecurityDomainEntry, related: boolean): DeletionPlan | { refusal: number } {
  if (entry.kind === 'application') return { instances: [entry], loadFiles: [] };
  // An SD with associated content goes only together with it (P2 80, GPCS §11.2.2.1).
  const { registry } = scope.host;
  const instances: (ApplicationEntry | SecurityDomainEntry)[] = [];
  const loadFiles: LoadFileEntry[] = [];
  const collect = (sd: SecurityDomainEntry): void => {
    instances.push(sd);
    for (const other of registry.instances) {
      if (other.kind !== 'issuerSecurityDomain' && other !== sd && sameAid(other.associatedSdAid, sd.aid)) {
        if (other.kind === 'securityDomain') collect(other);
        else instances.push(other);
      }
    }
    for (const file of registry.loadFiles) if (sameAid(file.associatedSdAid, sd.aid)) loadFiles.push(file);
  };
  collect(entry);
  if ((instances.length > 1 || loadFiles.length > 0) && !related) return { refusal: SW.conditionsNotSatisfied };
  // Instances of a load file that is going must go too; instances elsewhere keep their files alive.
  for (const file of loadFiles) {
    for (const other of registry.instances) {
      if (sameAid(other.loadFileAid, file.aid) && !instances.includes(other as ApplicationEntry | SecurityDomainEntry)) return { refusal: SW.conditionsNotSatisfied };
    }
  }
  return { instances, loadFiles };
}

function planLoadFileDeletion(scope: CommandScope, file: LoadFileEntry, related: boolean): DeletionPlan | { refusal: number } {
  // The security-domain package lives in immutable memory (GPCS §5.2.1.2): it is never deleted.
  if (file.modules.some((module) => scope.host.isSecurityDomainModule(module))) return { refusal: SW.conditionsNotSatisfied };
  const dependents = scope.host.registry.instances.filter((entry): entry is ApplicationEntry | SecurityDomainEntry => entry.kind !== 'issuerSecurityDomain' && sameAid(entry.loadFileAid, file.aid));
  if (dependents.length > 0 && !related) return { refusal: SW.conditionsNotSatisfied };
  // Deleting an SD this way would orphan its own content: refuse rather than cascade silently.
  if (dependents.some((entry) => entry.kind === 'securityDomain' && hasAssociatedContent(scope, entry))) return { refusal: SW.conditionsNotSatisfied };
  return { instances: dependents, loadFiles: [file] };
}

function hasAssociatedContent(scope: CommandScope, sd: InstanceEntry): boolean {
  const { registry } = scope.host;
  return registry.instances.some((entry) => entry !== sd && sameAid(entry.associatedSdAid, sd.aid)) || registry.loadFiles.some((file) => sameAid(file.associatedSdAid, sd.aid));
}

/** DELETE [key] (GPCS §11.2.2.3.2): whole SCP03 keysets only; a key identifier must name all of it or be absent. */
function deleteKeys(scope: CommandScope, keyVersion: Uint8Array, keyId: Uint8Array | undefined): ResponseApdu {
  if (keyVersion.length !== 1) return status(SW.incorrectData);
  if (keyId !== undefined) return status(SW.incorrectData);
  const version = keyVersion[0] ?? 0;
  if (scope.sessionKeyset?.keyVersion === version) return status(SW.conditionsNotSatisfied);
  if (!scope.keysets.remove(version)) return status(SW.referencedDataNotFound);
  scope.context.markChanged();
  return noConfirmation();
}
