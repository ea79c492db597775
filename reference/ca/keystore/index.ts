export { checkKeyLabel, KeystoreError, type Keystore, type KeystoreErrorCode } from './keystore.js';
export { MemoryKeystore } from './memory-keystore.js';
export { DEFAULT_SCRYPT_COST, SoftwareKeystore, type Passphrase, type ScryptCost } from './software-keystore.js';
