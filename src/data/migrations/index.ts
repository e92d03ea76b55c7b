import { CreateCustomers1764000000000 } from './1764000000000-create-customers';
import { CreateChannelsFlagsActivities1764100000000 } from './1764100000000-create-channels-flags-activities';
import { CreateIdempotencyKeys1764200000000 } from './1764200000000-create-idempotency-keys';
import { ExactTextAndDates1765000000000 } from './1765000000000-exact-text-and-dates';
import { CreateCustomerEvents1765200000000 } from './1765200000000-create-customer-events';
import { KeysetIndexes1765500000000 } from './1765500000000-keyset-indexes';
import { SearchAndMerge1765600000000 } from './1765600000000-search-and-merge';
import { CreateImports1765700000000 } from './1765700000000-create-imports';
import { SearchTermOrderKeys1765800000000 } from './1765800000000-search-term-order-keys';
import { SearchTermsWithoutPrefixes1765900000000 } from './1765900000000-search-terms-without-prefixes';

/** Every migration, oldest first. Listed by hand so the same list serves ts and compiled js. */
export const migrations = [
  CreateCustomers1764000000000,
  CreateChannelsFlagsActivities1764100000000,
  CreateIdempotencyKeys1764200000000,
  ExactTextAndDates1765000000000,
  CreateCustomerEvents1765200000000,
  KeysetIndexes1765500000000,
  SearchAndMerge1765600000000,
  CreateImports1765700000000,
  SearchTermOrderKeys1765800000000,
  SearchTermsWithoutPrefixes1765900000000,
];
