// The cluster tier: the manifests applied to a real kube-apiserver with the real controllers
// (npm run cluster). Brings the cluster up (or reuses it) once for all specs.
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'cluster',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.cluster-spec.ts'],
  globalSetup: '<rootDir>/src/global-setup.ts',
  testTimeout: 300_000,
};
