// A program that frees a block twice, run with the native Memory: the heap stops the program, and so
// does the script (it used to spin forever on zero cycles).
load,
output-file BadFree.out,
set sp 256,
repeat 1000000 {
    vmstep;
}
