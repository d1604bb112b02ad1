// Removes build output folders (given relative to the current directory), so a build starts clean.
import { rmSync } from 'node:fs';

for (const dir of process.argv.slice(2)) rmSync(dir, { recursive: true, force: true });
