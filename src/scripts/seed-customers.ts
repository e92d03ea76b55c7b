import {
  Faker,
  fakerAR,
  fakerDE,
  fakerDE_CH,
  fakerEN_GB,
  fakerEN_US,
  fakerES,
  fakerFR,
  fakerIT,
  fakerJA,
  fakerNL,
  fakerPL,
  fakerPT_BR,
  fakerSV,
  fakerTR,
  fakerUK,
  fakerZH_CN,
} from '@faker-js/faker';
import { CustomerEntity } from '../data/entities/customer.entity';
import { bulkLoadCustomers } from '../data/repositories/customer-bulk-load';
import { Database } from '../data/database';
import { newCustomerRow } from '../domain/customer/customer-row';
import {
  CustomerFieldChanges,
  CustomerFieldsInput,
  checkNotBothNamesBlank,
  validateCustomerFields,
} from '../domain/customer/customer-fields.rules';

/** A locale's faker, the language tags its customers prefer, and how common it is among them. */
interface SeedLocale {
  faker: Faker;
  languageTags: readonly string[];
  weight: number;
}

const LOCALES: readonly SeedLocale[] = [
  { faker: fakerEN_US, languageTags: ['en', 'en-US'], weight: 20 },
  { faker: fakerEN_GB, languageTags: ['en-GB'], weight: 8 },
  { faker: fakerDE, languageTags: ['de', 'de-DE'], weight: 14 },
  { faker: fakerDE_CH, languageTags: ['de-CH', 'fr-CH'], weight: 4 },
  { faker: fakerFR, languageTags: ['fr', 'fr-FR'], weight: 10 },
  { faker: fakerES, languageTags: ['es', 'es-ES'], weight: 8 },
  { faker: fakerIT, languageTags: ['it'], weight: 6 },
  { faker: fakerNL, languageTags: ['nl', 'nl-NL'], weight: 4 },
  { faker: fakerPL, languageTags: ['pl'], weight: 4 },
  { faker: fakerPT_BR, languageTags: ['pt-BR'], weight: 5 },
  { faker: fakerSV, languageTags: ['sv-SE'], weight: 3 },
  { faker: fakerTR, languageTags: ['tr'], weight: 3 },
  { faker: fakerUK, languageTags: ['uk', 'uk-UA'], weight: 3 },
  { faker: fakerJA, languageTags: ['ja', 'ja-JP'], weight: 3 },
  { faker: fakerZH_CN, languageTags: ['zh-Hans-CN', 'zh-CN'], weight: 3 },
  { faker: fakerAR, languageTags: ['ar', 'ar-EG'], weight: 2 },
];

const LOYALTY_TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
const SIGN_UP_CHANNELS = ['web', 'app', 'store', 'call-centre', 'partner'] as const;

/** Faker's phone numbers are shaped like the locale's but not always valid ones: draw until one is. */
const PHONE_ATTEMPTS = 20;
/** Attempts to draw an input that passes every rule before giving up (a bug, not bad luck). */
const INPUT_ATTEMPTS = 50;
/** Seeded customers are spread over this period before the start of the run, oldest first. */
const CREATED_SPAN_MS = 2 * 365 * 24 * 60 * 60 * 1000;

/** Rows per transaction. */
export const DEFAULT_BATCH_SIZE = 20_000;

function pickLocale(faker: Faker): SeedLocale {
  return faker.helpers.weightedArrayElement(LOCALES.map((locale) => ({ weight: locale.weight, value: locale })));
}

function phoneNumberFor(locale: SeedLocale, isValid: (raw: string) => boolean): string | null {
  for (let attempt = 0; attempt < PHONE_ATTEMPTS; attempt += 1) {
    const candidate = locale.faker.phone.number({ style: 'international' });
    if (isValid(candidate)) return candidate;
  }
  return null;
}

/**
 * One plausible customer as a client would send it: a name from one of several
 * locales, usually an e-mail and a phone number, often a language and an
 * external id, and a little metadata.
 */
export function randomCustomerInput(faker: Faker, isValidPhone: (raw: string) => boolean): CustomerFieldsInput {
  const locale = pickLocale(faker);
  const local = locale.faker;
  const sex = local.helpers.arrayElement(['female', 'male'] as const);
  const givenName = local.person.firstName(sex);
  const familyName = local.person.lastName(sex);
  const input: CustomerFieldsInput = { givenName, familyName };
  if (faker.datatype.boolean(0.92)) {
    // Transliterated to ASCII local parts by faker, also for non-Latin names.
    input.emailAddress = local.internet.email({ firstName: givenName, lastName: familyName });
  }
  if (faker.datatype.boolean(0.8)) input.phoneNumber = phoneNumberFor(locale, isValidPhone);
  if (faker.datatype.boolean(0.75)) input.languageCode = faker.helpers.arrayElement(locale.languageTags);
  if (faker.datatype.boolean(0.4)) input.externalId = `crm-${faker.string.alphanumeric({ length: 12, casing: 'upper' })}`;
  const metadata: Record<string, unknown> = {};
  if (faker.datatype.boolean(0.5)) metadata.loyaltyTier = faker.helpers.arrayElement(LOYALTY_TIERS);
  if (faker.datatype.boolean(0.5)) metadata.signUpChannel = faker.helpers.arrayElement(SIGN_UP_CHANNELS);
  if (faker.datatype.boolean(0.3)) metadata.newsletter = faker.datatype.boolean();
  if (faker.datatype.boolean(0.2)) metadata.lifetimeValue = faker.number.float({ min: 0, max: 5000, fractionDigits: 2 });
  if (Object.keys(metadata).length > 0) input.metadata = metadata;
  return input;
}

