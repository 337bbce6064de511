// The script runner's speed: 100 million ticktocks of W1 (load it with --load-dir pointing at the bench
// programs). Compare its MIPS with W1 run headless.
load w1_loop.asm,
repeat 100000000 {
    ticktock;
}
