// The boot check: the course's compiled OS and jack/DeAllocThenHalt/Main.jack in a folder, two million
// vmsteps (Main.main returns after about 1.12 million, then Sys.halt's loop of 5 steps), RAM[0] after each
// of the last five steps. BootDeAlloc.cmp is the course's VM emulator's output for this script (run on the
// same Main.vm); vmstep counts as it counts, so the loop's phase, and SP, are the same.
load,
output-file BootDeAlloc.out,
compare-to BootDeAlloc.cmp,
output-list RAM[0]%D1.6.1 RAM[17000]%D1.6.1;
repeat 1999996 {
    vmstep;
}
output;
vmstep, output;
vmstep, output;
vmstep, output;
vmstep, output;
