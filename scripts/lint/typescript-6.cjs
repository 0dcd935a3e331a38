// typescript-eslint needs TypeScript's JS API, which the project's compiler (TypeScript 7, a
// native binary) does not have, and npm hoists some of its helpers (ts-api-utils) next to
// TypeScript 7. Loaded before ESLint (eslint.cjs, test/lint.test.ts): from then on, every
// require('typescript') in this process resolves to this workspace's TypeScript 6.
'use strict'
const Module = require('node:module')
const typescript6 = require.resolve('typescript')
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  return request === 'typescript' ? typescript6 : resolve.call(this, request, ...rest)
}
