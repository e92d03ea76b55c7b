import { EntityManager } from 'typeorm';
import { SearchWord } from '../../core/search/search-text';
import { SqlDialect } from '../keyset';
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
 * 300,000 customers, 0.4 s through the primary key). MySQL/MariaDB picks the
 * primary key itself, and is told so, so as not to estimate the word's range
 * of the term index for every check it plans.
 */
export function wordCheck(customerColumn: string, word: SearchWord, name: string, dialect: SqlDialect): [string, Record<string, string>] {
  const alias = `st_${name}`;
  const [condition, parameters] = wordCondition(dialect === 'sqlite' ? `+${alias}.term` : `${alias}.term`, word, name);
  const primaryKey = dialect === 'mysql' ? ' FORCE INDEX (PRIMARY)' : '';
  return [
    `(SELECT 1 FROM customer_search_terms ${alias}${primaryKey} WHERE ${alias}.brand = :brand AND ${alias}.customer_id = ${customerColumn} AND ${condition} LIMIT 1) IS NOT NULL`,
    parameters,
  ];
}

/**
 * On SQLite: `customerColumn` is one of the customers with a term matching
 * the word, an uncorrelated `IN (…)` that SQLite reads once, as a range of the
 * `(brand, term, …)` index, into a temporary index it then looks each row up
 * in. The column is written `+column`, so that the planner does not drive the
 * statement from the list through the primary key instead.
 */
export function wordCustomers(customerColumn: string, word: SearchWord, name: string): [string, Record<string, string>] {
  const alias = `sc_${name}`;
  const [condition, parameters] = wordCondition(`${alias}.term`, word, name);
  return [`+${customerColumn} IN (SELECT ${alias}.customer_id FROM customer_search_terms ${alias} WHERE ${alias}.brand = :brand AND ${condition})`, parameters];
}

/** The term index, `(brand, term, created_at, customer_id, deleted_at)`. */
export const SEARCH_TERM_INDEX = 'ix_customer_search_terms_brand_term_created_at';

/**
 * The number that stands for "all rows" in a LIMIT (2^64 - 1, the idiom of
 * MySQL's manual): a derived table with a LIMIT is never merged into the query
 * around it, so it is materialised.
 */
const ALL_ROWS = '18446744073709551615';

/**
 * On MySQL/MariaDB: the customers with a term matching the word (once per such
 * term), as a derived table to join `customerColumn` to. The LIMIT of all rows
 * makes the server materialise it, reading the word's range of the `(brand,
 * term, …)` index once, and look each row of the driving word up in it by a key
 * of its own; the page's GROUP BY customer folds a customer listed twice. Written
 * as `IN (…)`, the list is a semi-join, for which MariaDB often picks a strategy
 * that checks the word on the primary key per row (FirstMatch, or
 * DuplicateWeedout, which no optimizer switch turns off): at a million
 * customers that took 1.3-2.9 times as long as this list. The ids are listed
 * and looked up as their bytes (`CAST(… AS BINARY)`, the same equality as the
 * column's binary collation), which made the page about 8 % faster. The
 * index is named, so that the planner does not estimate the primary key's
 * range of the brand too.
 */
