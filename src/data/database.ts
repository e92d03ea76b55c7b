import { DataSource, EntityManager } from 'typeorm';
import { ActivityRepository } from './repositories/activity.repository';
import { ChannelRepository } from './repositories/channel.repository';
import { CustomerRepository } from './repositories/customer.repository';
import { EventRepository } from './repositories/event.repository';
import { FlagRepository } from './repositories/flag.repository';
import { IdempotencyRepository } from './repositories/idempotency.repository';
import { TransactionRunner } from './transaction-runner';
import { AliasRepository } from './repositories/alias.repository';
import { MergeRepository } from './repositories/merge.repository';
import { DuplicateRepository } from './repositories/duplicate.repository';
import { ImportRepository } from './repositories/import.repository';
import { CustomerExportRepository } from './repositories/customer-export.repository';

/** The repositories, all bound to one entity manager (the data source's, or a transaction's). */
export interface Repositories {
  customers: CustomerRepository;
  channels: ChannelRepository;
  flags: FlagRepository;
  activities: ActivityRepository;
  idempotencyKeys: IdempotencyRepository;
  events: EventRepository;
  aliases: AliasRepository;
  merges: MergeRepository;
  duplicates: DuplicateRepository;
  imports: ImportRepository;
  exports: CustomerExportRepository;
}

function repositoriesFor(manager: EntityManager): Repositories {
  return {
    customers: new CustomerRepository(manager),
    channels: new ChannelRepository(manager),
    flags: new FlagRepository(manager),
    activities: new ActivityRepository(manager),
    idempotencyKeys: new IdempotencyRepository(manager),
    events: new EventRepository(manager),
    aliases: new AliasRepository(manager),
    merges: new MergeRepository(manager),
    duplicates: new DuplicateRepository(manager),
    imports: new ImportRepository(manager),
    exports: new CustomerExportRepository(manager),
  };
}

/** The data layer as services see it: repositories for reads, and transactions for writes. */
export class Database {
  readonly read: Repositories;
  private readonly transactions: TransactionRunner;
  private readonly eventListeners = new Set<() => void>();

  constructor(readonly dataSource: DataSource) {
    this.read = repositoriesFor(dataSource.manager);
    this.transactions = new TransactionRunner(dataSource);
  }

  async transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T> {
    let committed: Repositories | undefined;
    const result = await this.transactions.run((manager) => {
      // A retried transaction starts again with fresh repositories; the last attempt is the one that committed.
      committed = repositoriesFor(manager);
      return work(committed);
    });
    if (committed && committed.events.inserted > 0) for (const listener of this.eventListeners) listener();
    return result;
  }

  /** Calls `listener` after every commit that wrote events (synchronously: keep it cheap); returns the function that stops it. */
  onEventsCommitted(listener: () => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Whether the database answers; used by the readiness probe. */
  async ping(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}
