import { readFileSync } from 'node:fs';
import {
  GraphQLArgument,
  GraphQLField,
  GraphQLInputField,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { buildCustomerSchema, printCustomerSchema } from '../../src/api/schema';
import { COMMITTED_SCHEMA_FILE } from '../../src/scripts/committed-schema-file';

const COMMITTED_SDL = COMMITTED_SCHEMA_FILE;

/** Types and fields that federation, the link spec or introspection add; they are not ours to describe. */
function isInternal(name: string): boolean {
  return name.startsWith('_') || /^(link|join|federation)__/.test(name);
}

/** Every schema element of our own that lacks a description, as `Type.field(arg)` paths. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (path: string, description: string | null | undefined) => {
    if (description == null || description.trim() === '') missing.push(path);
  };
  const checkArgs = (path: string, args: readonly GraphQLArgument[]) => {
    for (const arg of args) check(`${path}(${arg.name})`, arg.description);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isInternal(type.name) || isSpecifiedScalarType(type)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        if (isInternal(field.name)) continue;
        check(`${type.name}.${field.name}`, field.description);
        checkArgs(`${type.name}.${field.name}`, field.args);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()) as GraphQLInputField[]) {
        check(`${type.name}.${field.name}`, field.description);
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

describe('the subgraph schema', () => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    schema = await buildCustomerSchema();
  });

  it('prints exactly the committed src/schema/schema.graphql', () => {
    const printed = printCustomerSchema(schema);
    const committed = readFileSync(COMMITTED_SDL, 'utf8');
    if (printed !== committed) {
      throw new Error('src/schema/schema.graphql is out of date with the code: run `npm run schema` and commit the result.');
    }
    expect(printed).toBe(committed);
  });

  it('describes every type, field, argument, input field and enum value of its own', () => {
    expect(undescribed(schema)).toEqual([]);
  });

  it('checks the scope of every @Authorized field in its resolver: no such field is on a type of simple resolvers', () => {
    // Object types with `simpleResolvers` resolve their fields with graphql-js's default resolver, which skips
    // type-graphql's auth checker; a guarded field there would be readable without its scope.
    const storage = getMetadataStorage();
    // Fields of object types, not the resolvers' own methods (queries and mutations, which always have a resolver).
    const guarded = storage.authorizedFields.flatMap(({ target, fieldName }) => {
      const objectType = storage.objectTypes.find((type) => type.target === target);
      if (!objectType) return [];
      const type = schema.getType(objectType.name);
      const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
      return [{ field: `${objectType.name}.${fieldName}`, checked: typeof field?.resolve === 'function' }];
    });
    expect(guarded.length).toBeGreaterThan(0);
    expect(guarded.filter((field) => !field.checked)).toEqual([]);
    // The lists' types are the ones made simple, because they are resolved for every row of a page.
    const customer = schema.getType('Customer');
    expect(isObjectType(customer) && customer.getFields().emailAddress!.resolve).toBeUndefined();
  });

  it('keeps the federation key and shareable directives in the printed SDL', () => {
    const printed = printCustomerSchema(schema);
    expect(printed).toMatch(/type Customer\s+@key\(fields: "id"\)/);
    expect(printed).toMatch(/type PageInfo\s+@shareable/);
    expect(printed).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9"');
  });
});
