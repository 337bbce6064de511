/* Every command and format, on the harness's program assembled from Prog.asm. */
load Prog.asm,
output-file Every.out,
output-list time%S1.4.1 A%X1.4.1 D%B1.16.1 PC%D1.6.1 RAM[3]%D1.6.1 ROM[0]%B1.16.1 RAM[16384]%X2.4.2;
set A %X7FFF, set D %B1010, set RAM[0] -5, set ROM[30] %D-1,
breakpoint RAM[3] 2,
echo "starting";
clear-echo;
repeat 20 { tick, output; tock, output; }
clear-breakpoints;
while RAM[3] < 10 { ticktock; }
while PC <> 7 { ticktock; output; }
set PC 0,
repeat { ticktock; }
