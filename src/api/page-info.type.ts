import { Directive, Field, ObjectType } from 'type-graphql';

@Directive('@shareable')
@ObjectType({ description: 'Where a page of a connection lies within the whole list (Relay cursor connections).', simpleResolvers: true })
export class PageInfo {
  @Field({ description: 'Whether more items follow the last edge of this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede the first edge of this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge, to page backward with `before`.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge, to page forward with `after`.' })
  endCursor!: string | null;
}
