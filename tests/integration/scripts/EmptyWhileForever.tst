// An empty body: every iteration still counts against the command limit.
load sum.asm,
while RAM[0] = 0 { }
