// The same run against a compare file that expects 5051: fails at its third line.
load sum.asm,
output-file SumWrong.out,
compare-to SumWrong.cmp,
output-list RAM[0]%D1.5.2;
set RAM[0] 7,
output;
repeat 1410 { ticktock; }
output;
