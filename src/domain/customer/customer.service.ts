import { createHash } from 'node:crypto';
import { CustomerActivityEntity } from '../../data/entities/customer-activity.entity';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { IdempotencyKeyEntity } from '../../data/entities/idempotency-key.entity';
import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { customerNotFound, FieldPath, UserError, userError } from '../../core/errors/user-error';
import { ConnectionValue, buildConnection } from '../../core/paging/connection';
import { canonicalJson, CursorCodec } from '../../core/paging/cursor-codec';
import { PageArgs, ROOT_PAGE_LIMITS, resolvePageRequest } from '../../core/paging/page-request';
import { CustomerColumns } from '../../data/repositories/customer.repository';
import { Database, Repositories } from '../../data/database';
import { cursorKeyOf } from '../../data/keyset';
import { isUniqueViolation } from '../../data/transaction-runner';
import { CreateCustomerFields, CustomerListFilter, UpdateCustomerFields, UpsertCustomerFields } from './customer-inputs';
import { CustomerOrderBy } from '../../core/customer-order';
import { CustomerFieldChanges, checkNotBothNamesBlank, fullName, validateCustomerFields, visibleCustomer } from './customer-fields.rules';
import { applyMergePatch, caseKey, characterCount, checkMetadata, isUnstorableText } from '../field.rules';
import { systemActivity, SystemActivityType } from '../activity/activity-log';
import { recordActivities, recordPurge } from '../event/change-log';
import { ChannelRequest, CustomerChannelService } from '../channel/customer-channel.service';
import { CustomerFlagService } from '../flag/customer-flag.service';
import { CustomerResult } from './customer-result';
import { newCustomerId } from '../../core/customer-ids';
import { DEFAULT_CUSTOMER_ORDER, toCustomerQuery } from './customer-listing';
import { customerKeyset } from '../../data/repositories/customer-keyset';

export const MAX_BULK_UPSERT = 1000;

