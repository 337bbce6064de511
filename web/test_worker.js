// Runs one test script in a worker of its own, with its own instance of the WebAssembly build: a long script
// (the course's allow a billion cycles) leaves the page responsive, and Stop ends it by ending the worker.
// Message in: {root, dir, files: [{name, data}], script, checkHeap}, the folder as the page holds it (no .out files).
// Message out: {status, text, out, outName, ram, heapProblems}: the verdict and notes, the .out, the RAM at the end.
'use strict';

let ready;
const started = new Promise((resolve) => { ready = resolve; });
self.Module = { print: () => {}, printErr: () => {}, onRuntimeInitialized: () => ready() };
importScripts('hack.js');

function mkdirs(path) {
  let at = '';
  for (const part of path.split('/').filter(Boolean)) {
    at += '/' + part;
    try { Module.FS.mkdir(at); } catch (e) { /* there already */ }
  }
}

self.onmessage = async (event) => {
  await started;
  const { root, dir, files, script, checkHeap } = event.data;
  mkdirs(dir);
  for (const f of files) Module.FS.writeFile(dir + '/' + f.name, f.data);
  Module.FS.chdir(root);
  const status = Module.ccall('hw_test', 'number', ['string', 'number'], [script, checkHeap ? 1 : 0]);
  const text = Module.ccall('hw_take_text', 'string', [], []);
  // the output file the script named (output-file: SimpleAddVME.tst writes SimpleAdd.out): the .out now there
  const outName = Module.FS.readdir(dir).filter((n) => /\.out$/i.test(n)).sort()[0] || '';
  const out = outName ? Module.FS.readFile(dir + '/' + outName) : null;
  const at = Module.ccall('hw_ram', 'number', [], []) / 2;
  const ram = Module.HEAPU16.slice(at, at + 32768);
  const heapProblems = Module.ccall('hw_heap_problems', 'number', [], []);
  self.postMessage({ status, text, out, outName, ram, heapProblems }, [ram.buffer]);
};
