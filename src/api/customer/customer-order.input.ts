import { Field, InputType } from 'type-graphql';
import { CustomerOrderBy, CustomerSortField, SortDirection } from '../../core/customer-order';

@InputType({ description: 'How to order customers; the default is CREATED_AT ASC.' })
export class CustomerOrder implements CustomerOrderBy {
  @Field(() => CustomerSortField, { description: 'The field to order by.' })
  field!: CustomerSortField;

  @Field(() => SortDirection, { description: 'Ascending or descending.' })
  direction!: SortDirection;
}
