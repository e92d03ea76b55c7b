import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXPLORER_BUNDLE_DIR } from '../http/graphiql.routes';

/** The browser entry of the self-hosted Explorer (GraphiQL). The same path from src/scripts and dist/scripts. */
const ENTRY = join(__dirname, '..', '..', 'src', 'explorer-ui', 'graphiql-app.tsx');

/**
 * Bundles GraphiQL, React and the page's code into one script and one
 * stylesheet in `outDir` (emptied first). Dynamic imports are inlined, fonts
 * and images become data URLs, so the page loads nothing but these two files.
 */
export async function buildExplorer(outDir: string = EXPLORER_BUNDLE_DIR): Promise<void> {
  // Loaded here, not at the top: esbuild is a development dependency, absent from production installs.
  const { build } = await import('esbuild');
  rmSync(outDir, { recursive: true, force: true });
  await build({
    entryPoints: { graphiql: ENTRY },
    outdir: outDir,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
    // License texts go to graphiql.LEGAL.txt beside the bundle, which the bundle names in its last comment.
    legalComments: 'linked',
    logLevel: 'warning',
  });
}

async function main(): Promise<void> {
  await buildExplorer();
  console.log(`Built the Explorer into ${relative(process.cwd(), EXPLORER_BUNDLE_DIR)}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
