import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { UserError } from '../../core/errors/user-error';
import { UpsertCustomerFields } from '../customer/customer-inputs';

/** The columns that are customer fields; every other column is a metadata key. */
export const FIELD_COLUMNS = ['externalId', 'givenName', 'familyName', 'emailAddress', 'phoneNumber', 'languageCode'] as const;
type FieldColumn = (typeof FIELD_COLUMNS)[number];

/** Most columns a header may name: the six fields and far more metadata keys than one customer may hold (50). */
export const MAX_COLUMNS = 256;

/** An import row refused before the customer rules see it, or by them. */
export interface RowError {
  row: number;
  column: string | null;
  code: CustomerErrorCode;
  message: string;
}

/** Why a header row cannot be imported; null when it can. */
export function checkHeader(columns: readonly string[]): string | null {
  if (columns.length > MAX_COLUMNS) return `The header names ${columns.length} columns; at most ${MAX_COLUMNS} are accepted.`;
  const seen = new Set<string>();
  for (const [index, column] of columns.entries()) {
    if (column === '') return `Column ${index + 1} of the header has no name.`;
    if (seen.has(column)) return `The header names the column "${column}" twice.`;
    seen.add(column);
  }
  if (!seen.has('externalId')) return 'The header has no "externalId" column: every row is matched on its external id.';
  return null;
}

/** Header names as given, trimmed (a spreadsheet's stray spaces are not part of a name). */
export function headerColumns(cells: readonly string[]): string[] {
  return cells.map((cell) => cell.trim());
}

/**
 * One row as an upsert input: a field cell sets the field, any other cell sets
 * its column as a metadata key, and an empty cell (or one of spaces only)
 * leaves its field or key alone. A row whose cell count differs from the
 * header's, or without an external id, is refused here.
 */
export function rowInput(columns: readonly string[], cells: readonly string[], row: number): UpsertCustomerFields | RowError {
  if (cells.length !== columns.length) {
    return {
      row,
      column: null,
      code: CustomerErrorCode.INVALID,
      message: `The row has ${cells.length} cells; the header has ${columns.length} columns.`,
    };
  }
  const input: Partial<Record<FieldColumn, string>> = {};
  let metadata: Record<string, unknown> | undefined;
  columns.forEach((column, index) => {
    const cell = cells[index]!;
    if (cell.trim() === '') return;
    if ((FIELD_COLUMNS as readonly string[]).includes(column)) input[column as FieldColumn] = cell;
    // Defined, not assigned: a column named `__proto__` is a key like any other, not the object's prototype.
    else Object.defineProperty((metadata ??= {}), column, { value: cell, enumerable: true, writable: true, configurable: true });
  });
  if (input.externalId === undefined) {
    return { row, column: 'externalId', code: CustomerErrorCode.INVALID, message: 'The externalId cell is empty: every row needs one.' };
  }
  return { ...input, externalId: input.externalId, ...(metadata ? { metadata } : {}) };
}

/**
 * A customer rule's error as an import error of row `row`: the column is the
 * field the rule names (`["inputs", 3, "emailAddress"]` → `emailAddress`);
 * metadata limits concern several columns at once, so they name none.
 */
export function rowErrorOf(error: UserError, row: number): RowError {
  const field = error.field?.[2] ?? null;
  const column = field !== null && (FIELD_COLUMNS as readonly string[]).includes(field) ? field : null;
  return { row, column, code: error.code, message: error.message };
}
