/** Where a CSV import stands. */
export enum CustomerImportStatus {
  /** Stored whole, waiting for a worker. */
  QUEUED = 'QUEUED',
  /** A worker is applying its chunks. */
  RUNNING = 'RUNNING',
  /** Every row was applied or reported as failed. */
  SUCCEEDED = 'SUCCEEDED',
  /** The import could not be completed; the rows applied before stay applied. */
  FAILED = 'FAILED',
}

/**
 * The stored state of an upload whose body is still arriving: never shown to a
 * client (no 202 was sent yet) and never picked up by a worker.
 */
export const RECEIVING_STATUS = 'RECEIVING';
