// The page: opens a program (a folder, files, a link, a sample), runs it through the WebAssembly build of the
// project's libraries (hack_web.c), draws the screen, feeds the keyboard, and says what the program is doing.
// No framework: the page is a canvas, a few buttons and two text panes.
'use strict';

const params = new URLSearchParams(location.search);
// the driver's stop states (hack_session_state, in order)
const STATE = { BUDGET: 0, HALTED: 1, FAULT: 2, SYS_ERROR: 3, HEAP_ERROR: 4, WAITING_KEY: 5, WAITING_TIME: 6,
                STACK_ERROR: 7, DEBUG: 8 };
const SCREEN = 16384, KBD = 24576;
const DEBUG_STOPPED = 100; // hw_debug_run: the debugger stopped (a breakpoint, a watchpoint, the heap check)
const $ = (id) => document.getElementById(id);

const page = {
  hw: null,          // the C functions
  loaded: false,
  name: '',
  running: false,
  state: STATE.BUDGET,
  stopAt: 0,         // &cycles=N: pause there (0: no)
  hz: 0,             // target speed (0: full)
  owed: 0,           // instructions owed at the target speed
  lastTime: 0,
  heldKey: 0,
  keyQueue: [],      // key states to come (queueKey)
  keyAt: null,       // the cycle the last one came in at
  runsSinceKey: 0,   // runs of the machine since
  ended: false,      // the program stopped for good (halted, an error)
  speed: { since: 0, cycles: 0, text: '' },
  loads: 0,
  autorun: false,
  dir: '',           // the program's folder in the in-memory file system
  path: '',          // what was loaded (relative to the folder above it)
  testToRun: '',     // ?run=FOLDER/NAME.tst: the test to run once the folder is open
  openedTree: [],    // what was opened, with its folders (for grading)
  benchPrograms: null,
  benchRecords: [],
  debugging: false,  // the program was loaded with the debugger
  test: null,        // the test script running in its worker: {worker, name, started}
  testRam: null,     // the RAM a test script left (shown while no program is loaded)
};

var Module = {
  print: (text) => say(text),
  printErr: (text) => say(text),
  onRuntimeInitialized: start,
};

// Appends text to a pane, its File.jack:LINE made links, and scrolls to it
function appendTo(pane, text) {
  if (!text) return;
  const part = document.createElement('span');
  linked(part, text.endsWith('\n') ? text : text + '\n');
  pane.append(part);
  pane.scrollTop = pane.scrollHeight;
}

function say(text) {
  appendTo($('messages'), text);
}

// Text with each "File.jack:LINE" (or "File.vm:LINE") made a link to that line in the source pane.
function linked(element, text) {
  element.textContent = '';
  const pattern = /([A-Za-z_][\w$.]*\.(?:jack|vm)):(\d+)/g;
  let at = 0;
  for (let m; (m = pattern.exec(text));) {
    element.append(text.slice(at, m.index));
    const a = document.createElement('a');
    a.href = '#';
    a.className = 'frame';
    a.textContent = m[0];
    a.addEventListener('click', (e) => { e.preventDefault(); showSource(m[1], Number(m[2])); });
    element.append(a);
    at = m.index + m[0].length;
  }
  element.append(text.slice(at));
}

function setStatus(text, error) {
  const status = $('status');
  linked(status, text);
  status.classList.toggle('error', !!error);
}

// The source pane: a file of the program (or of hackemu's OS), its line marked
function showSource(file, line) {
  let text = null, title = file;
  try {
    text = new TextDecoder().decode(Module.FS.readFile(page.dir + '/' + file));
  } catch (e) {
    const os = file.endsWith('.jack') ? page.hw.osSource(file.slice(0, -5)) : '';
    if (os) {
      text = os;
      title = file + ' (hackemu\'s OS)';
    }
  }
  $('source-section').hidden = false;
  $('source-title').textContent = title + (line ? ', line ' + line : '');
  const pane = $('source');
  pane.textContent = '';
  if (text === null) {
    pane.textContent = file + ' is not among the program\'s files.';
    return;
  }
  text.split('\n').forEach((content, i) => {
    const row = document.createElement('span');
    const broken = page.debugging && page.hw.debugHasBreak(file, i + 1);
    row.className = 'line' + (i + 1 === line ? ' here' : '') + (broken ? ' break' : '');
    const number = document.createElement('span');
    number.className = 'number';
    number.textContent = i + 1;
    if (page.debugging) {
      number.title = 'a breakpoint here (click again: none)';
      number.addEventListener('click', () => {
        page.hw.text();
        const on = page.hw.debugToggle(file, i + 1);
        debugSay(page.hw.text());
        row.classList.toggle('break', !!on);
        showPoints();
      });
    }
    row.append(number, content + '\n');
    pane.append(row);
  });
  const here = pane.querySelector('.here');
  if (here) here.scrollIntoView({ block: 'center' });
}

