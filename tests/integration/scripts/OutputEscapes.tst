// output-file with a path: refused (outputs stay in the output folder)
load sum.asm,
output-file ../Escape.out,
output-list RAM[0]%D1.6.1;
output;
