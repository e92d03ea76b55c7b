import { EntityManager } from 'typeorm';
import { SearchWord } from '../../core/search/search-text';
import { SqlDialect } from '../keyset';
import { mysqlFlavourOf } from '../mysql-session';
import { prefixRange } from '../prefix-range';

/**
 * Below this many matching terms the rarest word of a search drives the page:
 * its customers are read through the `(brand, term, created_at, customer_id, …)` index and
 * sorted. From this many on, the page walks the order's index and checks the
 * words on each row, which finds a page after reading about
 * `page size / share of matches` rows (in windows: see SEARCH_WALK_WINDOWS).
 */
export const WORD_DRIVES_BELOW = 5000;
/**
 * The same threshold for a search of several words. Words that are each
 * common can still have few customers in common ("moraes ger"), and walking
 * the order's index for those reads until the statement times out; driving by
 * the rarest word costs one check of the other words per term of it, which up
 * to this many terms stays far below that.
 */
export const WORDS_DRIVE_BELOW = 50_000;

/**
 * The windows of the order a search page of only common words walks, in
 * customers, one after the other until the page is full (see
 * `CustomerRepository.pageInWindows`): the first is enough for words that
 * many customers share, the last bounds what one page may read.
 */
export const SEARCH_WALK_WINDOWS: readonly number[] = [500, 5_000, 50_000];
export const SEARCH_WALK_BUDGET = SEARCH_WALK_WINDOWS.reduce((sum, size) => sum + size, 0);

/**
 * A word other than the driving one is read whole into a list of its
 * customers (`wordCustomers`) when it has fewer than this many terms per term
 * of the driving word (and fewer than `drivesBelow`); otherwise it is checked
 * on the primary key per term of the driving word (`wordCheck`). Reading an
 * index entry into the list costs about a thirtieth of such a check (about
 * 0.7 µs against 20 µs on MariaDB at a million customers).
 */
export const LIST_BELOW_TERMS_PER_CHECK = 30;

/** Below how many terms the rarest of `wordCount` words drives the page. */
export function drivesBelow(wordCount: number): number {
  return wordCount > 1 ? WORDS_DRIVE_BELOW : WORD_DRIVES_BELOW;
}

/** The SQL condition that a term lies in `[from, below)`, with its parameters. */
function termRange(column: string, prefix: string, name: string): [string, Record<string, string>] {
  const { from, below } = prefixRange(prefix);
  if (below === null) return [`${column} >= :${name}From`, { [`${name}From`]: from }];
  return [`(${column} >= :${name}From AND ${column} < :${name}Below)`, { [`${name}From`]: from, [`${name}Below`]: below }];
}

/**
 * The condition that a term (`column`) matches a search word: it starts with
 * the word's folded text, or with its phone digits. A range, not LIKE: no
 * character of the word is a wildcard, and the range is an index range on both
 * dialects (see `prefixRange`).
 */
export function wordCondition(column: string, word: SearchWord, name: string): [string, Record<string, string>] {
  const [text, textParameters] = termRange(column, word.text, `${name}Text`);
  if (word.phone === null) return [text, textParameters];
  const [phone, phoneParameters] = termRange(column, word.phone, `${name}Phone`);
  return [`(${text} OR ${phone})`, { ...textParameters, ...phoneParameters }];
}

/**
 * `customerColumn` is a customer with a term matching the word (brand bound as
 * `:brand`), checked row by row through the primary key `(brand, customer_id,
 * …)`. A scalar subquery, not EXISTS: MariaDB turns EXISTS into a semi-join
 * that first materialises every customer the word matches (tens of thousands
 * for a common word) before the page reads its twenty rows. On SQLite the term
 * is written `+term`: its planner, without statistics, takes the word's range
 * of the `(brand, term, …)` index for the narrower access and reads the whole
 * range for every row checked (a check of `a` on 25,000 rows took 274 s at
 * 300,000 customers, 0.4 s through the primary key).
 */
export function wordCheck(customerColumn: string, word: SearchWord, name: string, dialect: SqlDialect): [string, Record<string, string>] {
  const alias = `st_${name}`;
  const [condition, parameters] = wordCondition(dialect === 'sqlite' ? `+${alias}.term` : `${alias}.term`, word, name);
  return [
    `(SELECT 1 FROM customer_search_terms ${alias} WHERE ${alias}.brand = :brand AND ${alias}.customer_id = ${customerColumn} AND ${condition} LIMIT 1) IS NOT NULL`,
    parameters,
  ];
}

