import { randomBytes, randomUUID } from 'node:crypto';
import type { Random } from '../../core/ports.ts';

export const cryptoRandom: Random = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
  uuid: () => randomUUID(),
};
