// @ts-check
const eslint = require('@eslint/js');
const tseslint = require('typescript-eslint');
const prettier = require('eslint-config-prettier');

/*
 * The rings of src/ (see src/README.md): each imports only the rings below it, in this order.
 * http is the Express edge; main.ts, server.ts, app.ts (the composition root) and scripts/ may import any ring.
 */
const RINGS = ['http', 'api', 'domain', 'data', 'core'];
const OUTER = ['app', 'server', 'main', 'scripts'];
/** Packages only one ring may import. */
const OWNED = { api: ['type-graphql', '@apollo/*'], data: ['typeorm'] };

/** no-restricted-imports for one ring: the rings above it, the composition root, and packages other rings own. */
function ringBoundary(ring) {
  const above = [...OUTER, ...RINGS.slice(0, RINGS.indexOf(ring))];
  const foreign = Object.entries(OWNED).filter(([owner]) => owner !== ring);
  return {
    files: [`src/${ring}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${above.join('|')})(/|$)`,
              message: `src/${ring} may import only ${RINGS.slice(RINGS.indexOf(ring)).join(', ')} (the rings below it).`,
            },
            ...foreign.map(([owner, packages]) => ({
              group: packages,
              message: `Only src/${owner} imports ${packages.join(' and ')}.`,
            })),
          ],
        },
      ],
    },
  };
}

module.exports = tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'test-results/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...RINGS.map(ringBoundary),
  prettier,
);
