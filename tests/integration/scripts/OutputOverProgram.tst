// output-file naming the program under test: refused (it would replace sum.asm)
load sum.asm,
output-file sum.asm,
output-list RAM[0]%D1.6.1;
output;
