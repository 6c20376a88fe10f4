// What installing and importing the published package costs a user of the built-in embedder:
// packs the repository (`npm pack`: dist/ as built, so run `npm run build` first), installs the
// tarball into a fresh temporary project from the npm cache (works offline once the
// repository's own `npm ci` has filled the cache; the optional peer transformers.js is left
// out), and measures, each in a fresh node process, the import's time and memory and whether
// any onnxruntime or sharp library was mapped into the process (/proc/self/maps).
//
//   npx tsx benchmarks/lib/bench-install.ts [--json]    this section alone
//   npm run bench                                       as one section of the speed benchmark

import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Cell } from './report.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The targets for an install without transformers.js. */
export const INSTALL_TARGETS = { nodeModulesMB: 60, importMs: 150, importRssMiB: 80 } as const;

/** Import repetitions per module format; the median is reported. */
const IMPORT_RUNS = 5;

/** Libraries that must not be mapped into a process that never asks for a model. */
const HEAVY_LIBRARIES = /onnxruntime|sharp|vips/i;

export interface ImportProbe {
  /** Median wall time of `import('samestory')` / `require('samestory')`. */
  ms: number;
  /** Resident memory of the process right after the import (median), and its growth during the import. */
  rss_mib: number;
  rss_growth_mib: number;
  /** onnxruntime / sharp / libvips files mapped after the import (should be none). */
  heavy_libraries: string[];
}

export interface InstallResult {
  tarball: { file: string; bytes: number; unpacked_bytes: number; files: number; source_maps: number };
  /** Bare specifiers the built files import or require, against package.json's dependencies. */
  dependencies: { declared: string[]; optional_peers: string[]; required_by_dist: string[]; matches: boolean };
  install: { command: string; seconds: number; node_modules_bytes: number; node_modules_disk_bytes: number; packages: number };
  import_esm: ImportProbe;
  import_cjs: ImportProbe;
  /** After the import: detecting one article's language (loads eld's model) in the same process. */
  first_detection: { ms: number; rss_mib: number; heavy_libraries: string[] };
  /** What TransformersEmbedder.create() says without the optional peer. */
  transformers_missing: { name: string; code: string; message: string };
  targets: typeof INSTALL_TARGETS;
}

/** benchInstall(), or undefined (with a note on stderr) when the package has not been built. */
export function benchInstallIfBuilt(): InstallResult | undefined {
  if (existsSync(join(REPO_ROOT, 'dist/index.js'))) return benchInstall();
  process.stderr.write('package install: skipped, dist/ is missing (run `npm run build` first)\n');
  return undefined;
}