export function wordCustomersTable(
  customerColumn: string,
  word: SearchWord,
  name: string,
): { table: string; alias: string; on: string; parameters: Record<string, string> } {
  const source = `sc_${name}`;
  const alias = `l_${name}`;
  const [condition, parameters] = wordCondition(`${source}.term`, word, name);
  return {
    table: `(SELECT CAST(${source}.customer_id AS BINARY) AS customer_id FROM customer_search_terms ${source} FORCE INDEX (${SEARCH_TERM_INDEX}) WHERE ${source}.brand = :brand AND ${condition} LIMIT ${ALL_ROWS})`,
    alias,
    on: `${alias}.customer_id = CAST(${customerColumn} AS BINARY)`,
    parameters,
  };
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

/** What choosing a search page's plan needs of the words' terms (see `rarestWord`). */
export interface WordCounts {
  /** The rarest word. */
  index: number;
  /** Its terms, counted exactly up to the limit asked. */
  count: number;
  /** Every word's terms: counted like the rarest's, or estimated (MySQL/MariaDB, several words). */
  counts: number[];
}

/**
 * How many terms the words match, as far as choosing a page's plan needs:
 * which word is the rarest, and its terms counted exactly up to `limit`, so
 * that whether it is rare enough to drive the page is decided on the same
 * counts on both databases, and with it the answer. The other words' counts
 * only choose how they are checked (see LIST_BELOW_TERMS_PER_CHECK): counted
 * up to `limit` too on SQLite (one statement), and on MySQL/MariaDB the
 * index's own estimates of their ranges, from one `EXPLAIN`, instead of a read
 * of every term of a common word (a given name's first letters match tens of
 * thousands) that the page then reads again. There the rarest by estimate is
 * counted; only when it is not under `limit` are the others counted too.
 */
export async function rarestWord(manager: EntityManager, brand: string, words: readonly SearchWord[], limit: number): Promise<WordCounts> {
  if (words.length === 1 || manager.connection.options.type !== 'mysql') return rarestOf(await countedTerms(manager, brand, words, limit));
  const estimates = await estimatedTerms(manager, brand, words);
  const likeliest = rarestOf(estimates).index;
  const [exact = 0] = await countedTerms(manager, brand, [words[likeliest]!], limit);
  if (exact < limit) return { index: likeliest, count: exact, counts: estimates.map((estimate, index) => (index === likeliest ? exact : estimate)) };
  // The estimates misled, or every word is common: the others counted as well, so the decision rests on counts only.
  const counted = await countedTerms(
    manager,
    brand,
    words.filter((_, index) => index !== likeliest),
    limit,
  );
  counted.splice(likeliest, 0, exact);
  return rarestOf(counted);
}

function rarestOf(counts: number[]): WordCounts {
  let best = { index: 0, count: Number.POSITIVE_INFINITY };
  counts.forEach((count, index) => {
    if (count < best.count) best = { index, count };
  });
  return { ...best, counts };
}

/** How many terms match each word, counted up to `limit` (a bounded read of the term index per word), in one statement. */
async function countedTerms(manager: EntityManager, brand: string, words: readonly SearchWord[], limit: number): Promise<number[]> {
  const selects: string[] = [];
  const parameters: Record<string, string | number> = { brand, probeLimit: limit };
  words.forEach((word, index) => {
    const [condition, wordParameters] = wordCondition('t.term', word, `probe${index}`);
    Object.assign(parameters, wordParameters);
    selects.push(
      `(SELECT COUNT(*) FROM (SELECT 1 AS hit FROM customer_search_terms t WHERE t.brand = :brand AND ${condition} LIMIT :probeLimit) p${index}) AS w${index}`,
    );
  });
  const [sql, values] = manager.connection.driver.escapeQueryWithParameters(`SELECT ${selects.join(', ')}`, parameters);
  const [row] = (await manager.query(sql, values)) as Array<Record<string, number | string>>;
  return words.map((_, index) => Number(row?.[`w${index}`] ?? 0));
}

/**
 * MySQL/MariaDB's estimate of how many terms match each word, from one
 * `EXPLAIN` of the words' ranges of the `(brand, term, …)` index: the planner
 * reads the ends of each range, not the range (exact for a few pages of
 * terms, about twice the count for longer ranges at a million customers).
 */
async function estimatedTerms(manager: EntityManager, brand: string, words: readonly SearchWord[]): Promise<number[]> {
  const selects: string[] = [];
  const parameters: Record<string, string> = { brand };
  words.forEach((word, index) => {
    const [condition, wordParameters] = wordCondition(`e${index}.term`, word, `estimate${index}`);
    Object.assign(parameters, wordParameters);
    selects.push(`SELECT 1 FROM customer_search_terms e${index} WHERE e${index}.brand = :brand AND ${condition}`);
  });
  const [sql, values] = manager.connection.driver.escapeQueryWithParameters(`EXPLAIN ${selects.join(' UNION ALL ')}`, parameters);
  const rows = (await manager.query(sql, values)) as Array<{ table?: string | null; rows?: number | string | null }>;
  const estimates = new Map(rows.map((row) => [row.table, Number(row.rows ?? 0)]));
  return words.map((_, index) => estimates.get(`e${index}`) ?? 0);
}
