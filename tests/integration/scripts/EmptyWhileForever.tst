// An empty body: every round still counts against the bound --cycles sets.
load sum.asm,
while RAM[0] = 0 { }
