import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from './page-info.type';

/**
 * The Relay connection and edge types for one node type, e.g. `Customer` →
 * `CustomerConnection` and `CustomerEdge`, all built the same way.
 */
export function connectionTypes<TNode extends object>(
  nodeType: ClassType<TNode>,
  nodeName: string,
  plural: string,
  options: { totalCount: boolean } = { totalCount: true },
) {
  @ObjectType(`${nodeName}Edge`, { description: `One ${nodeName} in a page, with the cursor that points at it.`, simpleResolvers: true })
  class Edge {
    @Field({ description: 'An opaque cursor for this edge, for `after` or `before`.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${nodeName}.` })
    node!: TNode;
  }

  class Connection {
    @Field(() => [Edge], { description: `The ${plural} of this page, each with its cursor.` })
    edges!: Edge[];

    @Field(() => [nodeType], { description: `The ${plural} of this page, without cursors.` })
    nodes!: TNode[];

    @Field(() => PageInfo, { description: 'Where this page lies within the whole list.' })
    pageInfo!: PageInfo;

    totalCount?: number;
  }

  // Feed-like connections have no totalCount: counting them would read their whole history.
  if (options.totalCount) {
    Field(() => Int, { description: `How many ${plural} match the filter in all; counted only when asked for.` })(
      Connection.prototype,
      'totalCount',
    );
  }
  ObjectType(`${nodeName}Connection`, { description: `A page of ${plural}.`, simpleResolvers: true })(Connection);

  return { Edge, Connection };
}
