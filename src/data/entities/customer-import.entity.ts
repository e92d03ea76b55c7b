import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One CSV import job. Its rows wait in `customer_import_chunks` until the
 * transaction that applies a chunk removes them, so the chunks left are
 * exactly those still to apply, and a worker that resumes starts with them.
 * `leasedBy`/`leaseExpiresAt` name the one process working on it.
 */
@Entity({ name: 'customer_imports' })
export class CustomerImportEntity {
  @PrimaryColumn({ type: 'varchar', length: 30 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  brand!: string;

  /** A CustomerImportStatus, or RECEIVING while the upload is still arriving. */
  @Column({ type: 'varchar', length: 16 })
  status!: string;

  /** The header row's column names, in file order. */
  @Column({ type: 'simple-json' })
  columns!: string[];

  @Column({ name: 'total_rows', type: 'int' })
  totalRows!: number;

  @Column({ name: 'chunk_count', type: 'int' })
  chunkCount!: number;

  /** Chunks applied so far (each counted in the transaction that applied it). */
  @Column({ name: 'chunks_applied', type: 'int' })
  chunksApplied!: number;

  @Column({ name: 'rows_processed', type: 'int' })
  rowsProcessed!: number;

  @Column({ type: 'int' })
  created!: number;

  @Column({ type: 'int' })
  updated!: number;

  @Column({ type: 'int' })
  failed!: number;

  /** Error rows recorded so far; the next error's number. */
  @Column({ name: 'error_count', type: 'int' })
  errorCount!: number;

  @Column({ name: 'leased_by', type: 'varchar', length: 64, nullable: true })
  leasedBy!: string | null;

  @Column({ name: 'lease_expires_at', type: 'datetime', precision: 3, nullable: true })
  leaseExpiresAt!: Date | null;

  /** Why a FAILED import stopped. */
  @Column({ name: 'failure', type: 'varchar', length: 500, nullable: true })
  failure!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;
}
