import { ActivityOrigin } from '../../core/activity-origin';
import { ExternalActivityFields } from './activity.rules';

/** An activity another system records on a customer's timeline. */
export interface RecordActivityFields extends ExternalActivityFields {
  customerId: string;
}

/** Which activities a timeline shows; every condition present must hold. */
export interface ActivityListFilter {
  types?: string[] | null;
  origin?: ActivityOrigin | null;
  occurredAfter?: Date | null;
  occurredBefore?: Date | null;
}
