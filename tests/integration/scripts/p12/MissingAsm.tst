// A CPU script whose .asm (the student's VM translator's output) is not there: an error, as in the
// course's CPU emulator, unless --translate asks hackemu to make it.
load Answer.asm,
output-file MissingAsm.out,
output-list RAM[256]%D1.6.1;
set RAM[0] 256,
repeat 100 {
    ticktock;
}
output;
