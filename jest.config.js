/**
 * Four projects: pure unit tests; domain tests (the services' rules on in-memory
 * SQLite with a manual clock, no HTTP); and the integration tests run twice, once on
 * SQLite (in memory) and once on MySQL/MariaDB. The MySQL half is skipped with a
 * notice when no server answers, unless REQUIRE_MYSQL_TESTS=1 (set by .ci/run).
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};

const integration = (dialect) => ({
  displayName: dialect,
  transform,
  testEnvironment: 'node',
  testTimeout: 60_000,
  testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
  globals: { TEST_DIALECT: dialect },
  globalSetup: `<rootDir>/test/helpers/global-setup-${dialect}.ts`,
  setupFiles: ['reflect-metadata'],
});

module.exports = {
  // Integration files start real servers and databases; jest reads this from the root config only.
  testTimeout: 60_000,
  // Each test file loads the service's modules afresh, and the heap of one process grows by about 30 MB a
  // file (to 2 GB over the suite), which slowed the last files tenfold. With a limit, the files run in a
  // worker (even with one worker, on a 2-core machine) that is replaced once it holds more than this.
  workerIdleMemoryLimit: '512MB',
  projects: [
    {
      displayName: 'unit',
      transform,
      testEnvironment: 'node',
      testTimeout: 60_000,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: ['reflect-metadata'],
    },
    {
      displayName: 'domain',
      transform,
      testEnvironment: 'node',
      testTimeout: 60_000,
      testMatch: ['<rootDir>/test/domain/**/*.test.ts'],
      setupFiles: ['reflect-metadata'],
    },
    integration('sqlite'),
    integration('mysql'),
  ],
};