function start() {
  window.hackPage.readyAt = performance.now(); // (ms since the navigation began: the page is interactive)
  const c = Module.cwrap;
  page.hw = {
    load: c('hw_load', 'number', ['string', 'number']),
    reset: c('hw_reset', 'number', []),
    run: c('hw_run', 'number', ['number']),
    stopText: c('hw_stop_text', 'string', []),
    where: c('hw_where', 'string', []),
    cycles: c('hw_cycles', 'number', []),
    ram: c('hw_ram', 'number', []),
    key: c('hw_key', null, ['number']),
    setKeys: c('hw_set_keys', 'number', ['string']),
    text: c('hw_take_text', 'string', []),
    pacedClock: c('hw_paced_clock', 'number', []),
    osSource: c('hw_os_source', 'string', ['string']),
    heapProblems: c('hw_heap_problems', 'number', []),
    test: c('hw_test', 'number', ['string', 'number']),
    bench: c('hw_bench', 'string', ['string', 'string', 'string', 'string', 'number', 'number', 'number']),
    benchTimeline: c('hw_bench_timeline', 'number', []),
    benchTimelineWidth: c('hw_bench_timeline_width', 'number', []),
    benchIsFigures: c('hw_bench_is_figures', 'number', ['string']),
    benchCsv: c('hw_bench_csv', 'string', []),
    benchReset: c('hw_bench_reset', null, []),
    benchProgram: c('hw_bench_program', 'string', ['string']),
    benchMark: c('hw_bench_mark', 'string', ['string']),
    debug: c('hw_debug', 'number', ['string']),
    debugRun: c('hw_debug_run', 'number', ['number']),
    debugHere: c('hw_debug_here', 'string', []),
    debugToggle: c('hw_debug_toggle', 'number', ['string', 'number']),
    debugHasBreak: c('hw_debug_has_break', 'number', ['string', 'number']),
    resolve: c('hw_resolve', 'number', ['string']),
    heapMap: c('hw_heap_map', 'number', []),
    heapCaption: c('hw_heap_caption', 'string', []),
  };
  Module.FS.mkdir('/programs');
  wireControls();
  listSamples();
  requestAnimationFrame(frame);
  if (params.has('bench')) return bench();
  if (params.get('cycles')) page.stopAt = Math.max(1, Number(params.get('cycles')) || 0);
  if (params.has('check-heap')) $('check-heap').checked = true;
  if (params.has('debug')) $('debug').checked = true;
  if (params.has('heap-map')) $('show-map').checked = true;
  if (params.has('ram')) {
    $('show-ram').checked = true;
    $('ram-section').hidden = false;
    $('ram-address').value = params.get('ram') || '0';
  }
  // index.html?grade=FOLDER,FOLDER: those students' Memory graded (each folder with a files.txt)
  if (params.get('grade')) {
    const files = [];
    const order = params.get('grade').split(',').map((f) => f.replace(/\/+$/, ''));
    Promise.all(order.map((f) => fetchFolder(f, files)))
      .then(() => grade(files, order)).catch((e) => setStatus('Cannot grade: ' + e.message, true));
    return;
  }
  if (params.get('run')) {
    page.autorun = true; // a "run this" link runs it
    openLink(params.get('run'));
  }
}

// ---- opening a program ----

// files: [{path: 'Folder/Main.jack', data: Uint8Array}]; folder: the name of the folder (or '' for files)
function openFiles(files, folder) {
  const known = /\.(jack|vm|asm|hack|tst|cmp|sym|map)$/i;
  files = files.filter((f) => known.test(f.path));

  if (!files.length) {
    setStatus('No .jack, .vm, .asm or .hack file there.', true);
    return;
  }
  const root = '/programs/' + ++page.loads;
  Module.FS.mkdir(root);
  let dir = root;
  if (folder) {
    dir = root + '/' + folder;
    Module.FS.mkdir(dir);
  }
  for (const f of files) Module.FS.writeFile(dir + '/' + f.path.split('/').pop(), f.data);
  // a folder is one program; of single files, the one to run (a .tst runs its test: later). Named from the
  // folder they are in, so the messages name them as the user does ("Snake/Main.jack:12")
  Module.FS.chdir(root);
  page.dir = dir;
  page.path = folder || files[0].path.split('/').pop();
  // the folder's test scripts, a click away
  const scripts = files.map((f) => f.path.split('/').pop()).filter((n) => /\.tst$/i.test(n)).sort();
  $('tests').textContent = '';
  for (const n of scripts) {
    const option = document.createElement('option');
    option.textContent = n;
    $('tests').appendChild(option);
  }
  $('tests-box').hidden = !scripts.length;
  $('out-link').hidden = true;
  if (page.testToRun || (!folder && /\.tst$/i.test(page.path))) {
    const name = page.testToRun || page.path;
    page.testToRun = '';
    if (scripts.includes(name)) $('tests').value = name;
    runTest(name);
    return;
  }
  // a folder of machine-code programs only (the course's projects 4 and 6): hackemu runs the only one, and here
  // the first of several (the others a click away in the messages' note)
  const names = files.map((f) => f.path.split('/').pop());
  const machine = names.filter((n) => /\.asm$/i.test(n)).sort();
  if (folder && !names.some((n) => /\.(jack|vm)$/i.test(n)) && machine.length > 1) {
    load(folder + '/' + machine[0], machine[0]);
    say(`note: ${folder} holds ${machine.length} programs (${machine.join(', ')}): running ${machine[0]}; open a file to run another`);
    return;
  }
  load(page.path, page.path);
}

function load(path, name) {
  stopTest();
  page.testRam = null;
  page.ended = false;
  setRunning(false); // (the button says Run again)
  page.keyQueue = [];
  page.keyAt = null;
  page.heldKey = 0;
  page.name = name;
  $('messages').textContent = '';
  page.debugging = $('debug').checked;
  const flags = ($('check-heap').checked ? 1 : 0) | (page.debugging ? 2 : 0) | ($('show-map').checked ? 4 : 0);
  const ok = page.hw.load(path, flags);
  $('map-figure').hidden = !(ok && $('show-map').checked);
  say(page.hw.text());
  $('source-section').hidden = true;
  $('debug-section').hidden = !(ok && page.debugging);
  $('d-output').textContent = '';
  $('d-stack').textContent = '';
  if (ok && page.debugging) {
    // &break=SPEC,SPEC: breakpoints as hackemu --break takes them (Main.jack:12, Memory.alloc)
    for (const spec of (params.get('break') || '').split(',').filter(Boolean)) debugCommand('break ' + spec);
    showDebugPlace();
  }
  page.loaded = !!ok;
  for (const id of ['run', 'step', 'reset']) $(id).disabled = !ok;
  if (!ok) {
    setStatus(name + ': could not be loaded (see the messages)', true);
    return;
  }
  page.state = STATE.BUDGET;
  page.speed = { since: performance.now(), cycles: 0, text: '' };
  // a program that brings its own Sys.wait (a busy loop tuned for the course's emulators) runs at its clock
  const clock = page.hw.pacedClock();
  if (clock) setSpeed(clock);
  else if (page.pacedSpeed) setSpeed(0); // (the speed a paced program set goes; one the user chose stays)
  page.pacedSpeed = !!clock;
  if (clock) say(`note: ${name} brings its own Sys.wait, a loop tuned for ${(clock / 1e6).toFixed(2)} MHz: it runs at that speed (Speed: full runs it flat out)`);
  // &keys=CYCLE:CODE,...: keys at given cycles, as hackemu --keys (reproducible runs, and tests)
  if (params.get('keys') && !page.hw.setKeys(params.get('keys'))) say(page.hw.text());
  document.title = name + ' - hack';
  if (page.stopAt || page.autorun) setRunning(true);
  else setStatus(name + ': ready. Run, or click the screen and press a key.');
  page.autorun = false;
  draw();
}

