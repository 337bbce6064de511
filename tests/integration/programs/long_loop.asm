// 156 million instructions (past the 50 million after which hackemu compiles the program), then halts:
// R1 counts 1200 outer rounds, R0 10000 inner steps; each step writes R5 through a pointer (R3) and reads it
// back at its address, R2 sums. The native tier keeps R5 in a local and hands the write to the interpreter,
// until it sees how often and translates again without the kept words.
    @1200
    D=A
    @R1
    M=D
    @R5
    D=A
    @R3
    M=D
(OUTER)
    @R0
    M=0
(INNER)
    @R0
    MD=M+1
    @R3
    A=M
    M=D
    @R5
    D=M
    @R2
    M=D+M
    @10000
    D=D-A
    @INNER
    D;JLT
    @R1
    MD=M-1
    @OUTER
    D;JGT
(END)
    @END
    0;JMP
