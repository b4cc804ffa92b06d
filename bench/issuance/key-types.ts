/** The two key types measured: ACM's default (RSA_2048) and its EC default (EC_prime256v1). */
export type KeyType = 'RSA_2048' | 'EC_prime256v1';

/**
 * The key of every CA in these sections: the local stack's CA key by default (`--ca-key-algorithm`), and the
 * baselines' CA is made the same so that each side signs with the same kind of key.
 */
export const CA_KEY_TYPE: KeyType = 'RSA_2048';
