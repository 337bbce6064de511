// Runs sum.asm (1 + ... + 100 into R0) and checks R0 before and after.
load sum.asm,
output-file Sum.out,
compare-to Sum.cmp,
output-list RAM[0]%D1.5.2;
set RAM[0] 7,
output;
echo "summing";
repeat 1410 {
    ticktock;
}
output;
