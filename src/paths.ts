import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The project root: the nearest folder above this file that holds package.json. Code runs both
 * from `src/` (tsx) and from `build/src/` (compiled), so a fixed relative path would be wrong
 * in one of them.
 */
function findRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url))
    dir = parent
  }
  return dir
}

export const PROJECT_ROOT = findRoot()

export function projectPath (...parts: string[]): string {
  return resolve(PROJECT_ROOT, ...parts)
}
