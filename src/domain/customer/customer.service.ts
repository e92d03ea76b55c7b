import { CustomerEntity } from '../../data/entities/customer.entity';
import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { customerNotFound, FieldPath, UserError, userError } from '../../core/errors/user-error';
import { ConnectionValue, buildConnection } from '../../core/paging/connection';
import { CursorCodec } from '../../core/paging/cursor-codec';
import { PageArgs, ROOT_PAGE_LIMITS, resolvePageRequest } from '../../core/paging/page-request';
import { CustomerColumns } from '../../data/repositories/customer.repository';
import { Database, Repositories } from '../../data/database';
import { cursorKeyOf } from '../../data/keyset';
import { isUniqueViolation } from '../../data/transaction-runner';
import { CreateCustomerFields, CustomerListFilter, UpdateCustomerFields, UpsertCustomerFields } from './customer-inputs';
import { CustomerOrderBy } from '../../core/customer-order';
import { checkNotBothNamesBlank, validateCustomerFields, visibleCustomer } from './customer-fields.rules';
import { systemActivity, SystemActivityType } from '../activity/activity-log';
import { recordActivities, recordPurge } from '../event/change-log';
import { ChannelRequest, CustomerChannelService } from '../channel/customer-channel.service';
import { CustomerFlagService } from '../flag/customer-flag.service';
import { CustomerResult } from './customer-result';
import { DEFAULT_CUSTOMER_ORDER, toCustomerQuery } from './customer-listing';
import { customerKeyset } from '../../data/repositories/customer-keyset';
import { changedRow, newCustomerRow } from './customer-row';
import { checkIdempotencyKey, claimIdempotencyKey, replayIdempotentCreate, requestHashOf } from './customer-idempotency';
import { CustomerUpsert, MAX_BULK_UPSERT, UpsertAlongside, UpsertResult } from './customer-upsert';

export interface CustomerServiceDeps {
  database: Database;
  cursors: CursorCodec;
  channels: CustomerChannelService;
  flags: CustomerFlagService;
  now?: () => Date;
}

/** Every rule about customers: validation, uniqueness, versioning and paging. */
export class CustomerService {
  private readonly database: Database;
  private readonly cursors: CursorCodec;
  private readonly channels: CustomerChannelService;
  private readonly flags: CustomerFlagService;
  private readonly now: () => Date;
  private readonly upserts: CustomerUpsert;

  constructor(deps: CustomerServiceDeps) {
    this.database = deps.database;
    this.cursors = deps.cursors;
    this.channels = deps.channels;
    this.flags = deps.flags;
    this.now = deps.now ?? (() => new Date());
    this.upserts = new CustomerUpsert(this.database, this.now);
  }

  async findByIds(brand: string, ids: readonly string[], includeDeleted: boolean): Promise<CustomerEntity[]> {
    return this.database.read.customers.findByIds(brand, ids, includeDeleted);
  }

  async findByExternalId(brand: string, externalId: string): Promise<CustomerEntity | null> {
    const [customer] = await this.database.read.customers.findByExternalIds(brand, [externalId]);
    return visibleCustomer(customer, false);
  }

  async list(
    brand: string,
    args: PageArgs & { filter?: CustomerListFilter | null; orderBy?: CustomerOrderBy | null },
  ): Promise<ConnectionValue<CustomerEntity>> {
    const request = resolvePageRequest(args, ROOT_PAGE_LIMITS);
    const query = toCustomerQuery(args.filter);
    const order = args.orderBy ?? DEFAULT_CUSTOMER_ORDER;
    const keyset = customerKeyset(order);
    const binding = CursorCodec.binding({ connection: 'customers', query, order });
    const decode = (cursor: string | null, name: string) => (cursor === null ? null : this.cursors.decode(cursor, binding, name));
    const bounds = { after: decode(request.after, 'after'), before: decode(request.before, 'before') };
    const repository = this.database.read.customers;
    const slice = await repository.page(brand, query, keyset, request, bounds);
    return buildConnection(
      slice,
      request,
      (row) => this.cursors.encode(binding, cursorKeyOf(keyset, row)),
      () => repository.count(brand, query),
    );
  }

