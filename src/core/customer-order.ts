/** What customers can be ordered by. Ties are broken by id, so every order is total. */
export enum CustomerSortField {
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
  FAMILY_NAME = 'FAMILY_NAME',
  EMAIL_ADDRESS = 'EMAIL_ADDRESS',
}

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

export interface CustomerOrderBy {
  field: CustomerSortField;
  direction: SortDirection;
}
