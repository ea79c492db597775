/**
 * GET DATA (GPCS 2.3.1 §11.3): with a GP class byte the whole TLV, with an ISO class byte only
 * its value (§11.3.3.1); 2F00 with tag list 5C00 lists the applications (Table 11-30).
 */
import { concatBytes, decodeTlv, encodeTlv, type ResponseApdu } from '../../../runtime/index.js';
import { sameAid } from '../aid.js';
import { isSelectableState } from '../registry.js';
import { cardData } from './card-data.js';
import { holds, isIssuerSecurityDomain, status, success, SW, type CommandScope } from './command-scope.js';

export function getData(scope: CommandScope, tag: number, wholeTlv: boolean): ResponseApdu {
  const object = dataObject(scope, tag);
  if (object === undefined) return status(SW.referencedDataNotFound);
  return success(wholeTlv ? encodeTlv(tag, object) : object);
}

/** The value of a data object the SD holds or computes, by tag. */
function dataObject(scope: CommandScope, tag: number): Uint8Array | undefined {
  const { configuration } = scope.host;
  switch (tag) {
    case 0x66:
      return valueOf(cardData(configuration.scp03I));
    case 0xe0:
      return valueOf(scope.keysets.keyInformationTemplate());
    case 0x9f7f:
      return isIssuerSecurityDomain(scope) ? configuration.cplc : undefined;
    case 0xc1: {
      const keyset = scope.keysets.default;
      if (keyset === undefined) return undefined;
      const counter = keyset.sequenceCounter;
      return Uint8Array.of((counter >> 16) & 0xff, (counter >> 8) & 0xff, counter & 0xff);
    }
    case 0xd3:
      return Uint8Array.of(scope.securityLevel);
    case 0x42:
    case 0x45:
    case 0x5f50:
      return scope.dataObjects.get(tag);
    default:
      return undefined;
  }
}

/** GET DATA 2F00 (GPCS §11.3.3.1.3): 61 { 4F AID } per selectable application the SD may list. */
export function listApplications(scope: CommandScope): ResponseApdu {
  const { registry } = scope.host;
  const global = isIssuerSecurityDomain(scope) || holds(scope, 'globalRegistry');
  const templates = registry.instances
    .filter((entry) => entry.kind !== 'issuerSecurityDomain' && isSelectableState(entry) && (global || sameAid(entry.associatedSdAid, scope.sdAid)))
    .map((entry) => encodeTlv(0x61, encodeTlv(0x4f, entry.aid)));
  return success(concatBytes(...templates));
}

function valueOf(tlv: Uint8Array): Uint8Array {
  return decodeTlv(tlv, 0).tlv.value;
}
