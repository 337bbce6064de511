// The condition never changes: the script stops at its command limit.
load sum.asm,
while RAM[0] = 0 {
    set RAM[1] 1,
}
