import { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../context';
import { CustomerActivityEntity } from '../../data/entities/customer-activity.entity';
import { CustomerChannelEntity } from '../../data/entities/customer-channel.entity';
import { CustomerEntity } from '../../data/entities/customer.entity';
import { ConnectionValue } from '../../core/paging/connection';
import { CustomerFlagView } from '../../domain/flag/customer-flag.service';
import { ChannelType } from '../../core/channel-type';
import { CustomerActivityConnection } from '../activity/customer-activity.type';
import { CustomerChannel } from '../channel/customer-channel.type';
import { CustomerFlagConnection } from '../flag/customer-flag.type';
import { Customer } from './customer.type';
import { CustomerActivitiesArgs, CustomerFlagsArgs } from '../nested-page.args';
import { loadAhead, selectsField } from '../selected-fields';
import { fullName } from '../../domain/customer/customer-fields.rules';

/** Customer fields that are not columns: every one reads through the request's loaders, so a list of N customers costs one statement per field. */
@Resolver(() => Customer)
export class CustomerFieldsResolver {
  @FieldResolver(() => String, { description: 'givenName and familyName joined by one space, trimmed.' })
  name(@Root() customer: CustomerEntity): string {
    return fullName(customer.givenName, customer.familyName);
  }

  @FieldResolver(() => [CustomerChannel], { description: 'How to reach the customer, oldest first.' })
  channels(
    @Root() customer: CustomerEntity,
    @Arg('type', () => ChannelType, { nullable: true, description: 'Only channels of this type.' }) type: ChannelType | null,
    @Ctx() { loaders }: RequestContext,
  ): Promise<CustomerChannelEntity[]> {
    return loaders.channels(type ?? null).load(customer.id);
  }

  @FieldResolver(() => CustomerFlagConnection, { description: 'The flags the customer carries, by name.' })
  flags(
    @Root() customer: CustomerEntity,
    @Args() args: CustomerFlagsArgs,
    @Ctx() { loaders }: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionValue<CustomerFlagView>> {
    if (selectsField(info, 'totalCount')) loadAhead(loaders.flagCounts.load(customer.id));
    return loaders.flags({ first: args.first, after: args.after }).load(customer.id);
  }

  @FieldResolver(() => CustomerActivityConnection, { description: "The customer's activity timeline, newest first." })
  activities(
    @Root() customer: CustomerEntity,
    @Args() args: CustomerActivitiesArgs,
    @Ctx() { loaders }: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionValue<CustomerActivityEntity>> {
    const { first, after, last, before, filter } = args;
    if (selectsField(info, 'totalCount')) loadAhead(loaders.activityCounts(filter).load(customer.id));
    return loaders.activities({ first, after, last, before, filter }).load(customer.id);
  }
}

/**
 * The same fields as plain functions, for the subgraph's resolver map. type-graphql's handler turns a field's
 * arguments into class instances and validates each one asynchronously (even with validation off), so every field
 * of every customer of a list waited on a `Promise.all` and a chain of promises: a sixth of what a list with
 * nested flags and activities allocated. The schema (types, arguments, descriptions) still comes from the
 * decorators above. Bypassing the handler also bypasses @Authorized and middleware, so `buildCustomerSchema`
 * refuses to start when any of these fields has them.
 */
export function plainCustomerFieldResolvers(fields: CustomerFieldsResolver = new CustomerFieldsResolver()) {
  return {
    name: (customer: CustomerEntity) => fields.name(customer),
    channels: (customer: CustomerEntity, args: { type?: ChannelType | null }, context: RequestContext) =>
      fields.channels(customer, args.type ?? null, context),
    flags: (customer: CustomerEntity, args: CustomerFlagsArgs, context: RequestContext, info: GraphQLResolveInfo) =>
      fields.flags(customer, args, context, info),
    activities: (customer: CustomerEntity, args: CustomerActivitiesArgs, context: RequestContext, info: GraphQLResolveInfo) =>
      fields.activities(customer, args, context, info),
  };
}
