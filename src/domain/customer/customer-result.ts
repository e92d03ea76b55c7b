import { CustomerEntity } from '../../data/entities/customer.entity';
import { UserError } from '../../core/errors/user-error';

/** What a use case that changes one customer answers: the customer as it now is, or why nothing changed. */
export interface CustomerResult {
  customer: CustomerEntity | null;
  userErrors: UserError[];
}