// A test script of the folder: run as hackemu runs it, in a worker (test_worker.js) so that the page stays
// responsive and Stop ends a long script; the verdict in the status line, the .out to download, the screen and
// the RAM table as the script left them.
function runTest(name) {
  stopTest();
  page.running = false;
  page.ended = true;
  page.loaded = false;
  page.name = name;
  for (const id of ['run', 'step', 'reset']) $(id).disabled = true;
  $('messages').textContent = '';
  $('source-section').hidden = true;
  $('out-link').hidden = true;
  const script = (page.dir.endsWith('/' + page.path) ? page.path + '/' : '') + name;
  // (no .out: the worker offers the .out the script writes, not one that was there before)
  const files = Module.FS.readdir(page.dir).filter((n) => !/\.out$/i.test(n) && Module.FS.isFile(Module.FS.stat(page.dir + '/' + n).mode))
    .map((n) => ({ name: n, data: Module.FS.readFile(page.dir + '/' + n) }));
  const worker = new Worker('test_worker.js');
  page.test = { worker, name, started: performance.now() };
  // (a worker ended for a newer test, as when dropped files start one after another, may still report: its error
  // must not end the newer test, nor its result stand for it)
  worker.onmessage = (event) => { if (page.test && page.test.worker === worker) testDone(name, event.data); };
  worker.onerror = (event) => {
    if (!page.test || page.test.worker !== worker) return;
    stopTest();
    setStatus(`${name}: the test could not run (${event.message || 'the worker failed'})`, true);
  };
  worker.postMessage({ root: Module.FS.cwd(), dir: page.dir, files, script, checkHeap: $('check-heap').checked });
  $('test-stop').hidden = false;
  setStatus(`${name}: running the test (Stop ends it).`);
  document.title = name + ' - running - hack';
}

function stopTest() {
  if (!page.test) return false;
  page.test.worker.terminate();
  page.test = null;
  $('test-stop').hidden = true;
  return true;
}

function testDone(name, result) {
  const seconds = ((performance.now() - page.test.started) / 1000).toFixed(1);
  stopTest();
  say(result.text);
  const verdict = result.text.split('\n').filter((l) => /^End of script|Comparison failure|^  (expected|actual):|stopped|machine error|was stopped/.test(l));
  setStatus(verdict.join('\n') || name + ': could not run (see the messages)', result.status !== 0 || result.heapProblems > 0);
  say(`(${name} ran in ${seconds} s)`);
  document.title = name + ' - ' + (result.status === 0 ? 'passed' : 'failed') + ' - hack';
  page.testRam = result.ram;
  const link = $('out-link');
  if (result.out) {
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([result.out], { type: 'text/plain' }));
    link.download = result.outName;
    link.textContent = 'download ' + link.download;
    link.hidden = false;
  }
  draw();
  showRam();
}

async function readEntry(entry, prefix, out, depth = 0) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ path: prefix + file.name, data: new Uint8Array(await file.arrayBuffer()) });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      for (const e of batch) if (e.isFile || depth < 4) await readEntry(e, prefix + entry.name + '/', out, depth + 1);
    }
  }
}

async function fromFileList(list) {
  const files = [];
  for (const f of list) files.push({ path: f.webkitRelativePath || f.name, data: new Uint8Array(await f.arrayBuffer()) });
  return files;
}

// What was opened, as a tree (paths from the opened folder's name down): its top folder's own files run as a
// program; the Memory.jack files anywhere in it can be graded.
function openTree(tree) {
  page.openedTree = tree;
  $('grade').hidden = !studentsOf(tree).length;
  const top = tree.filter((f) => f.path.split('/').length <= 2);
  if (!top.length) {
    if (!$('grade').hidden) setStatus('A folder of folders: Grade Memory.jack grades each one that has a Memory.');
    return;
  }
  const folder = top[0].path.includes('/') ? top[0].path.split('/')[0] : '';
  openFiles(top.map((f) => ({ path: f.path.split('/').pop(), data: f.data })), folder);
}

// index.html?run=PATH: a file, or a folder with a files.txt naming its files (relative to the page)
async function openLink(path) {
  path = path.replace(/\/+$/, '');
  const name = path.split('/').pop();
  setStatus('Fetching ' + path + ' ...');
  try {
    if (/\.tst$/i.test(path)) { // a test script: its folder, then the test
      page.testToRun = name;
      path = path.slice(0, -name.length - 1) || '.';
      return openLink(path);
    }
    if (/\.(jack|vm|asm|hack)$/i.test(path)) {
      const response = await fetch(path);
      if (!response.ok) throw new Error(path + ': ' + response.status + ' ' + response.statusText);
      openFiles([{ path: name, data: new Uint8Array(await response.arrayBuffer()) }], '');
      return;
    }
    const fetched = [];
    await fetchFolder(path, fetched);
    const files = fetched.map((f) => ({ path: f.path.slice(path.length + 1), data: f.data }));
    page.openedTree = files.map((f) => ({ path: name + '/' + f.path, data: f.data }));
    $('grade').hidden = !studentsOf(page.openedTree).length;
    openFiles(files, name);
  } catch (e) {
    setStatus('Cannot open ' + path + ': ' + e.message, true);
  }
}

