import { EntityManager } from 'typeorm';
import { CustomerImportEntity } from '../entities/customer-import.entity';
import { CustomerImportChunkEntity } from '../entities/customer-import-chunk.entity';
import { CustomerImportErrorEntity } from '../entities/customer-import-error.entity';
import { insertRows } from '../multi-row-insert';
import { readEntities } from '../read-entities';

/** What an applied chunk adds to its import's counters. */
export interface ChunkProgress {
  rowsProcessed: number;
  created: number;
  updated: number;
  failed: number;
  errors: number;
}

/** Every SQL statement about `customer_imports`, `customer_import_chunks` and `customer_import_errors`. */
export class ImportRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(job: CustomerImportEntity): Promise<void> {
    await insertRows(this.manager, CustomerImportEntity, [job]);
  }

  async insertChunk(chunk: CustomerImportChunkEntity): Promise<void> {
    await insertRows(this.manager, CustomerImportChunkEntity, [chunk]);
  }

  /** An import of the brand, in any state (RECEIVING included: the caller decides what to show). */
  async findById(brand: string, id: string): Promise<CustomerImportEntity | null> {
    const [row] = await readEntities(
      this.manager.createQueryBuilder(CustomerImportEntity, 'i').where('i.id = :id AND i.brand = :brand', { id, brand }),
    );
    return row ?? null;
  }

  /** An import by id alone (the worker's read; no lock). */
  async findAny(id: string): Promise<CustomerImportEntity | null> {
    const [row] = await readEntities(this.manager.createQueryBuilder(CustomerImportEntity, 'i').where('i.id = :id', { id }));
    return row ?? null;
  }

  /**
   * Reads the import and, on MySQL, locks its row until the transaction ends:
   * every chunk's transaction takes it, so two workers can never both apply one
   * chunk. SQLite transactions are serialised already.
   */
  async lockById(id: string): Promise<CustomerImportEntity | null> {
    const query = this.manager.createQueryBuilder(CustomerImportEntity, 'i').where('i.id = :id', { id });
    if (this.isMysql()) query.setLock('pessimistic_write');
    const [row] = await readEntities(query);
    return row ?? null;
  }

  /** Marks a received upload QUEUED with its size: from here a worker may take it. */
  async markQueued(id: string, status: string, totalRows: number, chunkCount: number): Promise<void> {
    await this.manager.query('UPDATE customer_imports SET status = ?, total_rows = ?, chunk_count = ? WHERE id = ?', [
      status,
      totalRows,
      chunkCount,
      id,
    ]);
  }

  /** Ids of imports in `statuses` whose lease is free, lapsed or `owner`'s own (left after a failure), oldest first. */
  async claimable(statuses: readonly string[], owner: string, now: Date, limit: number): Promise<string[]> {
    const rows = await this.manager
      .createQueryBuilder(CustomerImportEntity, 'i')
      .select('i.id', 'id')
      .where('i.status IN (:...statuses)', { statuses })
      .andWhere('(i.leaseExpiresAt IS NULL OR i.leaseExpiresAt < :now OR i.leasedBy = :owner)', { now, owner })
      .orderBy('i.createdAt', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /**
   * Takes or renews the lease on an import for `owner`, setting its status;
   * true when `owner` holds it afterwards. Only a free, lapsed or own lease is
   * taken, and only while the import is in `statuses`: of replicas racing for
   * one import, exactly one UPDATE matches.
   */
  async acquireLease(id: string, statuses: readonly string[], owner: string, now: Date, until: Date, status: string): Promise<boolean> {
    const result = await this.manager
      .createQueryBuilder()
      .update(CustomerImportEntity)
      .set({ leasedBy: owner, leaseExpiresAt: until, status })
      .where('id = :id AND status IN (:...statuses)', { id, statuses })
      .andWhere('(leased_by IS NULL OR leased_by = :owner OR lease_expires_at < :now)', { owner, now })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.manager.query('UPDATE customer_imports SET leased_by = NULL, lease_expires_at = NULL WHERE id = ? AND leased_by = ?', [id, owner]);
  }

  /** The first chunk still to apply with a number above `afterChunkNo` (-1: from the start); null when none is left. */
  async nextChunk(importId: string, afterChunkNo: number): Promise<CustomerImportChunkEntity | null> {
    const [row] = await readEntities(
      this.manager
        .createQueryBuilder(CustomerImportChunkEntity, 'k')
        .where('k.importId = :importId AND k.chunkNo > :afterChunkNo', { importId, afterChunkNo })
        .orderBy('k.chunkNo', 'ASC')
        .limit(1),
    );
    return row ?? null;
  }

  /**
   * Records an applied chunk (`job` as read under its lock): removes its rows,
   * adds its counters and errors, renews the lease. False, with nothing
   * written, when the chunk's rows are gone: another transaction applied it.
   */
  async recordChunk(
    job: CustomerImportEntity,
    chunkNo: number,
    progress: ChunkProgress,
    errors: CustomerImportErrorEntity[],
    leaseUntil: Date,
  ): Promise<boolean> {
    const removed = await this.manager
      .createQueryBuilder()
      .delete()
      .from(CustomerImportChunkEntity)
      .where('import_id = :importId AND chunk_no = :chunkNo', { importId: job.id, chunkNo })
      .execute();
    if ((removed.affected ?? 0) !== 1) return false;
    await insertRows(this.manager, CustomerImportErrorEntity, errors);
    await this.manager
      .createQueryBuilder()
      .update(CustomerImportEntity)
      .set({
        chunksApplied: job.chunksApplied + 1,
        rowsProcessed: job.rowsProcessed + progress.rowsProcessed,
        created: job.created + progress.created,
        updated: job.updated + progress.updated,
        failed: job.failed + progress.failed,
        errorCount: job.errorCount + progress.errors,
        leaseExpiresAt: leaseUntil,
      })
      .where('id = :id', { id: job.id })
      .execute();
    return true;
  }

  /** Ends an import (SUCCEEDED or FAILED): lease released, rows left over removed. */
  async finish(id: string, status: string, finishedAt: Date, failure: string | null): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .update(CustomerImportEntity)
      .set({ status, finishedAt, failure, leasedBy: null, leaseExpiresAt: null })
      .where('id = :id', { id })
      .execute();
    await this.manager.query('DELETE FROM customer_import_chunks WHERE import_id = ?', [id]);
  }

  /** Removes an import and everything stored for it (an upload that was refused or never finished). */
  async deleteImport(id: string): Promise<void> {
    await this.manager.query('DELETE FROM customer_import_chunks WHERE import_id = ?', [id]);
    await this.manager.query('DELETE FROM customer_import_errors WHERE import_id = ?', [id]);
    await this.manager.query('DELETE FROM customer_imports WHERE id = ?', [id]);
  }

  /** Ids of uploads still RECEIVING that were started before `before` (their request has long ended). */
  async abandonedUploads(receivingStatus: string, before: Date, limit: number): Promise<string[]> {
    const rows = await this.manager
      .createQueryBuilder(CustomerImportEntity, 'i')
      .select('i.id', 'id')
      .where('i.status = :receivingStatus AND i.createdAt < :before', { receivingStatus, before })
      .orderBy('i.createdAt', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** Up to `limit` errors of an import after `after` in (row, error number) order: a range of `(import_id, row_no, error_no)`. */
  async errorsPage(importId: string, after: { row: number; errorNo: number } | null, limit: number): Promise<CustomerImportErrorEntity[]> {
    const query = this.manager
      .createQueryBuilder(CustomerImportErrorEntity, 'r')
      .where('r.importId = :importId', { importId })
      .orderBy('r.row', 'ASC')
      .addOrderBy('r.errorNo', 'ASC')
      .limit(limit);
    if (after !== null) {
      query.andWhere('(r.row > :afterRow OR (r.row = :afterRow AND r.errorNo > :afterErrorNo))', {
        afterRow: after.row,
        afterErrorNo: after.errorNo,
      });
    }
    return readEntities(query);
  }

  private isMysql(): boolean {
    return this.manager.connection.options.type === 'mysql';
  }
}
