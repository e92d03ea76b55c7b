import { CustomerEventType } from '../../core/customer-event-type';
import { CustomerActivityEntity } from '../../data/entities/customer-activity.entity';
import { NewCustomerEvent } from '../../data/repositories/event.repository';
import { Repositories } from '../../data/database';
import { ActivityOrigin } from '../../core/activity-origin';
import { newEventId } from '../../core/customer-ids';
import { SystemActivityType } from '../../core/system-activity-type';

/**
 * Writes activities together with the change events they stand for, in the
 * caller's transaction: every change that writes a timeline entry also writes
 * its event, and nothing else does, so an idempotent no-op or a refused change
 * writes neither.
 */
export async function recordActivities(repositories: Repositories, activities: readonly CustomerActivityEntity[]): Promise<void> {
  if (activities.length === 0) return;
  await repositories.activities.insert([...activities]);
  await repositories.events.insert(activities.flatMap(eventsOf));
}

/**
 * Erasure: removes the customer's earlier events and records the one `PURGED`
 * event, which carries only the customer's id.
 */
export async function recordPurge(repositories: Repositories, customer: { id: string; brand: string }, now: Date): Promise<void> {
  // The ids merged into this customer are erased with it: their aliases, their earlier events, and a PURGED event each.
  const aliasIds = await repositories.aliases.deleteBySurvivor(customer.brand, customer.id);
  const erased = [customer, ...aliasIds.map((id) => ({ id, brand: customer.brand }))];
  for (const { id } of erased) await repositories.events.deleteByCustomer(customer.brand, id);
  await repositories.events.insert(erased.map((id) => changeEvent(id, CustomerEventType.PURGED, now)));
}

/**
 * A merge: the survivor's `customer.merged` activity with its MERGED event
 * (see `eventsOf`), and a MERGED event with the same data for the merged id,
 * whose feed ends there (its later reads answer with the survivor).
 */
export async function recordMerge(repositories: Repositories, activity: CustomerActivityEntity, mergedId: string): Promise<void> {
  await recordActivities(repositories, [activity]);
  const data = mergeEventData(activity);
  await repositories.events.insert([
    changeEvent({ id: mergedId, brand: activity.brand }, CustomerEventType.MERGED, activity.recordedAt, data),
  ]);
}

function mergeEventData(activity: CustomerActivityEntity): Record<string, string> {
  return { mergedCustomerId: String(activity.data.mergedCustomerId), survivorId: activity.customerId };
}

/**
 * The events one activity stands for. `data` carries ids only (flag names,
 * channel and activity ids): never a value a person could be found by.
 */
export function eventsOf(activity: CustomerActivityEntity): NewCustomerEvent[] {
  const customer = { id: activity.customerId, brand: activity.brand };
  const at = activity.recordedAt;
  if (activity.origin === ActivityOrigin.EXTERNAL) {
    return [changeEvent(customer, CustomerEventType.ACTIVITY_RECORDED, at, { activityId: activity.id })];
  }
  switch (activity.type as SystemActivityType) {
    case SystemActivityType.CREATED:
      return [changeEvent(customer, CustomerEventType.CREATED, at)];
    case SystemActivityType.DELETED:
      return [changeEvent(customer, CustomerEventType.DELETED, at)];
    case SystemActivityType.UPDATED: {
      const changed = Array.isArray(activity.data.changedFields) ? (activity.data.changedFields as string[]) : [];
      // An upsert that finds its customer soft-deleted brings it back: RESTORED, then UPDATED for the fields it changed.
      const fields = changed.filter((field) => field !== 'deletedAt');
      const events: NewCustomerEvent[] = [];
      if (fields.length < changed.length) events.push(changeEvent(customer, CustomerEventType.RESTORED, at));
      if (fields.length > 0) events.push(changeEvent(customer, CustomerEventType.UPDATED, at, {}, fields));
      return events;
    }
    case SystemActivityType.FLAG_ADDED:
      return [changeEvent(customer, CustomerEventType.FLAG_ADDED, at, { flag: String(activity.data.flag) })];
    case SystemActivityType.FLAG_REMOVED:
      return [changeEvent(customer, CustomerEventType.FLAG_REMOVED, at, { flag: String(activity.data.flag) })];
    case SystemActivityType.CHANNEL_ADDED:
      return [changeEvent(customer, CustomerEventType.CHANNEL_ADDED, at, { channelId: String(activity.data.channelId) })];
    case SystemActivityType.CHANNEL_REMOVED:
      return [changeEvent(customer, CustomerEventType.CHANNEL_REMOVED, at, { channelId: String(activity.data.channelId) })];
    case SystemActivityType.MERGED:
      return [changeEvent(customer, CustomerEventType.MERGED, at, mergeEventData(activity))];
    default:
      return [];
  }
}

function changeEvent(
  customer: { id: string; brand: string },
  type: CustomerEventType,
  occurredAt: Date,
  data: Record<string, string> = {},
  changedFields: string[] = [],
): NewCustomerEvent {
  return { id: newEventId(occurredAt), brand: customer.brand, customerId: customer.id, type, occurredAt, changedFields, data };
}
