// The same program with the course's compiled OS in the folder, sampled as the course's VM emulator was
// measured: SP after 100,000, 300,000, 1,000,000 and 3,000,000 vmsteps (the course's Sys.init reaches
// Main.main after 1,110,257 steps), and the two words written at the end.
load,
output-file Poke17000Steps.out,
compare-to Poke17000Steps.cmp,
output-list RAM[0]%D1.6.1 RAM[17000]%D1.6.1 RAM[17001]%D1.6.1;
repeat 100000 {
    vmstep;
}
output;
repeat 200000 {
    vmstep;
}
output;
repeat 700000 {
    vmstep;
}
output;
repeat 2000000 {
    vmstep;
}
output;