async function listSamples() {
  try {
    const r = await fetch('samples.txt');
    if (!r.ok) return;
    for (const line of (await r.text()).split('\n')) {
      if (!line.trim()) continue;
      const option = document.createElement('option');
      option.value = line.trim();
      option.textContent = line.trim().replace(/^samples\//, '');
      $('samples').appendChild(option);
    }
  } catch (e) { /* a site without samples */ }
}

// ---- the debugger: hackemu --debug's engine ----

function debugSay(text) {
  appendTo($('d-output'), text);
}

// One command: its answer in the debugger's pane; a command that runs the program is followed to its stop.
function debugCommand(line) {
  page.hw.text(); // (what was said before)
  debugSay('(hackdb) ' + line);
  const more = page.hw.debug(line);
  const text = page.hw.text();
  debugSay(text);
  if (!more) return text;
  if (/^(step|next|finish|stepi|vmstep|continue|c|s|n|run|reset)\b/.test(line.trim())) {
    setStatus(page.name + ': ' + (text.trim().split('\n').find((l) => !/^\d+\t/.test(l)) || 'stopped') +
              ' (cycle ' + page.hw.cycles() + ')', /error|overflow|Sys\.error/.test(text));
    showDebugPlace();
  }
  draw();
  return text;
}

// The breakpoints and watches as a list (info breakpoints), each with a button that deletes it
function showPoints() {
  const table = $('d-points');
  table.textContent = '';
  page.hw.text();
  page.hw.debug('info breakpoints');
  const lines = page.hw.text().trim().split('\n').filter((l) => /^\d+\s/.test(l));
  for (const line of lines) {
    const row = table.insertRow();
    // "Num Type Enb Hits What" (info breakpoints' columns) said in words
    const m = /^(\d+)\s+(\S+)\s+([yn])\s+(\d+)\s+(.*)$/.exec(line);
    linked(row.insertCell(), m ? `${m[2]} ${m[1]}: ${m[5]}` + (m[4] !== '0' ? ` (hit ${m[4]} time${m[4] === '1' ? '' : 's'})` : '') +
                                 (m[3] === 'n' ? ' (disabled)' : '') : line);
    const remove = document.createElement('button');
    remove.textContent = 'delete';
    remove.addEventListener('click', () => {
      debugCommand('delete ' + line.split(/\s+/)[0]);
      showPoints();
      const here = /^(.*):(\d+)$/.exec(page.hw.debugHere());
      if (here && here[1] !== 'ROM') showSource(here[1], Number(here[2]));
    });
    row.insertCell().append(remove);
  }
  if (!lines.length) table.insertRow().insertCell().textContent = 'none: click a line number, or watch a variable';
}

// After a stop: the stack with its variables, and the source pane at the selected frame's line
function showDebugPlace() {
  if (!page.debugging) return;
  showPoints();
  const said = [];
  for (const command of ['backtrace', 'info args', 'info locals', 'info registers']) {
    page.hw.debug(command);
    const answer = page.hw.text().trim();
    if (!said.includes(answer)) said.push(answer); // ("No Jack variables known here." once)
  }
  showVariables($('d-stack'), said.join('\n\n'));
  const here = /^(.*):(\d+)$/.exec(page.hw.debugHere());
  if (here && here[1] !== 'ROM') showSource(here[1], Number(here[2]));
  else if (fileExists(page.dir + '/Main.jack')) showSource('Main.jack', 0); // before the program's own code:
  // its Main, where a click on a line number sets a breakpoint before it runs
}

function fileExists(path) {
  try {
    return Module.FS.isFile(Module.FS.stat(path).mode);
  } catch (e) {
    return false;
  }
}

// The stack pane: the debugger's answers, each variable that holds an object or an array ("Point p = (Point)
// 14968") a line to open: its fields (print *p) or its first words (x/8 p), and so on down.
function showVariables(pane, text) {
  pane.textContent = '';
  for (const line of text.split('\n')) pane.append(variableLine(line, ''));
}

function variableLine(line, indent) {
  const row = document.createElement('div');
  const m = /^(\w+) ([\w.\[\]]+) = \((\w+)\) (\d+)$/.exec(line.trim()) ||
            /^([\w.\[\]]+) = \((\w+)\) (\d+)$/.exec(line.trim());
  if (!m) {
    linked(row, indent + line || '\u00a0'); // (an empty line keeps its height)
    return row;
  }
  const name = m.length === 5 ? m[2] : m[1], type = m.length === 5 ? m[3] : m[2];
  const toggle = document.createElement('a');
  toggle.href = '#';
  toggle.className = 'expand';
  toggle.textContent = '\u25B8 ';
  toggle.title = type === 'Array' ? `x/8 ${name}: its first words` : `print *${name}: its fields`;
  row.append(indent, toggle, line.trim());
  let opened = null;
  toggle.addEventListener('click', (e) => {
    e.preventDefault();
    if (opened) {
      opened.remove();
      opened = null;
      toggle.textContent = '\u25B8 ';
      return;
    }
    page.hw.text();
    page.hw.debug(type === 'Array' ? `x/8 ${name}` : `print *${name}`);
    const answer = page.hw.text().trim();
    opened = document.createElement('div');
    // an object's fields, one a line, each one that is itself an object openable in turn
    const fields = /\{(.*)\}$/.exec(answer);
    const lines = fields ? fields[1].split(', ').map((f) => f.replace(/^(\w+) = /, `${name}.$1 = `)) : answer.split('\n');
    for (const l of lines) opened.append(variableLine(l, indent + '    '));
    row.after(opened);
    toggle.textContent = '\u25BE ';
  });
  return row;
}

// ---- the memory bench: grading Memory.jack ----

// Writes files (paths relative to what was opened) under a fresh folder, keeping their folders; returns it.
function writeTree(files) {
  const root = '/grade/' + ++page.loads;
  const made = new Set();
  const mkdirs = (dir) => {
    if (made.has(dir)) return;
    const parent = dir.slice(0, dir.lastIndexOf('/'));
    if (parent && parent !== dir) mkdirs(parent);
    try { Module.FS.mkdir(dir); } catch (e) { /* there */ }
    made.add(dir);
  };
  for (const f of files) {
    const at = root + '/' + f.path;
    mkdirs(at.slice(0, at.lastIndexOf('/')));
    Module.FS.writeFile(at, f.data);
  }
  return root;
}

// The students: every folder holding a Memory.jack or Memory.vm, named by its path as opened
function studentsOf(files) {
  const folders = new Set();
  for (const f of files) {
    const m = /^(.*)\/Memory\.(jack|vm)$/.exec(f.path);
    if (m) folders.add(m[1]);
  }
  return [...folders].sort();
}

// A folder of a server: the files its files.txt names (one a line, no folders), fetched into `into`
async function fetchFolder(path, into) {
  const listing = await fetch(path + '/files.txt');
  if (!listing.ok) throw new Error(path + '/files.txt: ' + listing.status + ' (a folder needs a files.txt naming its files)');
  const names = (await listing.text()).split('\n').map((x) => x.trim()).filter((x) => x && !x.includes('/'));
  into.push(...await Promise.all(names.map(async (n) => { // (at once, in the listing's order)
    const r = await fetch(path + '/' + encodeURIComponent(n));
    if (!r.ok) throw new Error(path + '/' + n + ': ' + r.status);
    return { path: path + '/' + n, data: new Uint8Array(await r.arrayBuffer()) };
  })));
}

// The test programs of the site (memory-tests.txt), once
async function benchPrograms() {
  if (page.benchPrograms) return page.benchPrograms;
  const list = await (await fetch('memory-tests.txt')).text();
  const files = [];
  const names = list.split('\n').map((x) => x.trim()).filter(Boolean);
  for (const n of names) await fetchFolder(n, files);
  const root = writeTree(files);
  page.benchPrograms = names.map((n) => ({ name: n.split('/').pop(), folder: root + '/' + n }));
  return page.benchPrograms;
}

// order: the students' folders in the order asked (?grade=...), else in name order (as a shell lists them)
async function grade(files, order) {
  const found = studentsOf(files);
  const students = order ? order.filter((s) => found.includes(s)) : found;
  if (!students.length) {
    setStatus('No Memory.jack or Memory.vm in what was opened: nothing to grade.', true);
    return;
  }
  setStatus(`Grading the Memory of ${students.length} folder${students.length > 1 ? 's' : ''} ...`);
  const programs = await benchPrograms();
  const root = writeTree(files);
  Module.FS.chdir(root); // (the students' folders as opened: their messages name "class/dave/Memory.jack:9")
  const rows = students.map((s) => ({ name: s, folder: s, label: s, memory: 0, reference: 0 }));
  rows.push({ name: 'hackemu Memory.jack', folder: '', label: 'hackemu Memory.jack', memory: 1, reference: 1 });
  rows.push({ name: 'hackemu native', folder: '', label: 'hackemu native', memory: 2, reference: 1 });
  page.hw.benchReset();
  page.benchRecords = [];
  $('bench-section').hidden = false;
  $('csv-link').hidden = $('json-link').hidden = true;
  $('bench-detail').textContent = '';
  const table = $('bench-table');
  table.textContent = '';
  const head = table.insertRow();
  head.appendChild(document.createElement('th')).textContent = 'Memory';
  for (const p of programs) {
    const th = head.appendChild(document.createElement('th'));
    th.textContent = p.name;
    th.title = page.hw.benchProgram(p.folder);
  }
  const passedHead = head.appendChild(document.createElement('th'));
  passedHead.textContent = 'passed';
  passedHead.title = 'of the programs every allocator must pass (the optional ones, grayed, are not counted)';
  const total = rows.length * programs.length;
  let done = 0;
  for (const row of rows) {
    const tr = table.insertRow();
    if (row.reference) tr.className = 'reference';
    tr.appendChild(document.createElement('th')).textContent = row.name;
    let passed = 0, counted = 0;
    for (const p of programs) {
      // one run, then the browser draws: the page stays responsive
      await new Promise((resolve) => setTimeout(resolve, 0));
      const figures = page.hw.benchIsFigures(p.folder);
      const record = JSON.parse(page.hw.bench(row.folder, p.folder, row.label, p.name, row.memory, row.reference,
                                              figures ? 1 : 0));
      // the figures program's heap over time, kept for its cell's details (the report's picture)
      const width = figures ? page.hw.benchTimelineWidth() : 0;
      const timeline = width ? Module.HEAPU8.slice(page.hw.benchTimeline(), page.hw.benchTimeline() + width * 448 * 3) : null;
      page.benchRecords.push(record);
      const cell = tr.insertCell();
      cell.className = 'cell' + (record.optional ? ' optional' : record.verdict === 'pass' ? '' : ' bad');
      cell.textContent = page.hw.benchMark(record.verdict);
      cell.title = record.verdict + (record.detail ? ': ' + record.detail : '');
      cell.addEventListener('click', () => {
        for (const other of table.querySelectorAll('td.selected')) other.classList.remove('selected');
        cell.classList.add('selected');
        const detail = $('bench-detail');
        linked(detail, `${row.name}, ${p.name}: ${record.verdict}` + (record.detail ? `\n${record.detail}` : '') +
               (record.place ? `\nin ${record.place}` : '') + `\n${record.cycles} cycles` +
               (record.allocs ? `, ${record.allocs} allocs (median ${record.alloc_median} cycles), ${record.frees} deAllocs` : ''));
        page.dir = root + '/' + row.folder;
        showTimeline(timeline, width, record.cycles);
      });
      if (!record.optional) {
        counted++;
        if (record.verdict === 'pass') passed++;
      }
      $('bench-progress').textContent = `(${++done} of ${total} runs)`;
    }
    tr.insertCell().textContent = `${passed}/${counted}`;
  }
  $('bench-progress').textContent = `(${total} runs)`;
  const csv = page.hw.benchCsv();
  offer($('csv-link'), csv, 'memory-bench.csv', 'text/csv');
  offer($('json-link'), '[\n' + page.benchRecords.map((r) => '  ' + JSON.stringify(r)).join(',\n') + '\n]\n',
        'memory-bench.json', 'application/json');
  setStatus(`Graded the Memory of ${students.length} folder${students.length > 1 ? 's' : ''} on ${programs.length} ` +
            'programs (a cell: its details; hover a program: what it checks).');
  document.title = 'graded - hack';
}

// The heap over time of a figures program's run, as the HTML report shows it
function showTimeline(rgb, width, cycles) {
  const canvas = $('timeline');
  $('timeline-figure').hidden = !rgb;
  if (!rgb) return;
  canvas.width = width;
  canvas.height = 448;
  const context = canvas.getContext('2d');
  putRgb(context, context.createImageData(width, 448), rgb);
  $('timeline-caption').textContent = `The heap over time: left to right, ${width / 2} moments from the first ` +
    `allocation to the last (the run ends at cycle ${cycles}); top to bottom, addresses 2048 to 16383 in bands of ` +
    '64 words, the darker the more of a band\'s words are in live blocks.';
}

function offer(link, text, name, type) {
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  link.textContent = 'download ' + name;
  link.hidden = false;
}

// ---- running ----

// Keys as the user pressed and released them, each state held for KEY_HOLD instructions at least before the next:
// a key typed quickly (pressed and let go within one frame, or the next pressed as the last is let go) is seen by
// the program's Keyboard.readChar, which waits for a key and then for its release
const KEY_HOLD = 5000;
function queueKey(code) {
  page.keyQueue.push(code);
  applyKeys();
}

function applyKeys() {
  if (!page.keyQueue.length || !page.hw) return;
  if (!page.running) { // (paused: no program reads it; the key as it is now)
    page.hw.key(page.keyQueue[page.keyQueue.length - 1]);
    page.keyQueue = [];
    page.keyAt = null;
    return;
  }
  // the program has had its look at the key before: it ran KEY_HOLD instructions since, or it is waiting in the
  // native OS (Keyboard.readChar, Sys.wait: no instructions run, it looks at each run)
  const cycles = page.hw.cycles();
  const looked = page.runsSinceKey > 0 && (cycles < page.keyAt || cycles - page.keyAt >= KEY_HOLD ||
                                           page.state === STATE.WAITING_KEY || page.state === STATE.WAITING_TIME);
  if (page.keyAt !== null && !looked) return;
  page.hw.key(page.keyQueue.shift());
  page.keyAt = cycles;
  page.runsSinceKey = 0;
}

function setSpeed(hz) {
  const select = $('speed');
  if (hz && ![...select.options].some((o) => Number(o.value) === hz)) {
    const option = document.createElement('option');
    option.value = hz;
    option.textContent = (hz / 1e6).toFixed(2) + ' MHz (its clock)';
    select.appendChild(option);
  }
  select.value = String(hz);
  page.hz = hz;
  page.owed = 0;
}

function setRunning(on) {
  if (on && (page.ended || !page.loaded)) return;
  page.running = on;
  page.lastTime = performance.now();
  page.owed = 0;
  $('run').textContent = on ? 'Pause' : 'Run';
  if (on) $('screen').focus();
}

function runFor(budget) {
  page.runsSinceKey++;
  const state = page.debugging ? page.hw.debugRun(budget) : page.hw.run(budget);
  if (state === DEBUG_STOPPED) { // a breakpoint, a watchpoint, the heap check: the debugger's stop
    page.state = STATE.BUDGET;
    setRunning(false);
    const told = page.hw.text();
    debugSay(told);
    setStatus(page.name + ': ' + told.trim().split('\n')[0] + ' (cycle ' + page.hw.cycles() + ')');
    showDebugPlace();
    return state;
  }
  page.state = state;
  const text = page.hw.text();
  if (text) say(text);
  if (state === STATE.BUDGET || state === STATE.WAITING_KEY || state === STATE.WAITING_TIME) return state;
  // a stop for good: what it means, in the status line
  page.ended = true;
  setRunning(false);
  for (const id of ['run', 'step']) $(id).disabled = true;
  const cycles = page.hw.cycles();
  const bad = state !== STATE.HALTED || page.hw.heapProblems() > 0;
  if (page.debugging) showDebugPlace(); // (the stack and registers as the program ended)
  const told = page.hw.stopText().trim(); // the stop's meaning, without the lines the program printed
  if (told) setStatus(told, bad);
  else setStatus(page.name + (state === STATE.HALTED ? ': halted' : ': stopped') + ' at cycle ' + cycles + '.', bad);
  return state;
}

function frame(now) {
  if (page.running) {
    const end = now + 12; // leave the browser time to draw and take input
    if (page.hz) {
      page.owed = Math.min(page.owed + page.hz * (now - page.lastTime) / 1000, page.hz * 0.25);
    }
    page.lastTime = now;
    for (;;) {
      applyKeys();
      let chunk = page.keyQueue.length ? KEY_HOLD : 250000; // (a key waits its turn: it comes in between)
      if (page.hz) chunk = Math.min(chunk, Math.floor(page.owed));
      if (page.stopAt) chunk = Math.min(chunk, page.stopAt - page.hw.cycles());
      if (chunk <= 0) break;
      const before = page.hw.cycles();
      const state = runFor(chunk);
      const ran = page.hw.cycles() - before;
      page.owed -= ran;
      page.speed.cycles += ran;
      if (page.stopAt && page.hw.cycles() >= page.stopAt) {
        setRunning(false);
        page.stopAt = 0;
        setStatus(page.name + ': paused at cycle ' + page.hw.cycles() + '.');
        document.title = page.name + ' - paused - hack';
        break;
      }
      if (state !== STATE.BUDGET || performance.now() > end) break;
    }
    showRunning(now);
  }
  draw();
  showRam();
  drawHeapMap();
  requestAnimationFrame(frame);
}

// The heap beside the screen (Heap map): redrawn every frame while it is shown
let mapImage = null;
function drawHeapMap() {
  if ($('map-figure').hidden || !page.hw || !page.loaded) return;
  const at = page.hw.heapMap();
  $('map-caption').textContent = page.hw.heapCaption();
  const canvas = $('heap-map');
  const context = canvas.getContext('2d');
  if (!mapImage) mapImage = context.createImageData(256, 224);
  if (!at) {
    context.clearRect(0, 0, 256, 224);
    return;
  }
  putRgb(context, mapImage, Module.HEAPU8.subarray(at, at + 256 * 224 * 3));
}

// RGB pixels (3 bytes each, as the C side draws them) into an image of the same size, onto a canvas
function putRgb(context, image, rgb) {
  const out = image.data;
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    out[i] = rgb[j];
    out[i + 1] = rgb[j + 1];
    out[i + 2] = rgb[j + 2];
    out[i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

function showRunning(now) {
  if (!page.running) return;
  const s = page.speed;
  if (now - s.since >= 500) {
    const mhz = s.cycles / ((now - s.since) / 1000) / 1e6;
    s.text = mhz >= 1 ? mhz.toFixed(1) + ' MHz' : (mhz * 1000).toFixed(1) + ' kHz';
    s.since = now;
    s.cycles = 0;
    $('speedometer').textContent = s.text;
  }
  if (page.state === STATE.WAITING_KEY) setStatus(page.name + ': waiting for a key (click the screen, then type).');
  else if (page.state === STATE.WAITING_TIME) setStatus(page.name + ': waiting in Sys.wait.');
  else {
    const where = page.hw.where();
    setStatus(page.name + ': running' + (s.text ? ' at ' + s.text : '') + (where ? ', in ' + where : '') + '.');
  }
}

// ---- the RAM as a table, as the course's CPU emulator shows it: any address, three formats, editable ----

const RAM_ROWS = 16;
function ramWords() {
  if (page.testRam && !page.loaded) return page.testRam; // the end of a test script (run in its worker)
  return Module.HEAPU16.subarray(page.hw.ram() / 2, page.hw.ram() / 2 + 32768);
}

function formatWord(word, base) {
  if (base === 16) return '0x' + word.toString(16).toUpperCase().padStart(4, '0');
  if (base === 2) return word.toString(2).padStart(16, '0');
  return String(word >= 0x8000 ? word - 0x10000 : word); // as the course shows it: signed
}

// A value typed in the table's format: decimal (-32768..65535), 0x hex or binary; null when it is none.
function parseWord(text, base) {
  text = text.trim();
  let value;
  if (base === 16 || /^0x/i.test(text)) value = /^(0x)?[0-9a-f]{1,4}$/i.test(text) ? parseInt(text.replace(/^0x/i, ''), 16) : NaN;
  else if (base === 2) value = /^[01]{1,16}$/.test(text) ? parseInt(text, 2) : NaN;
  else value = /^-?\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < -32768 || value > 65535) return null;
  return (value + 0x10000) % 0x10000;
}

function ramStart() {
  const text = $('ram-address').value.trim() || '0';
  const at = page.hw.resolve(text);
  return at < 0 ? null : Math.min(at, 32768 - RAM_ROWS);
}

function showRam() {
  if ($('ram-section').hidden || !page.hw) return;
  showSegments();
  const table = $('ram-table');
  let start = ramStart();
  // an address being typed that is not one (yet): said beside it, the table stays where it was
  $('ram-error').textContent = start === null ? 'no such address or variable' : '';
  if (start === null) {
    if (table.dataset.start === undefined || table.dataset.start === '') return;
    start = Number(table.dataset.start);
  }
  const base = Number($('ram-format').value);
  const words = ramWords();
  if (table.rows.length !== RAM_ROWS || table.dataset.start !== String(start)) {
    table.textContent = '';
    table.dataset.start = start;
    for (let i = 0; i < RAM_ROWS; i++) {
      const row = table.insertRow();
      row.insertCell().className = 'address';
      const cell = row.insertCell();
      cell.className = 'value';
      cell.addEventListener('click', () => editWord(cell, start + i));
    }
  }
  for (let i = 0; i < RAM_ROWS; i++) {
    const [address, value] = table.rows[i].cells;
    address.textContent = start + i;
    if (!value.querySelector('input')) value.textContent = formatWord(words[start + i], base);
  }
}

// The VM segments as the VM emulator shows them: where LCL, ARG, THIS and THAT point, temp (5..12) and the
// statics (16..), eight words each, in the table's format
function showSegments() {
  const table = $('segments');
  const words = ramWords(), base = Number($('ram-format').value);
  const segments = [['local', words[1]], ['argument', words[2]], ['this', words[3]], ['that', words[4]],
                    ['temp', 5], ['static', 16]];
  if (table.rows.length !== segments.length + 1) {
    table.textContent = '';
    const head = table.insertRow();
    head.appendChild(document.createElement('th')).textContent = 'segment';
    for (let i = 0; i < 8; i++) head.appendChild(document.createElement('th')).textContent = i;
    for (const [name] of segments) {
      const row = table.insertRow();
      row.appendChild(document.createElement('th')).textContent = name;
      for (let i = 0; i < 8; i++) row.insertCell();
    }
  }
  segments.forEach(([name, at], r) => {
    const row = table.rows[r + 1];
    row.cells[0].textContent = name + (name === 'temp' || name === 'static' ? '' : ` (${at})`);
    row.cells[0].title = `RAM[${at}..${at + 7}]`;
    for (let i = 0; i < 8; i++)
      row.cells[i + 1].textContent = at + i < 32768 ? formatWord(words[at + i], base) : '';
  });
}

function editWord(cell, address) {
  if (cell.querySelector('input')) return;
  const base = Number($('ram-format').value);
  const input = document.createElement('input');
  input.value = formatWord(ramWords()[address], base);
  cell.textContent = '';
  cell.append(input);
  input.focus();
  input.select();
  const done = (keep) => {
    if (keep) {
      const value = parseWord(input.value, base);
      if (value === null) {
        input.setCustomValidity('a word: -32768..65535, 0x0000..0xFFFF or 16 binary digits');
        input.reportValidity();
        return;
      }
      ramWords()[address] = value;
      draw();
    }
    cell.textContent = formatWord(ramWords()[address], base);
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') done(true);
    if (e.key === 'Escape') done(false);
  });
  input.addEventListener('blur', () => { if (cell.contains(input)) done(false); });
}

// ---- the screen ----

let image = null;
function draw() {
  const canvas = $('screen');
  const context = canvas.getContext('2d');
  if (!image) image = context.createImageData(512, 256);
  if (!page.hw) return;
  const ram = ramWords();
  const pixels = new Uint32Array(image.data.buffer);
  const black = 0xff000000, white = 0xffffffff;
  for (let i = 0; i < 8192; i++) {
    const word = ram[SCREEN + i];
    const at = i * 16;
    for (let bit = 0; bit < 16; bit++) pixels[at + bit] = (word >> bit) & 1 ? black : white;
  }
  context.putImageData(image, 0, 0);
}

// ---- the keyboard: the course's codes ----

const NAMED_KEYS = { Enter: 128, Backspace: 129, ArrowLeft: 130, ArrowUp: 131, ArrowRight: 132, ArrowDown: 133,
                     Home: 134, End: 135, PageUp: 136, PageDown: 137, Insert: 138, Delete: 139, Escape: 140 };
function hackKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return 0;
  if (event.key in NAMED_KEYS) return NAMED_KEYS[event.key];
  const f = /^F([1-9]|1[0-2])$/.exec(event.key);
  if (f) return 140 + Number(f[1]);
  // a letter key is its capital with or without Shift, as on the course's CPU emulator (getKeyCode takes the
  // key's code for A..Z); the other keys give the character typed
  if (/^[a-z]$/i.test(event.key)) return event.key.toUpperCase().charCodeAt(0);
  if (event.key.length === 1) {
    const c = event.key.charCodeAt(0);
    if (c >= 32 && c <= 126) return c;
  }
  return 0;
}

