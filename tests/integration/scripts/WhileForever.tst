// The condition never changes, no instruction runs: the script stops after as many rounds as --cycles says.
load sum.asm,
while RAM[0] = 0 {
    set RAM[1] 1,
}
