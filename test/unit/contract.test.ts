import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildASTSchema,
  GraphQLField,
  GraphQLInputField,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isObjectType,
  parse,
} from 'graphql';

const ROOT = join(__dirname, '..', '..');

/** The schema block of the contract (docs/API.md), made buildable: the federation `@link` and comments dropped. */
function contractSchema(): GraphQLSchema {
  const markdown = readFileSync(join(ROOT, 'docs', 'API.md'), 'utf8');
  const block = markdown.split('```graphql')[1]!.split('```')[0]!;
  const sdl = block
    .replace(/extend schema @link\([^)]*\)/s, '')
    .replace(/#.*$/gm, '')
    .replace(/@key\([^)]*\)|@shareable/g, '');
  return buildASTSchema(parse(sdl), { assumeValid: true });
}

function servedSchema(): GraphQLSchema {
  return buildASTSchema(parse(readFileSync(join(ROOT, 'src', 'schema', 'schema.graphql'), 'utf8')), {
    assumeValid: true,
    assumeValidSDL: true,
  });
}

/** Every difference between what the contract fixes and what the subgraph serves; additions are allowed. */
function differences(contract: GraphQLSchema, served: GraphQLSchema): string[] {
  const found: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const ours = served.getType(type.name);
    if (!ours) {
      found.push(`type ${type.name} is missing`);
      continue;
    }
    if (isEnumType(type) && isEnumType(ours)) {
      const values = new Set(ours.getValues().map((value) => value.name));
      for (const value of type.getValues()) if (!values.has(value.name)) found.push(`${type.name}.${value.name} is missing`);
    }
    if ((isObjectType(type) || isInputObjectType(type)) && (isObjectType(ours) || isInputObjectType(ours))) {
      const ourFields: Record<string, GraphQLField<unknown, unknown> | GraphQLInputField> = ours.getFields();
      for (const field of Object.values<GraphQLField<unknown, unknown> | GraphQLInputField>(type.getFields())) {
        const name = `${type.name}.${field.name}`;
        const mine = ourFields[field.name];
        if (!mine) {
          found.push(`${name} is missing`);
          continue;
        }
        if (String(mine.type) !== String(field.type))
          found.push(`${name} is ${String(mine.type)}, the contract says ${String(field.type)}`);
        const contractArgs = 'args' in field ? field.args : [];
        const ourArgs = 'args' in mine ? mine.args : [];
        for (const arg of contractArgs) {
          const ourArg = ourArgs.find((candidate) => candidate.name === arg.name);
          if (!ourArg) found.push(`${name}(${arg.name}) is missing`);
          else if (String(ourArg.type) !== String(arg.type))
            found.push(`${name}(${arg.name}) is ${String(ourArg.type)}, not ${String(arg.type)}`);
        }
        const contractOrder = contractArgs.map((arg) => arg.name);
        const ourOrder = ourArgs.map((arg) => arg.name).filter((arg) => contractOrder.includes(arg));
        if (contractOrder.join() !== ourOrder.join()) found.push(`${name} lists its arguments as (${ourOrder.join(', ')})`);
      }
    }
  }
  return found;
}

describe('the served schema against the contract (docs/API.md)', () => {
  it('has every type, field, argument (in order) and enum value of the contract, with the same types and nullability', () => {
    expect(differences(contractSchema(), servedSchema())).toEqual([]);
  });

  it('notices a field that differs from the contract', () => {
    const served = servedSchema();
    const altered = buildASTSchema(
      parse(readFileSync(join(ROOT, 'src', 'schema', 'schema.graphql'), 'utf8').replace('version: Int!', 'version: Int')),
      { assumeValid: true, assumeValidSDL: true },
    );
    expect(differences(contractSchema(), served)).toEqual([]);
    expect(differences(contractSchema(), altered)).toEqual(['Customer.version is Int, the contract says Int!']);
  });
});