function wireControls() {
  const screen = $('screen');
  screen.addEventListener('keydown', (e) => {
    const code = hackKey(e);
    if (!code || !page.loaded) return;
    e.preventDefault();
    if (code === page.heldKey) return; // (the key repeating while held)
    if (page.heldKey) queueKey(0); // a key pressed before the last was let go: a release between the two
    page.heldKey = code;
    queueKey(code);
  });
  screen.addEventListener('keyup', (e) => {
    const code = hackKey(e);
    if (!code || code !== page.heldKey) return;
    e.preventDefault();
    page.heldKey = 0;
    queueKey(0);
  });
  screen.addEventListener('blur', () => { if (page.hw && page.heldKey) queueKey(0); page.heldKey = 0; });
  $('run').addEventListener('click', () => {
    setRunning(!page.running);
    if (!page.running && !page.ended) {
      const where = page.hw.where();
      setStatus(page.name + ': paused at cycle ' + page.hw.cycles() + (where ? ', in ' + where : '') + '.');
    }
  });
  $('step').addEventListener('click', () => {
    setRunning(false);
    const state = runFor(1);
    if (!page.ended) setStatus(page.name + ': paused at cycle ' + page.hw.cycles() + (state === STATE.WAITING_KEY ? ', waiting for a key.' : '.'));
  });
  $('reset').addEventListener('click', () => {
    const ok = page.hw.reset();
    say(page.hw.text());
    page.ended = !ok;
    page.state = STATE.BUDGET;
    for (const id of ['run', 'step']) $(id).disabled = !ok;
    setRunning(false);
    setStatus(page.name + ': reset. Run, or click the screen and press a key.');
  });
  $('speed').addEventListener('change', (e) => { page.hz = Number(e.target.value); page.owed = 0; page.pacedSpeed = false; });
  $('check-heap').addEventListener('change', () => { if (page.path) load(page.path, page.path); });
  $('debug').addEventListener('change', () => { if (page.path) load(page.path, page.path); });
  $('show-ram').addEventListener('change', (e) => { $('ram-section').hidden = !e.target.checked; showRam(); });
  $('show-map').addEventListener('change', () => { if (page.path) load(page.path, page.path); });
  $('ram-address').addEventListener('input', showRam);
  $('ram-format').addEventListener('change', () => { $('ram-table').dataset.start = ''; showRam(); });
  for (const b of document.querySelectorAll('#ram-controls button'))
    b.addEventListener('click', () => {
      const at = b.dataset.at === 'SP' ? String(ramWords()[0]) : b.dataset.at;
      $('ram-address').value = at;
      showRam();
    });
  for (const [id, command] of [['d-step', 'step'], ['d-next', 'next'], ['d-finish', 'finish'], ['d-stepi', 'stepi']])
    $(id).addEventListener('click', () => { setRunning(false); debugCommand(command); });
  $('d-continue').addEventListener('click', () => setRunning(true)); // in slices: the page stays responsive
  const addWatch = () => {
    const what = $('d-watch').value.trim();
    if (!what) return;
    $('d-watch').value = '';
    debugCommand('watch ' + what);
    showPoints();
  };
  $('d-watch-add').addEventListener('click', addWatch);
  $('d-watch').addEventListener('keydown', (e) => { if (e.key === 'Enter') addWatch(); });
  $('d-command').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !e.target.value.trim()) return;
    const line = e.target.value.trim();
    e.target.value = '';
    if (/^(c|continue)$/.test(line)) setRunning(true);
    else debugCommand(line);
  });
  $('test').addEventListener('click', () => runTest($('tests').value));
  $('test-stop').addEventListener('click', () => {
    const name = page.test && page.test.name;
    if (!stopTest()) return;
    setStatus(`${name}: stopped before its end (no verdict).`, true);
    document.title = name + ' - stopped - hack';
  });
  $('grade').addEventListener('click', () => grade(page.openedTree || []));
  $('scale').addEventListener('change', (e) => {
    screen.style.width = 512 * Number(e.target.value) + 'px';
    screen.style.height = 256 * Number(e.target.value) + 'px';
  });
  // the largest crisp scale that fits the window (a narrow window, a Chromebook: 1)
  const fits = Math.max(1, Math.min(3, Math.floor((window.innerWidth - 40) / 512)));
  if (fits < Number($('scale').value)) {
    $('scale').value = String(fits);
    $('scale').dispatchEvent(new Event('change'));
  }
  $('samples').addEventListener('change', (e) => { if (e.target.value) openLink(e.target.value); });
  $('folder').addEventListener('change', async (e) => openTree(await fromFileList(e.target.files)));
  $('files').addEventListener('change', async (e) => openTree(await fromFileList(e.target.files)));
  document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', async (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    const files = [];
    for (const entry of entries) await readEntry(entry, '', files);
    openTree(files);
  });
}

