/**
 * Data objects a security domain answers with: its FCI (GPCS §11.9.3.1 Table 11-82), Card Data /
 * SD Management Data with the card recognition data (GPCS Appendix H.2, H.3), and a CPLC.
 */
import { concatBytes, encodeTlv } from '../../../runtime/index.js';

/** {globalPlatform} = 1 2 840 114283 (GPCS §H.1.1). */
const GP_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xfc, 0x6b);
const OID = 0x06;

function gpOid(...arcs: number[]): Uint8Array {
  return encodeTlv(OID, concatBytes(GP_OID, Uint8Array.from(arcs)));
}

/**
 * Card recognition data (tag 73): GP recognition OID, card management type and version
 * {globalPlatform 2 2 3 1} (GP 2.3.1), identification scheme {globalPlatform 3}, SCP03 with "i".
 */
export function cardRecognitionData(scp03I: number): Uint8Array {
  return encodeTlv(
    0x73,
    concatBytes(
      gpOid(0x01),
      encodeTlv(0x60, gpOid(0x02, 0x02, 0x03, 0x01)),
      encodeTlv(0x63, gpOid(0x03)),
      encodeTlv(0x64, gpOid(0x04, 0x03, scp03I)),
    ),
  );
}

/** GET DATA 66. */
export function cardData(scp03I: number): Uint8Array {
  return encodeTlv(0x66, cardRecognitionData(scp03I));
}

/** Maximum command data length the SE accepts (9F65): short APDUs, 255 bytes. */
const MAXIMUM_COMMAND_DATA_LENGTH = 0xff;

/** SELECT response of a security domain: 6F { 84 AID, A5 { 73 SD management data, 9F65 } }. */
export function securityDomainFci(aid: Uint8Array, scp03I: number): Uint8Array {
  return encodeTlv(
    0x6f,
    concatBytes(
      encodeTlv(0x84, aid),
      encodeTlv(0xa5, concatBytes(cardRecognitionData(scp03I), encodeTlv(0x9f65, Uint8Array.of(MAXIMUM_COMMAND_DATA_LENGTH)))),
    ),
  );
}

/**
 * A CPLC (GP 2.1.1 layout, 42 bytes) for a simulated chip: fabricator/type/OS fields fixed to
 * 'FFFF'-free placeholders, the IC serial number (bytes 13–16) from the card's serial.
 */
export function simulatedCplc(serial: Uint8Array): Uint8Array {
  const cplc = new Uint8Array(42);
  cplc.set([0x4a, 0x50], 0); // IC fabricator "JP": a placeholder, no registered fabricator
  cplc.set([0x53, 0x45], 2); // IC type "SE"
  cplc.set([0x00, 0x01], 4); // OS identifier
  cplc.set(serial.subarray(0, 4), 12); // IC serial number
  return cplc;
}
