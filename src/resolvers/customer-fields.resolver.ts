import { FieldResolver, Resolver, Root } from 'type-graphql';
import { CustomerEntity } from '../entities/customer.entity';
import { Customer } from '../types/customer.type';

@Resolver(() => Customer)
export class CustomerFieldsResolver {
  @FieldResolver(() => String, { description: 'givenName and familyName joined by one space, trimmed.' })
  name(@Root() customer: CustomerEntity): string {
    return `${customer.givenName} ${customer.familyName}`.trim();
  }
}
