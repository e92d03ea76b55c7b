import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/config';

/** A flag of the registry: the flags customers may carry. */
export interface RegisteredFlag {
  name: string;
  description: string | null;
  readOnly: boolean;
}

/** Flag names: lower-case letters, digits, `_`, `-` and `.`, starting with a letter, at most 64 characters. */
const FLAG_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;
const SETTING = 'CUSTOMER_FLAGS_FILE';

/** The flags customers may carry, read once at start from the configured JSON file. */
export class FlagRegistry {
  private readonly byName: ReadonlyMap<string, RegisteredFlag>;

  constructor(readonly definitions: readonly RegisteredFlag[]) {
    this.byName = new Map(definitions.map((definition) => [definition.name, definition]));
  }

  get(name: string): RegisteredFlag | undefined {
    return this.byName.get(name);
  }

  /** Reads and checks the registry file; any problem stops the start with a message naming the setting and the entry. */
  static fromFile(path: string): FlagRegistry {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(SETTING, `names a file that cannot be read (${path}): ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(SETTING, `file ${path} is not valid JSON: ${(error as Error).message}`);
    }
    return FlagRegistry.fromJson(parsed, path);
  }

  static fromJson(parsed: unknown, source: string): FlagRegistry {
    if (!Array.isArray(parsed)) {
      throw new ConfigError(SETTING, `file ${source} must hold a JSON array of { "name", "description", "readOnly" }`);
    }
    const definitions: RegisteredFlag[] = [];
    const seen = new Set<string>();
    parsed.forEach((entry: unknown, index) => {
      const where = `file ${source}, entry ${index}`;
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw new ConfigError(SETTING, `${where}: must be an object`);
      }
      const { name, description, readOnly, ...rest } = entry as Record<string, unknown>;
      const unknownKeys = Object.keys(rest);
      if (unknownKeys.length > 0) throw new ConfigError(SETTING, `${where}: unknown key(s) ${unknownKeys.join(', ')}`);
      if (typeof name !== 'string' || !FLAG_NAME.test(name)) {
        throw new ConfigError(SETTING, `${where}: "name" must be 1–64 lower-case letters, digits, "_", "-" or ".", starting with a letter`);
      }
      if (seen.has(name)) throw new ConfigError(SETTING, `${where}: the flag "${name}" is defined twice`);
      if (description !== undefined && description !== null && typeof description !== 'string') {
        throw new ConfigError(SETTING, `${where}: "description" must be a string`);
      }
      if (readOnly !== undefined && typeof readOnly !== 'boolean') {
        throw new ConfigError(SETTING, `${where}: "readOnly" must be true or false`);
      }
      seen.add(name);
      definitions.push({ name, description: description ?? null, readOnly: readOnly ?? false });
    });
    return new FlagRegistry(definitions);
  }
}
