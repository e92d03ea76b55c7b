import {
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLOutputType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';

export type InputPath = ReadonlyArray<string | number>;

/** Every path to a String or ID value in a field's arguments; list types contribute their first element. */
export function stringInputPaths(field: GraphQLField<unknown, unknown>): InputPath[] {
  const paths: InputPath[] = [];
  const walk = (type: GraphQLInputType, path: InputPath, seen: ReadonlySet<string>) => {
    if (isNonNullType(type)) return walk(type.ofType, path, seen);
    if (isListType(type)) return walk(type.ofType, [...path, 0], seen);
    if (isScalarType(type)) {
      if (type.name === 'String' || type.name === 'ID') paths.push(path);
      return;
    }
    if (isInputObjectType(type) && !seen.has(type.name)) {
      const inner = new Set([...seen, type.name]);
      for (const child of Object.values(type.getFields())) walk(child.type, [...path, child.name], inner);
    }
  };
  for (const arg of field.args) walk(arg.type, [arg.name], new Set());
  return paths;
}

/** A deep copy of `value` with `replacement` at `path`, creating objects and arrays on the way. */
export function withValueAt(value: Record<string, unknown>, path: InputPath, replacement: unknown): Record<string, unknown> {
  const copy = structuredClone(value);
  let cursor: Record<string | number, unknown> = copy;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      cursor[key] = replacement;
      return;
    }
    if (cursor[key] === undefined || cursor[key] === null) cursor[key] = typeof path[index + 1] === 'number' ? [] : {};
    cursor = cursor[key] as Record<string | number, unknown>;
  });
  return copy;
}

/** The variable declarations and argument list that pass every argument of `field` as a variable of the same name. */
export function argumentsAsVariables(field: GraphQLField<unknown, unknown>): { declarations: string; args: string } {
  if (field.args.length === 0) return { declarations: '', args: '' };
  return {
    declarations: `(${field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ')})`,
    args: `(${field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})`,
  };
}

/** A selection of every `userErrors { field code }` in a payload type, also in nested results (upsertCustomers). */
export function userErrorSelection(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const parts: string[] = [];
  for (const field of Object.values(named.getFields())) {
    if (field.name === 'userErrors') parts.push('userErrors { field code }');
    else if (isObjectType(getNamedType(field.type)) && 'userErrors' in (getNamedType(field.type) as { getFields(): object }).getFields()) {
      parts.push(`${field.name} { ${userErrorSelection(field.type)} }`);
    }
  }
  return parts.join(' ');
}

export interface UserErrorLike {
  field: Array<string | number> | null;
  code: string;
}

/** Every userError of a payload selected with `userErrorSelection`, nested results included. */
export function collectUserErrors(payload: unknown): UserErrorLike[] {
  if (Array.isArray(payload)) return payload.flatMap(collectUserErrors);
  if (payload === null || typeof payload !== 'object') return [];
  const record = payload as Record<string, unknown>;
  const own = Array.isArray(record.userErrors) ? (record.userErrors as UserErrorLike[]) : [];
  return [
    ...own,
    ...Object.entries(record)
      .filter(([key]) => key !== 'userErrors')
      .flatMap(([, value]) => collectUserErrors(value)),
  ];
}
