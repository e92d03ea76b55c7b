import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/** Random bytes drawn from the operating system at a time; a ULID's random part takes 16 of them. */
const RANDOM_POOL_BYTES = 4096;
const randomPool = new Uint8Array(RANDOM_POOL_BYTES);
let poolOffset = RANDOM_POOL_BYTES;

/**
 * A uniform fraction in [0, 1) from one cryptographically random byte, as
 * ulid's own generator gives, but from a pool filled 4 KiB at a time: ulid
 * asks for one byte per character, and a system call per byte was a sixth of
 * the CPU time of a bulk load whose rows each start a new millisecond.
 */
function pooledRandomFraction(): number {
  if (poolOffset === RANDOM_POOL_BYTES) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const byte = randomPool[poolOffset]!;
  poolOffset += 1;
  return byte / 256;
}

const nextUlid = monotonicFactory(pooledRandomFraction);

/** Ids are a type prefix and a ULID: time-ordered, and strictly increasing within this process. */
function newId(prefix: string, now: Date): string {
  return `${prefix}_${nextUlid(now.getTime())}`;
}

export const newCustomerId = (now: Date): string => newId('cus', now);
export const newChannelId = (now: Date): string => newId('chn', now);
export const newActivityId = (now: Date): string => newId('act', now);
export const newEventId = (now: Date): string => newId('evt', now);
export const newImportId = (now: Date): string => newId('imp', now);