export function benchInstall(): InstallResult {
  if (!existsSync(join(REPO_ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const work = mkdtempSync(join(tmpdir(), 'samestory-bench-install-'));
  try {
    const tarball = pack(work);
    const project = join(work, 'project');
    execFileSync('mkdir', [project]);
    // allowScripts: npm 11.19+ asks before running hnswlib-node's node-gyp build.
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bench-install', private: true, allowScripts: { 'hnswlib-node': true } }));
    const args = ['install', '--prefer-offline', '--omit=peer', '--no-audit', '--no-fund', '--loglevel=error', tarball.path];
    const started = performance.now();
    execFileSync('npm', args, { cwd: project, stdio: ['ignore', 'ignore', 'inherit'] });
    const seconds = (performance.now() - started) / 1000;
    const nodeModules = join(project, 'node_modules');
    const installed = join(nodeModules, 'samestory');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    const declared = Object.keys(pkg.dependencies ?? {}).sort();
    const optionalPeers = Object.keys(pkg.peerDependenciesMeta ?? {}).filter((name) => pkg.peerDependenciesMeta![name]!.optional).sort();
    const required = requiredPackages(join(installed, 'dist'));
    const esm = probeImports(project, 'esm');
    const cjs = probeImports(project, 'cjs');
    const detection = runProbe(project, 'esm', DETECTION_PROBE, []) as InstallResult['first_detection'];
    const transformersMissing = runProbe(project, 'esm', TRANSFORMERS_PROBE, [join(REPO_ROOT, 'models')]) as InstallResult['transformers_missing'];
    return {
      tarball: { file: tarball.name, bytes: tarball.bytes, unpacked_bytes: tarball.unpackedBytes, files: tarball.files, source_maps: tarball.sourceMaps },
      dependencies: {
        declared,
        optional_peers: optionalPeers,
        required_by_dist: required,
        matches: sameSet(required, [...declared, ...optionalPeers]),
      },
      install: {
        command: `npm ${args.slice(0, -1).join(' ')} samestory-<version>.tgz`,
        seconds,
        node_modules_bytes: treeBytes(nodeModules),
        node_modules_disk_bytes: Number(execFileSync('du', ['-sk', nodeModules], { encoding: 'utf8' }).split('\t')[0]) * 1024,
        packages: countPackages(nodeModules),
      },
      import_esm: esm,
      import_cjs: cjs,
      first_detection: detection,
      transformers_missing: transformersMissing,
      targets: INSTALL_TARGETS,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function pack(destination: string): { path: string; name: string; bytes: number; unpackedBytes: number; files: number; sourceMaps: number } {
  const output = execFileSync('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', destination], { cwd: REPO_ROOT, encoding: 'utf8' });
  const [info] = JSON.parse(output) as Array<{ filename: string; size: number; unpackedSize: number; entryCount: number; files: Array<{ path: string }> }>;
  return {
    path: join(destination, info!.filename),
    name: info!.filename,
    bytes: info!.size,
    unpackedBytes: info!.unpackedSize,
    files: info!.entryCount,
    sourceMaps: info!.files.filter((file) => file.path.endsWith('.map')).length,
  };
}

const PACKAGE_NAME = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]*)?$/;

/** Packages named by import/require/import() in the built files (Node's own modules left out). */
function requiredPackages(dist: string): string[] {
  const builtins = new Set(builtinModules);
  const found = new Set<string>();
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\d*\s*\(\s*|^\s*import\s+)["']([^"'./][^"']*)["']/gm;
  for (const file of readdirSync(dist)) {
    if (!/\.(c?js)$/.test(file)) continue;
    for (const match of readFileSync(join(dist, file), 'utf8').matchAll(specifier)) {
      const name = match[1]!;
      // Bundled data holds strings after `from` too: only what reads as a package name counts.
      if (!PACKAGE_NAME.test(name) || name.startsWith('node:') || builtins.has(name)) continue;
      found.add(name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!);
    }
  }
  return [...found].sort();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((value, i) => value === [...b].sort()[i]);
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else total += lstatSync(path).size;
  }
  return total;
}

function countPackages(nodeModules: string): number {
  let count = 0;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (entry.name.startsWith('@')) count += readdirSync(join(nodeModules, entry.name)).length;
    else count++;
  }
  return count;
}

// The probes run as plain JavaScript in the temporary project, so `samestory` resolves to the
// installed package and no TypeScript loader is in the process.
const HEAVY = `const heavy = () => [...new Set(require('node:fs').readFileSync('/proc/self/maps', 'utf8').split('\\n').map((l) => l.trim().split(/\\s+/)[5]).filter((p) => p && ${HEAVY_LIBRARIES}.test(p)))];`;
const MIB = 'const mib = (bytes) => bytes / 2 ** 20;';

const IMPORT_PROBE = {
  esm: `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); ${HEAVY} ${MIB}
const before = process.memoryUsage().rss; const started = performance.now();
await import('samestory');
const ms = performance.now() - started; const rss = process.memoryUsage().rss;
console.log(JSON.stringify({ ms, rss_mib: mib(rss), rss_growth_mib: mib(rss - before), heavy_libraries: heavy() }));`,
  cjs: `${HEAVY} ${MIB}
const before = process.memoryUsage().rss; const started = performance.now();
require('samestory');
const ms = performance.now() - started; const rss = process.memoryUsage().rss;
console.log(JSON.stringify({ ms, rss_mib: mib(rss), rss_growth_mib: mib(rss - before), heavy_libraries: heavy() }));`,
};

const DETECTION_PROBE = `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); ${HEAVY} ${MIB}
const { detectLanguage } = await import('samestory');
const started = performance.now();
const lang = detectLanguage('Der Gipfel in Brüssel endete am Abend ohne Einigung über den Haushalt.');
if (lang !== 'de') throw new Error('detected ' + lang);
console.log(JSON.stringify({ ms: performance.now() - started, rss_mib: mib(process.memoryUsage().rss), heavy_libraries: heavy() }));`;

const TRANSFORMERS_PROBE = `const { TransformersEmbedder } = await import('samestory');
const error = await TransformersEmbedder.create({ model: 'tiny-random-bert', localModelPath: process.argv[1] }).then(() => new Error('created'), (e) => e);
console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message }));`;

function runProbe(project: string, format: 'esm' | 'cjs', source: string, args: string[]): unknown {
  const flags = format === 'esm' ? ['--input-type=module', '-e', source] : ['-e', source];
  const output = execFileSync(process.execPath, [...flags, ...args], { cwd: project, encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

function probeImports(project: string, format: 'esm' | 'cjs'): ImportProbe {
  const runs = Array.from({ length: IMPORT_RUNS }, () => runProbe(project, format, IMPORT_PROBE[format], []) as ImportProbe);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return {
    ms: median(runs.map((r) => r.ms)),
    rss_mib: median(runs.map((r) => r.rss_mib)),
    rss_growth_mib: median(runs.map((r) => r.rss_growth_mib)),
    heavy_libraries: [...new Set(runs.flatMap((r) => r.heavy_libraries))],
  };
}

/** Rows of the install section: measured figure, target, whether it is met. */
export function installRows(result: InstallResult): Cell[][] {
  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  const t = result.targets;
  const libraries = (list: string[]) => (list.length === 0 ? 'none' : list.join(', '));
  return [
    ['tarball, MB (unpacked MB; files; source maps)', `${mb(result.tarball.bytes)} (${mb(result.tarball.unpacked_bytes)}; ${result.tarball.files}; ${result.tarball.source_maps})`, '–', '–'],
    ['packages dist requires (= dependencies + optional peers)', result.dependencies.required_by_dist.join(', '), 'equal', result.dependencies.matches],
    [`node_modules, MB (disk MB; ${result.install.packages} packages)`, `${mb(result.install.node_modules_bytes)} (${mb(result.install.node_modules_disk_bytes)})`, `≤ ${t.nodeModulesMB}`, result.install.node_modules_bytes / 1e6 <= t.nodeModulesMB],
    [`import (ESM), ms, median of ${IMPORT_RUNS}`, Math.round(result.import_esm.ms), `≤ ${t.importMs}`, result.import_esm.ms <= t.importMs],
    ['import (ESM), RSS MiB after (growth)', `${Math.round(result.import_esm.rss_mib)} (+${Math.round(result.import_esm.rss_growth_mib)})`, `≤ ${t.importRssMiB}`, result.import_esm.rss_mib <= t.importRssMiB],
    ['require (CJS), ms; RSS MiB after', `${Math.round(result.import_cjs.ms)}; ${Math.round(result.import_cjs.rss_mib)}`, `≤ ${t.importMs}; ≤ ${t.importRssMiB}`, result.import_cjs.ms <= t.importMs && result.import_cjs.rss_mib <= t.importRssMiB],
    ['onnxruntime/sharp libraries mapped after import', libraries([...result.import_esm.heavy_libraries, ...result.import_cjs.heavy_libraries]), 'none', result.import_esm.heavy_libraries.length + result.import_cjs.heavy_libraries.length === 0],
    ['first language detection (loads eld), ms; RSS MiB after; libraries', `${Math.round(result.first_detection.ms)}; ${Math.round(result.first_detection.rss_mib)}; ${libraries(result.first_detection.heavy_libraries)}`, '–', '–'],
    ['TransformersEmbedder.create() without transformers.js', `${result.transformers_missing.name} [${result.transformers_missing.code}]`, 'typed error', result.transformers_missing.code === 'TRANSFORMERS_UNAVAILABLE'],
  ];
}

export const INSTALL_HEADERS = ['what', 'measured', 'target', 'met'] as const;

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { textTable } = await import('./report.js');
  const result = benchInstall();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${textTable(INSTALL_HEADERS, installRows(result))}\n\ninstall: ${result.install.command} (${result.install.seconds.toFixed(1)} s)\n`);
}
