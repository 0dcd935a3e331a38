// `npm run lint`: ESLint, with TypeScript 6 behind typescript-eslint (see typescript-6.cjs), run
// as its own command would be (arguments as given).
'use strict'
require('./typescript-6.cjs')
require(require('node:path').join(require.resolve('eslint/package.json'), '../bin/eslint.js'))
