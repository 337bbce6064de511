// Loads in a loop: every load builds the program again, and the cycle limit lets this one load
// 20,000 times, which took libFuzzer past its timeout. The harness does not run such scripts.
load,
repeat 1000000 {
    ticktock;
    load,
    load,
}
