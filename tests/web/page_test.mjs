// The web page in a real browser: Debian's chromium, headless, driven by puppeteer-core (no browser download),
// against the site the `web` target built, served from loopback. Each scenario compares the page with the native
// hackemu on the same program (independent of the page's own code) and saves a screenshot for the eye.
// usage: node page_test.mjs SCENARIO SITE_DIR HACKEMU SAMPLES_DIR OUT_DIR TEST_PROGRAMS_DIR
// (the server also serves TEST_PROGRAMS_DIR as /tests/ and tests/web/fixtures as /fixtures/, with a files.txt for
// each folder, as a teacher's server would list a folder)
// Exit 77 (skipped) when chromium is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import puppeteer from 'puppeteer-core';

const [scenario, site, hackemuArg, samples, outDir, testPrograms] = process.argv.slice(2);
const hackemu = path.resolve(hackemuArg);
const CHROMIUM = process.env.HACK_CHROMIUM || '/usr/bin/chromium';
const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures'); // served as /fixtures/
const DEBUG_PROGRAMS = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'debug'); // /debugprograms/
const MEMORY_BENCH = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'memory_bench'); // /memory_bench/
if (!fs.existsSync(CHROMIUM)) {
  console.log(`skipped: no browser at ${CHROMIUM} (apt-get install chromium)`);
  process.exit(77);
}
fs.mkdirSync(outDir, { recursive: true });

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
                '.txt': 'text/plain' };
function serve(root, tests) {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost');
    let pathname = path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    let top = root;
    if (pathname.startsWith('/tests/') && tests) {
      top = tests;
      pathname = pathname.slice('/tests'.length);
    } else if (pathname.startsWith('/fixtures/')) {
      top = FIXTURES;
      pathname = pathname.slice('/fixtures'.length);
    } else if (pathname.startsWith('/debugprograms/')) {
      top = DEBUG_PROGRAMS;
      pathname = pathname.slice('/debugprograms'.length);
    } else if (pathname.startsWith('/memory_bench/')) {
      top = MEMORY_BENCH;
      pathname = pathname.slice('/memory_bench'.length);
    }
    const file = path.join(top, pathname);
    const isDir = (p) => { try { return fs.statSync(p).isDirectory(); } catch (e) { return false; } };
    if (path.basename(file) === 'files.txt' && !fs.existsSync(file) && isDir(path.dirname(file))) {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end(fs.readdirSync(path.dirname(file)).filter((n) => /\.(jack|vm|asm|hack|tst|cmp)$/.test(n)).join('\n'));
      return;
    }
    if (!file.startsWith(top) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      response.writeHead(404);
      response.end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// A PNG as hackemu writes them (8-bit RGB or gray, not interlaced) read back: {width, height, channels, pixels}
function readPng(file) {
  const data = fs.readFileSync(file);
  let at = 8, width = 0, height = 0, channels = 0;
  const idat = [];
  while (at < data.length) {
    const length = data.readUInt32BE(at), type = data.toString('latin1', at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      channels = { 0: 1, 2: 3 }[body[9]];
    }
    if (type === 'IDAT') idat.push(body);
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels, pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)], line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0, b = y ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      pixels[y * stride + x] = (line[x] + predictor) & 255;
    }
  }
  return { width, height, channels, pixels };
}

function fail(message) {
  console.log('FAIL: ' + message);
  process.exitCode = 1;
}

