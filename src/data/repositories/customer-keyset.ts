import { CustomerOrderBy, CustomerSortField, SortDirection } from '../../core/customer-order';
import { CustomerEntity } from '../entities/customer.entity';
import { Keyset, KeysetColumn } from '../keyset';

/*
 * The keyset of each public customer order: its sort column (a lower-cased key for names and
 * e-mail addresses), then the id, so the order is total. Each has a (brand, column, id) index.
 */

const text = (expression: string, value: (row: CustomerEntity) => string): KeysetColumn<CustomerEntity> => ({
  expression,
  value,
  fromCursor: (v) => String(v),
});
const instant = (expression: string, value: (row: CustomerEntity) => Date): KeysetColumn<CustomerEntity> => ({
  expression,
  value,
  fromCursor: (v) => new Date(String(v)),
});

const SORT_COLUMNS: Record<CustomerSortField, KeysetColumn<CustomerEntity>> = {
  [CustomerSortField.CREATED_AT]: instant('c.createdAt', (row) => row.createdAt),
  [CustomerSortField.UPDATED_AT]: instant('c.updatedAt', (row) => row.updatedAt),
  [CustomerSortField.FAMILY_NAME]: text('c.familyNameKey', (row) => row.familyNameKey),
  [CustomerSortField.EMAIL_ADDRESS]: text('c.emailKey', (row) => row.emailKey),
};
const ID_COLUMN = text('c.id', (row) => row.id);

export function customerKeyset(order: CustomerOrderBy): Keyset<CustomerEntity> {
  return { columns: [SORT_COLUMNS[order.field], ID_COLUMN], descending: order.direction === SortDirection.DESC };
}

