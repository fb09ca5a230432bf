// The repository's root folder, from wherever this module runs: server/ as TypeScript (tests, tsx) or dist/server/
// compiled (npm start, the image). Files that ship beside the code (web/dist, prisma/migrations, trainer/) are
// found from here, not from a module's own place, which differs by a folder between the two.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function rootAbove(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json in ${start} or any folder above it`);
  }
}

export const PROJECT_ROOT = rootAbove(path.dirname(fileURLToPath(import.meta.url)));
