import { CustomerEntity } from '../../data/entities/customer.entity';
import { Database, Repositories } from '../../data/database';
import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { customerNotFound, UserError, userError } from '../../core/errors/user-error';
import { systemActivity, SystemActivityType } from '../activity/activity-log';
import { recordMerge } from '../event/change-log';
import { changedRow } from '../customer/customer-row';
import { CustomerFieldChanges } from '../customer/customer-fields.rules';
import { checkMetadata } from '../field.rules';
import { badUserInput } from '../../core/errors/graphql-errors';
import { DUPLICATE_LIST_LIMITS, pageSizeOf } from '../../core/paging/page-request';

/** What `mergeCustomers` receives (the GraphQL input implements it). */
export interface MergeCustomersFields {
  survivorId: string;
  mergedId: string;
  expectedSurvivorVersion?: number | null;
  expectedMergedVersion?: number | null;
}

export interface MergeResult {
  customer: CustomerEntity | null;
  mergedCustomerId: string | null;
  userErrors: UserError[];
}

export interface CustomerMergeServiceDeps {
  database: Database;
  now?: () => Date;
}

/** The fields a survivor takes from the merged customer when its own is empty. */
const FILLED_FIELDS = ['externalId', 'givenName', 'familyName', 'emailAddress', 'phoneNumber', 'languageCode'] as const;

/**
 * Merges customers, and reads customers by id the way merges require: an id
 * that was merged answers with its survivor.
 */
export class CustomerMergeService {
  private readonly database: Database;
  private readonly now: () => Date;

  constructor(deps: CustomerMergeServiceDeps) {
    this.database = deps.database;
    this.now = deps.now ?? (() => new Date());
  }

  /** The customer each id names, following aliases (merged ids answer with their survivor); absent ids are missing from the map. */
  findByIds(brand: string, ids: readonly string[], includeDeleted: boolean): Promise<Map<string, CustomerEntity>> {
    return this.database.read.aliases.findByIdsFollowingAliases(brand, ids, includeDeleted);
  }

  /**
   * The possible duplicates of each customer (see DuplicateRepository): ids in
   * id order, `first` of them (default 10, at most 50; below 1 is refused).
   */
  possibleDuplicateIds(brand: string, customerIds: readonly string[], first: number | null | undefined): Promise<Map<string, string[]>> {
    if (first != null && first < 1) throw badUserInput(`\`first\` must be at least 1, got ${first}.`, 'first');
    return this.database.read.duplicates.duplicateIds(brand, customerIds, pageSizeOf({ first }, DUPLICATE_LIST_LIMITS));
  }