  /**
   * Creates a customer. With an idempotency key, a retry within 24 hours returns
   * the customer the key created; the key with a different input is refused.
   * The key is claimed before anything else is checked, so a retry is answered
   * from the key (never TAKEN by the customer it created itself), and a retry
   * racing the first request waits on the key's row lock until that request
   * commits, then answers with its customer.
   */
  async create(brand: string, input: CreateCustomerFields, idempotencyKey: string | null = null): Promise<CustomerResult> {
    const path = ['input'];
    const { changes, errors } = validateCustomerFields(input, path);
    // Blank is judged on what was given: a refused (invalid or too long) name is not a blank one.
    const blank = checkNotBothNamesBlank((input.givenName ?? '').trim(), (input.familyName ?? '').trim(), path);
    if (blank) errors.push(blank);
    const channels = this.channels.validate(input.channels ?? [], (index) => [...path, 'channels', index]);
    errors.push(...channels.errors);
    const flagNames = input.flags ?? [];
    flagNames.forEach((name, index) => {
      const refused = this.flags.checkChangeable(name, [...path, 'flags', index]);
      if (refused) errors.push(refused);
    });
    const keyError = idempotencyKey === null ? null : checkIdempotencyKey(idempotencyKey, ['idempotencyKey']);
    if (keyError) errors.push(keyError);
    if (errors.length > 0) return { customer: null, userErrors: errors };
    const requestHash = requestHashOf(input);
    try {
      return await this.writeOrTaken(path, () =>
        this.database.transaction(async (repositories) => {
          const customer = newCustomerRow(brand, changes, this.now());
          if (idempotencyKey !== null) {
            const holder = await claimIdempotencyKey(repositories, idempotencyKey, requestHash, customer);
            if (holder.customerId !== customer.id) return replayIdempotentCreate(repositories, holder, requestHash);
          }
          const taken = await this.externalIdTaken(repositories, brand, changes.externalId ?? null, null, path);
          // Thrown, not returned: the claim of the key must roll back with the refused create.
          if (taken) throw new RefusedWrite({ customer: null, userErrors: [taken] });
          await this.insertNewCustomer(repositories, customer, channels.channels, flagNames);
          return { customer, userErrors: [] };
        }),
      );
    } catch (error) {
      if (error instanceof RefusedWrite) return error.result;
      throw error;
    }
  }

  /** Removes idempotency keys older than 24 hours; run periodically. */
  deleteExpiredIdempotencyKeys(): Promise<number> {
    return this.database.transaction((repositories) => repositories.idempotencyKeys.deleteExpired(this.now()));
  }

  /**
   * Erases a customer for good (GDPR): the customer and every row about it —
   * channels, flags, activities, idempotency keys — in one transaction. Works on
   * soft-deleted customers too.
   */
  async purge(brand: string, id: string): Promise<{ deletedCustomerId: string | null; userErrors: UserError[] }> {
    return this.database.transaction(async (repositories) => {
      // The row lock makes writers about this customer (flags, channels, activities) finish first or wait and find it gone.
      const customer = await repositories.customers.findByIdForUpdate(brand, id, true);
      if (!customer) return { deletedCustomerId: null, userErrors: [customerNotFound(['id'])] };
      await repositories.activities.deleteByCustomer(brand, id);
      await repositories.flags.deleteByCustomer(brand, id);
      await repositories.channels.deleteByCustomer(brand, id);
      await repositories.idempotencyKeys.deleteByCustomer(brand, id);
      await repositories.customers.delete(brand, id);
      await recordPurge(repositories, customer, this.now());
      return { deletedCustomerId: id, userErrors: [] };
    });
  }

  private async insertNewCustomer(
    repositories: Repositories,
    customer: CustomerEntity,
    channels: ChannelRequest[],
    flagNames: readonly string[],
  ): Promise<void> {
    const now = customer.createdAt;
    await repositories.customers.insert([customer]);
    await repositories.channels.insert(this.channels.newChannels(customer, channels, now), customer);
    await repositories.flags.insert(
      [...new Set(flagNames)].map((name) => ({ customerId: customer.id, name, brand: customer.brand, addedAt: now })),
    );
    await recordActivities(repositories, [systemActivity(customer, SystemActivityType.CREATED, {}, now)]);
  }

  /**
   * Updates a customer under its row lock, so concurrent updates queue up and
   * each applies to what the one before it wrote. `expectedVersion` is compared
   * with the locked row: VERSION_CONFLICT only ever answers a caller who sent one.
   */
  async update(brand: string, input: UpdateCustomerFields): Promise<CustomerResult> {
    const path = ['input'];
    const { id, expectedVersion, ...fields } = input;
    const { changes, errors } = validateCustomerFields(fields, path);
    if (errors.length > 0) return { customer: null, userErrors: errors };
    return this.writeOrTaken(path, () =>
      this.database.transaction(async (repositories) => {
        const current = await repositories.customers.findByIdForUpdate(brand, id);
        if (!current) return { customer: null, userErrors: [customerNotFound([...path, 'id'])] };
        if (expectedVersion != null && expectedVersion !== current.version) {
          return { customer: null, userErrors: [versionConflict(path, current.version)] };
        }
        const change = changedRow(current, changes, path, this.now());
        if (!change.ok) return { customer: null, userErrors: change.userErrors };
        if (!change.activity) return { customer: current, userErrors: [] };
        if (change.row.externalId !== current.externalId) {
          const taken = await this.externalIdTaken(repositories, brand, change.row.externalId, current.id, path);
          if (taken) return { customer: null, userErrors: [taken] };
        }
        await writeLockedRow(repositories, current, change.row);
        await recordActivities(repositories, [change.activity]);
        return { customer: change.row, userErrors: [] };
      }),
    );
  }

