// 132 million instructions (past the 50 million after which hackemu compiles the program), then halts:
// R1 counts 1200 outer rounds, R0 10000 inner steps; each step writes R4 through a pointer (R3), which the
// native tier hands to the interpreter (R0..R15 live in its locals), and R2 sums.
    @1200
    D=A
    @R1
    M=D
    @R4
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
