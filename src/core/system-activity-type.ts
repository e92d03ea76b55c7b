/** The activity types this service writes, in the same transaction as the change they describe. */
export const SystemActivityType = {
  CREATED: 'customer.created',
  UPDATED: 'customer.updated',
  DELETED: 'customer.deleted',
  FLAG_ADDED: 'customer.flag_added',
  FLAG_REMOVED: 'customer.flag_removed',
  CHANNEL_ADDED: 'customer.channel_added',
  CHANNEL_REMOVED: 'customer.channel_removed',
  MERGED: 'customer.merged',
} as const;

export type SystemActivityType = (typeof SystemActivityType)[keyof typeof SystemActivityType];