  async upsert(brand: string, input: UpsertCustomerFields): Promise<UpsertResult> {
    const [result] = await this.upserts.upsert(brand, [input], () => ['input']);
    return result!;
  }

  async upsertMany(
    brand: string,
    inputs: UpsertCustomerFields[],
  ): Promise<{ results: Array<UpsertResult & { index: number }>; userErrors: UserError[] }> {
    if (inputs.length > MAX_BULK_UPSERT) {
      return {
        results: [],
        userErrors: [
          userError(['inputs'], CustomerErrorCode.LIMIT_EXCEEDED, `At most ${MAX_BULK_UPSERT} inputs per call; got ${inputs.length}.`),
        ],
      };
    }
    const results = await this.upserts.upsert(brand, inputs, (index) => ['inputs', index]);
    return { results: results.map((result, index) => ({ ...result, index })), userErrors: [] };
  }

  /**
   * An import's chunk: upsertMany's rules without its size limit, written in
   * one transaction together with what `alongside` writes there (the chunk's
   * progress), which sees every input's result.
   */
  async upsertChunk(brand: string, inputs: UpsertCustomerFields[], alongside: UpsertAlongside): Promise<UpsertResult[]> {
    return this.upserts.upsert(brand, inputs, (index) => ['inputs', index], alongside);
  }

  async softDelete(brand: string, id: string): Promise<{ deletedCustomerId: string | null; userErrors: UserError[] }> {
    return this.database.transaction(async (repositories) => {
      const current = await repositories.customers.findByIdForUpdate(brand, id);
      if (!current) return { deletedCustomerId: null, userErrors: [customerNotFound(['id'])] };
      const now = this.now();
      await writeLockedRow(repositories, current, { ...current, deletedAt: now, updatedAt: now, version: current.version + 1 });
      await recordActivities(repositories, [systemActivity(current, SystemActivityType.DELETED, {}, now)]);
      return { deletedCustomerId: id, userErrors: [] };
    });
  }

  private async externalIdTaken(
    repositories: Repositories,
    brand: string,
    externalId: string | null,
    ownId: string | null,
    path: FieldPath,
  ): Promise<UserError | null> {
    if (externalId === null) return null;
    const [holder] = await repositories.customers.findByExternalIds(brand, [externalId]);
    return holder && holder.id !== ownId ? taken(path) : null;
  }

  /** A unique-index violation that slipped past the read check (a concurrent insert) is still TAKEN. */
  private async writeOrTaken(path: FieldPath, write: () => Promise<CustomerResult>): Promise<CustomerResult> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) return { customer: null, userErrors: [taken(path)] };
      throw error;
    }
  }
}

/** Writes a row this transaction read under its lock; a version that moved meanwhile means the lock did not hold. */
async function writeLockedRow(repositories: Repositories, current: CustomerEntity, next: CustomerEntity): Promise<void> {
  const { id: _id, brand: _brand, createdAt: _createdAt, ...columns } = next;
  const written = await repositories.customers.updateIfVersion(
    current.brand,
    current.id,
    current.version,
    columns satisfies CustomerColumns,
    current,
  );
  if (!written) throw new Error(`Customer ${current.id} changed although its row was locked`);
}

/** Thrown inside a transaction to roll back what it wrote and answer with `result` (a refusal). */
class RefusedWrite extends Error {
  constructor(readonly result: CustomerResult) {
    super('write refused');
  }
}

function taken(path: FieldPath): UserError {
  return userError([...path, 'externalId'], CustomerErrorCode.TAKEN, 'Another customer of this brand already has this external id.');
}

function versionConflict(path: FieldPath, currentVersion: number): UserError {
  return userError(
    [...path, 'expectedVersion'],
    CustomerErrorCode.VERSION_CONFLICT,
    `Version conflict: the current version is ${currentVersion}; nothing was changed.`,
  );
}