// hackemu on the same program: the words of the screen at a cycle, and what it says
function nativeRun(args) {
  try {
    return execFileSync(hackemu, ['--headless', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return (e.stdout || '') + (e.stderr || '');
  }
}
// The screen at a cycle of the machine's time. hackemu's --cycles counts the instructions run, and the time a
// program waits for the next scripted key passes without any (Snake waits for a key to start), while the
// page's &cycles is the machine's time: the instructions are the time less the waits.
function nativeScreen(program, cycles, keys) {
  const timed = nativeRun([program, '--cycles', String(cycles), '--keys', keys, '--count']);
  const time = Number((/^cycles=(\d+)$/m.exec(timed) || [0, cycles])[1]);
  const out = nativeRun([program, '--cycles', String(cycles - (time - cycles)), '--keys', keys, '--ram', '16384-24575']);
  const words = [];
  for (const line of out.split('\n')) {
    const m = /^RAM\[(\d+)\]=(-?\d+)$/.exec(line);
    if (m) words[Number(m[1]) - 16384] = (Number(m[2]) + 65536) % 65536;
  }
  return words;
}

const server = await serve(path.resolve(site), testPrograms && path.resolve(testPrograms));
const base = `http://127.0.0.1:${server.address().port}/index.html`;
const profile = fs.mkdtempSync(path.join(outDir, 'chromium-'));
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  userDataDir: profile,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  if (scenario === 'snake') {
    // Snake by link, with keys at given cycles, paused at a cycle: the screen is the native run's at that cycle,
    // word for word, and the canvas shows exactly those pixels
    // (a key starts the game: space at 400,000, once the field is drawn; then up and left)
    const cycles = 600000, keys = '400000:32,410000:0,520000:131,530000:0,540000:130,545000:0';
    await page.goto(`${base}?run=samples/Snake&keys=${keys}&cycles=${cycles}`);
    await page.waitForFunction(() => document.title.includes('paused'), { timeout: 30000 });
    const shown = await page.evaluate(() => window.hackPage.cycles());
    if (shown !== cycles) fail(`paused at cycle ${shown}, not ${cycles}`);
    const words = await page.evaluate(() => window.hackPage.ram(16384, 8192));
    const expected = nativeScreen(path.join(samples, 'Snake'), cycles, keys);
    if (expected.length !== 8192) fail(`hackemu gave ${expected.length} screen words`);
    const differ = words.findIndex((w, i) => w !== expected[i]);
    if (differ >= 0) fail(`screen word ${differ} is ${words[differ]} in the page, ${expected[differ]} in hackemu`);
    const pixels = await page.evaluate(() => {
      const c = document.getElementById('screen');
      return Array.from(c.getContext('2d').getImageData(0, 0, 512, 256).data.filter((_, i) => i % 4 === 0));
    });
    let wrong = 0;
    for (let i = 0; i < 512 * 256; i++) {
      const black = (expected[i >> 4] >> (i & 15)) & 1;
      if ((pixels[i] === 0) !== !!black) wrong++;
    }
    if (wrong) fail(`${wrong} canvas pixels differ from hackemu's screen`);
    const status = await page.$eval('#status', (e) => e.textContent);
    if (!status.includes('paused at cycle 600000')) fail(`status: ${status}`);
    await page.screenshot({ path: path.join(outDir, 'snake.png') });
  } else if (scenario === 'drop') {
    // drag and drop as the browser does it from the desktop (the files' paths, through the DevTools protocol):
    // a Jack folder opens with hackemu's notes; single files (a script, its .cmp, its program) run their test
    await page.goto(base);
    await page.waitForFunction(() => window.hackPage.ready(), { timeout: 30000 });
    const drop = async (files) => {
      const cdp = await page.createCDPSession();
      const data = { items: [], files, dragOperationsMask: 1 };
      for (const type of ['dragEnter', 'dragOver', 'drop']) await cdp.send('Input.dispatchDragEvent', { type, x: 300, y: 300, data });
      await cdp.detach();
    };
    await drop([path.join(samples, 'Snake')]);
    await page.waitForFunction(() => document.title === 'Snake - hack', { timeout: 30000 }).catch(async () => {
      throw new Error(`no Snake after the drop: title "${await page.title()}", status "${await page.$eval('#status', (e) => e.textContent)}"`);
    });
    const messages = await page.$eval('#messages', (e) => e.textContent);
    const notes = nativeRun([path.join(samples, 'Snake'), '--cycles', '1']).split('\n').filter((l) => /note:/.test(l))
      .map((l) => l.replace(/^.*jack_samples\/Snake: /, 'Snake: '));
    if (notes.length !== 2) fail(`hackemu gave ${notes.length} notes: ${notes}`);
    for (const note of notes) if (!messages.includes(note)) fail(`the dropped folder's messages lack "${note}":\n${messages}`);
    await page.screenshot({ path: path.join(outDir, 'drop-folder.png') });
    await drop(['Sum.tst', 'Sum.cmp', 'sum.asm'].map((n) => path.join(FIXTURES, 'Sum', n)));
    await page.waitForFunction(() => document.getElementById('tests').value === 'Sum.tst', { timeout: 30000 });
    await page.evaluate(() => document.getElementById('test').click()); // (the button, whatever the mouse is over)
    await page.waitForFunction(() => / - (passed|failed) - /.test(document.title), { timeout: 60000 }).catch(async () => {
      throw new Error(`the dropped Sum.tst did not end: title "${await page.title()}", status ` +
                      `"${await page.$eval('#status', (e) => e.textContent)}", messages "${await page.$eval('#messages', (e) => e.textContent)}"`);
    });
    if ((await page.title()) !== 'Sum.tst - passed - hack') fail(`the dropped Sum.tst: ${await page.title()}`);
  } else if (scenario === 'pong') {
    // the course's Pong.asm brings its own Sys.wait, a loop tuned for the course's CPU emulator: the page runs
    // it at that clock, so the game moves at the speed its authors meant (measured over 3 s of running)
    const listed = await (await fetch(`${base.replace('index.html', '')}samples.txt`)).text();
    if (!listed.includes('course/06/pong')) {
      console.log('skipped: the site has no course programs (the course\'s files were not beside the project at build time)');
      process.exitCode = 77;
    } else {
      await page.goto(`${base}?run=course/06/pong/Pong.asm`);
      await page.waitForFunction(() => window.hackPage.running(), { timeout: 30000 });
      const messages = await page.$eval('#messages', (e) => e.textContent);
      const clock = /loop tuned for ([\d.]+) MHz/.exec(messages);
      if (!clock) fail(`no pacing note for Pong.asm:\n${messages}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const [c0, t0] = await page.evaluate(() => [window.hackPage.cycles(), performance.now()]);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const [c1, t1] = await page.evaluate(() => [window.hackPage.cycles(), performance.now()]);
      const mhz = (c1 - c0) / (t1 - t0) / 1000;
      console.log(`Pong.asm ran at ${mhz.toFixed(2)} MHz; its clock is ${clock && clock[1]} MHz`);
      if (clock && Math.abs(mhz / Number(clock[1]) - 1) > 0.15) fail(`Pong.asm ran at ${mhz.toFixed(2)} MHz, not ${clock[1]}`);
      await page.screenshot({ path: path.join(outDir, 'pong.png') });
    }
  } else if (scenario === 'keys') {
    // the keyboard: each key gives the course's code in RAM[24576] while it is down, 0 after
    await page.goto(`${base}?run=samples/Typewriter`);
    await page.waitForFunction(() => !document.getElementById('run').disabled, { timeout: 30000 });
    await page.click('#screen');
    const table = [['a', 65], ['q', 81], ['z', 90], ['0', 48], ['9', 57], [' ', 32], ['Enter', 128], ['Backspace', 129],
                   ['ArrowLeft', 130], ['ArrowUp', 131], ['ArrowRight', 132], ['ArrowDown', 133], ['Home', 134],
                   ['End', 135], ['PageUp', 136], ['PageDown', 137], ['Insert', 138], ['Delete', 139],
                   ['Escape', 140], ['F1', 141], ['F12', 152], ['-', 45], ['/', 47]];
    // (each key state reaches the program in turn, a frame of running at least: read after two frames)
    const frames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    for (const [key, code] of table) {
      await page.keyboard.down(key);
      await frames();
      const down = await page.evaluate(() => window.hackPage.ram(24576, 1)[0]);
      await page.keyboard.up(key);
      await frames();
      const up = await page.evaluate(() => window.hackPage.ram(24576, 1)[0]);
      if (down !== code || up !== 0) fail(`${key}: ${down} while down, ${up} after (the course: ${code}, 0)`);
    }
    // a letter is its capital with Shift too (the course's emulator), and shift gives the symbols on digit keys
    await page.keyboard.down('Shift');
    for (const [key, code] of [['A', 65], ['Q', 81], ['!', 33], ['(', 40]]) {
      await page.keyboard.down(key);
      await frames();
      const down = await page.evaluate(() => window.hackPage.ram(24576, 1)[0]);
      await page.keyboard.up(key);
      await frames();
      if (down !== code) fail(`shift+${key}: ${down} (the course: ${code})`);
    }
    await page.keyboard.up('Shift');
    // typed fast (each key down and up within a millisecond, as a quick typist's rollover): every key reaches
    // Keyboard.readChar, which echoes it; the line comes out in the messages at Enter
    await page.goto(`${base}?run=samples/Typewriter`); // (again: Esc above ended it)
    await page.waitForFunction(() => window.hackPage.running(), { timeout: 30000 });
    await page.click('#screen');
    await page.keyboard.type('hello world 12345', { delay: 0 });
    await page.keyboard.press('Enter');
    // (letters come as capitals, the course's codes)
    await page.waitForFunction(() => document.getElementById('messages').textContent.includes('HELLO WORLD 12345'),
                               { timeout: 10000 }).catch(async () => {
      fail(`typed fast, the program saw: ${(await page.$eval('#messages', (e) => e.textContent)).split('\n').slice(-3).join(' | ')}`);
    });
  } else if (scenario === 'crash') {
    // a machine error: the status line says what hackemu says, with the Jack call stack
    await page.goto(`${base}?run=tests/BadPointer`);
    await page.waitForFunction(() => document.getElementById('status').classList.contains('error'),
                               { timeout: 30000 });
    const status = await page.$eval('#status', (e) => e.textContent);
    const native = nativeRun([path.join(testPrograms, 'BadPointer')]).split('\n')
      .filter((l) => l.startsWith('hackemu: ') && l.includes('machine error') || l.startsWith('  '))
      .map((l) => l.replace(/^hackemu: [^:]*BadPointer: /, 'BadPointer: ')).join('\n');
    if (!native.includes('machine error')) fail(`hackemu said: ${native}`);
    if (status.trim() !== native.trim()) fail(`the status line says\n${status}\nhackemu says\n${native}`);
    if (!/\(Main\.jack:\d+\)/.test(status)) fail(`no Jack line in the status: ${status}`);
    // each frame is a link to its line: the student's file, and hackemu's OS
    await page.click('#status a.frame');
    const first = /\((Main\.jack):(\d+)\)/.exec(status);
    const title = await page.$eval('#source-title', (e) => e.textContent);
    const marked = await page.$eval('#source .here', (e) => e.textContent);
    const line = fs.readFileSync(path.join(testPrograms, 'BadPointer', first[1]), 'utf8').split('\n')[Number(first[2]) - 1];
    if (title !== `${first[1]}, line ${first[2]}`) fail(`the source pane's title: ${title}`);
    if (marked.replace(/^\d+/, '') !== line + '\n') fail(`the marked line: ${marked}, the file's: ${line}`);
    await page.screenshot({ path: path.join(outDir, 'crash.png') });
    const links = await page.$$('#status a.frame');
    await links[links.length - 1].click(); // Sys.init (Sys.jack:N): hackemu's OS
    const osTitle = await page.$eval('#source-title', (e) => e.textContent);
    if (!/^Sys\.jack \(hackemu's OS\), line \d+$/.test(osTitle)) fail(`the OS frame's source: ${osTitle}`);
  } else if (scenario === 'heapcheck') {
    // the heap check as a switch: its findings in the page are hackemu --check-heap's, word for word
    await page.goto(`${base}?run=samples/bugs/OffByOne&check-heap`);
    await page.waitForFunction(() => document.title.includes('OffByOne') && !window.hackPage.running(),
                               { timeout: 30000 });
    await page.waitForFunction(() => document.getElementById('run').disabled, { timeout: 30000 });
    const messages = await page.$eval('#messages', (e) => e.textContent);
    const native = nativeRun([path.join(samples, 'bugs', 'OffByOne'), '--check-heap']);
    const findings = native.split('\n').filter((l) => /^heap check|^  /.test(l));
    if (!findings.length) fail(`hackemu --check-heap found nothing: ${native}`);
    for (const line of findings)
      if (!messages.includes(line.replace(/jack_samples\/bugs\//g, ''))) fail(`missing from the page: ${line}`);
    if (!(await page.$eval('#status', (e) => e.classList.contains('error')))) fail('the status line is not an error');
    await page.screenshot({ path: path.join(outDir, 'heapcheck.png') });
  } else if (scenario === 'script') {
    // a test script by link: the verdict hackemu gives, passing and failing, and the .out to download
    for (const name of ['Sum.tst', 'SumWrong.tst']) {
      await page.goto(`${base}?run=fixtures/Sum/${name}`);
      await page.waitForFunction(() => / - (passed|failed) - /.test(document.title), { timeout: 30000 });
      const status = await page.$eval('#status', (e) => e.textContent);
      const native = nativeRun([path.join(FIXTURES, 'Sum', name), '--out-dir', outDir])
        .replace(/^.*fixtures\/Sum\//gm, 'Sum/');
      const nativeLines = native.split('\n');
      const verdict = /Comparison (ended successfully|failure at line \d+)/.exec(status);
      if (!verdict || !native.includes(verdict[0])) fail(`${name}: the status says\n${status}\nhackemu says\n${native}`);
      for (const line of status.trim().split('\n'))
        if (!nativeLines.includes(line)) fail(`${name}: the status line "${line}" is not hackemu's (${native})`);
      const link = await page.$eval('#out-link', (e) => (e.hidden ? '' : e.download));
      if (link !== name.replace('.tst', '.out')) fail(`${name}: no .out to download (${link})`);
      await page.screenshot({ path: path.join(outDir, name.replace('.tst', '.png')) });
    }
    // the RAM the script left, in the RAM table's source: R0 = 1 + ... + 100
    const r0 = await page.evaluate(() => window.hackPage.ram(0, 1)[0]);
    if (r0 !== 5050) fail(`after SumWrong.tst the page's RAM[0] is ${r0}, not 5050`);
    // a script that never ends runs in its worker: the page answers meanwhile, and Stop ends it
    await page.goto(`${base}?run=fixtures/Sum/Spin.tst`);
    await page.waitForFunction(() => window.hackPage.testRunning(), { timeout: 30000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const answered = await Promise.race([
      page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(true)))),
      new Promise((resolve) => setTimeout(() => resolve(false), 1000))]);
    if (!answered) fail('the page drew no frame in 1 s while Spin.tst ran');
    if (!(await page.evaluate(() => window.hackPage.testRunning()))) fail('Spin.tst ended before Stop');
    await page.screenshot({ path: path.join(outDir, 'spin.png') });
    await page.click('#test-stop');
    const stopped = await page.$eval('#status', (e) => e.textContent);
    if (!/Spin\.tst: stopped before its end/.test(stopped)) fail(`after Stop the status says: ${stopped}`);
    if (await page.evaluate(() => window.hackPage.testRunning())) fail('the test still runs after Stop');
    // the folder itself by link: its only program (sum.asm) runs, as hackemu runs it, with its note
    await page.goto(`${base}?run=fixtures/Sum`);
    await page.waitForFunction(() => window.hackPage.ended(), { timeout: 30000 });
    const folderMessages = await page.$eval('#messages', (e) => e.textContent);
    if (!folderMessages.includes("note: running sum.asm, the folder's program"))
      fail(`?run=fixtures/Sum: ${folderMessages}`);
    const sum = await page.evaluate(() => window.hackPage.ram(0, 1)[0]);
    if (sum !== 5050) fail(`?run=fixtures/Sum left RAM[0] = ${sum}`);

  } else if (scenario === 'membench') {
    // grading in the page: the records are hackemu --test-memory --format=csv's, reference rows included
    const students = ['memory_bench/firstfit', 'memory_bench/overlap', 'memory_bench/nomerge'];
    await page.goto(`${base}?grade=${students.join(',')}`);
    await page.waitForFunction(() => document.title === 'graded - hack', { timeout: 170000 });
    const csv = await page.evaluate(() => window.hackPage.benchCsv());
    const native = spawnSync(hackemu, ['--test-memory', '--format=csv', '-j', '2', ...students],
                             { cwd: path.dirname(MEMORY_BENCH), encoding: 'utf8' }).stdout; // (status 7: failures)
    // (hackemu's lines go on with the grading's columns, group to hint: the page's are the first ones exactly)
    const a = csv.split('\n'), b = native.split('\n');
    const i = a.length !== b.length ? Math.min(a.length, b.length) - 1
      : a.findIndex((line, k) => line !== b[k] && !(line !== '' && b[k].startsWith(line + ',')));
    if (i >= 0) fail(`the page's CSV differs from hackemu's at line ${i + 1}:\n  page:    ${a[i]}\n  hackemu: ${b[i]}`);
    const cells = await page.$$eval('#bench-table td.cell', (tds) => tds.length);
    if (cells !== 5 * 10) fail(`${cells} cells in the table, not 50`);
    // the figures program's cell shows the heap over time, as the report does (Stress: the 10th program)
    await page.click('#bench-table tr:nth-child(2) td.cell:nth-of-type(10)');
    const shown = await page.$eval('#timeline-figure', (e) => !e.hidden);
    const caption = await page.$eval('#timeline-caption', (e) => e.textContent);
    if (!shown || !/^The heap over time: left to right, \d+ moments/.test(caption)) fail(`no heap over time: ${caption}`);
    await page.screenshot({ path: path.join(outDir, 'membench.png'), fullPage: true });
  } else if (scenario === 'debug') {
    // the debugger: a breakpoint by link stops there, the stack and the arguments are hackemu --debug's answers,
    // Next goes where hackemu's next goes, a click on a line number sets a breakpoint there
    const program = path.join(DEBUG_PROGRAMS, 'Recursion');
    const native = spawnSync(hackemu, ['--debug', program],
                             { input: 'break Main.fact\nrun\nbacktrace\ninfo args\nnext\n', encoding: 'utf8' }).stdout;
    const answer = (command) => {
      const at = native.indexOf('(hackdb) ' + command);
      const rest = native.slice(at + 9 + command.length + 1);
      return rest.slice(0, rest.indexOf('(hackdb)')).trim();
    };
    await page.goto(`${base}?run=debugprograms/Recursion&debug&break=Main.fact`);
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('Breakpoint 1'),
                               { timeout: 30000 });
    const stack = await page.$eval('#d-stack', (e) => e.innerText);
    for (const command of ['backtrace', 'info args'])
      if (!stack.includes(answer(command))) fail(`the stack pane lacks hackemu's ${command}:\n${answer(command)}\n--- page:\n${stack}`);
    let here = await page.$eval('#source .here', (e) => e.textContent);
    if (!/^4\s+let count = count \+ 1;/.test(here)) fail(`the marked line at the breakpoint: ${here}`);
    await page.click('#d-next');
    here = await page.$eval('#source .here', (e) => e.textContent);
    const next = answer('next').split('\n').pop(); // "5\t        if (n < 2) {"
    if (here.replace(/\s+/g, ' ').trim() !== next.replace(/\s+/g, ' ').trim()) fail(`after Next: ${here} (hackemu: ${next})`);
    const numbers = await page.$$('#source .number');
    await numbers[11].click(); // line 12: let r = Main.fact(5);
    const info = await page.evaluate(() => window.hackPage.debugCommand('info breakpoints'));
    if (!/Main\.jack:12/.test(info)) fail(`no breakpoint at Main.jack:12 after the click: ${info}`);
    if (!(await page.$eval('#source .line:nth-child(12)', (e) => e.classList.contains('break')))) fail('line 12 shows no mark');
    await page.screenshot({ path: path.join(outDir, 'debug.png'), fullPage: true });
    // a watch from the list's field: Continue stops where hackemu's watch stops, and the list shows it
    const watched = spawnSync(hackemu, ['--debug', program], { input: 'watch Main.count\nrun\n', encoding: 'utf8' }).stdout;
    await page.goto(`${base}?run=debugprograms/Recursion&debug&cycles=1`);
    await page.waitForFunction(() => document.title.includes('paused'), { timeout: 30000 });
    await page.type('#d-watch', 'Main.count');
    await page.click('#d-watch-add');
    const points = await page.$eval('#d-points', (e) => e.innerText);
    if (!/watchpoint \d+: Main\.count -> RAM\[16\]/.test(points)) fail(`the list: ${points}`);
    await page.click('#d-continue');
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('Watchpoint 1'),
                               { timeout: 30000 });
    const output = await page.$eval('#d-output', (e) => e.textContent);
    for (const line of ['Watchpoint 1: Main.count', 'Old value = 0', 'New value = 1'])
      if (!watched.includes(line) || !output.includes(line)) fail(`the watch stop lacks hackemu's ${line}: ${output}`);
    // objects open to their fields: hackemu --debug's print *p, field by field
    const objects = path.join(DEBUG_PROGRAMS, 'Objects');
    const printed = spawnSync(hackemu, ['--debug', objects], { input: 'break Main.jack:9\nrun\nprint *p\n',
                                                               encoding: 'utf8' }).stdout;
    const fields = /\*p = \(Point\) \d+ \{(.*)\}/.exec(printed)[1].split(', '); // ["x = 3", "y = 4"]
    await page.goto(`${base}?run=debugprograms/Objects&debug&break=Main.jack:9`);
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('Breakpoint 1'),
                               { timeout: 30000 });
    const rows = await page.$$('#d-stack div');
    let opened = false;
    for (const row of rows) {
      if (!(await row.evaluate((e) => /^\s*\S+\s*Point p = /.test(e.textContent)))) continue;
      await (await row.$('a.expand')).click();
      opened = true;
    }
    if (!opened) fail('no Point p to open in the stack pane');
    const pane = await page.$eval('#d-stack', (e) => e.innerText);
    for (const f of fields) if (!pane.includes('p.' + f)) fail(`p's field ${f} is not shown: ${pane}`);
    await page.screenshot({ path: path.join(outDir, 'objects.png'), fullPage: true });
    // finish from a function that waits in Sys.wait (real time in the page): the wait passes, as in --debug
    await page.goto(`${base}?run=fixtures/Waits&debug&break=Main.pause`);
    await page.waitForFunction(() => /Breakpoint 1, Main\.pause/.test(document.getElementById('status').textContent),
                               { timeout: 30000 });
    await page.click('#d-finish');
    await page.waitForFunction(() => /Value returned|waits/.test(document.getElementById('d-output').textContent),
                               { timeout: 30000 });
    const finished = await page.$eval('#d-output', (e) => e.textContent);
    const nativeFinish = spawnSync(hackemu, ['--debug', path.join(FIXTURES, 'Waits')],
                                   { input: 'break Main.pause\nrun\nfinish\nquit\n', encoding: 'utf8' }).stdout;
    const line = /\nMain\.main \(Main\.jack:\d+\)\n/.exec(nativeFinish);
    if (!line) fail(`hackemu --debug's finish: ${nativeFinish}`);
    else if (!finished.includes(line[0].trim()) || /waits/.test(finished))
      fail(`finish in the page: ${finished}\nhackemu: ${nativeFinish}`);
  } else if (scenario === 'ram') {
    // the RAM table: a variable's address as --ram takes it, three formats, a word edited in hex
    await page.goto(`${base}?run=fixtures/Sum/sum.asm&ram=i`);
    await page.waitForFunction(() => document.getElementById('run').disabled, { timeout: 30000 }); // (it halts)
    const native = nativeRun([path.join(FIXTURES, 'Sum', 'sum.asm'), '--ram', 'i', '--ram', '0']);
    const i = Number(/^RAM\[16\]=(-?\d+)$/m.exec(native)[1]);
    let cells = await page.$$eval('#ram-table td', (tds) => tds.map((td) => td.textContent));
    if (cells[0] !== '16' || cells[1] !== String(i)) fail(`the table at i: ${cells.slice(0, 2)} (hackemu: RAM[16]=${i})`);
    await page.$eval('#ram-address', (e) => { e.value = '0'; e.dispatchEvent(new Event('input')); });
    await page.select('#ram-format', '16');
    cells = await page.$$eval('#ram-table td', (tds) => tds.map((td) => td.textContent));
    const r0 = Number(/^RAM\[0\]=(-?\d+)$/m.exec(native)[1]);
    const hex = '0x' + ((r0 + 65536) % 65536).toString(16).toUpperCase().padStart(4, '0');
    if (cells[1] !== hex) fail(`RAM[0] in hex: ${cells[1]}, hackemu's ${r0} is ${hex}`);
    await page.select('#ram-format', '2');
    cells = await page.$$eval('#ram-table td', (tds) => tds.map((td) => td.textContent));
    if (cells[1] !== ((r0 + 65536) % 65536).toString(2).padStart(16, '0')) fail(`RAM[0] in binary: ${cells[1]}`);
    await page.select('#ram-format', '16');
    await page.click('#ram-table tr:nth-child(3) td.value'); // RAM[2]
    await page.keyboard.press('Backspace');
    await page.keyboard.type('0x7FFF');
    await page.keyboard.press('Enter');
    const r2 = await page.evaluate(() => window.hackPage.ram(2, 1)[0]);
    if (r2 !== 0x7fff) fail(`RAM[2] after the edit: ${r2}`);
    // the VM segments: where the pointers point (a VM program stopped in a function), eight words each
    await page.goto(`${base}?run=debugprograms/Recursion&debug&break=Main.fact&ram=0`);
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('Breakpoint 1'),
                               { timeout: 30000 });
    const segs = await page.$$eval('#segments tr', (rows) => rows.map((r) => Array.from(r.cells).map((c) => c.textContent)));
    const [lcl, arg] = await page.evaluate(() => window.hackPage.ram(1, 2));
    const argWords = await page.evaluate((a) => window.hackPage.ram(a, 8), arg);
    if (segs[1][0] !== `local (${lcl})` || segs[2][0] !== `argument (${arg})`) fail(`the segments' pointers: ${segs[1][0]}, ${segs[2][0]}`);
    if (segs[2][1] !== String(argWords[0]) || segs[2][1] !== '5') fail(`argument 0 (n of Main.fact(5)): ${segs[2][1]}`);
    await page.screenshot({ path: path.join(outDir, 'ram.png'), fullPage: true });
  } else if (scenario === 'heapmap') {
    // the heap map beside the screen: at the same cycle, hackemu --heap-map's caption and picture (its scale 4,
    // the page's 2: every other pixel)
    const cycles = 100000; // (mid-run: HeapShow halts at 140,320)
    await page.goto(`${base}?run=samples/HeapShow&heap-map&cycles=${cycles}`);
    await page.waitForFunction(() => document.title.includes('paused'), { timeout: 60000 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // (a frame draws it)
    const caption = await page.$eval('#map-caption', (e) => e.textContent);
    const png = path.join(outDir, 'heapmap-native.png');
    const native = nativeRun([path.join(samples, 'HeapShow'), '--cycles', String(cycles), '--heap-map', png, '-q']);
    const nativeCaption = native.split('\n').find((l) => l.startsWith('heap: ')) || '';
    if (caption !== nativeCaption) fail(`the caption: ${caption}\nhackemu's: ${nativeCaption}`);
    const picture = readPng(png);
    const shown = await page.evaluate(() => Array.from(
      document.getElementById('heap-map').getContext('2d').getImageData(0, 0, 256, 224).data));
    let differ = 0;
    for (let y = 0; y < 224; y++)
      for (let x = 0; x < 256; x++)
        for (let k = 0; k < 3; k++)
          if (shown[(y * 256 + x) * 4 + k] !== picture.pixels[((2 * y) * picture.width + 2 * x) * 3 + k]) differ++;
    if (picture.width !== 512 || picture.height !== 448) fail(`hackemu's map is ${picture.width}x${picture.height}`);
    if (differ) fail(`${differ} values of the page's heap map differ from hackemu's`);
    await page.screenshot({ path: path.join(outDir, 'heapmap.png'), fullPage: true });
  } else if (scenario === 'bench') {
    // interactive within a second of loading from a local server; then the interpreter's speed on W1 and W2
    await page.goto(base);
    await page.waitForFunction(() => window.hackPage && window.hackPage.readyAt, { timeout: 30000 });
    const ready = await page.evaluate(() => window.hackPage.readyAt);
    console.log(`interactive ${Math.round(ready)} ms after the navigation began`);
    if (ready > 1000) fail(`the page took ${Math.round(ready)} ms to become interactive`);
    if (!fs.readFileSync(path.join(site, 'bench.txt'), 'utf8').trim())
      console.log('note: no W1 and W2 in this site (../shared/bench was not there at build time): no speed figures');
    await page.goto(`${base}?bench`);
    await page.waitForFunction(() => document.title === 'bench done', { timeout: 120000 });
    const table = await page.$eval('#bench', (e) => e.textContent);
    console.log(table);
    // the native interpreter on the same programs, in the same run (whole processes, HACK_TIER=off)
    for (const name of ['w1_loop.asm', 'w2_screen.asm']) {
      const program = path.join(site, 'bench', name);
      if (!fs.existsSync(program)) continue;
      const runs = [];
      for (let i = 0; i < 5; i++) {
        const t0 = process.hrtime.bigint();
        const out = execFileSync(hackemu, ['--headless', '-q', program, '--count'],
                                 { encoding: 'utf8', env: { ...process.env, HACK_TIER: 'off' } });
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        runs.push(Number(/cycles=(\d+)/.exec(out)[1]) / seconds / 1e6);
      }
      const native = runs.sort((a, b) => a - b)[2];
      const web = Number(new RegExp(name.replace('.', '\\.') + '\\s+\\d+\\s+(\\d+)').exec(table)[1]);
      console.log(`${name}: the page ${web} M/s, hackemu's interpreter ${Math.round(native)} M/s: ` +
                  `${(web / native).toFixed(2)} of it (the goal: at least 0.40)`);
      if (web / native < 0.3) fail(`${name}: the page runs at ${(web / native).toFixed(2)} of the native interpreter`);
    }
  } else {
    fail(`unknown scenario ${scenario}`);
  }
  if (errors.length) fail('the page reported errors: ' + errors.join('; '));
} finally {
  await browser.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
if (!process.exitCode) console.log('ok');
