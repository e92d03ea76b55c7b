import 'reflect-metadata';
import { Authorized, Field, FieldResolver, ObjectType, Resolver, Root, UseMiddleware } from 'type-graphql';
import { assertUnguarded, buildCustomerSchema } from '../../src/api/schema';

@ObjectType({ description: 'A type for this test only.' })
class Probe {
  @Field({ description: 'An id.' })
  id!: string;
}

@Resolver(() => Probe)
class ProbeFields {
  @FieldResolver(() => String, { description: 'Open.' })
  open(@Root() probe: Probe): string {
    return probe.id;
  }

  @Authorized('customer:write')
  @FieldResolver(() => String, { description: 'Guarded by a scope.' })
  scoped(@Root() probe: Probe): string {
    return probe.id;
  }

  @UseMiddleware(async (_data, next) => next())
  @FieldResolver(() => String, { description: 'Behind a middleware.' })
  wrapped(@Root() probe: Probe): string {
    return probe.id;
  }
}

describe('fields resolved without type-graphql’s handler', () => {
  beforeAll(async () => {
    // Roles and middleware are attached to the metadata when a schema is built.
    await buildCustomerSchema();
  });

  it('may not carry @Authorized or middleware, which only that handler applies', () => {
    expect(() => assertUnguarded(ProbeFields, ['open'])).not.toThrow();
    expect(() => assertUnguarded(ProbeFields, ['open', 'scoped'])).toThrow(/ProbeFields: scoped must resolve through type-graphql/);
    expect(() => assertUnguarded(ProbeFields, ['wrapped'])).toThrow(/wrapped/);
  });
});
