// Runs a program built from Jack (a use after free inside) for 3 million cycles: with --check-heap the
// script run reports the bad access as a headless run does.
load UseAfterFree.hack,
repeat 3000000 {
    ticktock;
}
