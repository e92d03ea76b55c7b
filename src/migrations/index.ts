import { CreateCustomers1764000000000 } from './1764000000000-create-customers';

/** Every migration, oldest first. Listed by hand so the same list serves ts and compiled js. */
export const migrations = [CreateCustomers1764000000000];
