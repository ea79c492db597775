/**
 * The JPKI applet's personalization data, sent by the issuing side (SP-TSM) in STORE DATA blocks
 * through the applet's security domain after INSTALL [for personalization] (GPCS §11.11, DGI
 * format of Annex "Data Grouping Identifier": 2-byte tag, length 1 byte or FF + 2 bytes).
 *
 * The DGI numbers are ours (modelled; J-LIS's personalization profile is not public):
 *   00xx  content of binary EF 00xx (certificates 0001/000A, CA certificates 0002/000B, token info 0006)
 *   B0xx  generate an RSA-2048 key pair in key EF 00xx (0017 auth, 001A sign) inside the applet;
 *         the response carries DGI B0xx with the SubjectPublicKeyInfo — the private key never leaves
 *   80xx  set PIN EF 00xx (0018 auth PIN, 001B sign password) to the ASCII value and fill its counter;
 *         8xxx DGIs are the "sensitive" range a security domain deciphers with its DEK (GPCS §11.11.3)
 */
export const DGI_KEY_GENERATION = 0xb000;
export const DGI_PIN = 0x8000;
