// `npm run lint`: ESLint with TypeScript 6 behind typescript-eslint.
// typescript-eslint needs TypeScript's JS API, which the project's compiler (TypeScript 7, a
// native binary) does not have, and npm hoists some of its helpers (ts-api-utils) next to
// TypeScript 7. So while linting, every require('typescript') resolves to this workspace's
// TypeScript 6; then ESLint runs as its own command would (arguments as given).
'use strict'
const Module = require('node:module')
const typescript6 = require.resolve('typescript')
const resolve = Module._resolveFilename
Module._resolveFilename = function (request, ...rest) {
  return request === 'typescript' ? typescript6 : resolve.call(this, request, ...rest)
}
require(require('node:path').join(require.resolve('eslint/package.json'), '../bin/eslint.js'))
