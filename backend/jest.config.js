/** Jest in ESM mode (Nest 12 is ESM-only): run with NODE_OPTIONS=--experimental-vm-modules. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

export default {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // The dashboard's framework-free modules (the officers' outbox, its use of the tally rules) are tested here too.
  roots: ['<rootDir>', '<rootDir>/../dashboard/src'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', '^\\$tally-rules$': '<rootDir>/src/tps/tally-rules.ts' },
  transform: { '^.+\\.ts$': swc },
  testMatch: [
    '<rootDir>/src/**/*.spec.ts',
    '<rootDir>/../dashboard/src/**/*.spec.ts',
    '<rootDir>/test/**/*.e2e-spec.ts',
    '<rootDir>/test/**/*.browser-spec.ts',
  ],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