/**
 * `customerColumn` is one of the customers with a term matching the word: an
 * uncorrelated `IN (…)` that the database reads once, as a range of the
 * `(brand, term, …)` index, into a temporary table it then looks each row up
 * in. On SQLite the column is written `+column`, so that the planner does not
 * drive the statement from the list through the primary key instead; MariaDB
 * is told to materialise the list by `materialisingPrefix`.
 */
export function wordCustomers(
  customerColumn: string,
  word: SearchWord,
  name: string,
  dialect: SqlDialect,
): [string, Record<string, string>] {
  const alias = `sc_${name}`;
  const [condition, parameters] = wordCondition(`${alias}.term`, word, name);
  const column = dialect === 'sqlite' ? `+${customerColumn}` : customerColumn;
  return [`${column} IN (SELECT ${alias}.customer_id FROM customer_search_terms ${alias} WHERE ${alias}.brand = :brand AND ${condition})`, parameters];
}

/**
 * What a statement with `wordCustomers` lists is prefixed with. MariaDB's
 * planner prefers to check such a list per row (FirstMatch: a primary-key
 * lookup of the other word per term of the driving one, about 20 µs each)
 * over reading it once into a temporary table (about 1 µs per customer of
 * it); `SET STATEMENT` turns the per-row strategies off for this statement
 * only. MySQL is left to its own planner, and SQLite materialises such lists itself.
 */
export function materialisingPrefix(manager: EntityManager): string {
  return mysqlFlavourOf(manager.connection) === 'mariadb' ? "SET STATEMENT optimizer_switch='firstmatch=off,loosescan=off' FOR " : '';
}

/**
 * `customerColumn` is among the customers with a term matching `word` and
 * every one of `others`: the form a planner starts from. The other words are
 * checked on the term table's primary key inside the subquery, so only the
 * customers matching all words are looked up in `customers` (and sorted).
 */
export function wordIn(
  customerColumn: string,
  word: SearchWord,
  name: string,
  others: ReadonlyArray<[SearchWord, string]>,
  dialect: SqlDialect,
): [string, Record<string, string>] {
  const alias = `st_${name}`;
  const [condition, parameters] = wordCondition(`${alias}.term`, word, name);
  const checks = others.map(([other, otherName]) => wordCheck(`${alias}.customer_id`, other, otherName, dialect));
  const all = [condition, ...checks.map(([check]) => check)].join(' AND ');
  return [
    `${customerColumn} IN (SELECT ${alias}.customer_id FROM customer_search_terms ${alias} WHERE ${alias}.brand = :brand AND ${all})`,
    Object.assign({}, parameters, ...checks.map(([, checkParameters]) => checkParameters)),
  ];
}

/**
 * How many terms match each word, counted up to `drivesBelow` (a bounded
 * read of the term index per word), in one statement: the rarest word and
 * whether it is rare enough to drive the page.
 */
export async function rarestWord(
  manager: EntityManager,
  brand: string,
  words: readonly SearchWord[],
): Promise<{ index: number; count: number; counts: number[] }> {
  const selects: string[] = [];
  const parameters: Record<string, string | number> = { brand, probeLimit: drivesBelow(words.length) };
  words.forEach((word, index) => {
    const [condition, wordParameters] = wordCondition('t.term', word, `probe${index}`);
    Object.assign(parameters, wordParameters);
    selects.push(
      `(SELECT COUNT(*) FROM (SELECT 1 AS hit FROM customer_search_terms t WHERE t.brand = :brand AND ${condition} LIMIT :probeLimit) p${index}) AS w${index}`,
    );
  });
  const [sql, values] = manager.connection.driver.escapeQueryWithParameters(`SELECT ${selects.join(", ")}`, parameters);
  const [row] = (await manager.query(sql, values)) as Array<Record<string, number | string>>;
  const counts = words.map((_, index) => Number(row?.[`w${index}`] ?? 0));
  let best = { index: 0, count: Number.POSITIVE_INFINITY };
  counts.forEach((count, index) => {
    if (count < best.count) best = { index, count };
  });
  return { ...best, counts };
}
