import { Field, ID, InputType, Int } from 'type-graphql';
import { MergeCustomersFields } from '../../domain/merge/customer-merge.service';

@InputType({ description: "Which customer absorbs which. Both must be live customers of the caller's brand." })
export class MergeCustomersInput implements MergeCustomersFields {
  @Field(() => ID, { description: "The customer that stays: it keeps its values and takes the other one's where it has none." })
  survivorId!: string;

  @Field(() => ID, { description: 'The customer that is merged in and removed; its id stays an alias of the survivor.' })
  mergedId!: string;

  @Field(() => Int, {
    nullable: true,
    description: "When given and not the survivor's current version: VERSION_CONFLICT, nothing changed.",
  })
  expectedSurvivorVersion?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: "When given and not the merged customer's current version: VERSION_CONFLICT, nothing changed.",
  })
  expectedMergedVersion?: number | null;
}
