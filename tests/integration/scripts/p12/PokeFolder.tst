load Poke17000,
output-file PokeFolder.out,
compare-to Poke17000.cmp,
output-list RAM[0]%D2.6.1 RAM[17000]%D2.6.1 RAM[17001]%D2.6.1;
repeat 1000000 {
    vmstep;
}
output;
