/** What happened to a customer; the change feed's and the broker's event types. */
export enum CustomerEventType {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DELETED = 'DELETED',
  RESTORED = 'RESTORED',
  PURGED = 'PURGED',
  MERGED = 'MERGED',
  FLAG_ADDED = 'FLAG_ADDED',
  FLAG_REMOVED = 'FLAG_REMOVED',
  CHANNEL_ADDED = 'CHANNEL_ADDED',
  CHANNEL_REMOVED = 'CHANNEL_REMOVED',
  ACTIVITY_RECORDED = 'ACTIVITY_RECORDED',
}
