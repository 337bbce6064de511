// Output without end: the script stops when the .out file grows past its limit.
load sum.asm,
output-file OutputForever.out,
output-list RAM[0]%D1.6.1;
repeat {
    output;
}
