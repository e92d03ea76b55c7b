import { badUserInput } from '../../core/errors/graphql-errors';
import { CustomerQuery } from '../../data/repositories/customer.repository';
import { filterInstant } from '../date-range.rules';
import { canonicalLanguageTag, caseKey, characterCount, NAME_MAX_LENGTH, normalizePhoneNumber } from '../field.rules';
import { CustomerOrderBy, CustomerSortField, SortDirection } from '../../core/customer-order';
import { CustomerListFilter } from './customer-inputs';
import { searchWords } from '../../core/search/search-text';

export const MAX_FILTER_IDS = 1000;
/** A name prefix can match at most a given name, a space and a family name. */
export const MAX_NAME_FILTER_LENGTH = 2 * NAME_MAX_LENGTH + 1;

/** A search is what a person types: longer ones are refused rather than read. */
export const MAX_SEARCH_LENGTH = 1000;
/** Each word is one more condition on every row a page reads. */
export const MAX_SEARCH_WORDS = 10;

export const DEFAULT_CUSTOMER_ORDER: CustomerOrderBy = { field: CustomerSortField.CREATED_AT, direction: SortDirection.ASC };

/**
 * Turns the public filter into the repository's query, normalising as the
 * contract says (e-mail case-insensitive, phone to E.164, tags canonical), and
 * refusing what cannot match anything meaningful with BAD_USER_INPUT.
 */
export function toCustomerQuery(filter: CustomerListFilter | null | undefined): CustomerQuery {
  const query: CustomerQuery = { includeDeleted: filter?.includeDeleted ?? false };
  if (!filter) return query;
  if (filter.ids != null) {
    if (filter.ids.length > MAX_FILTER_IDS) {
      throw badUserInput(`\`filter.ids\` may hold at most ${MAX_FILTER_IDS} ids.`, 'filter');
    }
    // Sorted: the same set of ids is the same filter, so a cursor fits it in any order.
    query.ids = [...new Set(filter.ids)].sort();
  }
  if (filter.externalId != null) query.externalId = filter.externalId;
  if (filter.emailAddress != null) {
    // '' is the stored key of "no e-mail address"; a blank filter must not select those customers.
    if (filter.emailAddress.trim() === '') throw badUserInput('`filter.emailAddress` must not be blank.', 'filter');
    query.emailKey = caseKey(filter.emailAddress.trim());
  }
  if (filter.phoneNumber != null) {
    const phoneNumber = normalizePhoneNumber(filter.phoneNumber);
    if (phoneNumber === null) throw badUserInput('`filter.phoneNumber` is not a valid international phone number.', 'filter');
    query.phoneNumber = phoneNumber;
  }
  if (filter.languageCode != null) {
    const languageCode = canonicalLanguageTag(filter.languageCode);
    if (languageCode === null) throw badUserInput('`filter.languageCode` is not a valid BCP-47 language tag.', 'filter');
    query.languageCode = languageCode;
  }
  if (filter.name != null && filter.name.trim() !== '') {
    // Longer than any stored name can be, so it could never match.
    if (characterCount(filter.name.trim()) > MAX_NAME_FILTER_LENGTH) {
      throw badUserInput(`\`filter.name\` may be at most ${MAX_NAME_FILTER_LENGTH} characters long.`, 'filter');
    }
    query.namePrefix = caseKey(filter.name.trim());
  }
  if (filter.channelValue != null) {
    const phoneNumber = normalizePhoneNumber(filter.channelValue);
    query.channelValues = phoneNumber && phoneNumber !== filter.channelValue ? [filter.channelValue, phoneNumber] : [filter.channelValue];
  }
  if (filter.hasFlag != null) query.hasFlag = filter.hasFlag;
  if (filter.search != null) {
    if (characterCount(filter.search) > MAX_SEARCH_LENGTH) {
      throw badUserInput(`\`filter.search\` may be at most ${MAX_SEARCH_LENGTH} characters long.`, 'filter');
    }
    const words = searchWords(filter.search);
    if (words.length > MAX_SEARCH_WORDS) throw badUserInput(`\`filter.search\` may hold at most ${MAX_SEARCH_WORDS} words.`, 'filter');
    // A blank search is no condition, like a blank name.
    if (words.length > 0) query.searchWords = words;
  }
  if (filter.createdAfter != null) query.createdAfter = filterInstant(filter.createdAfter, 'filter.createdAfter');
  if (filter.createdBefore != null) query.createdBefore = filterInstant(filter.createdBefore, 'filter.createdBefore');
  if (filter.updatedAfter != null) query.updatedAfter = filterInstant(filter.updatedAfter, 'filter.updatedAfter');
  if (filter.updatedBefore != null) query.updatedBefore = filterInstant(filter.updatedBefore, 'filter.updatedBefore');
  return query;
}
