// Runs a script under Node 24 as well: the npm package node-<platform>-<arch>@24 carries the official binary.
// It is fetched once into .cache/ with `npm pack`, which goes through npm's cache (so it works offline once
// fetched), and unpacked there. Usage: node scripts/node24.mjs <script> [args...]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAJOR = 24;
const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = `node-${process.platform}-${process.arch}@${MAJOR}`;
const dir = path.join(root, '.cache', `node${MAJOR}-${process.platform}-${process.arch}`);
const bin = path.join(dir, 'package', 'bin', 'node');

if (!existsSync(bin)) {
  console.log(`== fetching Node ${MAJOR} (${pkg}) into ${path.relative(root, dir)}/`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', pkg, '--prefer-offline', '--json', '--pack-destination', dir], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    execFileSync('tar', ['-xzf', path.join(dir, packed[0].filename), '-C', dir]);
    rmSync(path.join(dir, packed[0].filename));
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    console.error(
      `Could not fetch Node ${MAJOR} as the npm package ${pkg} (${error.message.split('\n')[0]}). ` +
        'Check that npm can reach its registry, or run the same tests on this Node with `npm run test:server`.',
    );
    process.exit(1);
  }
}

const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
console.log(`== node ${process.argv.slice(2).join(' ')} on Node ${version}`);
const result = spawnSync(bin, process.argv.slice(2), { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
