// An esbuild plugin for bundles that leave the AWS SDK (@aws-sdk/*, @smithy/*) external: each import of a package
// becomes a small CommonJS module that require()s it. require(), not import: Node's ESM loader runs cjs-module-lexer
// over every big dist-cjs file of the SDK (~630 ms for every client this project uses, against ~350 ms). Node shares
// modules between the two through require.cache, so the classes are the node_modules ones, which the e2e fake stubs.
//
// lazy: the package is required when the bundle first reads one of its exports, so a run loads only the clients it
// calls. esbuild reads a CommonJS module's exports at each use (`import_client_lambda.LambdaClient`) from a namespace
// whose prototype is the prototype of `module.exports` (its __toESM): the lazy lookup sits there. A namespace import
// (`import * as sdk`) then lists no names, so bundles that enumerate one use lazy: false.
// test/unit/sdk-require-plugin.test.ts holds esbuild to this.
const SDK_PACKAGE = /^@(aws-sdk|smithy)\//
const NAMESPACE = 'infra-sdk-require'

/** @param {{ lazy: boolean }} options */
export function sdkRequirePlugin({ lazy }) {
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: SDK_PACKAGE }, (args) =>
        // The require() inside the generated module is the real, external one.
        args.namespace === NAMESPACE ? { path: args.path, external: true } : { path: args.path, namespace: NAMESPACE },
      )
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: lazy ? lazySource(args.path) : `module.exports = require(${JSON.stringify(args.path)})`,
        loader: 'js',
      }))
    },
  }
}

function lazySource(pkg) {
  return [
    'let loaded',
    // esbuild's interop may ask for __esModule before any use; answering it must not load the package.
    `const load = (key) => (key === '__esModule' ? undefined : (loaded ??= require(${JSON.stringify(pkg)}))[key])`,
    'module.exports = Object.create(new Proxy({}, { get: (_, key) => load(key) }))',
  ].join('\n')
}
