import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_ROOT, startPlaylists, type RunningPlaylists } from '../scripts/start-playlists.js';
import { forbidNodeBuiltins } from './node-builtins-guard.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const OUTPUT = fileURLToPath(new URL('../test-output/', import.meta.url));
const BUILD = join(OUTPUT, 'dist');
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

let bundled: string[] = [];

// The production build the browser test serves, made with a guard that fails on any Node built-in.
beforeAll(async () => {
  await mkdir(OUTPUT, { recursive: true });
  const output = await build({
    configFile: join(EXAMPLE_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    plugins: [forbidNodeBuiltins()],
    build: { outDir: BUILD, emptyOutDir: true },
  });
  bundled = modulesOf(output).map((id) => relative(REPO, id));
}, 180_000);

describe('the browser build of react-playlists', () => {
  it('bundles core, the fetch entry of http and the hooks, without Node built-ins', async () => {
    // forbidNodeBuiltins failed the build otherwise; here: the right sources are in it, and no browser stub.
    // Barrels are tree-shaken away; these modules do the work.
    for (const used of ['core/src/settee/settee.ts', 'core/src/repository/live-find.ts', 'http/src/index.ts', 'http/src/live-changes.ts']) {
      expect(bundled).toContain(`packages/${used}`);
    }
    expect(bundled).toContain('packages/react/src/live-store.ts');
    expect(bundled.filter((id) => /packages\/(http\/src\/node|engine|server)/.test(id))).toEqual([]);
    const assets = await readdir(join(BUILD, 'assets'));
    for (const file of assets.filter((name) => name.endsWith('.js'))) {
      const code = await readFile(join(BUILD, 'assets', file), 'utf8');
      expect(code).not.toContain('__vite-browser-external');
    }
  });

  it('would fail: the guard stops a build that imports a Node built-in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'settee-guard-'));
    try {
      await writeFile(join(dir, 'index.html'), '<script type="module" src="./main.js"></script>');
      await writeFile(join(dir, 'main.js'), "import { createHash } from 'node:crypto';\nconsole.log(createHash('md5'));\n");
      const guarded = build({ root: dir, configFile: false, logLevel: 'silent', plugins: [forbidNodeBuiltins()], build: { write: false } });
      await expect(guarded).rejects.toThrow('imports the Node built-in "node:crypto"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!existsSync(CHROMIUM))('react-playlists in headless Chromium (needs /usr/bin/chromium: scripts/ensure-chromium.sh)', () => {
  let running: RunningPlaylists | undefined;
  let profile = '';
  let browser: BrowserContext | undefined;

  beforeAll(async () => {
    running = await startPlaylists({ mode: 'preview', outDir: BUILD, prebuilt: true });
    profile = await mkdtemp(join(tmpdir(), 'settee-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    if (profile !== '') await rm(profile, { recursive: true, force: true });
  });

  it('adds a song in one tab and shows it in the other without a reload', async () => {
    const errors: string[] = [];
    const [adder, watcher] = [await browser!.newPage(), await browser!.newPage()];
    for (const page of [adder, watcher]) page.on('pageerror', (error) => errors.push(error.message));
    await Promise.all([openPlaylists(adder, running!.url), openPlaylists(watcher, running!.url)]);

    // A reload would replace the document and lose this mark, and would count as a navigation.
    await watcher.evaluate(() => document.body.setAttribute('data-mark', 'never-reloaded'));
    let navigations = 0;
    watcher.on('framenavigated', (frame) => {
      if (frame === watcher.mainFrame()) navigations++;
    });

    const form = adder.getByRole('form', { name: 'Add a song to Road trip' });
    await form.getByRole('button', { name: 'Add song' }).click();
    await form.getByRole('alert').filter({ hasText: 'A song needs a title' }).waitFor();

    await form.getByLabel('Title').fill('Blank Space');
    await form.getByLabel('Artist').fill('Taylor Swift');
    await form.getByRole('button', { name: 'Add song' }).click();

    const roadTrip = watcher.getByRole('region', { name: 'Road trip' });
    await roadTrip.getByText('Blank Space — Taylor Swift').waitFor({ timeout: 20_000 });
    expect(await roadTrip.getByRole('listitem').allTextContents()).toEqual(['Holocene — Bon Iver', 'Blank Space — Taylor Swift']);
    await watcher.getByTestId('last-change').filter({ hasText: 'Last change: Road trip' }).waitFor();
    expect(await watcher.evaluate(() => document.body.getAttribute('data-mark'))).toBe('never-reloaded');
    expect(navigations).toBe(0);
    expect(await form.getByLabel('Title').inputValue()).toBe('');

    await adder.screenshot({ path: join(OUTPUT, 'tab-1-adder.png'), fullPage: true });
    await watcher.screenshot({ path: join(OUTPUT, 'tab-2-watcher.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});

async function openPlaylists(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Playlists' }).waitFor({ timeout: 20_000 });
}

/** The ids of every module in the build's chunks. */
function modulesOf(output: Awaited<ReturnType<typeof build>>): string[] {
  const outputs: Rolldown.RolldownOutput[] = Array.isArray(output) ? output : 'output' in output ? [output] : [];
  return outputs.flatMap((o) => o.output.flatMap((chunk) => (chunk.type === 'chunk' ? chunk.moduleIds : [])));
}
