import { CustomerActivityEntity } from '../../data/entities/customer-activity.entity';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { Database, Repositories } from '../../data/database';
import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { FieldPath, userError } from '../../core/errors/user-error';
import { systemActivity, SystemActivityType } from '../activity/activity-log';
import { recordActivities } from '../event/change-log';
import { CustomerFieldChanges, checkNotBothNamesBlank, validateCustomerFields } from './customer-fields.rules';
import { UpsertCustomerFields } from './customer-inputs';
import { CustomerResult } from './customer-result';
import { changedRow, newCustomerRow } from './customer-row';

export const MAX_BULK_UPSERT = 1000;

export interface UpsertResult extends CustomerResult {
  created: boolean;
}

/**
 * Work done in an upsert's transaction after its writes, with every input's
 * result (an import chunk's progress); an error it throws rolls the upsert back.
 */
export type UpsertAlongside = (repositories: Repositories, results: readonly UpsertResult[]) => Promise<void>;

/**
 * Upsert by external id, for one input or a batch: validation, planning and
 * the writes. Every batch costs the same statements however many inputs it
 * has (see `upsert`).
 */
export class CustomerUpsert {
  constructor(
    private readonly database: Database,
    private readonly now: () => Date,
  ) {}

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
   *
   * With `alongside`, the transaction is opened also when no input is valid,
   * and `alongside` runs in it after the writes.
   */
  async upsert(
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
      const plan = (externalId: string, current: CustomerEntity | null) => planUpsert(brand, groups.get(externalId)!, current, now);
      const locked = new Map(
        (await repositories.customers.findByExternalIdsForUpdate(brand, externalIds)).map((row) => [row.externalId!, row]),
      );
      const byExternalId = new Map(externalIds.map((externalId) => [externalId, plan(externalId, locked.get(externalId) ?? null)]));
      const creations = [...byExternalId.values()].filter((item) => item.created);
      const { allInserted } =
        creations.length > 0 ? await repositories.customers.insertOrLock(creations.map((item) => item.row!)) : { allInserted: true };
      // When the database says that every new row went in, no other request got there first: nothing to plan again.
      if (!allInserted) {
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
      const rewritten = all.filter((item) => !item.created && item.row !== item.current);
      await repositories.customers.writeLocked(
        rewritten.map((item) => item.row!),
        new Map(rewritten.map((item) => [item.current!.id, item.current!])),
      );
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
}

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
 * What the inputs for one external id do to the customer holding it
 * (`current`, locked; null when there is none): the first input that can
 * create does so, every later one applies to the result of the one before.
 * Pure: nothing is written.
 */
function planUpsert(brand: string, items: UpsertItem[], current: CustomerEntity | null, now: Date): UpsertPlan {
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
    const change = changedRow(row, { ...changes, revive: true }, path, now);
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