  /**
   * Merges `mergedId` into `survivorId` in one transaction, under both rows'
   * locks, taken in id order: two merges of one pair (either way round) queue
   * on the first lock instead of deadlocking, and the second finds the merged
   * customer gone (NOT_FOUND). The survivor keeps its values and fills its empty
   * ones from the merged customer, adds the metadata keys it lacks, unites
   * channels and flags, takes the activities, records `customer.merged`, and
   * grows one version. The merged id becomes an alias of the survivor.
   */
  async merge(brand: string, input: MergeCustomersFields): Promise<MergeResult> {
    const refused = (userErrors: UserError[]): MergeResult => ({ customer: null, mergedCustomerId: null, userErrors });
    if (input.survivorId === input.mergedId) {
      return refused([userError(['input', 'mergedId'], CustomerErrorCode.INVALID, 'A customer cannot be merged into itself.')]);
    }
    return this.database.transaction(async (repositories) => {
      const locked = await lockInIdOrder(repositories, brand, [input.survivorId, input.mergedId]);
      const survivor = locked.get(input.survivorId);
      const merged = locked.get(input.mergedId);
      const errors: UserError[] = [];
      if (!survivor) errors.push(customerNotFound(['input', 'survivorId']));
      if (!merged) errors.push(customerNotFound(['input', 'mergedId']));
      if (survivor && input.expectedSurvivorVersion != null && input.expectedSurvivorVersion !== survivor.version) {
        errors.push(versionConflict('expectedSurvivorVersion', survivor.version));
      }
      if (merged && input.expectedMergedVersion != null && input.expectedMergedVersion !== merged.version) {
        errors.push(versionConflict('expectedMergedVersion', merged.version));
      }
      if (errors.length > 0 || !survivor || !merged) return refused(errors);

      const now = this.now();
      const change = changedRow(survivor, fillFrom(survivor, merged), ['input'], now);
      // Filling empty fields cannot make both names blank: the survivor's are not both blank already.
      if (!change.ok) throw new Error(`Filling customer ${survivor.id} from ${merged.id} was refused`);
      const metadata = unitedMetadata(survivor.metadata, merged.metadata);
      const limits = checkMetadata(metadata);
      if (!limits.ok)
        return refused([userError(['input', 'mergedId'], limits.code, `The merged metadata would be too large: ${limits.message}`)]);
      const filled = change.activity ? (change.activity.data.changedFields as string[]) : [];
      if (Object.keys(metadata).length > Object.keys(survivor.metadata).length) filled.push('metadata');
      const row: CustomerEntity = { ...change.row, metadata, updatedAt: now, version: survivor.version + 1 };
      // The merged row goes first: its external id must be free before the survivor takes it.
      const moved = await repositories.merges.absorb(brand, merged.id, survivor, now);
      const { id: _id, brand: _brand, createdAt: _createdAt, ...columns } = row;
      const written = await repositories.customers.updateIfVersion(brand, survivor.id, survivor.version, columns, survivor);
      if (!written) throw new Error(`Customer ${survivor.id} changed although its row was locked`);
      const activity = systemActivity(
        survivor,
        SystemActivityType.MERGED,
        { mergedCustomerId: merged.id, changedFields: filled, ...moved },
        now,
      );
      await recordMerge(repositories, activity, merged.id);
      return { customer: row, mergedCustomerId: merged.id, userErrors: [] };
    });
  }
}

/** Reads and locks live customers one by one in id order (the order every merge locks in); absent ones are missing. */
async function lockInIdOrder(repositories: Repositories, brand: string, ids: string[]): Promise<Map<string, CustomerEntity>> {
  const locked = new Map<string, CustomerEntity>();
  for (const id of [...ids].sort()) {
    const row = await repositories.customers.findByIdForUpdate(brand, id);
    if (row) locked.set(id, row);
  }
  return locked;
}

/**
 * The changes that fill the survivor's empty fields from the merged customer.
 * A value the survivor has is never overwritten; an empty name ('') counts as
 * empty.
 */
function fillFrom(survivor: CustomerEntity, merged: CustomerEntity): CustomerFieldChanges {
  const changes: CustomerFieldChanges = {};
  for (const field of FILLED_FIELDS) {
    const own = survivor[field];
    const theirs = merged[field];
    if ((own === null || own === '') && theirs !== null && theirs !== '') changes[field] = theirs;
  }
  return changes;
}

/**
 * The survivor's metadata with the merged customer's keys it lacks, values as
 * stored (not a merge patch, which would drop nested nulls). Built from
 * entries, so a `__proto__` key stays a key like any other.
 */
function unitedMetadata(own: Record<string, unknown>, theirs: Record<string, unknown>): Record<string, unknown> {
  const missing = Object.entries(theirs).filter(([key]) => !Object.prototype.hasOwnProperty.call(own, key));
  return Object.fromEntries([...Object.entries(own), ...missing]);
}

function versionConflict(field: string, currentVersion: number): UserError {
  return userError(
    ['input', field],
    CustomerErrorCode.VERSION_CONFLICT,
    `Version conflict: the current version is ${currentVersion}; nothing was changed.`,
  );
}
