// never ends: the loop does no ticktock, and the cycle limit counts ticktocks
repeat {
    tock;
}
