import { createHash } from 'node:crypto';
import { CustomerActivityEntity } from '../entities/customer-activity.entity';
import { CustomerEntity } from '../entities/customer.entity';
import { CustomerErrorCode } from '../errors/customer-error-code';
import { customerNotFound, FieldPath, UserError, userError } from '../errors/user-error';
import { ConnectionValue, buildConnection } from '../pagination/connection';
import { canonicalJson, CursorCodec } from '../pagination/cursor-codec';
import { PageArgs, ROOT_PAGE_LIMITS, resolvePageRequest } from '../pagination/page-request';
import { CustomerColumns } from '../repositories/customer.repository';
import { Database, Repositories } from '../repositories/database';
import { cursorKeyOf } from '../repositories/keyset';
import { isUniqueViolation } from '../repositories/transaction-runner';
import { CustomerFilter } from '../types/customer-filter.input';
import { CreateCustomerInput, UpdateCustomerInput, UpsertCustomerInput } from '../types/customer-inputs';
import { CustomerOrder } from '../types/customer-order.input';
import { CustomerFieldChanges, checkNotBothNamesBlank, validateCustomerFields } from '../validation/customer-fields.validator';
import { applyMergePatch, caseKey, characterCount, checkMetadata, isUnstorableText } from '../validation/field-rules';
import { systemActivity, SystemActivityType } from './activity-log';
import { recordActivities, recordPurge } from '../domain/event/change-log';
import { ChannelRequest, CustomerChannelService } from './customer-channel.service';
import { CustomerFlagService } from './customer-flag.service';
import { newCustomerId } from './customer-ids';
import { DEFAULT_CUSTOMER_ORDER, customerKeyset, toCustomerQuery } from './customer-listing';

export const MAX_BULK_UPSERT = 1000;
/** Attempts of an update without `expectedVersion` that keeps losing the race for the row. */
const MAX_UPDATE_ATTEMPTS = 5;

