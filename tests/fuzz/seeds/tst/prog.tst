// The harness's fixed program: R2 = R0 + R1, then a loop on R3 and the screen.
load Prog.hack,
output-file Prog.out,
compare-to Prog.cmp,
output-list RAM[0]%D2.4.0 RAM[1]%D2.4.0 RAM[2]%D2.4.0;
set RAM[0] 3, set RAM[1] 4,
repeat 6 { ticktock; }
output;
