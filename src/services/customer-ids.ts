import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** A new customer id: "cus_" + a ULID (time-ordered, and strictly increasing within this process). */
export function newCustomerId(now: Date): string {
  return `cus_${nextUlid(now.getTime())}`;
}
