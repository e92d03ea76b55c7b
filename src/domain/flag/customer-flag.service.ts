import { CustomerFlagEntity } from '../../data/entities/customer-flag.entity';
import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { customerNotFound, FieldPath, UserError, userError } from '../../core/errors/user-error';
import { RegisteredFlag, FlagRegistry } from './flag-registry';
import { ConnectionValue } from '../../core/paging/connection';
import { CursorCodec } from '../../core/paging/cursor-codec';
import { NESTED_PAGE_LIMITS, PageArgs, resolvePageRequest } from '../../core/paging/page-request';
import { Database } from '../../data/database';
import { FLAG_KEYSET } from '../../data/repositories/flag.repository';
import { cursorKeyOf } from '../../data/keyset';
import { isUniqueViolation } from '../../data/transaction-runner';
import { recordCustomerChange, SystemActivityType } from '../activity/activity-log';
import { CustomerResult } from '../customer/customer-result';
import { readNestedConnections } from '../nested-pages';

/** A flag as a customer carries it, described from the registry. */
export interface CustomerFlagView extends RegisteredFlag {
  addedAt: Date;
}

export interface CustomerFlagServiceDeps {
  database: Database;
  registry: FlagRegistry;
  cursors: CursorCodec;
  now?: () => Date;
}

/** Flags on customers: only registry flags, read-only ones untouchable through the API, adding and removing idempotent. */
export class CustomerFlagService {
  private readonly database: Database;
  private readonly registry: FlagRegistry;
  private readonly cursors: CursorCodec;
  private readonly now: () => Date;

  constructor(deps: CustomerFlagServiceDeps) {
    this.database = deps.database;
    this.registry = deps.registry;
    this.cursors = deps.cursors;
    this.now = deps.now ?? (() => new Date());
  }

  definitions(): readonly RegisteredFlag[] {
    return this.registry.definitions;
  }

  /** UNKNOWN_FLAG or READ_ONLY_FLAG when `name` cannot be changed through the API; null when it can. */
  checkChangeable(name: string, path: FieldPath): UserError | null {
    const definition = this.registry.get(name);
    if (!definition) return userError(path, CustomerErrorCode.UNKNOWN_FLAG, `"${name}" is not in the flag registry.`);
    if (definition.readOnly) {
      return userError(path, CustomerErrorCode.READ_ONLY_FLAG, `"${name}" is read-only: it cannot be added or removed through this API.`);
    }
    return null;
  }

  /** Adds a flag. A customer that has it already is returned unchanged: no new version, no activity. */
  async add(brand: string, customerId: string, name: string): Promise<CustomerResult> {
    const refused = this.checkChangeable(name, ['flag']);
    if (refused) return { customer: null, userErrors: [refused] };
    return this.database.transaction(async (repositories) => {
      const customer = await repositories.customers.findByIdForUpdate(brand, customerId);
      if (!customer) return { customer: null, userErrors: [customerNotFound()] };
      const now = this.now();
      try {
        await repositories.flags.insert([{ customerId, name, brand, addedAt: now }]);
      } catch (error) {
        // The primary key (customer_id, name) says the customer has the flag already.
        if (isUniqueViolation(error)) return { customer, userErrors: [] };
        throw error;
      }
      return {
        customer: await recordCustomerChange(repositories, customer, SystemActivityType.FLAG_ADDED, { flag: name }, now),
        userErrors: [],
      };
    });
  }

  /** Removes a flag. A customer without it is returned unchanged: no new version, no activity. */
  async remove(brand: string, customerId: string, name: string): Promise<CustomerResult> {
    const refused = this.checkChangeable(name, ['flag']);
    if (refused) return { customer: null, userErrors: [refused] };
    return this.database.transaction(async (repositories) => {
      const customer = await repositories.customers.findByIdForUpdate(brand, customerId);
      if (!customer) return { customer: null, userErrors: [customerNotFound()] };
      const removed = await repositories.flags.delete(brand, customerId, name);
      if (!removed) return { customer, userErrors: [] };
      const now = this.now();
      return {
        customer: await recordCustomerChange(repositories, customer, SystemActivityType.FLAG_REMOVED, { flag: name }, now),
        userErrors: [],
      };
    });
  }

  /** One page of flags per customer, read in one statement; a cursor error is reported for the customer it concerns. */
  async pages(
    brand: string,
    customerIds: readonly string[],
    args: PageArgs,
    countOf: (customerId: string) => Promise<number>,
  ): Promise<Map<string, ConnectionValue<CustomerFlagView> | Error>> {
    const request = resolvePageRequest(args, NESTED_PAGE_LIMITS);
    return readNestedConnections({
      cursors: this.cursors,
      customerIds,
      request,
      bindingOf: (customerId) => CursorCodec.binding({ connection: 'flags', customerId }),
      read: (ids, boundsOf) => this.database.read.flags.pages(brand, ids, request, boundsOf),
      toNode: (row: CustomerFlagEntity) => this.view(row),
      cursorKeyOf: (flag, customerId) => cursorKeyOf(FLAG_KEYSET, { name: flag.name, customerId, brand, addedAt: flag.addedAt }),
      countOf,
    });
  }

  counts(brand: string, customerIds: readonly string[]): Promise<Map<string, number>> {
    return this.database.read.flags.counts(brand, customerIds);
  }

  private view(row: CustomerFlagEntity): CustomerFlagView {
    const definition = this.registry.get(row.name);
    return { name: row.name, description: definition?.description ?? null, readOnly: definition?.readOnly ?? false, addedAt: row.addedAt };
  }
}
