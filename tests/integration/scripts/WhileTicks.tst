// A while that ends: forever.asm adds 1 to R0 on the 2nd of every 4 instructions, so R0 reaches 3000 after
// 4 * 2999 + 2 = 11998 ticks. --cycles 20000 lets it end; --cycles 5000 stops it at the cycle limit.
load forever.asm,
while RAM[0] < 3000 {
    tick, tock;
}
echo "done";