export interface UpsertResult extends CustomerResult {
  created: boolean;
}

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

  constructor(deps: CustomerServiceDeps) {
    this.database = deps.database;
    this.cursors = deps.cursors;
    this.channels = deps.channels;
    this.flags = deps.flags;
    this.now = deps.now ?? (() => new Date());
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
    const requestHash = createHash('sha256').update(canonicalJson(input)).digest('hex');
    try {
      return await this.writeOrTaken(path, () =>
        this.database.transaction(async (repositories) => {
          const customer = this.newCustomer(brand, changes);
          if (idempotencyKey !== null) {
            const holder = await this.claimIdempotencyKey(repositories, brand, idempotencyKey, requestHash, customer);
            if (holder.customerId !== customer.id) return this.replay(repositories, holder, requestHash);
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

  /**
   * Claims an idempotency key for the customer about to be created, in its
   * transaction, and returns the key's record as it stands under its row lock:
   * ours when the claim took, else the live claim of an earlier request (which
   * has committed: a concurrent claim makes this wait). An expired claim is
   * released first.
   */
  private async claimIdempotencyKey(
    repositories: Repositories,
    brand: string,
    key: string,
    requestHash: string,
    customer: CustomerEntity,
  ): Promise<IdempotencyKeyEntity> {
    const now = customer.createdAt;
    await repositories.idempotencyKeys.deleteIfExpired(brand, key, now);
    await repositories.idempotencyKeys.insertOrLock({
      brand,
      key,
      requestHash,
      customerId: customer.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
    });
    const holder = await repositories.idempotencyKeys.findForUpdate(brand, key);
    if (!holder) throw new Error(`Idempotency key of brand ${brand} vanished while its row was locked`);
    return holder;
  }

  /** The answer to a retry: the customer the key created, or IDEMPOTENCY_KEY_REUSED for a different input. */
  private async replay(repositories: Repositories, record: IdempotencyKeyEntity, requestHash: string): Promise<CustomerResult> {
    if (record.requestHash !== requestHash) return { customer: null, userErrors: [idempotencyKeyReused()] };
    const customer = await repositories.customers.findById(record.brand, record.customerId, true);
    // Erasure removes a customer's keys with it, so a claim without its customer is not expected; refuse rather than guess.
    if (!customer) return { customer: null, userErrors: [idempotencyKeyReused()] };
    return { customer, userErrors: [] };
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
    await repositories.channels.insert(this.channels.newChannels(customer, channels, now));
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
        const change = this.changeOf(current, changes, path, this.now());
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
    const [result] = await this.upsertAll(brand, [input], () => ['input']);
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
    const results = await this.upsertAll(brand, inputs, (index) => ['inputs', index]);
    return { results: results.map((result, index) => ({ ...result, index })), userErrors: [] };
  }

  /**
   * An import's chunk: upsertMany's rules without its size limit, written in
   * one transaction together with what `alongside` writes there (the chunk's
   * progress), which sees every input's result; that transaction is opened
   * also when no input is valid. An error thrown by `alongside` rolls the whole
   * chunk back.
   */
  async upsertChunk(brand: string, inputs: UpsertCustomerFields[], alongside: UpsertAlongside): Promise<UpsertResult[]> {
    return this.upsertAll(brand, inputs, (index) => ['inputs', index], alongside);
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

  /**
   * Upserts in one transaction with the same statements however many inputs
   * there are: one reads and locks the customers holding the inputs' external
   * ids, one inserts the new customers, one rewrites the changed ones, one
   * writes every activity. Inputs with one external id apply in input order to
   * one customer. An input with errors is reported and skipped; the others are
   * written.
   *
   * Concurrency: locks are taken in external-id order. A new external id that
   * another request inserts after our read makes our insert wait for that
   * request and leaves its row in place, locked by us; the inputs for it are
   * then planned again as updates of that row. Nothing is retried: no input can
   * lose a race, so none can run out of attempts.
   */
  private async upsertAll(
    brand: string,
    inputs: UpsertCustomerFields[],
    pathOf: (index: number) => FieldPath,
    alongside?: UpsertAlongside,
  ): Promise<UpsertResult[]> {
    const results: UpsertResult[] = new Array<UpsertResult>(inputs.length);
    const groups = new Map<string, UpsertItem[]>();
    inputs.forEach((input, index) => {
      const path = pathOf(index);
      const { changes, errors } = validateCustomerFields(input, path);
      const externalId = changes.externalId;
      if (errors.length === 0 && typeof externalId !== 'string') {
        errors.push(userError([...path, 'externalId'], CustomerErrorCode.INVALID, 'An upsert needs an external id.'));
      }
      if (errors.length > 0) {
        results[index] = { customer: null, created: false, userErrors: errors };
        return;
      }
      const group = groups.get(externalId!) ?? [];
      group.push({ index, path, changes });
      groups.set(externalId!, group);
    });
    const externalIds = inLockOrder([...groups.keys()]);
    if (externalIds.length === 0) {
      if (alongside) await this.database.transaction((repositories) => alongside(repositories, results));
      return results;
    }
    const plans = await this.database.transaction(async (repositories) => {
      const now = this.now();
      const plan = (externalId: string, current: CustomerEntity | null) => this.planUpsert(brand, groups.get(externalId)!, current, now);
      const locked = new Map(
        (await repositories.customers.findByExternalIdsForUpdate(brand, externalIds)).map((row) => [row.externalId!, row]),
      );
      const byExternalId = new Map(externalIds.map((externalId) => [externalId, plan(externalId, locked.get(externalId) ?? null)]));
      const creations = [...byExternalId.values()].filter((item) => item.created);
      if (creations.length > 0) {
        await repositories.customers.insertOrLock(creations.map((item) => item.row!));
        const holders = await repositories.customers.idsByExternalIds(
          brand,
          creations.map((item) => item.externalId),
        );
        const preempted = creations.filter((item) => holders.get(item.externalId) !== item.row!.id).map((item) => item.externalId);
        const rows = await repositories.customers.findByExternalIdsForUpdate(brand, preempted);
        if (rows.length !== preempted.length) throw new Error('A customer vanished while its row was locked');
        for (const row of rows) byExternalId.set(row.externalId!, plan(row.externalId!, row));
      }
      const all = [...byExternalId.values()];
      await repositories.customers.writeLocked(all.filter((item) => !item.created && item.row !== item.current).map((item) => item.row!));
      await recordActivities(
        repositories,
        all.flatMap((item) => item.activities),
      );
      if (alongside) {
        for (const item of all) for (const [index, result] of item.results) results[index] = result;
        await alongside(repositories, results);
      }
      return all;
    });
    for (const item of plans) for (const [index, result] of item.results) results[index] = result;
    return results;
  }

  /**
   * What the inputs for one external id do to the customer holding it
   * (`current`, locked; null when there is none): the first input that can
   * create does so, every later one applies to the result of the one before.
   * Pure: nothing is written.
   */
  private planUpsert(brand: string, items: UpsertItem[], current: CustomerEntity | null, now: Date): UpsertPlan {
    let row = current;
    let created = false;
    const activities: CustomerActivityEntity[] = [];
    const results: Array<[number, UpsertResult]> = [];
    for (const { index, path, changes } of items) {
      if (row === null) {
        const blank = checkNotBothNamesBlank(changes.givenName ?? '', changes.familyName ?? '', path);
        if (blank) {
          results.push([index, { customer: null, created: false, userErrors: [blank] }]);
          continue;
        }
        row = newCustomerRow(brand, changes, now);
        created = true;
        activities.push(systemActivity(row, SystemActivityType.CREATED, {}, now));
        results.push([index, { customer: row, created: true, userErrors: [] }]);
        continue;
      }
      const change = this.changeOf(row, { ...changes, revive: true }, path, now);
      if (!change.ok) {
        results.push([index, { customer: null, created: false, userErrors: change.userErrors }]);
        continue;
      }
      if (change.activity) {
        row = change.row;
        activities.push(change.activity);
      }
      results.push([index, { customer: row, created: false, userErrors: [] }]);
    }
    return { externalId: items[0]!.changes.externalId!, current, row, created, activities, results };
  }

  /**
   * The row validated `changes` make of `current`, with its version one up and
   * the customer.updated activity that records it; no activity when nothing
   * changes (then the row is `current` itself). Pure: nothing is written.
   */
  private changeOf(
    current: CustomerEntity,
    changes: CustomerFieldChanges & { revive?: boolean },
    path: FieldPath,
    now: Date,
  ): { ok: true; row: CustomerEntity; activity: CustomerActivityEntity | null } | { ok: false; userErrors: UserError[] } {
    const next = { ...current };
    if (changes.externalId !== undefined) next.externalId = changes.externalId;
    if (changes.givenName !== undefined) next.givenName = changes.givenName;
    if (changes.familyName !== undefined) next.familyName = changes.familyName;
    if (changes.emailAddress !== undefined) next.emailAddress = changes.emailAddress;
    if (changes.phoneNumber !== undefined) next.phoneNumber = changes.phoneNumber;
    if (changes.languageCode !== undefined) next.languageCode = changes.languageCode;
    if (changes.metadata !== undefined) {
      next.metadata = (applyMergePatch(current.metadata, changes.metadata ?? null) ?? {}) as Record<string, unknown>;
      const limits = checkMetadata(next.metadata);
      if (!limits.ok) return { ok: false, userErrors: [userError([...path, 'metadata'], limits.code, limits.message)] };
    }
    if (changes.revive) next.deletedAt = null;
    const blank = checkNotBothNamesBlank(next.givenName, next.familyName, path);
    if (blank) return { ok: false, userErrors: [blank] };

    const changed = changedColumns(current, next);
    if (changed.length === 0) return { ok: true, row: current, activity: null };
    const row: CustomerEntity = { ...withDerivedKeys(next), updatedAt: now, version: current.version + 1 };
    return { ok: true, row, activity: systemActivity(row, SystemActivityType.UPDATED, { changedFields: changed }, now) };
  }

  private newCustomer(brand: string, changes: CustomerFieldChanges): CustomerEntity {
    return newCustomerRow(brand, changes, this.now());
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

/** Work done in an upsert's transaction after its writes, with every input's result (see `upsertChunk`). */
export type UpsertAlongside = (repositories: Repositories, results: readonly UpsertResult[]) => Promise<void>;

/** One valid upsert input, at its place in the call. */
interface UpsertItem {
  index: number;
  path: FieldPath;
  changes: CustomerFieldChanges;
}

/** What one call does to the customer of one external id (see `planUpsert`). */
interface UpsertPlan {
  externalId: string;
  /** The row as read under its lock; null when no customer held the id. */
  current: CustomerEntity | null;
  /** The row as the inputs leave it: `current` itself when none changed it; null when none could create it. */
  row: CustomerEntity | null;
  created: boolean;
  activities: CustomerActivityEntity[];
  results: Array<[number, UpsertResult]>;
}

/**
 * External ids in the order the database's binary collation sorts them (by
 * code point, which is UTF-8 byte order), the order in which every write
 * locks them; JavaScript's default sort compares UTF-16 units, which differs
 * above U+FFFF.
 */
function inLockOrder(externalIds: string[]): string[] {
  return externalIds
    .map((externalId) => ({ externalId, bytes: Buffer.from(externalId, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map((item) => item.externalId);
}

/** Writes a row this transaction read under its lock; a version that moved meanwhile means the lock did not hold. */
async function writeLockedRow(repositories: Repositories, current: CustomerEntity, next: CustomerEntity): Promise<void> {
  const { id: _id, brand: _brand, createdAt: _createdAt, ...columns } = next;
  const written = await repositories.customers.updateIfVersion(
    current.brand,
    current.id,
    current.version,
    columns satisfies CustomerColumns,
  );
  if (!written) throw new Error(`Customer ${current.id} changed although its row was locked`);
}

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** Thrown inside a transaction to roll back what it wrote and answer with `result` (a refusal). */
class RefusedWrite extends Error {
  constructor(readonly result: CustomerResult) {
    super('write refused');
  }
}

function checkIdempotencyKey(key: string, field: FieldPath): UserError | null {
  const length = characterCount(key);
  if (length < 1 || length > IDEMPOTENCY_KEY_MAX_LENGTH || isUnstorableText(key)) {
    return userError(
      field,
      CustomerErrorCode.INVALID,
      `An idempotency key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters, without control characters.`,
    );
  }
  return null;
}

function idempotencyKeyReused(): UserError {
  return userError(
    ['idempotencyKey'],
    CustomerErrorCode.IDEMPOTENCY_KEY_REUSED,
    'This idempotency key was used with a different input in the last 24 hours.',
  );
}

const COMPARED_COLUMNS = [
  'externalId',
  'givenName',
  'familyName',
  'emailAddress',
  'phoneNumber',
  'languageCode',
  'metadata',
  'deletedAt',
] as const;

/** Names of the public fields whose values differ between two versions of a row. */
export function changedColumns(before: CustomerEntity, after: CustomerEntity): string[] {
  return COMPARED_COLUMNS.filter((column) => {
    const a = before[column];
    const b = after[column];
    if (column === 'metadata') return JSON.stringify(a) !== JSON.stringify(b);
    if (a instanceof Date || b instanceof Date) return (a as Date | null)?.getTime() !== (b as Date | null)?.getTime();
    return a !== b;
  });
}

/** The row a create writes for validated `changes`: a new id, version 1, and the derived key columns. */
export function newCustomerRow(brand: string, changes: CustomerFieldChanges, now: Date): CustomerEntity {
  return withDerivedKeys({
    id: newCustomerId(now),
    brand,
    externalId: changes.externalId ?? null,
    givenName: changes.givenName ?? '',
    familyName: changes.familyName ?? '',
    emailAddress: changes.emailAddress ?? null,
    phoneNumber: changes.phoneNumber ?? null,
    languageCode: changes.languageCode ?? null,
    metadata: changes.metadata ?? {},
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    version: 1,
    nameKey: '',
    familyNameKey: '',
    emailKey: '',
  });
}

/** Recomputes the lower-cased match and sort columns from the public fields. */
function withDerivedKeys(customer: CustomerEntity): CustomerEntity {
  return {
    ...customer,
    nameKey: caseKey(fullName(customer.givenName, customer.familyName)),
    familyNameKey: caseKey(customer.familyName),
    emailKey: caseKey(customer.emailAddress ?? ''),
  };
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
