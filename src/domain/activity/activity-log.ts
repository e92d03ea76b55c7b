import { CustomerActivityEntity } from '../../data/entities/customer-activity.entity';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { Repositories } from '../../data/database';
import { ActivityOrigin } from '../../core/activity-origin';
import { SystemActivityType } from '../../core/system-activity-type';
import { newActivityId } from '../../core/customer-ids';
import { recordActivities } from '../event/change-log';

export { SystemActivityType } from '../../core/system-activity-type';

export function systemActivity(
  customer: Pick<CustomerEntity, 'id' | 'brand'>,
  type: SystemActivityType,
  data: Record<string, unknown>,
  now: Date,
): CustomerActivityEntity {
  return {
    id: newActivityId(now),
    customerId: customer.id,
    brand: customer.brand,
    type,
    origin: ActivityOrigin.SYSTEM,
    message: null,
    initiatedBy: null,
    sourceUrl: null,
    data,
    occurredAt: now,
    recordedAt: now,
  };
}

/**
 * Records a change to a customer's channels or flags: the customer's version
 * grows by one, `updatedAt` moves to `now`, and the activity is written, all in
 * the caller's transaction. The row must have been read with
 * `findByIdForUpdate`, so no other writer can have moved its version.
 */
export async function recordCustomerChange(
  repositories: Repositories,
  customer: CustomerEntity,
  type: SystemActivityType,
  data: Record<string, unknown>,
  now: Date,
): Promise<CustomerEntity> {
  const version = customer.version + 1;
  const written = await repositories.customers.updateIfVersion(customer.brand, customer.id, customer.version, { version, updatedAt: now });
  if (!written) throw new Error(`Customer ${customer.id} changed although its row was locked`);
  await recordActivities(repositories, [systemActivity(customer, type, data, now)]);
  return { ...customer, version, updatedAt: now };
}
