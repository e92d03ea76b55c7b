import { Field, InputType, registerEnumType } from 'type-graphql';

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

registerEnumType(CustomerSortField, {
  name: 'CustomerSortField',
  description: 'What customers can be ordered by. Ties are broken by id, so the order is total.',
  valuesConfig: {
    CREATED_AT: { description: 'When the customer was created.' },
    UPDATED_AT: { description: 'When the customer last changed.' },
    FAMILY_NAME: { description: 'Family name, case-insensitively.' },
    EMAIL_ADDRESS: { description: 'E-mail address, case-insensitively; customers without one come first in ascending order.' },
  },
});

registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'The direction of an order.',
  valuesConfig: {
    ASC: { description: 'Smallest first.' },
    DESC: { description: 'Largest first.' },
  },
});

@InputType({ description: 'How to order customers; the default is CREATED_AT ASC.' })
export class CustomerOrder {
  @Field(() => CustomerSortField, { description: 'The field to order by.' })
  field!: CustomerSortField;

  @Field(() => SortDirection, { description: 'Ascending or descending.' })
  direction!: SortDirection;
}