export interface CustomerResult {
  customer: CustomerEntity | null;
  userErrors: UserError[];
}

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
    const [customer] = await this.database.read.customers.findByExternalIds(brand, [externalId.trim()]);
    return customer && customer.deletedAt === null ? customer : null;
  }

  async list(
    brand: string,
    args: PageArgs & { filter?: CustomerFilter | null; orderBy?: CustomerOrder | null },
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
   */
  async create(brand: string, input: CreateCustomerInput, idempotencyKey: string | null = null): Promise<CustomerResult> {
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
          const taken = await this.externalIdTaken(repositories, brand, changes.externalId ?? null, null, path);
          if (taken) return { customer: null, userErrors: [taken] };
          const customer = this.newCustomer(brand, changes);
          if (idempotencyKey !== null) await this.claimIdempotencyKey(repositories, brand, idempotencyKey, requestHash, customer);
          await this.insertNewCustomer(repositories, customer, channels.channels, flagNames);
          return { customer, userErrors: [] };
        }),
      );
    } catch (error) {
      if (!(error instanceof IdempotencyKeyInUse)) throw error;
      return this.replay(brand, idempotencyKey!, requestHash);
    }
  }

  /**
   * Claims an idempotency key for the customer about to be created, in its
   * transaction. An expired claim is released first; a live one (a unique
   * violation, also when a concurrent request holds it and commits first) rolls
   * the transaction back with IdempotencyKeyInUse.
   */
  private async claimIdempotencyKey(
    repositories: Repositories,
    brand: string,
    key: string,
    requestHash: string,
    customer: CustomerEntity,
  ): Promise<void> {
    const now = customer.createdAt;
    await repositories.idempotencyKeys.deleteIfExpired(brand, key, now);
    try {
      await repositories.idempotencyKeys.insert({
        brand,
        key,
        requestHash,
        customerId: customer.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new IdempotencyKeyInUse();
      throw error;
    }
  }

  /** The answer to a retry: the customer the key created, or IDEMPOTENCY_KEY_REUSED for a different input. */
  private async replay(brand: string, key: string, requestHash: string): Promise<CustomerResult> {
    const record = await this.database.read.idempotencyKeys.find(brand, key);
    const customer = record ? await this.database.read.customers.findById(brand, record.customerId, true) : null;
    if (!record || !customer) {
      // The claim expired or its customer was erased between our attempt and this read: a rare race, safe to report as reuse.
      return { customer: null, userErrors: [idempotencyKeyReused()] };
    }
    if (record.requestHash !== requestHash) return { customer: null, userErrors: [idempotencyKeyReused()] };
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

  async update(brand: string, input: UpdateCustomerInput): Promise<CustomerResult> {
    const path = ['input'];
    const { id, expectedVersion, ...fields } = input;
    const { changes, errors } = validateCustomerFields(fields, path);
    if (errors.length > 0) return { customer: null, userErrors: errors };
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.writeOrTaken(path, () =>
        this.database.transaction(async (repositories) => {
          const current = await repositories.customers.findById(brand, id, false);
          if (!current) return { customer: null, userErrors: [customerNotFound([...path, 'id'])] };
          if (expectedVersion != null && expectedVersion !== current.version) {
            return { customer: null, userErrors: [versionConflict(path, current.version)] };
          }
          return this.applyChanges(repositories, current, changes, path);
        }),
      );
      const lostRace = outcome === RACE_LOST;
      if (!lostRace) return outcome;
      if (expectedVersion != null || attempt >= MAX_UPDATE_ATTEMPTS) {
        return { customer: null, userErrors: [versionConflict(path, null)] };
      }
    }
  }

  async upsert(brand: string, input: UpsertCustomerInput): Promise<UpsertResult> {
    const [result] = await this.upsertAll(brand, [input], () => ['input']);
    return result!;
  }

  async upsertMany(
    brand: string,
    inputs: UpsertCustomerInput[],
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

  async softDelete(brand: string, id: string): Promise<{ deletedCustomerId: string | null; userErrors: UserError[] }> {
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt += 1) {
      const outcome = await this.database.transaction(async (repositories) => {
        const current = await repositories.customers.findById(brand, id, false);
        if (!current) return { deletedCustomerId: null, userErrors: [customerNotFound(['id'])] };
        const now = this.now();
        const written = await repositories.customers.updateIfVersion(brand, id, current.version, {
          deletedAt: now,
          updatedAt: now,
          version: current.version + 1,
        });
        if (!written) return RACE_LOST;
        await recordActivities(repositories, [systemActivity(current, SystemActivityType.DELETED, {}, now)]);
        return { deletedCustomerId: id, userErrors: [] };
      });
      if (outcome !== RACE_LOST) return outcome;
    }
    return { deletedCustomerId: null, userErrors: [versionConflict([], null)] };
  }

  /**
   * Upserts in one transaction: one read finds every existing customer by
   * external id, then each valid input creates or updates. An input with errors
   * is reported and skipped; the others are written.
   */
  private async upsertAll(brand: string, inputs: UpsertCustomerInput[], pathOf: (index: number) => FieldPath): Promise<UpsertResult[]> {
    const validated = inputs.map((input, index) => {
      const path = pathOf(index);
      const { changes, errors } = validateCustomerFields(input, path);
      return { path, changes, errors };
    });
    const externalIds = validated.flatMap((item) => (item.errors.length === 0 && item.changes.externalId ? [item.changes.externalId] : []));
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.database.transaction(async (repositories) => {
          const existing = await repositories.customers.findByExternalIds(brand, externalIds);
          const byExternalId = new Map(existing.map((customer) => [customer.externalId, customer]));
          const results: UpsertResult[] = [];
          // New customers and all activities are written in one statement each at the end; a later input
          // for a customer created earlier in the batch writes the pending rows first, so its update finds them.
          const pending = new Map<string, CustomerEntity>();
          const activities: CustomerActivityEntity[] = [];
          const writePending = async () => {
            await repositories.customers.insert([...pending.values()]);
            pending.clear();
          };
          for (const { path, changes, errors } of validated) {
            if (errors.length > 0) {
              results.push({ customer: null, created: false, userErrors: errors });
              continue;
            }
            const current = byExternalId.get(changes.externalId ?? null);
            if (!current) {
              const blank = checkNotBothNamesBlank(changes.givenName ?? '', changes.familyName ?? '', path);
              if (blank) {
                results.push({ customer: null, created: false, userErrors: [blank] });
                continue;
              }
              const customer = this.newCustomer(brand, changes);
              pending.set(customer.id, customer);
              activities.push(systemActivity(customer, SystemActivityType.CREATED, {}, customer.createdAt));
              byExternalId.set(customer.externalId, customer);
              results.push({ customer, created: true, userErrors: [] });
              continue;
            }
            if (pending.has(current.id)) await writePending();
            const outcome = await this.applyChanges(repositories, current, { ...changes, revive: true }, path, activities);
            if (outcome === RACE_LOST) throw new ConcurrentWriteError();
            if (outcome.customer) byExternalId.set(outcome.customer.externalId, outcome.customer);
            results.push({ ...outcome, created: false });
          }
          await writePending();
          await recordActivities(repositories, activities);
          return results;
        });
      } catch (error) {
        // Another request created or changed one of these customers meanwhile: read again and redo.
        const retryable = error instanceof ConcurrentWriteError || isUniqueViolation(error);
        if (!retryable || attempt >= MAX_UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  /** Applies validated changes to a row read in this transaction; RACE_LOST when another writer got there first. */
  private async applyChanges(
    repositories: Repositories,
    current: CustomerEntity,
    changes: CustomerFieldChanges & { revive?: boolean },
    path: FieldPath,
    /** Collects the activity for the caller to write (a batch); written here when absent. */
    activities?: CustomerActivityEntity[],
  ): Promise<CustomerResult | typeof RACE_LOST> {
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
      if (!limits.ok) return { customer: null, userErrors: [userError([...path, 'metadata'], limits.code, limits.message)] };
    }
    if (changes.revive) next.deletedAt = null;
    const blank = checkNotBothNamesBlank(next.givenName, next.familyName, path);
    if (blank) return { customer: null, userErrors: [blank] };

    const changed = changedColumns(current, next);
    if (changed.length === 0) return { customer: current, userErrors: [] };
    if (changed.includes('externalId')) {
      const taken = await this.externalIdTaken(repositories, current.brand, next.externalId, current.id, path);
      if (taken) return { customer: null, userErrors: [taken] };
    }
    const now = this.now();
    const written: CustomerEntity = { ...withDerivedKeys(next), updatedAt: now, version: current.version + 1 };
    const { id: _id, brand: _brand, createdAt: _createdAt, ...columns } = written;
    const ok = await repositories.customers.updateIfVersion(current.brand, current.id, current.version, columns satisfies CustomerColumns);
    if (!ok) return RACE_LOST;
    const activity = systemActivity(written, SystemActivityType.UPDATED, { changedFields: changed }, now);
    if (activities) activities.push(activity);
    else await recordActivities(repositories, [activity]);
    return { customer: written, userErrors: [] };
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
  private async writeOrTaken<T extends CustomerResult | typeof RACE_LOST>(
    path: FieldPath,
    write: () => Promise<T>,
  ): Promise<T | CustomerResult> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) return { customer: null, userErrors: [taken(path)] };
      throw error;
    }
  }
}

const RACE_LOST = Symbol('race lost');

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** Thrown inside a create's transaction to roll it back when its idempotency key is already claimed. */
class IdempotencyKeyInUse extends Error {}

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

class ConcurrentWriteError extends Error {}

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
    nameKey: caseKey(`${customer.givenName} ${customer.familyName}`.trim()),
    familyNameKey: caseKey(customer.familyName),
    emailKey: caseKey(customer.emailAddress ?? ''),
  };
}

function taken(path: FieldPath): UserError {
  return userError([...path, 'externalId'], CustomerErrorCode.TAKEN, 'Another customer of this brand already has this external id.');
}

function versionConflict(path: FieldPath, currentVersion: number | null): UserError {
  const detail = currentVersion === null ? 'the customer changed while this update ran' : `the current version is ${currentVersion}`;
  return userError([...path, 'expectedVersion'], CustomerErrorCode.VERSION_CONFLICT, `Version conflict: ${detail}; nothing was changed.`);
}
