import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class CustomerImportErrorsArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'This many errors after `after` (default 50, at most 100, as for the other nested connections).',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Cursor to continue from: a page's `endCursor`." })
  after?: string | null;
}