export interface SeedOptions {
  count: number;
  brand: string;
  /** Rows per transaction (each transaction is several multi-row statements). */
  batchSize?: number;
  faker?: Faker;
  /** Called after each committed batch with the number of rows inserted so far. */
  onProgress?: (inserted: number) => void;
}

export interface SeedResult {
  inserted: number;
  seconds: number;
}

/**
 * Distinct validated customers drawn with faker and combined into rows. Drawing
 * one with a valid phone number takes faker tens of microseconds and several
 * libphonenumber checks, which alone held seeding to a few thousand rows a
 * second; combining a given name of one with the family name of another gives
 * POOL_SIZE² names with faker's skew across locales and scripts.
 */
const POOL_SIZE = 4096;

/** Builds customer rows from a pool of validated inputs (see POOL_SIZE). */
export class CustomerRowFactory {
  private readonly pool: CustomerFieldChanges[] = [];
  private sequence = 0;
  /** Tells this run's external ids from earlier runs' in the same brand. */
  private readonly runTag: string;

  constructor(
    private readonly brand: string,
    private readonly faker: Faker,
  ) {
    const isValidPhone = (raw: string): boolean => validateCustomerFields({ phoneNumber: raw }, []).errors.length === 0;
    for (let index = 0; index < POOL_SIZE; index += 1) this.pool.push(validCustomerChanges(faker, isValidPhone));
    this.runTag = faker.string.alphanumeric({ length: 4, casing: 'upper' });
  }

  /**
   * One new customer created at `createdAt`. Given name, language, metadata,
   * phone and e-mail come from one pooled customer, the family name from
   * another; the e-mail's local part and the external id get this row's
   * sequence number (the external id also a random tag of the run), so both
   * stay unique. Every value passes the same rules as
   * `createCustomer`'s (a unit test checks a sample), and the row is built by
   * the service's `newCustomerRow`, so ids and key columns are what the API writes.
   */
  next(createdAt: Date): CustomerEntity {
    const sequence = this.sequence++;
    const first = this.pool[this.faker.number.int(POOL_SIZE - 1)]!;
    const second = this.pool[this.faker.number.int(POOL_SIZE - 1)]!;
    const tag = sequence.toString(36);
    const changes: CustomerFieldChanges = {
      ...first,
      familyName: second.familyName ?? first.familyName,
      externalId: first.externalId ? `crm-${this.runTag}${tag.toUpperCase().padStart(8, '0')}` : first.externalId,
      emailAddress: first.emailAddress ? first.emailAddress.replace('@', `.${tag}@`) : first.emailAddress,
    };
    return newCustomerRow(this.brand, changes, createdAt);
  }
}

/**
 * Inserts `count` customers into `brand` through the bulk loader (prepared
 * multi-row INSERTs, `batchSize` rows per transaction), with rows from a
 * CustomerRowFactory. `createdAt` is spread over the past two years in
 * insertion order, so ids (time-ordered ULIDs) agree with it.
 */
export async function seedCustomers(database: Database, options: SeedOptions): Promise<SeedResult> {
  const faker = options.faker ?? fakerEN_US;
  const started = Date.now();
  const firstCreatedAt = started - CREATED_SPAN_MS;
  const step = CREATED_SPAN_MS / Math.max(options.count, 1);
  const factory = new CustomerRowFactory(options.brand, faker);
  const [{ present }] = (await database.dataSource.query('SELECT COUNT(*) AS present FROM customers')) as [{ present: number | string }];
  const inserted = await bulkLoadCustomers(database.dataSource, {
    // Building the indexes afterwards costs a sort of the whole table: worth it when the load at least doubles it.
    deferIndexes: options.count >= Number(present),
    count: options.count,
    rowsPerTransaction: options.batchSize ?? DEFAULT_BATCH_SIZE,
    build: (from, size) =>
      Array.from({ length: size }, (_, index) => factory.next(new Date(Math.floor(firstCreatedAt + (from + index) * step)))),
    onProgress: options.onProgress,
  });
  return { inserted, seconds: (Date.now() - started) / 1000 };
}

function validCustomerChanges(faker: Faker, isValidPhone: (raw: string) => boolean): CustomerFieldChanges {
  for (let attempt = 0; attempt < INPUT_ATTEMPTS; attempt += 1) {
    const { changes, errors } = validateCustomerFields(randomCustomerInput(faker, isValidPhone), []);
    if (errors.length === 0 && checkNotBothNamesBlank(changes.givenName ?? '', changes.familyName ?? '', []) === null) {
      return changes;
    }
  }
  throw new Error(`No valid customer input after ${INPUT_ATTEMPTS} attempts; the generator and the validation rules disagree.`);
}
