import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');
const SRC = join(ROOT, 'src');
/** Outermost first; each ring may import only itself and the rings after it. */
const RINGS = ['http', 'api', 'domain', 'data', 'core'];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every file of src/ with the src/ files it imports, type-only imports and re-exports included. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => resolve(dirname(file), name))
      .map((base) => [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate)))
      .filter((target): target is string => target !== undefined);
    graph.set(
      relative(SRC, file),
      targets.map((target) => relative(SRC, target)),
    );
  }
  return graph;
}

/** The import cycles of the graph, each as the files on it (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

const ringOf = (file: string): string | null => {
  const top = file.split('/')[0]!;
  return RINGS.includes(top) ? top : null;
};

describe('the rings of src/', () => {
  const graph = importGraph();

  it('has no import cycle, counting type-only imports', () => {
    expect(graph.get('api/context.ts')).toEqual(expect.arrayContaining(['core/caller.ts']));
    expect(cycles(graph)).toEqual([]);
  });

  it('has no import from a ring into a ring above it, nor into the composition root or scripts', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const ring = ringOf(file);
      if (ring === null) continue;
      for (const target of targets) {
        const targetRing = ringOf(target);
        if (targetRing === null || RINGS.indexOf(targetRing) < RINGS.indexOf(ring)) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    expect(
      cycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['a.ts']],
          ['c.ts', []],
        ]),
      ),
    ).toEqual([['b.ts', 'a.ts']]);
  });
});

describe('npm run lint enforces the rings', () => {
  // The project's own config, handed over directly: ESLint's loader would import() it, which jest's VM refuses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: require('../../eslint.config.js') });
  const problemsOf = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
    return result!.messages.map((message) => message.ruleId);
  };

  it.each([
    ['src/core/probe.ts', "import { RequestContext } from '../api/context';\nexport type Probe = RequestContext;\n"],
    ['src/data/repositories/probe.ts', "import { Services } from '../../domain/services';\nexport type Probe = Services;\n"],
    ['src/domain/customer/probe.ts', "import { createCustomerApp } from '../../app';\nexport const probe = createCustomerApp;\n"],
    ['src/api/probe.ts', "import { bodyErrorHandler } from '../http/body-errors';\nexport const probe = bodyErrorHandler;\n"],
    ['src/domain/probe.ts', "import { DataSource } from 'typeorm';\nexport type Probe = DataSource;\n"],
    ['src/data/probe.ts', "import { Field } from 'type-graphql';\nexport const probe = Field;\n"],
    ['src/http/probe.ts', "import { ApolloServer } from '@apollo/server';\nexport const probe = ApolloServer;\n"],
  ])('fails %s, which imports against the rings', async (file, code) => {
    expect(await problemsOf(file, code)).toContain('no-restricted-imports');
  });

  it('passes an import from a ring below', async () => {
    expect(await problemsOf('src/api/probe.ts', "import { Caller } from '../core/caller';\nexport type Probe = Caller;\n")).toEqual([]);
  });
});
