import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Ids are a type prefix and a ULID: time-ordered, and strictly increasing within this process. */
function newId(prefix: string, now: Date): string {
  return `${prefix}_${nextUlid(now.getTime())}`;
}

export const newCustomerId = (now: Date): string => newId('cus', now);
export const newChannelId = (now: Date): string => newId('chn', now);
export const newActivityId = (now: Date): string => newId('act', now);
export const newEventId = (now: Date): string => newId('evt', now);
export const newImportId = (now: Date): string => newId('imp', now);
