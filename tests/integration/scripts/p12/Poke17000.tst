// The shape of the course's project 12 scripts: load, a million vmsteps, no `set sp`.
load,
output-file Poke17000.out,
compare-to Poke17000.cmp,
output-list RAM[0]%D2.6.1 RAM[17000]%D2.6.1 RAM[17001]%D2.6.1;
repeat 1000000 {
    vmstep;
}
output;