// ---- index.html?bench: the interpreter's speed on W1 and W2 ----

async function bench() {
  const out = $('bench');
  out.hidden = false;
  const lines = ['program        instructions   median MIPS  [each run]'];
  const listing = await fetch('bench.txt'); // (the site has the benchmark programs when its build had them)
  const names = listing.ok ? (await listing.text()).split('\n').filter(Boolean) : [];
  if (!names.length) lines.push('no benchmark programs in this site (W1 and W2: ../shared/bench at build time)');
  for (const name of names) {
    const r = await fetch('bench/' + name);
    if (!r.ok) { lines.push(name + ': not in this site'); continue; }
    const data = new Uint8Array(await r.arrayBuffer());
    const runs = [];
    let cycles = 0;
    for (let i = 0; i < 5; i++) {
      openFiles([{ path: name, data }], '');
      const t0 = performance.now();
      let state;
      do state = page.hw.run(1e9); while (state === STATE.BUDGET);
      const seconds = (performance.now() - t0) / 1000;
      cycles = page.hw.cycles();
      runs.push(cycles / seconds / 1e6);
      page.hw.text();
    }
    const sorted = [...runs].sort((a, b) => a - b);
    lines.push(name.padEnd(14) + String(cycles).padStart(13) + String(Math.round(sorted[2])).padStart(13) +
               '  [' + runs.map((x) => Math.round(x)).join(' ') + ']');
    out.textContent = lines.join('\n');
  }
  out.textContent = lines.join('\n');
  document.title = 'bench done';
}

// for the browser tests: what the machine holds
window.hackPage = {
  cycles: () => (page.hw ? page.hw.cycles() : 0),
  state: () => page.state,
  running: () => page.running,
  benchCsv: () => page.hw.benchCsv(),
  debugCommand: (line) => debugCommand(line),
  ram: (from, count) => Array.from(ramWords().subarray(from, from + count)),
  testRunning: () => !!page.test,
  ready: () => !!page.hw,
  ended: () => page.ended,
};
